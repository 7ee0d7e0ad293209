// One detection pass over a run's new events, independent of where events and state live: the
// hourly run reads them from PostgreSQL (detect-run.ts), the offline command from a file
// (offline.ts). Both go through this module, so they evaluate the same chunks with the same
// look-back, clock and state, and produce the same detections.
//
// The pass cuts the new events into chunks of at most CHUNK_NEW_EVENTS (whole hours where they fit, an
// hour with more new events than that in runs of whole minutes), evaluates each chunk with the look-back
// its rules need, carries rule state from chunk to chunk, and finally lets absence rules ("A not followed
// by B") decide against the clock. The clock is the newest event's time,
// not the wall clock: a re-run or an offline replay of the same events decides the same way.
import { prepareEvaluation } from '../engine.js';
import { lookbackRelevance, type EventLoadGroup, type LookbackFilter } from '../load-plan.js';
import { addDelta, formatDelta, overlay, readRows, stateRowId, StateView, type LoadedRow, type StateDelta } from '../kinds/state.js';
import {
  decidesByClock,
  eventLoadPlan,
  type DetectionMatch,
  type DetectionSettings,
  type OktaLogEvent,
  type Rule,
  type StateChange,
  type StateKey,
  type StateRow,
} from '../index.js';

/**
 * New events per evaluated chunk: bounds the events held at once and lets the step heartbeat through a backlog. A
 * chunk also holds the look-back its rules count for the groups active in it, which follows the chunk's size
 * (bench/README.md, `bench/detect-hour.ts`).
 */
export const CHUNK_NEW_EVENTS = 50_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

/** Event types with their load range, as `eventLoadPlan` groups them. */
export interface LoadGroup {
  readonly eventTypes: readonly string[];
  readonly from: number;
  readonly to: number;
}

export interface EventSource {
  /**
   * The run's new events counted per UTC minute of `published` (minute start in epoch ms), ascending, minutes
   * without new events left out: what the pass cuts into chunks, so an event counted in a minute must be loaded
   * as new by `load` for any range [newFrom, newTo) of whole minutes that contains it.
   */
  newEventMinutes(): Promise<Array<{ start: number; n: number }>>;
  /** Newest `published` among the integration's events (epoch ms), if any. */
  watermark(): Promise<number | undefined>;
  /**
   * Events of each group's types published in [from, to), and which of them are new events of this run
   * published in [newFrom, newTo). Of the events outside [newFrom, newTo), only those `relevant` accepts (with
   * whether the event is one of the run's new events): ask it as each event is read, so that the others are never
   * held.
   */
  load(
    groups: readonly LoadGroup[],
    newFrom: number,
    newTo: number,
    relevant: LookbackFilter,
  ): Promise<{ events: OktaLogEvent[]; isNew: (e: OktaLogEvent) => boolean }>;
}

type RelevanceByRange = ReturnType<typeof lookbackRelevance>;

export interface StateSource {
  /** Stored rows for these keys (missing rows are simply absent). */
  load(keys: readonly StateKey[]): Promise<StateRow[]>;
}

/**
 * Rule state through a pass: the stored rows overlaid with the pass's own changes so far, so that a later chunk sees
 * what an earlier one learnt. The pass's changes are persisted with its detections, at its end. The hourly run keeps
 * them in PostgreSQL meanwhile (`stagedPassState`, detections/run/state.ts), so that it holds one chunk's state at a
 * time however many entities its hour touches; the offline command and in-memory callers in memory
 * (`passStateInMemory`).
 */
export interface PassState {
  /** The rows of these keys as a chunk sees them (`overlay`). */
  viewFor(keys: readonly StateKey[]): Promise<StateView>;
  /** Adds a chunk's changes to the pass's own, merged per key (`mergeDelta`). */
  apply(deltas: readonly StateDelta[]): Promise<void>;
}

export interface PassResult {
  matches: DetectionMatch[];
  /** The clock absence rules were decided by (ISO), if there were events. */
  watermark?: string;
  evaluatedEvents: number;
  chunks: number;
}

export interface PassOptions {
  settings?: DetectionSettings;
  onProgress?: (p: { chunks: number; evaluatedEvents: number }) => void;
  onRuleError?: (ruleId: string, error: unknown) => void;
  chunkNewEvents?: number;
}

export async function runDetectionPass(
  rules: readonly Rule[],
  events: EventSource,
  state: PassState,
  opts: PassOptions = {},
): Promise<PassResult> {
  const settings = opts.settings ?? {};
  const plan = eventLoadPlan(rules, settings);
  const rings = loadRings(plan);
  const watermark = await events.watermark();
  const empty: PassResult = { matches: [], evaluatedEvents: 0, chunks: 0 };
  if (plan.length === 0 || watermark === undefined) return empty;

  const now = new Date(watermark);
  const result: PassResult = { ...empty, watermark: now.toISOString() };

  const evaluateChunk = async (subset: readonly Rule[], relevantTo: RelevanceByRange, groups: LoadGroup[], newFrom: number, newTo: number) => {
    const { events: loaded, isNew } = await loadChunk(events, relevantTo, groups, newFrom, newTo);
    const base = { isNew, settings, now, ...(opts.onRuleError ? { onRuleError: opts.onRuleError } : {}) };
    // The events are sorted and indexed once for both the state keys and the evaluation.
    const prepared = prepareEvaluation(subset, loaded, base);
    const run = prepared.evaluateLoaded(await state.viewFor(prepared.stateKeys()));
    result.matches.push(...run.matches);
    await state.apply(run.stateDeltas);
    result.evaluatedEvents += loaded.length;
    result.chunks += 1;
    opts.onProgress?.({ chunks: result.chunks, evaluatedEvents: result.evaluatedEvents });
  };

  const relevantTo = lookbackRelevance(rules, settings);
  for (const chunk of chunksOfNewEvents(await events.newEventMinutes(), opts.chunkNewEvents)) {
    // Events up to a look-back before the chunk, and after it those not left to a later chunk (lookbackRelevance),
    // complete the windows of its new events.
    await evaluateChunk(rules, relevantTo, loadGroups(rings, chunk.start, chunk.end), chunk.start, chunk.end);
  }

  // Absences are decided by the clock, also in a run that brought nothing new for them.
  const absenceRules = rules.filter((rule) => rule.kind === 'sequence' && rule.absent === true);
  if (decidesByClock(absenceRules, settings)) {
    const clockRings = loadRings(eventLoadPlan(absenceRules, settings));
    // Look-back only: [watermark − look-back, watermark + 1).
    const groups = loadGroups(clockRings, watermark, watermark + 1).map((g) => ({ ...g, to: Math.min(g.to, watermark + 1) })).filter((g) => g.from < g.to);
    await evaluateChunk(absenceRules, lookbackRelevance(absenceRules, settings), groups, watermark + 1, watermark + 1);
  }

  return result;
}

/**
 * A chunk's events in two reads: first those in [newFrom, newTo), all kept, then those around it, which the look-back
 * filter judges knowing the chunk's own events (the groups its rules can report: `lookbackRelevance`). The second read
 * holds no new events of the chunk (its range is empty).
 */
async function loadChunk(
  events: EventSource,
  relevantTo: RelevanceByRange,
  groups: readonly LoadGroup[],
  newFrom: number,
  newTo: number,
): Promise<{ events: OktaLogEvent[]; isNew: (e: OktaLogEvent) => boolean }> {
  const inside = groups.map((g) => ({ ...g, from: Math.max(g.from, newFrom), to: Math.min(g.to, newTo) })).filter((g) => g.from < g.to);
  const outside = groups.flatMap((g) => [
    { ...g, to: Math.min(g.to, newFrom) },
    { ...g, from: Math.max(g.from, newTo) },
  ]).filter((g) => g.from < g.to);
  const chunk = await events.load(inside, newFrom, newTo, () => true);
  const around = await events.load(outside, newTo, newTo, relevantTo(newFrom, newTo, chunk.events));
  return { events: [...chunk.events, ...around.events], isNew: chunk.isNew };
}

/**
 * Cuts the run's new events, counted per minute, into `[start, end)` chunks of at most `limit` new events. Hours that
 * fit are kept whole and consecutive ones grouped, as before hours could be split; an hour with more than `limit` new
 * events is cut at minute starts into pieces of about equal size, which together cover the hour exactly. A minute is
 * never split (one minute with more than `limit` new events is a chunk of its own): boundaries are minute starts, so
 * events with one timestamp always fall in one chunk, and each new event in exactly one.
 */
export function chunksOfNewEvents(minutes: ReadonlyArray<{ start: number; n: number }>, limit = CHUNK_NEW_EVENTS): Array<{ start: number; end: number }> {
  const pieces: Array<{ start: number; end: number; n: number }> = [];
  for (let i = 0; i < minutes.length; ) {
    const hour = Math.floor(minutes[i].start / HOUR) * HOUR;
    let j = i;
    let n = 0;
    while (j < minutes.length && minutes[j].start < hour + HOUR) n += minutes[j++].n;
    if (n <= limit) {
      pieces.push({ start: hour, end: hour + HOUR, n });
    } else {
      // Even pieces: the fewest the limit allows, so no piece is a small remainder that still pays a whole look-back.
      const target = Math.ceil(n / Math.ceil(n / limit));
      let piece = { start: hour, end: hour + HOUR, n: 0 };
      for (let k = i; k < j; k++) {
        if (piece.n > 0 && (piece.n >= target || piece.n + minutes[k].n > limit)) {
          pieces.push({ ...piece, end: minutes[k].start });
          piece = { start: minutes[k].start, end: hour + HOUR, n: 0 };
        }
        piece.n += minutes[k].n;
      }
      pieces.push(piece);
    }
    i = j;
  }
  // Adjacent pieces are evaluated together while they fit: fewer chunks, fewer look-backs read again.
  const chunks: typeof pieces = [];
  for (const piece of pieces) {
    const last = chunks[chunks.length - 1];
    if (last && last.end === piece.start && last.n + piece.n <= limit) {
      last.end = piece.end;
      last.n += piece.n;
    } else {
      chunks.push({ ...piece });
    }
  }
  return chunks.map(({ start, end }) => ({ start, end }));
}

/**
 * The part of the load plan one set of patterns reads: its events from `outer` minutes before the chunk to `outer`
 * after, except the `inner` minutes around the chunk that broader patterns already read (−1: none do).
 */
export interface LoadRing {
  readonly eventTypes: readonly string[];
  readonly outer: number;
  readonly inner: number;
}

/**
 * The load plan as rings that never read an event twice. `eventLoadPlan` gives each pattern its longest look-back, but
 * patterns overlap: '*' (a rule over every type) reads every sign-in that `user.session.start` reads again, and
 * `user.authentication.*` every `user.authentication.sso`. Overlapping patterns always nest (a type matches '*', the
 * globs that prefix it, and its own name), so each pattern reads only what lies beyond the look-back of the patterns
 * around it, and none if they look back as far. The union read per type is the same as the plan's: the engine gets
 * the same events, each once, instead of duplicates it would have to parse, sort and drop.
 */
export function loadRings(plan: readonly EventLoadGroup[]): LoadRing[] {
  const lookback = new Map<string, number>();
  for (const group of plan) {
    for (const type of group.eventTypes) {
      const pattern = type.toLowerCase();
      lookback.set(pattern, Math.max(lookback.get(pattern) ?? 0, group.lookbackMinutes));
    }
  }
  const rings = new Map<string, { outer: number; inner: number; eventTypes: string[] }>();
  for (const [pattern, outer] of lookback) {
    let inner = -1;
    for (const [other, minutes] of lookback) if (other !== pattern && covers(other, pattern)) inner = Math.max(inner, minutes);
    if (inner >= outer) continue;
    const id = `${outer}/${inner}`;
    const ring = rings.get(id);
    if (ring) ring.eventTypes.push(pattern);
    else rings.set(id, { outer, inner, eventTypes: [pattern] });
  }
  return [...rings.values()]
    .sort((a, b) => b.outer - a.outer || b.inner - a.inner)
    .map((ring) => ({ ...ring, eventTypes: ring.eventTypes.sort() }));
}

/** Every type `inner` matches, `outer` matches too (lower-cased patterns: exact, 'prefix*' or '*'). */
function covers(outer: string, inner: string): boolean {
  if (outer === '*') return true;
  if (!outer.endsWith('*')) return outer === inner;
  if (inner === '*') return false;
  return inner.startsWith(outer.slice(0, -1));
}

/** The rings' load groups for new events in [start, end): [start − outer, start − inner) and [end + inner, end + outer). */
export function loadGroups(rings: readonly LoadRing[], start: number, end: number): LoadGroup[] {
  const groups: LoadGroup[] = [];
  for (const { eventTypes, outer, inner } of rings) {
    if (inner < 0) {
      groups.push({ eventTypes, from: start - outer * MINUTE, to: end + outer * MINUTE });
      continue;
    }
    groups.push({ eventTypes, from: start - outer * MINUTE, to: start - inner * MINUTE });
    groups.push({ eventTypes, from: end + inner * MINUTE, to: end + outer * MINUTE });
  }
  return groups.filter((g) => g.from < g.to);
}

/** The rows stored before a pass, for in-memory callers that start from nothing. */
const NOTHING_STORED: StateSource = { load: async () => [] };

/**
 * A pass's state in memory: the stored rows read once and the pass's changes, kept from chunk to chunk in epoch ms and
 * formatted once by `changes()`. For callers whose events are in memory anyway (the offline command, tests, benches).
 */
export function passStateInMemory(stored: StateSource = NOTHING_STORED): PassState & { changes(): StateChange[] } {
  return new InMemoryPassState(stored);
}

class InMemoryPassState implements PassState {
  private readonly loaded = new Map<string, LoadedRow | null>();
  private readonly pending = new Map<string, StateDelta>();
  /** Stored row merged with the pending change, per key, until the next change to it: chunks ask for the same keys. */
  private readonly current = new Map<string, LoadedRow | null>();

  constructor(private readonly stored: StateSource) {}

  async viewFor(keys: readonly StateKey[]): Promise<StateView> {
    const ids = keys.map(stateRowId);
    const missing = keys.filter((_, i) => !this.loaded.has(ids[i]));
    if (missing.length > 0) {
      const found = readRows(await this.stored.load(missing));
      for (const k of missing) {
        const id = stateRowId(k);
        this.loaded.set(id, found.get(id) ?? null);
      }
    }
    const rows = new Map<string, LoadedRow>();
    for (const id of ids) {
      let row = this.current.get(id);
      if (row === undefined) {
        row = overlay(this.loaded.get(id) ?? null, this.pending.get(id));
        this.current.set(id, row);
      }
      if (row) rows.set(id, row);
    }
    return StateView.ofLoaded(rows);
  }

  async apply(deltas: readonly StateDelta[]): Promise<void> {
    for (const delta of deltas) this.current.delete(addDelta(this.pending, delta));
  }

  changes(): StateChange[] {
    return [...this.pending.values()].map(formatDelta).sort((a, b) => stateRowId(a).localeCompare(stateRowId(b)));
  }
}

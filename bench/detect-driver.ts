// The hourly run's own driver, `runDetectionPass` (detections/run/pass.ts), over events and state held in
// memory instead of PostgreSQL: as a tenant's first run over a backlog, and as one run per hour with state
// kept between runs. The sources answer from indexes (by type, by time) as the tables' indexes would, and
// time themselves, so the engine's share can be told apart from theirs.
import { mergeStateRows, typeMatches, type DetectionMatch, type LookbackFilter, type OktaLogEvent, type Rule, type StateChange, type StateKey, type StateRow } from '../detections/index.js';
import { passStateInMemory, runDetectionPass, type EventSource, type LoadGroup, type StateSource } from '../detections/run/pass.js';
import { Checksum, message, secondsSince } from './detect-engine.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;

type StoredRow = StateRow & { readonly expiresAt?: string };
const rowId = (k: StateKey) => `${k.ruleId}\u0000${k.entity}\u0000${k.value}`;

/** The `detection_state` table in a Map: rows by key, upserted with `mergeStateRows`, pruned by the run's clock. */
export class MemoryState implements StateSource {
  private readonly rows = new Map<string, StoredRow>();
  /** Rows that expired before this instant are gone (pruneDetectionState after every run). */
  private prunedBefore = -Infinity;
  seconds = 0;

  get size(): number {
    return this.rows.size;
  }

  private live(id: string): StoredRow | undefined {
    const row = this.rows.get(id);
    if (row && row.expiresAt !== undefined && Date.parse(row.expiresAt) < this.prunedBefore) {
      this.rows.delete(id);
      return undefined;
    }
    return row;
  }

  async load(keys: readonly StateKey[]): Promise<StateRow[]> {
    const t0 = performance.now();
    const rows: StateRow[] = [];
    for (const k of keys) {
      const row = this.live(rowId(k));
      if (row) rows.push(row);
    }
    this.seconds += secondsSince(t0);
    return rows;
  }

  /** saveDetectionState, then pruneDetectionState(watermark), as the detection step's transaction does. */
  save(changes: readonly StateChange[], watermark: string | undefined): void {
    const t0 = performance.now();
    const touched: StoredRow[] = [];
    for (const c of changes) {
      const row = this.live(rowId(c));
      if (row) touched.push(row);
    }
    for (const row of mergeStateRows(touched, changes)) this.rows.set(rowId(row), row);
    if (watermark) this.prunedBefore = Date.parse(watermark);
    this.seconds += secondsSince(t0);
  }
}

/**
 * Events sorted by published, with their times and, per event type, their positions (the `events` table's
 * indexes on type and time, in effect); a source shows the first `delivered` of them.
 */
export class MemoryEvents {
  readonly times: Float64Array;
  seconds = 0;
  private readonly byType = new Map<string, Int32Array>();
  private readonly typesOf = new WeakMap<readonly string[], Int32Array[]>();

  constructor(readonly events: readonly OktaLogEvent[]) {
    this.times = Float64Array.from(events, (e) => Date.parse(e.published));
    const lists = new Map<string, number[]>();
    events.forEach((e, i) => {
      const list = lists.get(e.eventType);
      if (list) list.push(i);
      else lists.set(e.eventType, [i]);
    });
    for (const [type, list] of lists) this.byType.set(type, Int32Array.from(list));
  }

  /** First index whose time is ≥ t. */
  indexAt(t: number): number {
    return lowerBound(this.times.length, (i) => this.times[i] < t);
  }

  /** Position lists of the event types that match any of the patterns, computed once per pattern list. */
  private listsFor(patterns: readonly string[]): Int32Array[] {
    let lists = this.typesOf.get(patterns);
    if (!lists) {
      lists = [...this.byType].filter(([type]) => patterns.some((p) => typeMatches(type, p))).map(([, l]) => l);
      this.typesOf.set(patterns, lists);
    }
    return lists;
  }

  /** A run that has received events [0, delivered), of which [newStart, delivered) are its new ones. */
  source(newStart: number, delivered: number): EventSource {
    const { events, times } = this;
    return {
      newEventMinutes: async () => {
        const minutes: Array<{ start: number; n: number }> = [];
        for (let i = newStart; i < delivered; i++) {
          const start = Math.floor(times[i] / MINUTE) * MINUTE;
          const last = minutes[minutes.length - 1];
          if (last && last.start === start) last.n++;
          else minutes.push({ start, n: 1 });
        }
        return minutes;
      },
      watermark: async () => (delivered > 0 ? times[delivered - 1] : undefined),
      load: async (groups: readonly LoadGroup[], newFrom: number, newTo: number, relevant: LookbackFilter) => {
        const t0 = performance.now();
        const loaded: OktaLogEvent[] = [];
        const fresh = new Set<OktaLogEvent>();
        for (const group of groups) {
          const lo = this.indexAt(group.from);
          const hi = Math.min(delivered, this.indexAt(group.to));
          // Each group in time order, one after the other, as the SQL query per group returns them.
          const picked: number[] = [];
          for (const list of this.listsFor(group.eventTypes)) {
            for (let k = lowerBound(list.length, (j) => list[j] < lo); k < list.length && list[k] < hi; k++) picked.push(list[k]);
          }
          const ordered = Int32Array.from(picked).sort();
          for (const i of ordered) {
            if (!relevant(events[i], i >= newStart)) continue;
            loaded.push(events[i]);
            if (i >= newStart && times[i] >= newFrom && times[i] < newTo) fresh.add(events[i]);
          }
        }
        this.seconds += secondsSince(t0);
        return { events: loaded, isNew: (e: OktaLogEvent) => fresh.has(e) };
      },
    };
  }
}

/** Smallest i in [0, n) with !before(i), for a predicate true on a prefix. */
function lowerBound(n: number, before: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface DriverResult {
  matches: DetectionMatch[];
  runs: number;
  chunks: number;
  /** runDetectionPass time minus the time spent in the in-memory sources (state save included there). */
  engineSeconds: number;
  /** Event and state sources: stand-ins for the SQL reads and writes, not engine time. */
  sourceSeconds: number;
  slowestRunSeconds: number;
  slowestRunAt: string;
  evaluatedEvents: number;
  newEvents: number;
  stateRows: number;
  errors: Map<string, string>;
  /** Every run's matches and state changes, in order (all runs, counted or not). */
  checksum: Checksum;
}

function emptyResult(): DriverResult {
  return {
    matches: [], runs: 0, chunks: 0, engineSeconds: 0, sourceSeconds: 0, slowestRunSeconds: 0, slowestRunAt: '-',
    evaluatedEvents: 0, newEvents: 0, stateRows: 0, errors: new Map(), checksum: new Checksum(),
  };
}

async function onePassRun(
  rules: readonly Rule[], store: MemoryEvents, state: MemoryState, newStart: number, delivered: number, result: DriverResult,
): Promise<{ matches: DetectionMatch[]; seconds: number }> {
  const before = store.seconds + state.seconds;
  const t0 = performance.now();
  const passState = passStateInMemory(state);
  const pass = await runDetectionPass(rules, store.source(newStart, delivered), passState, {
    onRuleError: (id, err) => result.errors.set(id, message(err)),
  });
  const changes = passState.changes();
  state.save(changes, pass.watermark);
  const wall = secondsSince(t0);
  const source = store.seconds + state.seconds - before;
  result.runs++;
  result.chunks += pass.chunks;
  result.engineSeconds += wall - source;
  result.sourceSeconds += source;
  result.evaluatedEvents += pass.evaluatedEvents;
  result.newEvents += delivered - newStart;
  result.stateRows = state.size;
  result.checksum.matches(pass.matches).stateChanges(changes);
  return { matches: pass.matches, seconds: wall - source };
}

/** A tenant's first hourly run over a backlog of every event (no state): chunks of ≤ 50k new events. */
export async function backlogRun(rules: readonly Rule[], store: MemoryEvents): Promise<DriverResult> {
  const result = emptyResult();
  const run = await onePassRun(rules, store, new MemoryState(), 0, store.events.length, result);
  result.matches = run.matches;
  result.slowestRunSeconds = run.seconds;
  return result;
}

/**
 * One hourly run per UTC hour: its new events are that hour's; it sees every event delivered so far (none
 * later: in real time the next hour has not happened), and the state the previous runs left. Matches of
 * runs before `countFrom` are left out of the result (a warm-up that only builds state).
 */
export async function hourlyRuns(
  rules: readonly Rule[], store: MemoryEvents, state = new MemoryState(), countFrom = -Infinity,
): Promise<DriverResult> {
  const result = emptyResult();
  const { times } = store;
  if (times.length === 0) return result;
  for (let hour = Math.floor(times[0] / HOUR) * HOUR, next = 0; next < times.length; hour += HOUR) {
    const newStart = next;
    next = store.indexAt(hour + HOUR);
    if (next === newStart) continue; // nothing delivered: the clock (newest event) would not move, so nothing changes
    const run = await onePassRun(rules, store, state, newStart, next, result);
    if (hour < countFrom) continue;
    for (const m of run.matches) result.matches.push(m);
    if (run.seconds > result.slowestRunSeconds) {
      result.slowestRunSeconds = run.seconds;
      result.slowestRunAt = `${new Date(hour).toISOString().slice(0, 13)}h`;
    }
  }
  return result;
}

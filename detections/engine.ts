/**
 * Detection engine: runs rules over raw Okta System Log events and returns matches (and, for stateful kinds, the
 * state changes to persist).
 *
 * Contract with the caller (the hourly detection run):
 * 1. Pass this run's NEW events plus LOOK-BACK events (already processed by earlier runs) going back, per event
 *    type, as far as `eventLoadPlan(rules, settings)` says before the oldest new event (`lookbackMinutes` is the
 *    longest of them), and say which are new with `opts.isNew`. Look-back events that `lookbackRelevance` rejects
 *    may be left out (load-plan.ts). Order does not matter (the engine sorts by
 *    `published`, then uuid); repeated uuids are counted once.
 * 2. A match is returned only if at least one of its events is new. Windows lying entirely in the look-back are not
 *    reported again; windows crossing the run boundary (old + new events) are caught. Exception: absence rules
 *    ("A not followed by B") are decided by the clock, `opts.now`, long after their events arrived; state remembers
 *    that they were reported.
 * 3. Within one evaluation, overlapping windows of one group are merged: a burst is one match, however long.
 *    Single rules judge new events only (they need no history); their hits of one group closer than the rule's
 *    dedupe period are merged too.
 * 4. `groupKey` names the entity (e.g. 'user:00u…', 'ip:203.0.113.9') and depends on the events only, never on time
 *    or on where the run boundary falls; `dedupeKey` is `${ruleId}:${groupKey}`. The caller persists matches and
 *    merges a match into an open detection with the same dedupeKey when
 *    `match.firstEventAt <= detection.lastEventAt + dedupePeriodMinutes` (overlap included, since a burst crossing
 *    the boundary is reported again with its earlier events), extending the detection's lastEventAt, count and
 *    evidence. Otherwise it opens a new detection. A burst longer than the look-back comes back with its start cut
 *    at the look-back edge (firstEventAt later than first reported), but with the same keys, so it still merges.
 * 5. The engine is pure: no I/O, no clock, nothing kept between calls. Stateful kinds (baseline, geo-velocity,
 *    alert chains, absences) read `opts.state` — the rows listed by `stateKeys(rules, events, opts)`, loaded by the
 *    caller — and `evaluateRun` returns the upserts to persist (`stateChanges`, merged first_seen = min,
 *    last_seen = max: idempotent). Without state those kinds still run, with no memory beyond the events passed.
 *    A rule that throws fails the evaluation, unless `opts.onRuleError` is given: then it is reported and skipped
 *    (its state changes are dropped with it).
 *
 * Order: rules without alert steps first; then alert-step sequences, which see every candidate of those (reported
 * or not). Cost: one sort (a linear check when the events already come in time order), one pass to index by
 * eventType, then per rule only the events of its types; threshold rules slide a two-pointer window per group and
 * sequences a range per entity, so the work is linear (sequences: n log n) in the events.
 */
import { EntryMemo, type AlertCandidate, type KeyContext, type KindContext, type KindScan } from './kinds/context.js';
import { candidatesFor, listKindStateKeys, scanFor, statelessScan, warmerFor } from './kinds/dispatch.js';
import { StateChangeSet, StateKeyList, StateView, type StateDelta } from './kinds/state.js';
import { clearFocus, focusEvent } from './fields.js';
import { DEFAULT_EVIDENCE_CAP, isReportable, severityOf, toDetectionMatch, type MatchCandidate } from './match.js';
import { alertSteps, compileAllowList, resolveRules, type ResolvedRule } from './settings.js';
import { buildTimeline, typeMatches, type Timeline, type TimelineEntry } from './timeline.js';
import type {
  DetectionMatch,
  DetectionState,
  EvaluateOptions,
  OktaLogEvent,
  Rule,
  RunResult,
  StateKey,
} from './types.js';

/** Matches only; the same as `evaluateRun(rules, events, opts).matches`. */
export function evaluate(
  rules: readonly Rule[],
  events: readonly OktaLogEvent[],
  opts: EvaluateOptions = {},
): DetectionMatch[] {
  return evaluateRun(rules, events, opts).matches;
}

/** Evaluates the rules and returns the matches plus the state changes the caller must persist with them. */
export function evaluateRun(rules: readonly Rule[], events: readonly OktaLogEvent[], opts: EvaluateOptions = {}): RunResult {
  return prepareEvaluation(rules, events, opts).evaluate(opts.state);
}

/**
 * The state rows `evaluateRun` may read for these events and options (same rules, settings, `isNew` and `now`):
 * load exactly these (missing rows are fine) and pass them as `opts.state`. Listing a key costs one row lookup, so the
 * list errs on the side of completeness.
 */
export function stateKeys(rules: readonly Rule[], events: readonly OktaLogEvent[], opts: EvaluateOptions = {}): StateKey[] {
  // No evaluation follows here: the rules that read no state are not shown the events.
  return listStateKeys(prepare(rules, events, opts), opts, false);
}

/**
 * One evaluation's events, sorted and indexed once, for a caller that lists the state keys, loads the rows, then
 * evaluates (the detection pass): the same results as `stateKeys` then `evaluateRun` with the same arguments, without
 * preparing the events twice.
 */
export interface PreparedEvaluation {
  /** `stateKeys(rules, events, opts)`. */
  stateKeys(): StateKey[];
  /** `evaluateRun(rules, events, { ...opts, state })`. */
  evaluate(state?: DetectionState): RunResult;
  /**
   * The same evaluation over rows already read (`StateView.ofLoaded`), its state changes left as numbers
   * (`StateDelta`, unsorted): for the detection pass, which merges them from chunk to chunk and formats them once.
   */
  evaluateLoaded(state: StateView): { matches: DetectionMatch[]; stateDeltas: StateDelta[] };
}

export function prepareEvaluation(
  rules: readonly Rule[],
  events: readonly OktaLogEvent[],
  opts: Omit<EvaluateOptions, 'state'> = {},
): PreparedEvaluation {
  const run = prepare(rules, events, opts);
  return {
    stateKeys: () => listStateKeys(run, opts, true),
    evaluate: (loaded) => {
      const state = StateView.of(loaded);
      const { matches, changes } = evaluatePrepared(run, opts, state);
      return { matches, stateChanges: changes.toChanges(state) };
    },
    evaluateLoaded: (state) => {
      const { matches, changes } = evaluatePrepared(run, opts, state);
      return { matches, stateDeltas: changes.deltas(state) };
    },
  };
}

function evaluatePrepared(run: PreparedRun, opts: Omit<EvaluateOptions, 'state'>, state: StateView): { matches: DetectionMatch[]; changes: StateChangeSet } {
  const evidenceCap = Math.max(1, opts.evidenceCap ?? DEFAULT_EVIDENCE_CAP);
  const changes = new StateChangeSet();
  const alerts = new Map<string, AlertCandidate[]>();
  const chains = run.rules.some((resolved) => isChain(resolved.rule));

  // Rules whose kind reads its events in one forward pass are shown the timeline event by event, all at once
  // (those that read no state may have been shown it already, while the state keys were listed).
  const scans = new Map<ResolvedRule, ScanSlot>();
  const toScan: ScanSlot[] = [];
  for (const resolved of run.rules) {
    if (isChain(resolved.rule)) continue;
    const scanned = run.takeScanned(resolved);
    if (scanned) {
      scans.set(resolved, scanned);
      continue;
    }
    const ruleChanges = new StateChangeSet();
    const scan = scanFor(resolved.rule, { ...(run.now === undefined ? {} : { now: run.now }), memo: run.memo, state, changes: ruleChanges, alerts });
    if (!scan) continue;
    const slot = newSlot(resolved, scan, ruleChanges);
    scans.set(resolved, slot);
    toScan.push(slot);
  }
  const slots = [...toScan, ...run.takeWarmers()];
  if (slots.length > 0) run.scan(slots);

  const matches: DetectionMatch[] = [];
  const evaluateOne = (resolved: ResolvedRule): void => {
    const { rule } = resolved;
    const slot = scans.get(resolved);
    const entries = slot ? undefined : run.entriesFor(resolved);
    if ((slot ? slot.count : entries!.length) === 0 && !isChain(rule)) return;
    const ruleChanges = slot ? slot.changes : new StateChangeSet();
    try {
      let candidates: MatchCandidate[];
      if (slot) {
        if (slot.failed) throw slot.error;
        candidates = slot.scan.finish();
      } else {
        const ctx: KindContext = { ...(run.now === undefined ? {} : { now: run.now }), memo: run.memo, state, changes: ruleChanges, alerts };
        candidates = candidatesFor(rule, entries!, ctx);
      }
      const produced: DetectionMatch[] = [];
      if (resolved.report) {
        for (const candidate of candidates) {
          if (isReportable(candidate)) produced.push(toDetectionMatch(rule, candidate, evidenceCap));
        }
      }
      if (chains && !isChain(rule)) {
        alerts.set(rule.id, candidates.map((candidate) => ({ ruleId: rule.id, severity: severityOf(rule, candidate), candidate })));
      }
      matches.push(...produced);
      changes.addAll(ruleChanges);
    } catch (error) {
      // One faulty rule must not silence the others, but only when the caller has somewhere to report it.
      if (!opts.onRuleError) throw error;
      opts.onRuleError(rule.id, error);
    }
  };
  for (const resolved of run.rules) if (!isChain(resolved.rule)) evaluateOne(resolved);
  for (const resolved of run.rules) if (isChain(resolved.rule)) evaluateOne(resolved);

  matches.sort(
    (a, b) =>
      compare(a.firstEventAt, b.firstEventAt) || compare(a.ruleId, b.ruleId) || compare(a.groupKey, b.groupKey),
  );
  return { matches, changes };
}

function listStateKeys(run: PreparedRun, opts: Omit<EvaluateOptions, 'state'>, evaluationFollows: boolean): StateKey[] {
  const keys = new StateKeyList();
  // Sequences, baselines, geo and anomaly rules list their keys from rule-function answers the evaluation reuses:
  // ask them in one focused scan first (warmerFor). When an evaluation follows, the rules that read no state are shown
  // the timeline in the same scan: it then scans again only for the rules that need the state these keys load.
  const slots = [...(evaluationFollows ? run.scanWithoutState() : []), ...run.takeWarmers()];
  if (slots.length > 0) run.scan(slots);
  const ctx: KeyContext = {
    ...(run.now === undefined ? {} : { now: run.now }),
    memo: run.memo,
    sourceEntries: (ids) => {
      if (ids === '*') return run.timeline.entries;
      return run.rules.filter((resolved) => ids.includes(resolved.rule.id)).flatMap((resolved) => run.entriesFor(resolved));
    },
  };
  for (const resolved of run.rules) {
    const { rule } = resolved;
    try {
      const entries = run.entriesFor(resolved);
      listKindStateKeys(rule, entries, ctx, keys);
    } catch (error) {
      if (!opts.onRuleError) throw error;
      opts.onRuleError(rule.id, error);
    }
  }
  return keys.list();
}

interface PreparedRun {
  readonly rules: readonly ResolvedRule[];
  readonly timeline: Timeline;
  readonly now?: number;
  readonly memo: EntryMemo;
  entriesFor(resolved: ResolvedRule): readonly TimelineEntry[];
  /** Shows each slot's rule the entries `entriesFor` would give it, in order, event by event across the slots. */
  scan(slots: readonly ScanSlot[]): void;
  /** The rules' memo-filling scans (`warmerFor`), the first time only: their answers stay in the memo. */
  takeWarmers(): ScanSlot[];
  /**
   * Slots for the rules whose scan reads no state (`statelessScan`), to be shown the timeline before the state is
   * loaded; the first evaluation takes them (`takeScanned`) instead of scanning for those rules again. Once only.
   */
  scanWithoutState(): ScanSlot[];
  /** The slot `scanWithoutState` made for this rule, if any and not taken yet. */
  takeScanned(resolved: ResolvedRule): ScanSlot | undefined;
}

/** A rule evaluated by a forward scan, and what the scan met. */
interface ScanSlot {
  readonly resolved: ResolvedRule;
  readonly scan: KindScan;
  readonly changes: StateChangeSet;
  /** Entries shown (the length of `entriesFor`, up to a failure). */
  count: number;
  /** The rule threw: it sees no more entries, and the error is raised where the rule is evaluated, in rule order. */
  failed: boolean;
  error: unknown;
}

/** A slot not yet shown anything. */
function newSlot(resolved: ResolvedRule, scan: KindScan, changes = new StateChangeSet()): ScanSlot {
  return { resolved, scan, changes, count: 0, failed: false, error: undefined };
}

function prepare(rules: readonly Rule[], events: readonly OktaLogEvent[], opts: Omit<EvaluateOptions, 'state'>): PreparedRun {
  const resolved = resolveRules(rules, opts.settings);
  const allowed = compileAllowList(opts.settings?.allow);
  const timeline = buildTimeline(events, opts.isNew ?? (() => true));
  let now: number | undefined;
  if (opts.now !== undefined) {
    now = opts.now instanceof Date ? opts.now.getTime() : Date.parse(opts.now);
    if (Number.isNaN(now)) throw new RangeError(`evaluate: invalid now ${String(opts.now)}`);
  }
  // Allow-list verdicts are per event, shared by every rule that applies them.
  const verdicts = new Map<TimelineEntry, boolean>();
  const isAllowed = (entry: TimelineEntry): boolean => {
    let verdict = verdicts.get(entry);
    if (verdict === undefined) {
      verdict = allowed!(entry.event);
      verdicts.set(entry, verdict);
    }
    return verdict;
  };
  const memo = new EntryMemo(timeline.entries.length);
  let warmed = false;
  let scannedEarly: Map<ResolvedRule, ScanSlot> | undefined;
  return {
    rules: resolved,
    timeline,
    ...(now === undefined ? {} : { now }),
    memo,
    entriesFor({ rule, allowList }) {
      const entries = timeline.select(rule.eventTypes);
      if (!allowed || allowList === 'ignore' || entries.length === 0) return entries;
      return entries.filter((entry) => !isAllowed(entry));
    },
    scan(slots) {
      scanTimeline(timeline, slots, allowed ? isAllowed : undefined);
    },
    takeWarmers() {
      if (warmed) return [];
      warmed = true;
      const slots: ScanSlot[] = [];
      for (const rule of resolved) {
        const scan = warmerFor(rule.rule, memo);
        if (scan) slots.push(newSlot(rule, scan));
      }
      return slots;
    },
    scanWithoutState() {
      if (scannedEarly) return [];
      scannedEarly = new Map();
      for (const rule of resolved) {
        const scan = isChain(rule.rule) ? undefined : statelessScan(rule.rule);
        if (scan) scannedEarly.set(rule, newSlot(rule, scan));
      }
      return [...scannedEarly.values()];
    },
    takeScanned(rule) {
      const slot = scannedEarly?.get(rule);
      if (slot) scannedEarly!.delete(rule);
      return slot;
    },
  };
}

/**
 * One pass over the timeline: each entry is shown to the slots whose rule reads its event type (patterns as
 * `Timeline.select` matches them, resolved once per distinct type), skipping allow-listed entries for rules that
 * apply the allow-list. A slot that throws is marked failed and shown nothing more.
 */
function scanTimeline(timeline: Timeline, slots: readonly ScanSlot[], isAllowed: ((entry: TimelineEntry) => boolean) | undefined): void {
  const { entries, types, typeOf } = timeline;
  const slotsByType = types.map((type) => slots.filter(({ resolved }) => readsType(resolved.rule.eventTypes, type)));
  const applies = (slot: ScanSlot) => isAllowed !== undefined && slot.resolved.allowList !== 'ignore';
  const applying = new Set(slots.filter(applies));
  try {
    for (let i = 0; i < entries.length; i++) {
      const list = slotsByType[typeOf[i]];
      if (list.length === 0) continue;
      const entry = entries[i];
      // Fields read by one rule are remembered for the next ones (fields.ts), while this event is shown.
      focusEvent(entry.event);
      let allowed: boolean | undefined;
      for (let k = 0; k < list.length; k++) {
        const slot = list[k];
        if (slot.failed) continue;
        if (applying.size > 0 && applying.has(slot)) {
          allowed ??= isAllowed!(entry);
          if (allowed) continue;
        }
        slot.count++;
        try {
          slot.scan.visit(entry);
        } catch (error) {
          slot.failed = true;
          slot.error = error;
        }
      }
    }
  } finally {
    clearFocus();
  }
}

/** `Timeline.select`'s rule: the lower-cased type matches one of the patterns ('*' matches every type). */
function readsType(patterns: readonly string[], lowerType: string): boolean {
  return patterns.includes('*') || patterns.some((pattern) => typeMatches(lowerType, pattern));
}

/** A sequence consuming other rules' detections: evaluated after them. */
function isChain(rule: Rule): boolean {
  return alertSteps(rule).length > 0;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

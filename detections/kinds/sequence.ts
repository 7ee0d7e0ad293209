/**
 * Sequence rules, per entity:
 * - followed: `first` (at least `atLeast` times) then `then` within `within` minutes; steps are events or detections
 *   of other rules (alert → event, alert → alert);
 * - absent: a `first` event not followed by a `then` event within `within` minutes, decided by `now`.
 *
 * Across runs: a followed sequence is found in the run that brings its last piece (the look-back holds `within`
 * minutes of earlier events; detections of earlier runs come back from state), so it is reported once. An absence is
 * reported by the first evaluation whose `now` passes its deadline, then remembered in state ('reported:<uuid>').
 */
import { field, type Field } from '../fields.js';
import { byTimeThenSeq, isReportable, recalledEntry, unionEntries, type MatchCandidate } from '../match.js';
import { isAlertStep } from '../settings.js';
import type { TimelineEntry } from '../timeline.js';
import {
  SEVERITIES,
  type OktaLogEvent,
  type SequenceAlertStep,
  type SequenceEventStep,
  type SequenceRule,
  type SequenceStep,
  type Severity,
} from '../types.js';
import { warmer, type AlertCandidate, type EntryMemo, type KeyContext, type KindContext, type KindScan } from './context.js';
import { DAY_MS, stateValue, type StateKeyList } from './state.js';

/** Absence rules keep `first` events this much longer than the span, so a late or skipped run still decides them. */
export const ABSENCE_GRACE_MINUTES = 6 * 60;

/** Evidence remembered per chained detection. */
const ALERT_EVIDENCE_CAP = 10;

/** One occurrence of a step for one entity: an event, or a detection (in this evaluation or recalled from state). */
interface Item {
  /** Event time, or the moment a detection fired (its trigger completed). */
  readonly start: number;
  /** Event time, or the detection's last event. */
  readonly end: number;
  /** Timeline position of the event (of the detection's firing event); -1 when recalled from state. */
  readonly seq: number;
  readonly entries: readonly TimelineEntry[];
  /** Items sharing this id count once toward `atLeast`. */
  readonly once: string;
}

type KeyFn = (event: OktaLogEvent) => string | undefined;

export function evaluateSequence(rule: SequenceRule, entries: readonly TimelineEntry[], ctx: KindContext): MatchCandidate[] {
  return rule.absent ? evaluateAbsence(rule, entries, ctx) : evaluateFollowed(rule, entries, ctx);
}

/**
 * The step this sequence asks about every entry of its types (an event-first sequence its `first`, an alert-first one
 * its event `then`), as a scan that only fills the memo: asked while the engine shows each event to every rule, the
 * step's fields are read once with theirs, and the evaluation then finds the answers. Absences are left alone.
 */
export function sequenceWarmer(rule: SequenceRule, memo: EntryMemo): KindScan | undefined {
  if (rule.absent) return undefined;
  const step = !isAlertStep(rule.first) ? rule.first : !isAlertStep(rule.then) ? rule.then : undefined;
  if (!step) return undefined;
  const match = memo.test(step.match);
  const key = memo.value(keyFn(rule, step));
  return warmer((entry) => {
    if (match(entry)) key(entry);
  });
}

/** The state rows an evaluation of this rule may read. */
export function sequenceStateKeys(
  rule: SequenceRule,
  entries: readonly TimelineEntry[],
  ctx: KeyContext,
  keys: StateKeyList,
): void {
  if (rule.absent) {
    if (ctx.now === undefined || isAlertStep(rule.first)) return;
    const step = rule.first;
    const match = ctx.memo.test(step.match);
    const key = ctx.memo.value(keyFn(rule, step));
    const withinMs = rule.within * 60_000;
    for (const entry of entries) {
      if (entry.time + withinMs > ctx.now || !match(entry)) continue;
      const entity = key(entry);
      if (entity) keys.add(rule.id, entity, stateValue.reported(entry.event.uuid));
    }
    return;
  }
  if (!isAlertStep(rule.first) || rule.first.alerts === '*') return;
  const sources = rule.first.alerts;
  const entities = new Set<string>();
  if (isAlertStep(rule.then)) {
    const key = ctx.memo.value(keyFn(rule, rule.then));
    for (const entry of ctx.sourceEntries(rule.then.alerts)) addKey(entities, key(entry));
  } else {
    const step = rule.then;
    const match = ctx.memo.test(step.match);
    const key = ctx.memo.value(keyFn(rule, step));
    for (const entry of entries) if (entry.isNew && match(entry)) addKey(entities, key(entry));
  }
  for (const entity of entities) for (const source of sources) keys.add(rule.id, entity, stateValue.alert(source));
}

function addKey(set: Set<string>, key: string | undefined): void {
  if (key) set.add(key);
}

function keyFn(rule: SequenceRule, step: SequenceStep): KeyFn {
  return step.key ?? rule.dedupe.key;
}

// ---------------------------------------------------------------- followed

function evaluateFollowed(rule: SequenceRule, entries: readonly TimelineEntry[], ctx: KindContext): MatchCandidate[] {
  const withinMs = rule.within * 60_000;
  // Event-first sequences look for `then` only where and when a `first` happened: `then` is usually the common event
  // (a successful sign-in), `first` the rare one, and this keeps the rule linear in the rare one.
  const earlyFirsts = isAlertStep(rule.first) ? undefined : reachingAtLeast(eventItems(rule, rule.first, entries, ctx), rule.first.atLeast ?? 1, withinMs);
  if (earlyFirsts && earlyFirsts.size === 0) return [];
  const thens = isAlertStep(rule.then)
    ? alertItems(rule, rule.then, ctx, excludedFromWildcard(rule))
    : eventItems(rule, rule.then, entries, ctx, earlyFirsts && followWindow(earlyFirsts, withinMs));
  if (thens.size === 0 && !isAlertStep(rule.first)) return [];

  const firsts = earlyFirsts ?? alertItems(rule, rule.first as SequenceAlertStep, ctx, new Set());
  if (isAlertStep(rule.first)) {
    rememberAlerts(rule, rule.first, ctx, withinMs);
    addRecalledAlerts(rule, rule.first, firsts, [...thens.keys()], ctx);
  }
  const atLeast = isAlertStep(rule.first) ? 1 : Math.max(1, rule.first.atLeast ?? 1);

  const candidates: MatchCandidate[] = [];
  for (const [entity, bs] of thens) {
    const as = firsts.get(entity);
    if (!as || as.length === 0) continue;
    // Loaded single events slide in a time-ordered range; detections (spans) and recalled items are checked one by one.
    const events = as.filter((item) => item.seq >= 0 && item.start === item.end && item.entries.length === 1);
    const others = as.filter((item) => !events.includes(item));
    events.sort(byItemOrder);
    bs.sort(byItemOrder);

    const clusters: { entries: TimelineEntry[]; trigger: TimelineEntry[]; end: number }[] = [];
    for (const b of bs) {
      const eligible: Item[] = [];
      for (let i = firstAtOrAfter(events, b.start - withinMs, itemStart); i < events.length && precedes(events[i], b); i++) {
        eligible.push(events[i]);
      }
      for (const item of others) if (precedes(item, b) && b.start - item.end <= withinMs) eligible.push(item);
      if (new Set(eligible.map((item) => item.once)).size < atLeast) continue;

      const hit = unionEntries(...eligible.map((item) => item.entries), b.entries);
      if (hit.length === 0) continue;
      // Hits sharing time (the same burst answered twice) are one match, like overlapping threshold windows.
      const current = clusters[clusters.length - 1];
      if (current && hit[0].time <= current.end) {
        current.entries = unionEntries(current.entries, hit);
        current.end = Math.max(current.end, hit[hit.length - 1].time);
      } else {
        clusters.push({ entries: hit, trigger: hit, end: hit[hit.length - 1].time });
      }
    }
    for (const cluster of clusters) candidates.push({ groupKey: entity, entries: cluster.entries, trigger: cluster.trigger });
  }
  return candidates;
}

/** Timeline order of items (recalled ones first at equal times). */
function byItemOrder(a: Item, b: Item): number {
  return a.start - b.start || a.seq - b.seq;
}

/** a happened before b: earlier, or at the same instant but earlier in the timeline. */
function precedes(a: Item, b: Item): boolean {
  return a.start < b.start || (a.start === b.start && a.seq < b.seq && !(a.seq < 0 && b.seq < 0));
}

/** First index of a time-ordered list whose time (by `timeOf`) is >= `time`. */
function firstAtOrAfter<T>(list: readonly T[], time: number, timeOf: (x: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (timeOf(list[mid]) < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const entryTime = (entry: TimelineEntry) => entry.time;
const itemStart = (item: Item) => item.start;

/** Where a `then` can follow: the entities that have a `first`, and the spans from a `first` to `within` after it. */
interface FollowWindow {
  readonly entities: ReadonlySet<string>;
  /** Disjoint [from, to] spans in time order. */
  readonly spans: readonly (readonly [number, number])[];
}

function followWindow(firsts: ReadonlyMap<string, Item[]>, withinMs: number): FollowWindow {
  const raw: [number, number][] = [];
  for (const items of firsts.values()) for (const item of items) raw.push([item.start, item.end + withinMs]);
  raw.sort((a, b) => a[0] - b[0]);
  const spans: [number, number][] = [];
  for (const span of raw) {
    const last = spans[spans.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else spans.push([span[0], span[1]]);
  }
  return { entities: new Set(firsts.keys()), spans };
}

/**
 * Only entities whose `first` items reach `atLeast` distinct ones within `within` of each other can match (every
 * `first` counted for a `then` lies in the `within` before it), so the others need no `then` at all: for push
 * bombing, everyone who once rejected a push.
 */
function reachingAtLeast(firsts: Map<string, Item[]>, atLeast: number, withinMs: number): Map<string, Item[]> {
  if (atLeast <= 1) return firsts;
  for (const [entity, items] of firsts) {
    if (!reachesAtLeast(items, atLeast, withinMs)) firsts.delete(entity);
  }
  return firsts;
}

function reachesAtLeast(items: readonly Item[], atLeast: number, withinMs: number): boolean {
  if (items.length < atLeast) return false;
  const ordered = [...items].sort(byItemOrder);
  const inWindow = new Map<string, number>();
  let left = 0;
  for (const item of ordered) {
    inWindow.set(item.once, (inWindow.get(item.once) ?? 0) + 1);
    while (item.start - ordered[left].end > withinMs) {
      const once = ordered[left++].once;
      const n = inWindow.get(once)! - 1;
      if (n === 0) inWindow.delete(once);
      else inWindow.set(once, n);
    }
    if (inWindow.size >= atLeast) return true;
  }
  return false;
}

function eventItems(
  rule: SequenceRule,
  step: SequenceEventStep,
  entries: readonly TimelineEntry[],
  ctx: KindContext,
  window?: FollowWindow,
): Map<string, Item[]> {
  const match = ctx.memo.test(step.match);
  const key = ctx.memo.value(keyFn(rule, step));
  const once: Field | undefined = step.countOnceBy ? field(step.countOnceBy) : undefined;
  const byEntity = new Map<string, Item[]>();
  for (const [from, to] of window?.spans ?? [[-Infinity, Infinity] as const]) {
    const end = firstAtOrAfter(entries, to + 1, entryTime);
    for (let i = firstAtOrAfter(entries, from, entryTime); i < end; i++) {
      const entry = entries[i];
      if (!match(entry)) continue;
      const entity = key(entry);
      if (!entity || (window && !window.entities.has(entity))) continue;
      const onceValue = once?.text(entry.event);
      push(byEntity, entity, {
        start: entry.time,
        end: entry.time,
        seq: entry.seq,
        entries: [entry],
        once: onceValue ? `v:${onceValue}` : `e:${entry.seq}`,
      });
    }
  }
  return byEntity;
}

/** For `then: '*'`: the `first` step's sources (and the rule itself) are not "other" detections. */
function excludedFromWildcard(rule: SequenceRule): Set<string> {
  const excluded = new Set<string>([rule.id]);
  if (isAlertStep(rule.first) && rule.first.alerts !== '*') for (const id of rule.first.alerts) excluded.add(id);
  return excluded;
}

function alertItems(
  rule: SequenceRule,
  step: SequenceAlertStep,
  ctx: KindContext,
  excluded: ReadonlySet<string>,
): Map<string, Item[]> {
  const key = ctx.memo.value(keyFn(rule, step));
  const sources = step.alerts === '*' ? [...ctx.alerts.keys()].filter((id) => !excluded.has(id)) : step.alerts;
  const byEntity = new Map<string, Item[]>();
  for (const source of sources) {
    for (const alert of ctx.alerts.get(source) ?? []) {
      if (!atLeastAsSevere(alert.severity, step.minSeverity)) continue;
      const item = alertItem(alert);
      if (!item) continue;
      for (const entity of entitiesOf(alert.candidate, key)) push(byEntity, entity, item);
    }
  }
  return byEntity;
}

function alertItem(alert: AlertCandidate): Item | undefined {
  const { entries, trigger } = alert.candidate;
  const fired = [...trigger].sort(byTimeThenSeq).pop();
  if (!fired || entries.length === 0) return undefined;
  return {
    start: fired.time,
    end: Math.max(fired.time, entries[entries.length - 1].time),
    seq: fired.seq,
    entries: [...trigger].sort(byTimeThenSeq),
    once: `a:${alert.ruleId}:${alert.candidate.groupKey}:${fired.time}`,
  };
}

/** Every entity the events of a detection yield under the consuming rule's key. */
function entitiesOf(candidate: MatchCandidate, key: (entry: TimelineEntry) => string | undefined): Set<string> {
  const entities = new Set<string>();
  for (const entry of candidate.entries) if (entry.seq >= 0) addKey(entities, key(entry));
  return entities;
}

function atLeastAsSevere(severity: Severity, minimum: Severity | undefined): boolean {
  return minimum === undefined || SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(minimum);
}

/**
 * Detections a chain waits on are remembered per entity, so the next event may come in a later run. Only those this
 * evaluation reports: one raised again from look-back alone was remembered when its events were new, and, seen from
 * the edge of a look-back, it may lack its first events.
 */
function rememberAlerts(rule: SequenceRule, step: SequenceAlertStep, ctx: KindContext, withinMs: number): void {
  if (step.alerts === '*') return;
  const key = ctx.memo.value(keyFn(rule, step));
  for (const source of step.alerts) {
    for (const alert of ctx.alerts.get(source) ?? []) {
      if (!atLeastAsSevere(alert.severity, step.minSeverity) || !isReportable(alert.candidate)) continue;
      const item = alertItem(alert);
      if (!item) continue;
      const data = {
        severity: alert.severity,
        evidence: item.entries.slice(-ALERT_EVIDENCE_CAP).map((entry) => ({ uuid: entry.event.uuid, at: new Date(entry.time).toISOString() })),
      };
      for (const entity of entitiesOf(alert.candidate, key)) {
        ctx.changes.upsert({ ruleId: rule.id, entity, value: stateValue.alert(source) }, item.start, item.end, item.end + withinMs + DAY_MS, data);
      }
    }
  }
}

/** Detections of earlier runs, for the entities this evaluation has `then` items for. */
function addRecalledAlerts(
  rule: SequenceRule,
  step: SequenceAlertStep,
  firsts: Map<string, Item[]>,
  entities: readonly string[],
  ctx: KindContext,
): void {
  if (step.alerts === '*') return;
  for (const entity of entities) {
    for (const source of step.alerts) {
      const row = ctx.state.get(rule.id, entity, stateValue.alert(source));
      if (!row) continue;
      const severity = typeof row.data?.severity === 'string' ? (row.data.severity as Severity) : undefined;
      if (severity && SEVERITIES.includes(severity) && !atLeastAsSevere(severity, step.minSeverity)) continue;
      push(firsts, entity, {
        start: row.firstSeen,
        end: row.lastSeen,
        seq: -1,
        entries: recalledEvidence(row.data?.evidence),
        once: `s:${source}`,
      });
    }
  }
}

function recalledEvidence(evidence: unknown): TimelineEntry[] {
  if (!Array.isArray(evidence)) return [];
  const entries: TimelineEntry[] = [];
  for (const item of evidence) {
    const uuid = (item as { uuid?: unknown } | null)?.uuid;
    const at = Date.parse(String((item as { at?: unknown } | null)?.at));
    if (typeof uuid === 'string' && !Number.isNaN(at)) entries.push(recalledEntry(uuid, at));
  }
  return entries;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

// ---------------------------------------------------------------- absent

function evaluateAbsence(rule: SequenceRule, entries: readonly TimelineEntry[], ctx: KindContext): MatchCandidate[] {
  if (ctx.now === undefined || isAlertStep(rule.first) || isAlertStep(rule.then)) return [];
  const now = ctx.now;
  const firstMatch = ctx.memo.test(rule.first.match);
  const thenMatch = ctx.memo.test(rule.then.match);
  const firstKey = ctx.memo.value(keyFn(rule, rule.first));
  const thenKey = ctx.memo.value(keyFn(rule, rule.then));
  const withinMs = rule.within * 60_000;
  const periodMs = rule.dedupe.periodMinutes * 60_000;

  // `then` events per entity, in timeline order.
  const follow = new Map<string, TimelineEntry[]>();
  for (const entry of entries) {
    if (!thenMatch(entry)) continue;
    const entity = thenKey(entry);
    if (entity) push(follow, entity, entry);
  }

  const open = new Map<string, { entries: TimelineEntry[]; details: Record<string, string | number> }>();
  const candidates: { groupKey: string; entries: TimelineEntry[]; details: Record<string, string | number> }[] = [];
  for (const entry of entries) {
    const deadline = entry.time + withinMs;
    if (deadline > now || !firstMatch(entry)) continue;
    const entity = firstKey(entry);
    if (!entity) continue;
    if (isFollowed(follow.get(entity), entry, deadline)) continue;
    const marker = { ruleId: rule.id, entity, value: stateValue.reported(entry.event.uuid) };
    if (ctx.state.get(marker.ruleId, marker.entity, marker.value)) continue;
    // Kept past the longest a `first` event can stay in the look-back.
    ctx.changes.upsert(marker, entry.time, entry.time, deadline + ABSENCE_GRACE_MINUTES * 60_000 + DAY_MS);

    const cluster = open.get(entity);
    if (cluster && entry.time - cluster.entries[cluster.entries.length - 1].time <= periodMs) {
      cluster.entries.push(entry);
      cluster.details.deadline = new Date(deadline).toISOString();
      continue;
    }
    const fresh = { entries: [entry], details: { deadline: new Date(deadline).toISOString(), withinMinutes: rule.within } };
    open.set(entity, fresh);
    candidates.push({ groupKey: entity, ...fresh });
  }
  return candidates.map((c) => ({ groupKey: c.groupKey, entries: c.entries, trigger: c.entries, report: true, details: c.details }));
}

/** Is there a `then` event after `entry` (in timeline order) and no later than the deadline? */
function isFollowed(follow: readonly TimelineEntry[] | undefined, entry: TimelineEntry, deadline: number): boolean {
  if (!follow) return false;
  let lo = 0;
  let hi = follow.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (follow[mid].seq <= entry.seq) lo = mid + 1;
    else hi = mid;
  }
  return lo < follow.length && follow[lo].time <= deadline;
}

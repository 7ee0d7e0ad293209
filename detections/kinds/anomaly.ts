/**
 * Volume anomaly rules (z-scores against the entity's own active buckets).
 *
 * A bucket is (re)computed only when it holds a NEW event: the caller's look-back of one bucket length guarantees
 * that such a bucket's events are all loaded. Its values are judged against the earlier active buckets of the
 * entity (state rows, one per UTC week, plus buckets of this evaluation), and written back into the week row. The
 * week row's data is the loaded buckets with the recomputed ones replaced, so a later or repeated run never loses
 * what an earlier one stored.
 */
import { field, type Field } from '../fields.js';
import type { MatchCandidate } from '../match.js';
import type { TimelineEntry } from '../timeline.js';
import type { AnomalyBucket, AnomalyRule, BucketValues } from '../types.js';
import { warmer, type EntryMemo, type KindContext, type KindScan } from './context.js';
import { DAY_MS, stateValue, type StateKeyList } from './state.js';

export const DEFAULT_MIN_HISTORY_BUCKETS = 5;
const WEEK_MS = 7 * DAY_MS;
/** 1970-01-01 was a Thursday: Mondays are 4 days later modulo a week. */
const MONDAY_OFFSET = 4 * DAY_MS;

type StoredBuckets = Record<string, BucketValues>;

export function anomalyScan(rule: AnomalyRule, ctx: KindContext): KindScan {
  const bucketMs = rule.bucketMinutes * 60_000;
  const historyMs = rule.historyDays * DAY_MS;
  const minHistory = rule.minHistoryBuckets ?? DEFAULT_MIN_HISTORY_BUCKETS;
  const filter = ctx.memo.test(rule.filter);
  const entityOf = ctx.memo.value(rule.entity ?? rule.dedupe.key);
  const measures = compileMeasures(rule);

  // Buckets per entity, and which of them hold new events.
  const byEntity = new Map<string, Map<number, { entries: TimelineEntry[]; hasNew: boolean }>>();
  return {
    visit(entry) {
      if (!filter(entry)) return;
      const entity = entityOf(entry);
      if (!entity) return;
      const start = Math.floor(entry.time / bucketMs) * bucketMs;
      let buckets = byEntity.get(entity);
      if (!buckets) byEntity.set(entity, (buckets = new Map()));
      let bucket = buckets.get(start);
      if (!bucket) buckets.set(start, (bucket = { entries: [], hasNew: false }));
      bucket.entries.push(entry);
      if (entry.isNew) bucket.hasNew = true;
    },

    finish() {
      const candidates: MatchCandidate[] = [];
      for (const [entity, buckets] of byEntity) {
        const judged = [...buckets].filter(([, b]) => b.hasNew).sort(([a], [b]) => a - b);
        if (judged.length === 0) continue;
        const stored = loadWeeks(rule, ctx, entity, judged[0][0] - historyMs, judged[judged.length - 1][0]);
        const computed = new Map<number, BucketValues>();
        for (const [start, bucket] of judged) computed.set(start, valuesOf(bucket.entries, measures));

        for (const [start, bucket] of judged) {
          const values = computed.get(start)!;
          const history = historyBefore(stored, computed, start, start - historyMs);
          const view = bucketView(start, values, history, minHistory);
          if (!rule.decide(view)) continue;
          const groupKey = rule.dedupe.key(bucket.entries[0].event) ?? entity;
          candidates.push({
            groupKey,
            entries: bucket.entries,
            trigger: bucket.entries,
            details: details(view, rule),
          });
        }
        writeWeeks(rule, ctx, entity, stored, judged, computed);
      }
      return candidates;
    },
  };
}

/** The week rows an evaluation may read. */
/** What `anomalyStateKeys` asks of each new entry, asked during the engine's focused scan (see `sequenceWarmer`). */
export function anomalyWarmer(rule: AnomalyRule, memo: EntryMemo): KindScan {
  const filter = memo.test(rule.filter);
  const entityOf = memo.value(rule.entity ?? rule.dedupe.key);
  return warmer((entry) => {
    if (entry.isNew && filter(entry)) entityOf(entry);
  });
}

export function anomalyStateKeys(rule: AnomalyRule, entries: readonly TimelineEntry[], keys: StateKeyList, memo: EntryMemo): void {
  const bucketMs = rule.bucketMinutes * 60_000;
  const historyMs = rule.historyDays * DAY_MS;
  const filter = memo.test(rule.filter);
  const entityOf = memo.value(rule.entity ?? rule.dedupe.key);
  const spans = new Map<string, { from: number; to: number }>();
  for (const entry of entries) {
    if (!entry.isNew || !filter(entry)) continue;
    const entity = entityOf(entry);
    if (!entity) continue;
    const start = Math.floor(entry.time / bucketMs) * bucketMs;
    const span = spans.get(entity);
    if (span) {
      span.from = Math.min(span.from, start - historyMs);
      span.to = Math.max(span.to, start);
    } else {
      spans.set(entity, { from: start - historyMs, to: start });
    }
  }
  for (const [entity, span] of spans) {
    for (const monday of mondaysBetween(span.from, span.to)) keys.add(rule.id, entity, stateValue.week(isoDay(monday)));
  }
}

interface CompiledMeasure {
  readonly name: string;
  readonly distinct?: Field;
  readonly count?: (event: TimelineEntry['event']) => boolean;
}

function compileMeasures(rule: AnomalyRule): CompiledMeasure[] {
  return Object.entries(rule.measures ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, measure]) => ('distinct' in measure ? { name, distinct: field(measure.distinct) } : { name, count: measure.count }));
}

function valuesOf(entries: readonly TimelineEntry[], measures: readonly CompiledMeasure[]): BucketValues {
  const values: Record<string, number> = { count: entries.length };
  for (const measure of measures) {
    if (measure.distinct) {
      const seen = new Set<string>();
      for (const entry of entries) {
        const text = measure.distinct.text(entry.event)?.trim().toLowerCase();
        if (text) seen.add(text);
      }
      values[measure.name] = seen.size;
    } else {
      values[measure.name] = entries.filter((entry) => measure.count!(entry.event)).length;
    }
  }
  return values;
}

/** Active buckets before `start` and not older than `from`: this evaluation's values win over stored ones. */
function historyBefore(
  stored: ReadonlyMap<number, BucketValues>,
  computed: ReadonlyMap<number, BucketValues>,
  start: number,
  from: number,
): Array<{ start: number; values: BucketValues }> {
  const merged = new Map(stored);
  for (const [at, values] of computed) merged.set(at, values);
  return [...merged]
    .filter(([at, values]) => at < start && at >= from && (values.count ?? 0) > 0)
    .sort(([a], [b]) => a - b)
    .map(([at, values]) => ({ start: at, values }));
}

export function bucketView(
  start: number,
  values: BucketValues,
  history: ReadonlyArray<{ start: number; values: BucketValues }>,
  minHistory: number,
): AnomalyBucket {
  const stats = new Map<string, { mean: number; std: number }>();
  const statsOf = (measure: string) => {
    let s = stats.get(measure);
    if (!s) {
      const samples = history.map((h) => h.values[measure] ?? 0);
      const mean = samples.length > 0 ? samples.reduce((a, b) => a + b, 0) / samples.length : 0;
      const variance = samples.length > 0 ? samples.reduce((a, b) => a + (b - mean) ** 2, 0) / samples.length : 0;
      s = { mean, std: Math.sqrt(variance) };
      stats.set(measure, s);
    }
    return s;
  };
  return {
    start,
    values,
    history,
    learning: history.length < minHistory,
    mean: (measure) => statsOf(measure).mean,
    z: (measure) => {
      const value = values[measure] ?? 0;
      if (history.length === 0) return value > 0 ? Number.POSITIVE_INFINITY : 0;
      const { mean, std } = statsOf(measure);
      // A floor of one unit: against a flat history, one event more is not "infinitely" unusual.
      return (value - mean) / Math.max(std, 1);
    },
  };
}

function details(view: AnomalyBucket, rule: AnomalyRule): Record<string, string | number> {
  const out: Record<string, string | number> = {
    bucketStart: new Date(view.start).toISOString(),
    bucketMinutes: rule.bucketMinutes,
    historyBuckets: view.history.length,
  };
  for (const [measure, value] of Object.entries(view.values)) {
    out[measure] = value;
    if (!view.learning) {
      out[`${measure}Mean`] = Math.round(view.mean(measure) * 100) / 100;
      out[`${measure}Z`] = Math.round(view.z(measure) * 100) / 100;
    }
  }
  return out;
}

// ---------------------------------------------------------------- week rows

function mondayOf(time: number): number {
  return Math.floor((time - MONDAY_OFFSET) / WEEK_MS) * WEEK_MS + MONDAY_OFFSET;
}

function mondaysBetween(from: number, to: number): number[] {
  const mondays: number[] = [];
  for (let monday = mondayOf(from); monday <= to; monday += WEEK_MS) mondays.push(monday);
  return mondays;
}

function isoDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/** Stored buckets of the weeks in [from, to], by bucket start. */
function loadWeeks(rule: AnomalyRule, ctx: KindContext, entity: string, from: number, to: number): Map<number, BucketValues> {
  const buckets = new Map<number, BucketValues>();
  for (const monday of mondaysBetween(from, to)) {
    const row = ctx.state.get(rule.id, entity, stateValue.week(isoDay(monday)));
    const stored = row?.data?.buckets;
    if (!stored || typeof stored !== 'object') continue;
    for (const [at, values] of Object.entries(stored as StoredBuckets)) {
      const time = Date.parse(at);
      if (!Number.isNaN(time) && values && typeof values === 'object') buckets.set(time, values);
    }
  }
  return buckets;
}

/** Writes each touched week: its stored buckets with this evaluation's recomputed ones in place. */
function writeWeeks(
  rule: AnomalyRule,
  ctx: KindContext,
  entity: string,
  stored: ReadonlyMap<number, BucketValues>,
  judged: ReadonlyArray<readonly [number, { entries: TimelineEntry[] }]>,
  computed: ReadonlyMap<number, BucketValues>,
): void {
  const weeks = new Map<number, number>();
  for (const [start, bucket] of judged) {
    const last = bucket.entries[bucket.entries.length - 1].time;
    const monday = mondayOf(start);
    weeks.set(monday, Math.max(weeks.get(monday) ?? 0, last));
  }
  for (const [monday, lastEvent] of weeks) {
    const key = { ruleId: rule.id, entity, value: stateValue.week(isoDay(monday)) };
    const row = ctx.state.get(key.ruleId, key.entity, key.value);
    const buckets: Record<string, BucketValues> = {};
    for (const [at, values] of [...stored, ...computed]) {
      if (mondayOf(at) === monday) buckets[new Date(at).toISOString()] = values;
    }
    const firstSeen = Math.min(row?.firstSeen ?? Infinity, monday);
    const lastSeen = Math.max(row?.lastSeen ?? 0, lastEvent);
    ctx.changes.upsert(key, firstSeen, lastSeen, monday + WEEK_MS + rule.historyDays * DAY_MS + DAY_MS, { buckets });
  }
}

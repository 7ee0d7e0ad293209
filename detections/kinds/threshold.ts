/**
 * Threshold rules: count (or distinct count) of filtered events per group within a sliding window.
 * Events are grouped first, then one two-pointer pass per group: O(events) overall, with O(1) window updates.
 * A group is closed (its windows slid) once the scan is a window past its last event: no later event can share a
 * window with it. The open groups are then those of the last windows, not of the whole span, so their map stays
 * small enough to be looked up in cache (a month of sessions is hundreds of thousands of groups).
 */
import { field, normalisedText, perFocusedEvent } from '../fields.js';
import type { MatchCandidate } from '../match.js';
import type { TimelineEntry } from '../timeline.js';
import type { ThresholdRule, WindowStats } from '../types.js';
import type { KindScan } from './context.js';

interface Counted {
  readonly entry: TimelineEntry;
  /** Normalised distinct value (only when the rule counts distinct values). */
  readonly value?: string;
}

/** A run of overlapping windows that all met the rule, as indexes into one group's events. */
interface Run {
  start: number;
  end: number;
  readonly triggerStart: number;
  readonly triggerEnd: number;
  maxDistinct: number;
}

/** A sweep reads every open group: at most one an hour, so a short window does not mean a sweep a minute. */
const SWEEP_EVERY_MS = 60 * 60_000;

export function thresholdScan(rule: ThresholdRule): KindScan {
  const distinct = rule.distinct ? normalisedText(rule.distinct) : undefined;
  const attempt = rule.countOnceBy ? field(rule.countOnceBy) : undefined;
  const filter = perFocusedEvent(rule.filter);
  const keyOf = perFocusedEvent(rule.dedupe.key);
  /** Attempt ids already counted, per group (nested: no key string per event). */
  const seenAttempts = new Map<string, Set<string>>();
  const windowMs = rule.window * 60_000;
  const groups = new Map<string, Counted[]>();
  const candidates: MatchCandidate[] = [];
  let nextSweepAt = -Infinity;

  // A window holds at most the group's events, and distinct values are never more than events: most groups
  // (one user's few sign-ins) can be passed over without sliding a window.
  const fewestEvents = Math.max(rule.threshold, rule.minEvents ?? 1);
  const close = (groupKey: string, items: readonly Counted[]): void => {
    if (items.length < fewestEvents) return;
    for (const run of findRuns(rule, items)) candidates.push(toCandidate(rule, groupKey, items, run));
  };
  /** Closes the groups whose last event is more than a window before `time` (entries arrive in time order). */
  const sweep = (time: number): void => {
    // forEach, not for…of: an entries iterator allocates a [key, value] pair per open group, every sweep.
    groups.forEach((items, groupKey) => {
      if (time - items[items.length - 1].entry.time <= windowMs) return;
      close(groupKey, items);
      groups.delete(groupKey);
    });
    nextSweepAt = time + Math.max(windowMs, SWEEP_EVERY_MS);
  };
  return {
    visit(entry) {
      if (entry.time >= nextSweepAt) sweep(entry.time);
      if (!filter(entry.event)) return;
      const groupKey = keyOf(entry.event);
      if (!groupKey) return;
      let value: string | undefined;
      if (distinct) {
        value = distinct(entry.event);
        if (!value) return;
      }
      const attemptId = attempt?.text(entry.event);
      if (attemptId) {
        let seen = seenAttempts.get(groupKey);
        if (!seen) seenAttempts.set(groupKey, (seen = new Set()));
        if (seen.has(attemptId)) return;
        seen.add(attemptId);
      }
      const item: Counted = value === undefined ? { entry } : { entry, value };
      const group = groups.get(groupKey);
      if (group) group.push(item);
      else groups.set(groupKey, [item]);
    },
    finish() {
      for (const [groupKey, items] of groups) close(groupKey, items);
      groups.clear();
      return candidates;
    },
  };
}

/**
 * Slides the window over one group (events in time order) and merges windows that meet the rule and share events
 * into one run, so a long burst gives one match.
 */
function findRuns(rule: ThresholdRule, items: readonly Counted[]): Run[] {
  const windowMs = rule.window * 60_000;
  const counter = new WindowCounter();
  const minEvents = rule.minEvents ?? 1;
  const meets = (): boolean =>
    (rule.distinct ? counter.distinct : counter.count) >= rule.threshold &&
    counter.count >= minEvents &&
    (!rule.having || rule.having(counter));
  const runs: Run[] = [];
  let current: Run | undefined;
  let left = 0;
  for (let right = 0; right < items.length; right++) {
    counter.add(items[right].value);
    while (items[right].entry.time - items[left].entry.time > windowMs) counter.remove(items[left++].value);
    if (!meets()) continue;
    if (current && left <= current.end) {
      current.end = right;
      current.maxDistinct = Math.max(current.maxDistinct, counter.distinct);
    } else {
      current = { start: left, end: right, triggerStart: left, triggerEnd: right, maxDistinct: counter.distinct };
      runs.push(current);
    }
  }
  return runs;
}

function toCandidate(rule: ThresholdRule, groupKey: string, items: readonly Counted[], run: Run): MatchCandidate {
  const entries = items.slice(run.start, run.end + 1).map((item) => item.entry);
  const triggerItems = items.slice(run.triggerStart, run.triggerEnd + 1);
  return {
    groupKey,
    entries,
    trigger: rule.distinct ? latestPerValue(triggerItems) : triggerItems.map((item) => item.entry),
    ...(rule.distinct ? { distinctCount: run.maxDistinct } : {}),
  };
}

/** One event per distinct value (its latest), enough to prove the distinct count. */
function latestPerValue(items: readonly Counted[]): TimelineEntry[] {
  const byValue = new Map<string, TimelineEntry>();
  for (const item of items) byValue.set(item.value ?? '', item.entry);
  return [...byValue.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * Window statistics with O(1) add/remove. `maxPerValue` is kept with a histogram of per-value counts: removing one
 * event lowers a count by one, so the maximum can only drop by one per removal.
 */
class WindowCounter implements WindowStats {
  count = 0;
  maxPerValue = 0;
  readonly perValue = new Map<string, number>();
  /** valuesWithCount[c] = how many distinct values have exactly c events in the window. */
  private readonly valuesWithCount: number[] = [];

  get distinct(): number {
    return this.perValue.size;
  }

  add(value: string | undefined): void {
    this.count++;
    if (value === undefined) return;
    const next = (this.perValue.get(value) ?? 0) + 1;
    this.perValue.set(value, next);
    if (next > 1) this.valuesWithCount[next - 1]--;
    this.valuesWithCount[next] = (this.valuesWithCount[next] ?? 0) + 1;
    if (next > this.maxPerValue) this.maxPerValue = next;
  }

  remove(value: string | undefined): void {
    this.count--;
    if (value === undefined) return;
    const before = this.perValue.get(value) ?? 0;
    if (before === 0) return;
    this.valuesWithCount[before]--;
    if (before === 1) {
      this.perValue.delete(value);
    } else {
      this.perValue.set(value, before - 1);
      this.valuesWithCount[before - 1]++;
    }
    if (before === this.maxPerValue && this.valuesWithCount[before] === 0) this.maxPerValue--;
  }
}

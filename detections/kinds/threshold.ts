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

/**
 * One group's counted events, in time order, and (when the rule counts distinct values) each one's normalised value at
 * the same index: two arrays rather than an object per counted event. `last` is the time of the latest, read by every
 * sweep without touching the entries.
 */
interface Group {
  readonly entries: TimelineEntry[];
  readonly values: string[] | undefined;
  last: number;
  /**
   * Attempt ids already counted in this group (`countOnceBy`), let go with the group: an id seen again after its group
   * closed is more than a window from its first count, so no window can hold both. A lone id is held as it is: most
   * groups count one attempt and close unmet, and need no set.
   */
  attempts: string | Set<string> | undefined;
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
  const windowMs = rule.window * 60_000;
  const groups = new Map<string, Group>();
  const candidates: MatchCandidate[] = [];
  let nextSweepAt = -Infinity;

  // A window holds at most the group's events, and distinct values are never more than events: most groups
  // (one user's few sign-ins) can be passed over without sliding a window.
  const fewestEvents = Math.max(rule.threshold, rule.minEvents ?? 1);
  const close = (groupKey: string, group: Group): void => {
    if (group.entries.length < fewestEvents) return;
    for (const run of findRuns(rule, group)) candidates.push(toCandidate(rule, groupKey, group, run));
  };
  /** Closes the groups whose last event is more than a window before `time` (entries arrive in time order). */
  const sweep = (time: number): void => {
    // forEach, not for…of: an entries iterator allocates a [key, value] pair per open group, every sweep.
    groups.forEach((group, groupKey) => {
      if (time - group.last <= windowMs) return;
      close(groupKey, group);
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
      const attemptId = attempt?.text(entry.event) || undefined;
      const group = groups.get(groupKey);
      if (!group) {
        // Arrays made with their first element hold one slot; an empty array's first push reserves seventeen, and most
        // groups never get a second event.
        groups.set(groupKey, { entries: [entry], values: distinct ? [value!] : undefined, last: entry.time, attempts: attemptId });
        return;
      }
      if (attemptId) {
        const seen = group.attempts;
        if (seen === attemptId || (typeof seen === 'object' && seen.has(attemptId))) return;
        if (seen === undefined) group.attempts = attemptId;
        else if (typeof seen === 'string') group.attempts = new Set([seen, attemptId]);
        else seen.add(attemptId);
      }
      group.entries.push(entry);
      group.values?.push(value!);
      group.last = entry.time;
    },
    finish() {
      for (const [groupKey, group] of groups) close(groupKey, group);
      groups.clear();
      return candidates;
    },
  };
}

/**
 * Slides the window over one group (events in time order) and merges windows that meet the rule and share events
 * into one run, so a long burst gives one match.
 */
function findRuns(rule: ThresholdRule, { entries, values }: Group): Run[] {
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
  for (let right = 0; right < entries.length; right++) {
    counter.add(values?.[right]);
    while (entries[right].time - entries[left].time > windowMs) {
      counter.remove(values?.[left]);
      left++;
    }
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

function toCandidate(rule: ThresholdRule, groupKey: string, { entries, values }: Group, run: Run): MatchCandidate {
  const trigger = entries.slice(run.triggerStart, run.triggerEnd + 1);
  return {
    groupKey,
    entries: entries.slice(run.start, run.end + 1),
    trigger: values ? latestPerValue(trigger, values.slice(run.triggerStart, run.triggerEnd + 1)) : trigger,
    ...(rule.distinct ? { distinctCount: run.maxDistinct } : {}),
  };
}

/** One event per distinct value (its latest), enough to prove the distinct count. */
function latestPerValue(entries: readonly TimelineEntry[], values: readonly string[]): TimelineEntry[] {
  const byValue = new Map<string, TimelineEntry>();
  for (let i = 0; i < entries.length; i++) byValue.set(values[i], entries[i]);
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

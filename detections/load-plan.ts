/**
 * What an evaluation needs besides its new events (contract item 1 in engine.ts): the event types to load and how far
 * before and after the new events (`eventLoadPlan`), and, among the events so loaded, those a rule can count
 * (`lookbackRelevance`).
 */
import { clearFocus, focusEvent, perFocusedEvent } from './fields.js';
import { ABSENCE_GRACE_MINUTES } from './kinds/sequence.js';
import { isAlertStep, resolveRules } from './settings.js';
import { typeMatches } from './timeline.js';
import type { DetectionSettings, OktaLogEvent, Rule } from './types.js';

const MINUTE = 60_000;

/** Minutes of history before the oldest new event the caller must load so every window is complete. */
export function lookbackMinutes(rules: readonly Rule[], settings?: DetectionSettings): number {
  return resolveRules(rules, settings).reduce((longest, { rule }) => Math.max(longest, historyMinutes(rule)), 0);
}

/** Event types to load, and how far back, for one look-back length. */
export interface EventLoadGroup {
  /** Look-back (and look-ahead) in minutes for these types. */
  readonly lookbackMinutes: number;
  /** eventType patterns: exact names, 'prefix.*' globs, or '*' for every type. */
  readonly eventTypes: readonly string[];
}

/**
 * What to load for one evaluation, per event type: for each group, events of `eventTypes` published in
 * [min(firstNew, now) − lookbackMinutes, max(lastNew, now) + lookbackMinutes] (the look-ahead completes windows
 * when an old hour is re-run). Types several rules read get the longest look-back; groups are disjoint and sorted
 * longest first. Includes disabled rules evaluated silently for alert chains.
 */
export function eventLoadPlan(rules: readonly Rule[], settings?: DetectionSettings): EventLoadGroup[] {
  const longest = new Map<string, number>();
  for (const { rule } of resolveRules(rules, settings)) {
    const minutes = historyMinutes(rule);
    for (const type of rule.eventTypes) longest.set(type, Math.max(longest.get(type) ?? 0, minutes));
  }
  const groups = new Map<number, string[]>();
  for (const [type, minutes] of longest) {
    const list = groups.get(minutes);
    if (list) list.push(type);
    else groups.set(minutes, [type]);
  }
  return [...groups]
    .sort(([a], [b]) => b - a)
    .map(([lookback, eventTypes]) => ({ lookbackMinutes: lookback, eventTypes: [...eventTypes].sort() }));
}

/**
 * True when the rules include an absence rule: the caller should then evaluate every run, even one without new
 * events, since absences are decided by `now`.
 */
export function decidesByClock(rules: readonly Rule[], settings?: DetectionSettings): boolean {
  return resolveRules(rules, settings).some(({ rule }) => rule.kind === 'sequence' && rule.absent === true);
}

/**
 * Whether an event loaded around new events published in [from, to) can count for any rule. `pendingInRun`: the
 * event is one of the run's new events, in another chunk of it.
 */
export type LookbackFilter = (event: OktaLogEvent, pendingInRun: boolean) => boolean;

/**
 * Narrows the load plan event by event. The plan reads by type and time, so a chunk of a busy hour holds every
 * sign-in of the hour before it, because one rule counts failed sign-ins over 60 minutes and another successful ones
 * over 30. An event outside the new events' range [from, to) is used only by a rule that reads its type, within that
 * rule's own look-back (an anomaly rule: only in a bucket that holds part of the range), and whose filter, or one of
 * whose sequence steps, accepts it. Every other event is inert: no rule counts it, so leaving it out changes no
 * window of a new event, and what a chunk holds follows what its rules count rather than all the traffic of their types.
 *
 * Given the events in [from, to) (`inRange`), a window rule's look-back before the range is narrowed further to the
 * groups it can report: a threshold's or an event sequence's match must hold a new event (engine contract item 2), so
 * only groups (a session, a user, a device token) with an event in the range can be reported, and the look-back of the
 * others is inert too. What a chunk holds before its start then follows the entities active in the chunk, not the
 * tenant's whole traffic. Rules whose detections a chain consumes by name keep their whole reach (the chain pairs a new
 * event with a detection raised from look-back alone), and so do absences (decided by the clock). A chunk spanning at
 * least four times a rule's look-back (a quiet tenant's day) is not narrowed for it: that look-back is already small
 * beside the chunk, and narrowing would cost a pass over the chunk's events.
 *
 * After the range, a new event of the run is a later chunk's: that chunk reads this one's events as its look-back
 * and finds every window they share, so here only rules that judge a whole bucket or decide by the clock (anomalies,
 * absences) read it. Each chunk of a split hour thus looks back, as hourly runs do, and looks ahead only at events
 * already analysed (a re-run).
 *
 * Events in [from, to), and events whose time cannot be read, are always kept; a filter that throws keeps the event
 * (the engine reports the rule's error where it evaluates it). Returns a filter per range, sharing a cache by type.
 */
export function lookbackRelevance(
  rules: readonly Rule[],
  settings?: DetectionSettings,
): (from: number, to: number, inRange?: readonly OktaLogEvent[]) => LookbackFilter {
  const resolved = resolveRules(rules, settings).map(({ rule }) => rule);
  const reach = chainReach(resolved);
  const needs = resolved.map((rule) => needOf(rule, reach.get(rule.id) ?? 0)).filter((need) => need.minutes > 0 || need.bucketMs);
  const byType = new Map<string, readonly Need[]>();
  const needsOf = (eventType: string): readonly Need[] => {
    let found = byType.get(eventType);
    if (!found) {
      found = needs.filter((need) => need.eventTypes.some((pattern) => typeMatches(eventType, pattern)));
      byType.set(eventType, found);
    }
    return found;
  };

  return (from, to, inRange) => {
    // Narrowing costs a pass over the range's events; it pays where the rule's look-back is a sizeable part of the
    // chunk (a busy hour cut into minutes), not where the chunk spans a day of a quiet tenant and the look-back is a
    // few percent of it.
    const worthNarrowing = (need: Need) => need.minutes * MINUTE * NARROW_WHEN_SPAN_UNDER >= to - from;
    const active = inRange ? activeGroups(inRange, needsOf, worthNarrowing) : undefined;
    return (event, pendingInRun) => {
      const at = Date.parse(event.published);
      if (!(at < from || at >= to)) return true;
      const candidates = needsOf(String(event.eventType));
      if (candidates.length === 0) return false;
      const laterChunk = pendingInRun && at >= to;
      focusEvent(event);
      try {
        for (const need of candidates) {
          if (laterChunk && !need.readsLaterChunks) continue;
          if (!reaches(need, at, from, to)) continue;
          const groups = at < from ? active?.(need) : undefined;
          if (groups && need.groupsOf ? need.groupsOf(event).some((group) => groups.has(group)) : need.accepts(event)) return true;
        }
        return false;
      } catch {
        return true;
      } finally {
        clearFocus();
      }
    };
  };
}

const NONE: ReadonlySet<string> = new Set();
/**
 * A rule's look-back is narrowed to the active groups when the chunk spans less than this many times the look-back:
 * otherwise what it reads before the chunk is already under a quarter of the chunk's span.
 */
const NARROW_WHEN_SPAN_UNDER = 4;

/**
 * For each rule that reports only groups with a new event, the groups of the events in the range (undefined: not
 * narrowed, because its grouping threw on one of them; the engine reports the error).
 */
function activeGroups(
  inRange: readonly OktaLogEvent[],
  needsOf: (eventType: string) => readonly Need[],
  worthNarrowing: (need: Need) => boolean,
): (need: Need) => ReadonlySet<string> | undefined {
  const active = new Map<Need, Set<string>>();
  const unnarrowed = new Set<Need>();
  const narrowed = (need: Need) => need.groupsOf !== undefined && !unnarrowed.has(need) && worthNarrowing(need);
  for (const event of inRange) {
    const needs = needsOf(String(event.eventType));
    if (!needs.some(narrowed)) continue;
    focusEvent(event);
    for (const need of needs) {
      if (!need.groupsOf || !narrowed(need)) continue;
      try {
        let groups = active.get(need);
        for (const group of need.groupsOf(event)) {
          if (!groups) active.set(need, (groups = new Set()));
          groups.add(group);
        }
      } catch {
        unnarrowed.add(need);
      }
    }
    clearFocus();
  }
  return (need) => (narrowed(need) ? (active.get(need) ?? NONE) : undefined);
}

interface Need {
  readonly eventTypes: readonly string[];
  /** How far before and after the range the rule reads (0: not at all). */
  readonly minutes: number;
  /** Anomaly rules read whole buckets of this length: those that hold part of the range. */
  readonly bucketMs?: number;
  /** Reads later chunks' new events too: a bucket is judged whole, an absence by what followed. */
  readonly readsLaterChunks: boolean;
  readonly accepts: (event: OktaLogEvent) => boolean;
  /**
   * The groups under which the rule counts an event (none if it does not), for a rule that reports only groups
   * with a new event: its look-back before the range is kept only for groups active in the range.
   */
  readonly groupsOf?: (event: OktaLogEvent) => string[];
}

/**
 * `extra`: minutes a chain that consumes the rule's detections reaches beyond the range. The chain pairs a new event
 * with a detection up to its `within` earlier, which, within one evaluation, the rule raises again from its events:
 * those are read that far back (as far as the load plan allows), so the chain sees the detection as it was raised.
 */
function needOf(rule: Rule, extra: number): Need {
  const base = {
    eventTypes: rule.eventTypes,
    minutes: historyMinutes(rule) + extra,
    readsLaterChunks: rule.kind === 'anomaly' || (rule.kind === 'sequence' && rule.absent === true),
  };
  switch (rule.kind) {
    case 'threshold': {
      const accepts = perFocusedEvent(rule.filter);
      const keyOf = perFocusedEvent(rule.dedupe.key);
      const groupsOf = (event: OktaLogEvent): string[] => {
        const group = accepts(event) ? keyOf(event) : undefined;
        return group ? [group] : [];
      };
      return { ...base, accepts, ...(extra === 0 ? { groupsOf } : {}) };
    }
    case 'anomaly':
      return {
        ...base,
        minutes: extra > 0 ? base.minutes : 0,
        bucketMs: rule.bucketMinutes * MINUTE,
        accepts: perFocusedEvent(rule.filter),
      };
    case 'sequence': {
      const eventSteps = [rule.first, rule.then].flatMap((step) => (isAlertStep(step) ? [] : [step]));
      const steps = eventSteps.map((step) => ({ match: perFocusedEvent(step.match), key: perFocusedEvent(step.key ?? rule.dedupe.key) }));
      const accepts = (event: OktaLogEvent) => steps.some((step) => step.match(event));
      // Only a sequence of two event steps: one with an alert step can pair a look-back event with a new detection.
      const groupsOf = (event: OktaLogEvent): string[] =>
        steps.flatMap((step) => {
          const group = step.match(event) ? step.key(event) : undefined;
          return group ? [group] : [];
        });
      return { ...base, accepts, ...(extra === 0 && !rule.absent && eventSteps.length === 2 ? { groupsOf } : {}) };
    }
    default:
      // Single, baseline and geo-velocity rules read no look-back (historyMinutes 0).
      return { ...base, accepts: () => false };
  }
}

/** The longest `within` of the chains that consume each rule's detections by name. */
function chainReach(rules: readonly Rule[]): Map<string, number> {
  const reach = new Map<string, number>();
  for (const rule of rules) {
    if (rule.kind !== 'sequence') continue;
    for (const step of [rule.first, rule.then]) {
      // A wildcard step ('*') takes any detection the evaluation raises and remembers none of them; those of new
      // events need no more than their own rule's look-back.
      if (!isAlertStep(step) || step.alerts === '*') continue;
      for (const id of step.alerts) reach.set(id, Math.max(reach.get(id) ?? 0, rule.within));
    }
  }
  return reach;
}

/**
 * Is `at`, outside [from, to), within the rule's reach: [from − minutes, to + minutes), as the load groups are, or,
 * for an anomaly rule, in a bucket that holds part of [from, to)?
 */
function reaches(need: Need, at: number, from: number, to: number): boolean {
  if (need.bucketMs !== undefined && from < to) {
    const bucket = Math.floor(at / need.bucketMs);
    if (bucket >= Math.floor(from / need.bucketMs) && bucket <= Math.floor((to - 1) / need.bucketMs)) return true;
  }
  return at < from ? from - at <= need.minutes * MINUTE : at - to < need.minutes * MINUTE;
}

/**
 * How far before the oldest new event a rule needs events. Kinds that remember through state need none of their own:
 * baselines and geo-velocity judge new events against state, and chains recall earlier detections from state.
 */
function historyMinutes(rule: Rule): number {
  switch (rule.kind) {
    case 'single':
      return 0;
    case 'threshold':
      return rule.window;
    case 'sequence':
      if (rule.absent) return rule.within + ABSENCE_GRACE_MINUTES;
      return isAlertStep(rule.first) ? 0 : rule.within;
    case 'baseline':
    case 'geo':
      return 0;
    case 'anomaly':
      // The bucket of a new event must be loaded whole; earlier buckets come from state.
      return rule.bucketMinutes;
    default:
      throw new Error(`Unsupported rule kind: ${(rule as { kind?: unknown }).kind}`);
  }
}

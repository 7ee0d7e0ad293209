/**
 * Detection engine: runs rules over raw Okta System Log events and returns matches.
 *
 * Contract with the caller (the hourly detection run):
 * 1. Pass this run's NEW events plus LOOK-BACK events (already processed by earlier runs) going back at least
 *    `lookbackMinutes(rules)` before the oldest new event, and say which are new with `opts.isNew`. Order does not
 *    matter (the engine sorts by `published`, then uuid); repeated uuids are counted once.
 * 2. A match is returned only if at least one of its events is new. Windows lying entirely in the look-back are not
 *    reported again; windows crossing the run boundary (old + new events) are caught.
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
 * 5. The engine is pure: no I/O, no clock, no state between calls. Baselines and caches will come in as inputs.
 *    A rule that throws fails the evaluation, unless `opts.onRuleError` is given: then it is reported and skipped.
 *
 * Cost: one sort (a linear check when the events already come in time order, as loaded from the database), one
 * pass to index by eventType, then per rule only the events of its types; threshold rules group first and slide a
 * two-pointer window per group, so the work is linear in the events.
 */
import { evaluateSingle } from './kinds/single.js';
import { evaluateThreshold } from './kinds/threshold.js';
import { DEFAULT_EVIDENCE_CAP, hasNewEvent, toDetectionMatch, type MatchCandidate } from './match.js';
import { applySettings } from './settings.js';
import { buildTimeline, type TimelineEntry } from './timeline.js';
import type { DetectionMatch, DetectionSettings, EvaluateOptions, OktaLogEvent, Rule } from './types.js';

export function evaluate(
  rules: readonly Rule[],
  events: readonly OktaLogEvent[],
  opts: EvaluateOptions = {},
): DetectionMatch[] {
  const active = applySettings(rules, opts.settings);
  const timeline = buildTimeline(events, opts.isNew ?? (() => true));
  const evidenceCap = Math.max(1, opts.evidenceCap ?? DEFAULT_EVIDENCE_CAP);

  const matches: DetectionMatch[] = [];
  for (const rule of active) {
    const entries = timeline.select(rule.eventTypes);
    if (entries.length === 0) continue;
    try {
      for (const candidate of candidatesFor(rule, entries)) {
        if (hasNewEvent(candidate.entries)) matches.push(toDetectionMatch(rule, candidate, evidenceCap));
      }
    } catch (error) {
      // One faulty rule must not silence the others, but only when the caller has somewhere to report it.
      if (!opts.onRuleError) throw error;
      opts.onRuleError(rule.id, error);
    }
  }
  return matches.sort(
    (a, b) =>
      compare(a.firstEventAt, b.firstEventAt) || compare(a.ruleId, b.ruleId) || compare(a.groupKey, b.groupKey),
  );
}

/** Minutes of history before the oldest new event the caller must load so every window is complete. */
export function lookbackMinutes(rules: readonly Rule[], settings?: DetectionSettings): number {
  return applySettings(rules, settings).reduce((longest, rule) => Math.max(longest, historyMinutes(rule)), 0);
}

function candidatesFor(rule: Rule, entries: readonly TimelineEntry[]): MatchCandidate[] {
  switch (rule.kind) {
    case 'single':
      return evaluateSingle(rule, entries);
    case 'threshold':
      return evaluateThreshold(rule, entries);
    default:
      return unknownKind(rule);
  }
}

function historyMinutes(rule: Rule): number {
  switch (rule.kind) {
    case 'single':
      return 0;
    case 'threshold':
      return rule.window;
    default:
      return unknownKind(rule);
  }
}

function unknownKind(rule: never): never {
  throw new Error(`Unsupported rule kind: ${(rule as { kind?: unknown }).kind}`);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

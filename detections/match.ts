/** Turns the events a rule kind selected into a DetectionMatch (severity, subject, evidence). */
import { actorSubject, commonFields } from './log-event.js';
import type { TimelineEntry } from './timeline.js';
import type { DetectionMatch, OktaLogEvent, Rule, SubjectUser } from './types.js';

export const DEFAULT_EVIDENCE_CAP = 50;

export interface MatchCandidate {
  readonly groupKey: string;
  /** Every event of the match, in time order. */
  readonly entries: readonly TimelineEntry[];
  /** The events that met the rule (first window that crossed the threshold); always kept as evidence. */
  readonly trigger: readonly TimelineEntry[];
  readonly distinctCount?: number;
}

/** A match is worth reporting only if this run brings something new to it. */
export function hasNewEvent(entries: readonly TimelineEntry[]): boolean {
  return entries.some((entry) => entry.isNew);
}

export function toDetectionMatch(rule: Rule, candidate: MatchCandidate, evidenceCap: number): DetectionMatch {
  const { entries, groupKey } = candidate;
  const events = entries.map((entry) => entry.event);
  const subject = rule.subject ? rule.subject(events) : sharedUserActor(events);
  return {
    ruleId: rule.id,
    title: rule.title,
    severity: typeof rule.severity === 'function' ? rule.severity(events) : rule.severity,
    tactics: rule.attack.tactics,
    techniques: rule.attack.techniques,
    groupKey,
    dedupeKey: `${rule.id}:${groupKey}`,
    dedupePeriodMinutes: rule.dedupe.periodMinutes,
    ...(subject?.id ? { subjectUserId: subject.id } : {}),
    ...(subject?.alternateId ? { subjectUser: subject.alternateId } : {}),
    firstEventAt: new Date(entries[0].time).toISOString(),
    lastEventAt: new Date(entries[entries.length - 1].time).toISOString(),
    evidenceUuids: selectEvidence(candidate, evidenceCap),
    count: entries.length,
    ...(candidate.distinctCount !== undefined ? { distinctCount: candidate.distinctCount } : {}),
    runbook: rule.runbook,
  };
}

/**
 * Evidence, oldest first, at most `cap`: the trigger events, then the first new event (why this run reports it),
 * then the most recent events.
 */
function selectEvidence({ entries, trigger }: MatchCandidate, cap: number): string[] {
  const chosen = new Set<TimelineEntry>();
  const firstNew = entries.find((entry) => entry.isNew);
  const triggerRoom = firstNew && !trigger.includes(firstNew) ? cap - 1 : cap;
  for (const entry of trigger) {
    if (chosen.size >= triggerRoom) break;
    chosen.add(entry);
  }
  if (firstNew && chosen.size < cap) chosen.add(firstNew);
  for (let i = entries.length - 1; i >= 0 && chosen.size < cap; i--) chosen.add(entries[i]);
  return [...chosen].sort((a, b) => a.seq - b.seq).map((entry) => entry.event.uuid);
}

/** Default subject: the actor, when every event has the same User actor (a spray from one IP has none). */
function sharedUserActor(events: readonly OktaLogEvent[]): SubjectUser | undefined {
  const subject = actorSubject(events[0]);
  if (!subject) return undefined;
  const same = subject.id
    ? (event: OktaLogEvent) => commonFields.actorId.text(event) === subject.id
    : (event: OktaLogEvent) => commonFields.actorAlternateId.text(event)?.toLowerCase() === subject.alternateId?.toLowerCase();
  return events.every(same) ? subject : undefined;
}

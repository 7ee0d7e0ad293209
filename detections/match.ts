/** Turns the events a rule kind selected into a DetectionMatch (severity, subject, evidence). */
import { actorSubject, commonFields } from './log-event.js';
import type { TimelineEntry } from './timeline.js';
import type { DetectionMatch, OktaLogEvent, Rule, Severity, SubjectUser } from './types.js';

export const DEFAULT_EVIDENCE_CAP = 50;

export interface MatchCandidate {
  readonly groupKey: string;
  /** Every event of the match, in time order. */
  readonly entries: readonly TimelineEntry[];
  /** The events that met the rule (first window that crossed the threshold); always kept as evidence. */
  readonly trigger: readonly TimelineEntry[];
  readonly distinctCount?: number;
  /**
   * Overrides "reported only if one of its events is new": absence matches are decided by the clock, long after
   * their events arrived, and say themselves whether this evaluation reports them.
   */
  readonly report?: boolean;
  readonly details?: Readonly<Record<string, string | number>>;
}

/** A match is worth reporting only if this run brings something new to it. */
export function hasNewEvent(entries: readonly TimelineEntry[]): boolean {
  return entries.some((entry) => entry.isNew);
}

export function toDetectionMatch(rule: Rule, candidate: MatchCandidate, evidenceCap: number): DetectionMatch {
  const { entries, groupKey } = candidate;
  const events = loadedEvents(candidate);
  const subject = rule.subject ? rule.subject(events) : sharedUserActor(events);
  return {
    ruleId: rule.id,
    title: rule.title,
    severity: severityOf(rule, candidate),
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
    ...(candidate.details ? { details: candidate.details } : {}),
  };
}

/** Entries recalled from state carry only a uuid and a time: rule functions see loaded events only. */
function loadedEvents(candidate: MatchCandidate): OktaLogEvent[] {
  const loaded = candidate.entries.filter((entry) => entry.seq >= 0);
  return (loaded.length > 0 ? loaded : candidate.entries).map((entry) => entry.event);
}

export function severityOf(rule: Rule, candidate: MatchCandidate): Severity {
  return typeof rule.severity === 'function' ? rule.severity(loadedEvents(candidate)) : rule.severity;
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
  return [...chosen].sort(byTimeThenSeq).map((entry) => entry.event.uuid);
}

/** Timeline order; entries recalled from state (seq -1) sit by their time. */
export function byTimeThenSeq(a: TimelineEntry, b: TimelineEntry): number {
  return a.time - b.time || a.seq - b.seq;
}

/** Should the engine report this candidate? */
export function isReportable(candidate: MatchCandidate): boolean {
  return candidate.report ?? hasNewEvent(candidate.entries);
}

/**
 * An event known only by uuid and time (recalled from state, not loaded in this evaluation): cited as evidence,
 * never new, read by no rule.
 */
export function recalledEntry(uuid: string, time: number): TimelineEntry {
  return { event: { uuid, published: new Date(time).toISOString(), eventType: '' }, time, isNew: false, seq: -1 };
}

/** Merges entry lists: one entry per uuid (a loaded event wins over a recalled one), in time order. */
export function unionEntries(...lists: (readonly TimelineEntry[])[]): TimelineEntry[] {
  const byUuid = new Map<string, TimelineEntry>();
  for (const list of lists) {
    for (const entry of list) {
      const known = byUuid.get(entry.event.uuid);
      if (!known || (known.seq < 0 && entry.seq >= 0)) byUuid.set(entry.event.uuid, entry);
    }
  }
  return [...byUuid.values()].sort(byTimeThenSeq);
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

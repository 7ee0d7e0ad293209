// How matches become detections: a match joins an earlier detection with the same dedupe key whose
// last event is within the rule's dedupe period of the match's first event (count, last seen and
// evidence grow); otherwise it opens a new one. The hourly run applies this within a run before it
// persists (and in SQL across runs); the offline command applies it to a whole file.
import type { DetectionMatch } from '../index.js';

export const EVIDENCE_CAP = 50;

export interface MergedDetection {
  ruleId: string;
  dedupeKey: string;
  dedupePeriodMinutes: number;
  severity: DetectionMatch['severity'];
  title: string;
  subjectUserId: string | null;
  subjectUser: string | null;
  firstEventAt: string;
  lastEventAt: string;
  count: number;
  evidenceUuids: string[];
  tactics: string[];
  techniques: string[];
  runbook: string;
}

const MINUTE = 60_000;

export function mergeMatches(matches: readonly DetectionMatch[]): MergedDetection[] {
  const ordered = [...matches].sort((a, b) => a.firstEventAt.localeCompare(b.firstEventAt) || a.dedupeKey.localeCompare(b.dedupeKey));
  const open = new Map<string, MergedDetection>();
  const result: MergedDetection[] = [];
  for (const m of ordered) {
    const current = open.get(m.dedupeKey);
    const within = current && Date.parse(m.firstEventAt) <= Date.parse(current.lastEventAt) + m.dedupePeriodMinutes * MINUTE;
    if (current && within) {
      const known = new Set(current.evidenceUuids);
      const added = m.evidenceUuids.filter((u) => !known.has(u));
      current.evidenceUuids = [...current.evidenceUuids, ...added].slice(0, EVIDENCE_CAP);
      current.count += added.length;
      if (m.lastEventAt > current.lastEventAt) current.lastEventAt = m.lastEventAt;
      continue;
    }
    const detection: MergedDetection = {
      ruleId: m.ruleId,
      dedupeKey: m.dedupeKey,
      dedupePeriodMinutes: m.dedupePeriodMinutes,
      severity: m.severity,
      title: m.title,
      subjectUserId: m.subjectUserId ?? null,
      subjectUser: m.subjectUser ?? null,
      firstEventAt: m.firstEventAt,
      lastEventAt: m.lastEventAt,
      count: m.count,
      evidenceUuids: m.evidenceUuids.slice(0, EVIDENCE_CAP),
      tactics: [...m.tactics],
      techniques: [...m.techniques],
      runbook: m.runbook,
    };
    open.set(m.dedupeKey, detection);
    result.push(detection);
  }
  return result;
}

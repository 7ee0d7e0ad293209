// Trying rules offline: the catalogue (and loaded Sigma rules) over a file of raw Okta System Log
// events — a JSON array or JSON lines, as exported from Okta — with no Temporal and no database.
// It runs exactly what the hourly run runs: the same rule set, engine and merging.
import { evaluate, type OktaLogEvent, type Rule } from '../detections/index.js';
import { mergeMatches, type MergedDetection } from './detection-merge.js';

export interface ParsedEvents {
  events: OktaLogEvent[];
  /** "line 12: …" or "item 3: …" for each entry that is not an Okta LogEvent. */
  problems: string[];
}

function checkEvent(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const e = value as Record<string, unknown>;
  if (typeof e.uuid !== 'string' || !e.uuid) return 'has no uuid';
  if (typeof e.published !== 'string' || Number.isNaN(Date.parse(e.published))) return 'has no ISO-8601 published time';
  if (typeof e.eventType !== 'string' || !e.eventType) return 'has no eventType';
  return undefined;
}

export function parseEventsFile(text: string): ParsedEvents {
  const events: OktaLogEvent[] = [];
  const problems: string[] = [];
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    let items: unknown[];
    try {
      items = JSON.parse(text) as unknown[];
    } catch (err) {
      return { events, problems: [`the file starts like a JSON array but is not valid JSON: ${(err as Error).message}`] };
    }
    items.forEach((item, i) => {
      const problem = checkEvent(item);
      if (problem) problems.push(`item ${i + 1}: ${problem}`);
      else events.push(item as OktaLogEvent);
    });
    return { events, problems };
  }
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let item: unknown;
    try {
      item = JSON.parse(line);
    } catch {
      problems.push(`line ${i + 1}: not valid JSON`);
      return;
    }
    const problem = checkEvent(item);
    if (problem) problems.push(`line ${i + 1}: ${problem}`);
    else events.push(item as OktaLogEvent);
  });
  return { events, problems };
}

/** Every event is new (nothing was judged before), as in a tenant's first hourly run. */
export function detectOffline(rules: readonly Rule[], events: readonly OktaLogEvent[]): MergedDetection[] {
  return mergeMatches(evaluate(rules, events));
}

/** One JSON line per detection, in the field names analysts and the webhook use. */
export function detectionLine(d: MergedDetection): string {
  return JSON.stringify({
    rule_id: d.ruleId,
    severity: d.severity,
    title: d.title,
    dedupe_key: d.dedupeKey,
    subject_user: d.subjectUser,
    count: d.count,
    evidence_uuids: d.evidenceUuids,
    first_event_at: d.firstEventAt,
    last_event_at: d.lastEventAt,
  });
}

// Trying rules offline: the catalogue (and loaded Sigma rules) over a file of raw Okta System Log
// events — a JSON array or JSON lines, as exported from Okta — with no Temporal and no database.
// It runs exactly what the hourly run runs: the same rule set, engine and merging.
import { typeMatches, type DetectionSettings, type OktaLogEvent, type Rule, type StateRow } from '../index.js';
import { mergeMatches, type MergedDetection } from './merge.js';
import { runDetectionPass, type EventSource } from './pass.js';

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

/**
 * Every event is new and nothing is remembered, as in a tenant's first hourly run: the same detection pass
 * (chunks, look-back, clock, rule state carried between chunks) over the file instead of the database.
 */
export async function detectOffline(
  rules: readonly Rule[],
  events: readonly OktaLogEvent[],
  settings: DetectionSettings = {},
): Promise<MergedDetection[]> {
  const noState = { load: async (): Promise<StateRow[]> => [] };
  const pass = await runDetectionPass(rules, eventsInMemory(events), noState, { settings });
  return mergeMatches(pass.matches);
}

const HOUR = 3_600_000;

/**
 * Events in memory as the detection pass reads them. `isNewEvent` says which belong to the run being evaluated
 * (default: all of them, as for a file).
 */
export function eventsInMemory(all: readonly OktaLogEvent[], isNewEvent: (e: OktaLogEvent) => boolean = () => true): EventSource {
  const timed = all
    .map((event) => ({ event, at: Date.parse(event.published) }))
    .filter((e) => !Number.isNaN(e.at))
    .sort((a, b) => a.at - b.at);
  return {
    async newEventHours() {
      const hours = new Map<number, number>();
      for (const { event, at } of timed) {
        if (!isNewEvent(event)) continue;
        const hour = Math.floor(at / HOUR) * HOUR;
        hours.set(hour, (hours.get(hour) ?? 0) + 1);
      }
      return [...hours].sort(([a], [b]) => a - b).map(([start, n]) => ({ start, n }));
    },
    async watermark() {
      return timed.length > 0 ? timed[timed.length - 1].at : undefined;
    },
    async load(groups, newFrom, newTo) {
      const events: OktaLogEvent[] = [];
      const fresh = new Set<string>();
      for (const group of groups) {
        for (const { event, at } of timed) {
          if (at < group.from || at >= group.to) continue;
          if (!group.eventTypes.some((pattern) => typeMatches(String(event.eventType), pattern))) continue;
          events.push(event);
          if (at >= newFrom && at < newTo && isNewEvent(event)) fresh.add(event.uuid);
        }
      }
      return { events, isNew: (e) => fresh.has(e.uuid) };
    },
  };
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

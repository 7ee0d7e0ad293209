/** The events of one evaluation, parsed once: sorted by time, de-duplicated, indexed by event type. */
import type { OktaLogEvent } from './types.js';

export interface TimelineEntry {
  readonly event: OktaLogEvent;
  /** `published` in epoch milliseconds. */
  readonly time: number;
  readonly isNew: boolean;
  /** Position in the sorted timeline; restores global order after merging per-type lists. */
  readonly seq: number;
}

export interface Timeline {
  readonly entries: readonly TimelineEntry[];
  /** Entries whose eventType matches any of the patterns (exact, or prefix glob ending in '*'), in time order. */
  select(patterns: readonly string[]): readonly TimelineEntry[];
}

/**
 * Events without a parsable `published` or `uuid` are dropped (they cannot be windowed or cited).
 * Okta delivery is at-least-once, so repeated uuids are kept once; a copy counts as new only if every copy is new.
 * Ties on time are broken by uuid so that the order never depends on how the caller loaded the events.
 */
export function buildTimeline(events: readonly OktaLogEvent[], isNew: (event: OktaLogEvent) => boolean): Timeline {
  const parsed: { event: OktaLogEvent; time: number; isNew: boolean; seq: number }[] = [];
  for (const event of events) {
    if (!event || typeof event.uuid !== 'string' || typeof event.published !== 'string') continue;
    const time = Date.parse(event.published);
    if (Number.isNaN(time)) continue;
    parsed.push({ event, time, isNew: isNew(event), seq: 0 });
  }
  parsed.sort((a, b) => a.time - b.time || compareUuid(a.event.uuid, b.event.uuid));

  // Copies of one event share time and uuid, so after sorting they are neighbours: no hashing needed.
  const entries: TimelineEntry[] = [];
  for (const entry of parsed) {
    const previous = entries[entries.length - 1] as (typeof parsed)[number] | undefined;
    if (previous && previous.time === entry.time && previous.event.uuid === entry.event.uuid) {
      previous.isNew &&= entry.isNew;
      continue;
    }
    entry.seq = entries.length;
    entries.push(entry);
  }

  const byType = new Map<string, TimelineEntry[]>();
  for (const entry of entries) {
    const type = typeof entry.event.eventType === 'string' ? entry.event.eventType.toLowerCase() : '';
    const list = byType.get(type);
    if (list) list.push(entry);
    else byType.set(type, [entry]);
  }

  return {
    entries,
    select(patterns) {
      if (patterns.includes('*')) return entries;
      const lists = [...byType].filter(([type]) => patterns.some((pattern) => typeMatches(type, pattern))).map(([, list]) => list);
      if (lists.length === 0) return [];
      if (lists.length === 1) return lists[0];
      return lists.flat().sort((a, b) => a.seq - b.seq);
    },
  };
}

function compareUuid(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function typeMatches(eventType: string, pattern: string): boolean {
  const wanted = pattern.toLowerCase();
  return wanted.endsWith('*') ? eventType.startsWith(wanted.slice(0, -1)) : eventType === wanted;
}

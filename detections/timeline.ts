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

interface MutableEntry {
  readonly event: OktaLogEvent;
  readonly time: number;
  isNew: boolean;
  seq: number;
  /** Index into the timeline's `types`. */
  readonly type: number;
}

/** Index of each lower-cased type, filled while the events are first read (their objects are in cache then). */
class TypeIndex {
  readonly names: string[] = [];
  private readonly byRaw = new Map<string, number>();
  private readonly byLower = new Map<string, number>();

  of(eventType: unknown): number {
    const raw = typeof eventType === 'string' ? eventType : '';
    let index = this.byRaw.get(raw);
    if (index === undefined) {
      const lower = raw.toLowerCase();
      index = this.byLower.get(lower);
      if (index === undefined) {
        index = this.names.length;
        this.names.push(lower);
        this.byLower.set(lower, index);
      }
      this.byRaw.set(raw, index);
    }
    return index;
  }
}

export interface Timeline {
  readonly entries: readonly TimelineEntry[];
  /** Lower-cased event types, each once ('' for events without one); `typeOf[seq]` indexes it. */
  readonly types: readonly string[];
  /** The type of each entry by position, so a scan never reads the event's type string again. */
  readonly typeOf: Uint32Array;
  /** Entries whose eventType matches any of the patterns (exact, or prefix glob ending in '*'), in time order. */
  select(patterns: readonly string[]): readonly TimelineEntry[];
}

/**
 * Events without a parsable `published` or `uuid` are dropped (they cannot be windowed or cited).
 * Okta delivery is at-least-once, so repeated uuids are kept once; a copy counts as new only if every copy is new.
 * Ties on time are broken by uuid so that the order never depends on how the caller loaded the events.
 */
export function buildTimeline(events: readonly OktaLogEvent[], isNew: (event: OktaLogEvent) => boolean): Timeline {
  const parsed: MutableEntry[] = [];
  const typeIndex = new TypeIndex();
  // An index, not for…of: this loop runs once per evaluation, so it is seldom optimised enough to drop the iterator's
  // result object, one per event.
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    if (!event || typeof event.uuid !== 'string' || typeof event.published !== 'string') continue;
    const time = Date.parse(event.published);
    if (Number.isNaN(time)) continue;
    parsed.push({ event, time, isNew: isNew(event), seq: 0, type: typeIndex.of(event.eventType) });
  }
  orderByTime(parsed);

  // Copies of one event share time and uuid, so after sorting they are neighbours: no hashing needed.
  const entries: MutableEntry[] = [];
  const typeOfEntry = new Uint32Array(parsed.length);
  for (let i = 0; i < parsed.length; i++) {
    const entry = parsed[i];
    const previous = entries[entries.length - 1];
    if (previous && previous.time === entry.time && previous.event.uuid === entry.event.uuid) {
      previous.isNew &&= entry.isNew;
      continue;
    }
    entry.seq = entries.length;
    typeOfEntry[entry.seq] = entry.type;
    entries.push(entry);
  }

  // Each entry's type as a small number, so that a selection of several types is one pass over the timeline.
  const lists = typeIndex.names.map(() => [] as TimelineEntry[]);
  for (let i = 0; i < entries.length; i++) lists[typeOfEntry[i]].push(entries[i]);
  const byType = new Map(typeIndex.names.map((type, index) => [type, { index, entries: lists[index] }]));

  // Many rules read the same set of types (every sign-in rule asks for the same few): merged lists are kept.
  const selected = new Map<string, readonly TimelineEntry[]>();
  return {
    entries,
    types: typeIndex.names,
    typeOf: typeOfEntry.subarray(0, entries.length),
    select(patterns) {
      if (patterns.includes('*')) return entries;
      const cacheKey = patterns.map((p) => p.toLowerCase()).sort().join('\u0000');
      const cached = selected.get(cacheKey);
      if (cached) return cached;
      const lists = [...byType].filter(([type]) => patterns.some((pattern) => typeMatches(type, pattern))).map(([, list]) => list);
      let merged: readonly TimelineEntry[];
      if (lists.length <= 1) {
        merged = lists[0]?.entries ?? [];
      } else {
        const wanted = new Uint8Array(byType.size);
        let size = 0;
        for (const list of lists) {
          wanted[list.index] = 1;
          size += list.entries.length;
        }
        const out = new Array<TimelineEntry>(size);
        let n = 0;
        for (let i = 0; i < entries.length; i++) if (wanted[typeOfEntry[i]] === 1) out[n++] = entries[i];
        merged = out;
      }
      selected.set(cacheKey, merged);
      return merged;
    },
  };
}

/**
 * Sorts by time, then uuid. Callers usually load events already ordered by `published`, so check that first and
 * only order the runs of equal timestamps; a full sort of 100k objects costs far more than the rules.
 */
function orderByTime(entries: MutableEntry[]): void {
  for (let i = 1; i < entries.length; i++) {
    if (entries[i].time < entries[i - 1].time) {
      entries.sort(byTimeThenUuid);
      return;
    }
  }
  let start = 0;
  for (let i = 1; i <= entries.length; i++) {
    if (i < entries.length && entries[i].time === entries[start].time) continue;
    if (i - start > 1) {
      const tied = entries.slice(start, i).sort(byTimeThenUuid);
      for (let k = 0; k < tied.length; k++) entries[start + k] = tied[k];
    }
    start = i;
  }
}

function byTimeThenUuid(a: MutableEntry, b: MutableEntry): number {
  const uuidA = a.event.uuid;
  const uuidB = b.event.uuid;
  return a.time - b.time || (uuidA < uuidB ? -1 : uuidA > uuidB ? 1 : 0);
}

/** Case-insensitive eventType match against an exact name, a 'prefix.*' glob or '*'. */
export function typeMatches(eventType: string, pattern: string): boolean {
  if (pattern === '*') return true;
  const wanted = pattern.toLowerCase();
  const type = eventType.toLowerCase();
  return wanted.endsWith('*') ? type.startsWith(wanted.slice(0, -1)) : type === wanted;
}

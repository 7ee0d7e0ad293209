// Reading an exported events file for the offline `detect` command: a JSON array or JSON lines of raw Okta System Log
// events. Each entry is judged by the rules ingest applies to a streamed event (okta/log-event-check.ts: an Okta uuid,
// a strict RFC 3339 `published` with an offset, an eventType, nothing PostgreSQL would refuse), so the file yields the
// events the hourly run would store. An entry that cannot be used is skipped with a reason code and counted; nothing
// is guessed: a `published` without an offset is refused (`published_without_offset`), never read as local time.
import { checkEvent, shown } from '../../okta/log-event-check.js';
import type { OktaLogEvent } from '../index.js';

/** Why an entry of the file was not used, with what it means (for --help, the summary and the README). */
export const SKIP_REASONS = {
  not_json: 'the line is not valid JSON',
  not_an_object: 'the entry is JSON but not an object (an array, a string, null, …)',
  missing_uuid: 'no uuid of the Okta form',
  published_without_offset: 'published is a date and time without an offset (Z or ±hh:mm): refused, never read as local time',
  bad_published: 'published is not a strict RFC 3339 time with an offset (or no real date, or outside 1970–9999)',
  missing_event_type: 'no eventType, or an empty one',
  nul_character: 'a string or key holds U+0000, which the hourly run cannot store',
  unpaired_surrogate: 'a string or key holds an unpaired UTF-16 surrogate, which the hourly run cannot store',
  too_deep: 'nested deeper than the hourly run stores',
  duplicate_uuid: 'the same uuid as an earlier entry (the hourly run stores an event once)',
} as const;

export type SkipReason = keyof typeof SKIP_REASONS;

export interface SkippedEntry {
  /** "line 12" (JSON lines) or "item 3" (JSON array), 1-based. */
  where: string;
  reason: SkipReason;
  detail: string;
}

export interface ParsedEvents {
  events: OktaLogEvent[];
  /** Entries read: non-blank lines, or items of the array. */
  entries: number;
  /** Count per reason, in the order of SKIP_REASONS, only reasons that occurred. */
  skippedByReason: Partial<Record<SkipReason, number>>;
  /** Every skipped entry, in file order. */
  skipped: SkippedEntry[];
}

/** The file as a whole cannot be read as events (e.g. it starts like a JSON array but is not valid JSON). */
export class EventsFileError extends Error {
  override name = 'EventsFileError';
}

// A date and time with nothing after it: the form Date.parse would read in the machine's time zone.
const WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?$/;

// JSON.parse yields a NUL or a lone surrogate only from a \u escape or a lone surrogate already in the text; without
// either, the per-string look for them is skipped (as okta/envelope.ts does for a message body).
const UNSTORABLE_ESCAPE = /\\u(?:0000|[dD][89a-fA-F])/;
const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();
const mayHoldUnstorableText = (text: string): boolean => (text.includes('\\u') && UNSTORABLE_ESCAPE.test(text)) || !isWellFormed(text);

// The file is judged as a file, not against the clock: an event dated after now is used (ingest's future check is for
// a live stream). Infinity turns that check off.
const NO_FUTURE_CHECK = { futureSkewMs: Number.POSITIVE_INFINITY };

/** Why one parsed entry cannot be used, or undefined when it can. */
export function judgeEntry(value: unknown, checkText = true): { reason: SkipReason; detail: string } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { reason: 'not_an_object', detail: `the entry is ${shown(value)}, expected an Okta LogEvent object` };
  }
  const event = value as Record<string, unknown>;
  const result = checkEvent(event, NO_FUTURE_CHECK, 'event', checkText);
  if (result.ok) return undefined;
  if (result.code === 'bad_published' && typeof event.published === 'string' && WITHOUT_OFFSET.test(event.published)) {
    return {
      reason: 'published_without_offset',
      detail: `event.published is ${shown(event.published)}, without an offset (Z or ±hh:mm): refused rather than read in the machine's time zone`,
    };
  }
  // checkEvent's codes are SKIP_REASONS once its future check is off.
  const reason = (result.code in SKIP_REASONS ? result.code : 'bad_published') as SkipReason;
  return { reason, detail: result.reason };
}

/** A JSON array or JSON lines of Okta System Log events (a leading UTF-8 byte order mark is ignored). */
export function parseEventsFile(text: string): ParsedEvents {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const events: OktaLogEvent[] = [];
  const skipped: SkippedEntry[] = [];
  const seen = new Set<string>();
  const take = (where: string, value: unknown, checkText: boolean) => {
    const problem = judgeEntry(value, checkText);
    if (problem) {
      skipped.push({ where, ...problem });
      return;
    }
    const event = value as OktaLogEvent;
    if (seen.has(event.uuid)) {
      skipped.push({ where, reason: 'duplicate_uuid', detail: `uuid ${event.uuid} appeared earlier in the file` });
      return;
    }
    seen.add(event.uuid);
    events.push(event);
  };

  let entries = 0;
  if (body.trimStart().startsWith('[')) {
    let items: unknown;
    try {
      items = JSON.parse(body);
    } catch (err) {
      throw new EventsFileError(`the file starts like a JSON array but is not valid JSON: ${(err as Error).message}`);
    }
    if (!Array.isArray(items)) throw new EventsFileError('the file starts like a JSON array but is not one');
    const checkText = mayHoldUnstorableText(body);
    entries = items.length;
    items.forEach((item, i) => take(`item ${i + 1}`, item, checkText));
  } else {
    const lines = body.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (!line.trim()) continue;
      entries++;
      let item: unknown;
      try {
        item = JSON.parse(line);
      } catch (err) {
        skipped.push({ where: `line ${i + 1}`, reason: 'not_json', detail: `not valid JSON (${(err as Error).message})` });
        continue;
      }
      take(`line ${i + 1}`, item, mayHoldUnstorableText(line));
    }
  }
  return { events, entries, skipped, skippedByReason: countByReason(skipped) };
}

function countByReason(skipped: readonly SkippedEntry[]): Partial<Record<SkipReason, number>> {
  const counts: Partial<Record<SkipReason, number>> = {};
  for (const reason of Object.keys(SKIP_REASONS) as SkipReason[]) {
    const n = skipped.filter((s) => s.reason === reason).length;
    if (n > 0) counts[reason] = n;
  }
  return counts;
}

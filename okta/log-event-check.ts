// The content rules for one Okta LogEvent, however it arrived (an EventBridge envelope's `detail`, or a page of the
// System Log API): the fields the events table needs (uuid, published, eventType), and nothing PostgreSQL would
// refuse in the raw jsonb column or that JSON.stringify could not serialise (NUL, unpaired UTF-16 surrogates,
// runaway nesting). A refused event is named here, so one bad event never fails a whole batch insert.
import type { EnvelopeResult, OktaLogEvent, QuarantineReasonCode } from './envelope.js';

/** Deepest nesting accepted: the event object is level 1, an object or array inside it level 2, and so on. */
export const MAX_EVENT_DEPTH = 32;
/** How far ahead of the ingest clock an event may be dated (clock drift between Okta and us). */
export const DEFAULT_FUTURE_SKEW_MS = 5 * 60_000;

/** When the event is judged, and how far ahead of that it may be dated. */
export interface EventCheckOptions {
  /** Default: the current time. */
  now?: Date;
  /** Default DEFAULT_FUTURE_SKEW_MS. */
  futureSkewMs?: number;
}

const UUID_LIKE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

// RFC 3339 with an explicit offset. Only the upper-case `T` and `Z` Okta writes: the lower-case and space forms
// the RFC also allows are refused, since Date.parse reads them by implementation-defined rules.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const FIRST_YEAR = 1970;
const LAST_YEAR = 9999;
/** 10000-01-01T00:00:00Z: a later instant has no four-digit ISO form for the timestamptz column. */
const END_OF_LAST_YEAR_MS = Date.UTC(LAST_YEAR + 1, 0, 1);

const reject = (code: QuarantineReasonCode, reason: string): EnvelopeResult => ({ ok: false, code, reason });

/** A value for a reason text: short, and itself storable (JSON.stringify escapes NUL and lone surrogates). */
export function shown(v: unknown): string {
  if (typeof v === 'string') return v.length > 80 ? `${JSON.stringify(v.slice(0, 80))}…` : JSON.stringify(v);
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object' && v !== null) return 'an object';
  return String(v); // never JSON.stringify a nested value here: it may be too deep to serialise
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : MONTH_DAYS[month - 1];
}

/** The number written by two or four digits at `at` (already matched by RFC3339): no captures on the hot path. */
function digits(s: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) n = n * 10 + s.charCodeAt(i) - 48;
  return n;
}

/** Epoch milliseconds of a strict RFC 3339 time, or why it is not one. */
export function readPublished(value: unknown): number | string {
  if (typeof value !== 'string') return `is ${shown(value)}, expected an RFC 3339 time string`;
  if (!RFC3339.test(value)) return `is ${shown(value)}, not an RFC 3339 time with an offset (Z or ±hh:mm)`;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  if (year < FIRST_YEAR || year > LAST_YEAR) return `is ${shown(value)}: year ${year} is outside ${FIRST_YEAR}–${LAST_YEAR}`;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return `is ${shown(value)}: no such calendar date`;
  // Second 60 is refused too: a JavaScript Date cannot hold a leap second.
  if (digits(value, 11, 2) > 23 || digits(value, 14, 2) > 59 || digits(value, 17, 2) > 59) return `is ${shown(value)}: no such time of day`;
  const end = value.length;
  if (value.charCodeAt(end - 1) !== 0x5a /* Z */ && (digits(value, end - 5, 2) > 23 || digits(value, end - 2, 2) > 59)) {
    return `is ${shown(value)}: the offset is out of range`;
  }
  const ms = Date.parse(value);
  if (!(ms < END_OF_LAST_YEAR_MS)) return `is ${shown(value)}: the instant is not before year ${LAST_YEAR + 1} UTC`;
  return ms;
}

/**
 * Validates an already-parsed Okta LogEvent (e.g. one read from the System Log API) with the rules an envelope's
 * detail gets. Pure: the clock is `opts.now`, else the current time.
 */
export function checkLogEvent(event: unknown, opts: EventCheckOptions = {}): EnvelopeResult {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    return reject('not_an_object', `the event is ${shown(event)}, expected an Okta LogEvent object`);
  }
  return checkEvent(event as Record<string, unknown>, opts, 'event', true);
}

/**
 * The rules, with the name the reasons use for the event (`detail` in an envelope). `checkText` false skips looking
 * at every string and key for NUL and lone surrogates, when the caller knows from the raw JSON that none can exist.
 */
export function checkEvent(event: Record<string, unknown>, opts: EventCheckOptions, label: string, checkText: boolean): EnvelopeResult {
  if (typeof event.uuid !== 'string' || !UUID_LIKE.test(event.uuid)) {
    return reject('missing_uuid', `${label}.uuid is ${shown(event.uuid)}, expected an Okta event uuid`);
  }
  const published = readPublished(event.published);
  if (typeof published === 'string') return reject('bad_published', `${label}.published ${published}`);
  const nowMs = opts.now ? opts.now.getTime() : Date.now();
  const skewMs = opts.futureSkewMs ?? DEFAULT_FUTURE_SKEW_MS;
  if (published > nowMs + skewMs) {
    return reject(
      'published_in_future',
      `${label}.published ${shown(event.published)} is ${Math.round((published - nowMs) / 1000)} s ahead of the ingest clock ` +
        `(${new Date(nowMs).toISOString()}); at most ${Math.round(skewMs / 1000)} s ahead is accepted`,
    );
  }
  if (typeof event.eventType !== 'string' || event.eventType.length === 0) {
    return reject('missing_event_type', `${label}.eventType is ${shown(event.eventType)}, expected a non-empty string`);
  }
  if (hasUnstorable(event, checkText)) {
    const problem = firstUnstorable(event, label, checkText);
    if (problem) return reject(problem.code, problem.reason);
  }
  return { ok: true, event: event as OktaLogEvent };
}

// ---------------------------------------------------------------------------------------------
// The storage walk

type StorageCode = 'nul_character' | 'unpaired_surrogate' | 'too_deep';

// String.prototype.isWellFormed (Node 20) is not in the ES2022 lib this project compiles against.
const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

function textProblem(s: string): 'nul_character' | 'unpaired_surrogate' | undefined {
  if (s.includes('\u0000')) return 'nul_character';
  if (!isWellFormed(s)) return 'unpaired_surrogate';
  return undefined;
}

/**
 * Whether anything in the event cannot be stored: one iterative walk over every object and array (and, with
 * `checkText`, every string and key), stopping at the first problem. Nesting is never followed past
 * MAX_EVENT_DEPTH, so a cyclic or 5,000-deep value costs little. The hot path: no paths are built here.
 */
function hasUnstorable(root: object, checkText: boolean): boolean {
  const stack: object[] = [root];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const holder = stack.pop()!;
    const depth = depths.pop()!;
    if (Array.isArray(holder)) {
      for (let i = 0; i < holder.length; i++) {
        const item: unknown = holder[i];
        if (typeof item === 'object' && item !== null) {
          if (depth >= MAX_EVENT_DEPTH) return true;
          stack.push(item);
          depths.push(depth + 1);
        } else if (checkText && typeof item === 'string' && textProblem(item)) return true;
      }
    } else {
      for (const key in holder) {
        if (checkText && textProblem(key)) return true;
        const item: unknown = (holder as Record<string, unknown>)[key];
        if (typeof item === 'object' && item !== null) {
          if (depth >= MAX_EVENT_DEPTH) return true;
          stack.push(item);
          depths.push(depth + 1);
        } else if (checkText && typeof item === 'string' && textProblem(item)) return true;
      }
    }
  }
  return false;
}

interface Frame {
  entries: [string | number, unknown][];
  next: number;
  path: string;
  depth: number;
  inArray: boolean;
}

function frame(holder: object, path: string, depth: number): Frame {
  const inArray = Array.isArray(holder);
  const entries: [string | number, unknown][] = inArray ? holder.map((v, i) => [i, v]) : Object.entries(holder);
  return { entries, next: 0, path, depth, inArray };
}

/** The first problem in document order, with its JSON path (run only once hasUnstorable found one). */
function firstUnstorable(root: object, label: string, checkText: boolean): { code: StorageCode; reason: string } | undefined {
  const stack: Frame[] = [frame(root, label, 1)];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.next === top.entries.length) {
      stack.pop();
      continue;
    }
    const [key, item] = top.entries[top.next++];
    const path = abbreviated(top.path + pathSegment(key));
    if (checkText && !top.inArray) {
      const code = textProblem(key as string);
      if (code) return { code, reason: `the key ${path} ${holds(code)}` };
    }
    if (typeof item === 'object' && item !== null) {
      if (top.depth >= MAX_EVENT_DEPTH) {
        return { code: 'too_deep', reason: `nesting is deeper than ${MAX_EVENT_DEPTH} levels (first at ${path}), too deep to store safely` };
      }
      stack.push(frame(item, path, top.depth + 1));
    } else if (checkText && typeof item === 'string') {
      const code = textProblem(item);
      if (code) return { code, reason: `${path} ${holds(code)}` };
    }
  }
  return undefined;
}

function holds(code: 'nul_character' | 'unpaired_surrogate'): string {
  const what = code === 'nul_character' ? 'a NUL character (U+0000)' : 'an unpaired UTF-16 surrogate';
  return `holds ${what}, which PostgreSQL's jsonb cannot store`;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function pathSegment(key: string | number): string {
  if (typeof key === 'number') return `[${key}]`;
  if (IDENTIFIER.test(key) && key.length <= 40) return `.${key}`;
  return `[${shown(key.length > 40 ? key.slice(0, 40) : key)}]`;
}

function abbreviated(path: string): string {
  return path.length > 240 ? `${path.slice(0, 120)}…${path.slice(-100)}` : path;
}

// The findings pages' query parameters, checked: a value the page cannot use is a 400 with what to send
// instead, never a query. Empty values (what a form sends for an untouched field) mean "no filter". Pure.
import { SEVERITIES } from '../detections/index.js';
import type { Severity } from '../integrations/operator-queries.js';
import { parseTimeOrAge } from '../integrations/time-input.js';
import type { FindingsFilter } from './queries.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;
export const MAX_PAGE = 1000;
export const MAX_TEXT = 200;

/** A request the page cannot answer as asked: answered 400 with this message. */
export class BadRequest extends Error {
  override name = 'BadRequest';
}

/** The list page's filters as given (strings, for the form and the paging links) and as parsed. */
export interface ListQuery {
  filter: FindingsFilter;
  /** The non-empty parameters, normalised, to rebuild links (paging keeps the filters). */
  given: Record<string, string>;
}

const KNOWN = ['severity', 'rule', 'since', 'q', 'page', 'limit'] as const;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function single(params: URLSearchParams, name: string): string | undefined {
  const all = params.getAll(name);
  if (all.length > 1) throw new BadRequest(`"${name}" is given ${all.length} times; give it once.`);
  const v = all[0]?.trim();
  if (v === undefined || v === '') return undefined;
  if (v.length > MAX_TEXT) throw new BadRequest(`"${name}" is longer than ${MAX_TEXT} characters.`);
  if (CONTROL.test(v)) throw new BadRequest(`"${name}" contains control characters.`);
  return v;
}

function intIn(name: string, text: string | undefined, min: number, max: number, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d{1,9}$/.test(text)) throw new BadRequest(`"${name}" must be a whole number from ${min} to ${max}, not "${text}".`);
  const n = Number(text);
  if (n < min || n > max) throw new BadRequest(`"${name}" must be from ${min} to ${max}, not ${n}.`);
  return n;
}

/** The list page's parameters: severity (this and above), rule, since (date, date-time or age), q (subject), page, limit. */
export function parseListQuery(params: URLSearchParams, now: Date = new Date()): ListQuery {
  for (const key of new Set(params.keys())) {
    if (!(KNOWN as readonly string[]).includes(key)) throw new BadRequest(`unknown parameter "${key}"; the filters are ${KNOWN.join(', ')}.`);
  }
  const given: Record<string, string> = {};
  const severity = single(params, 'severity');
  if (severity !== undefined && !(SEVERITIES as readonly string[]).includes(severity)) {
    throw new BadRequest(`"severity" must be one of ${SEVERITIES.join(', ')}, not "${severity}".`);
  }
  const rule = single(params, 'rule');
  const sinceText = single(params, 'since');
  let since: Date | undefined;
  if (sinceText !== undefined) {
    try {
      since = parseTimeOrAge(sinceText, now);
    } catch (err) {
      throw new BadRequest(`"since": ${(err as Error).message}`);
    }
  }
  const q = single(params, 'q');
  const page = intIn('page', single(params, 'page'), 1, MAX_PAGE, 1);
  const limit = intIn('limit', single(params, 'limit'), 1, MAX_LIMIT, DEFAULT_LIMIT);
  for (const [k, v] of Object.entries({ severity, rule, since: sinceText, q })) if (v !== undefined) given[k] = v;
  if (limit !== DEFAULT_LIMIT) given.limit = String(limit);
  return {
    filter: { minSeverity: severity as Severity | undefined, ruleId: rule, since, subject: q, page, limit },
    given,
  };
}

/** A detection id in a path: a positive integer that fits a bigint column, else 400. */
export function parseDetectionId(text: string): number {
  if (!/^[1-9]\d{0,14}$/.test(text)) throw new BadRequest(`"${text}" is not a detection id (a positive whole number).`);
  return Number(text);
}

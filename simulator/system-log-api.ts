/**
 * `GET /api/v1/logs` with Okta's two modes (okta.md §3):
 * - polling (no `until`, ascending): persistence order, endless — every page, even an empty
 *   one, has a `next` link whose cursor is a persistence position;
 * - bounded (`until`, or DESCENDING): ordered by `published`, finite.
 */
import { OktaErrors } from './api-errors.js';
import { decodeCursor, encodeCursor, pageUrl, parseLimit, selfLink, type ApiRequest, type ApiResponse } from './api-paging.js';
import { comparePublished, type SystemLogStore } from './log-store.js';
import { ScimFilterError, parseScimFilter, type Predicate } from './scim-filter.js';
import { DAY } from './time.js';
import type { OktaLogEvent } from './types.js';

const MAX_SINCE_AGE = 180 * DAY;
const DEFAULT_WINDOW = 7 * DAY;

type PollCursor = { p: number };
type BoundedCursor = { k: [string, string] };
const isPollCursor = (v: unknown): v is PollCursor => typeof (v as PollCursor)?.p === 'number' && (v as PollCursor).p >= 0;
const isBoundedCursor = (v: unknown): v is BoundedCursor =>
  Array.isArray((v as BoundedCursor)?.k) && (v as BoundedCursor).k.length === 2 && (v as BoundedCursor).k.every((s) => typeof s === 'string');

export function listLogEvents(request: ApiRequest, store: SystemLogStore): ApiResponse {
  const params = request.url.searchParams;
  const limit = parseLimit(params.get('limit'), { min: 0, max: 1000, fallback: 100 });
  const sortOrder = (params.get('sortOrder') ?? 'ASCENDING').toUpperCase();
  if (sortOrder !== 'ASCENDING' && sortOrder !== 'DESCENDING') throw OktaErrors.validation('sortOrder', 'sortOrder must be ASCENDING or DESCENDING.');
  const now = request.now.getTime();
  const until = parseTime(params.get('until'), 'until');
  const since = parseTime(params.get('since'), 'since') ?? (until ?? now) - DEFAULT_WINDOW;
  if (since < now - MAX_SINCE_AGE) throw OktaErrors.sinceTooOld();
  const matches = eventMatcher(params.get('filter'), params.get('q'));

  // Parameters carried into the next link; `since`/`until` only matter for bounded queries.
  const carried = { filter: params.get('filter'), q: params.get('q'), limit: String(limit), sortOrder: params.get('sortOrder') };
  const after = params.get('after');

  if (until === undefined && sortOrder === 'ASCENDING') {
    let position = after ? decodeCursor(after, isPollCursor).p : store.firstPersistedSince(since);
    const page: OktaLogEvent[] = [];
    for (; page.length < limit && position < store.length; position++) {
      if (matches(store.at(position))) page.push(store.at(position));
    }
    const next = pageUrl(request.baseUrl, request.url.pathname, { ...carried, after: encodeCursor({ p: position } satisfies PollCursor) });
    return { body: page, links: { self: selfLink(request), next } };
  }

  const upper = until ?? now;
  const ordered = store.byPublished();
  const sinceIso = new Date(since).toISOString();
  const upperIso = new Date(upper).toISOString();
  const key = after ? decodeCursor(after, isBoundedCursor).k : null;
  const cursor = key && { published: key[0], uuid: key[1] };
  const page: OktaLogEvent[] = [];
  let more = false;
  const take = (event: OktaLogEvent): boolean => {
    if (!matches(event)) return true;
    if (page.length === limit) { more = true; return false; }
    page.push(event);
    return true;
  };
  if (sortOrder === 'ASCENDING') {
    let i = firstIndex(ordered, (e) => e.published >= sinceIso);
    if (cursor) i = Math.max(i, firstIndex(ordered, (e) => comparePublished(e, cursor) > 0));
    for (; i < ordered.length && ordered[i].published < upperIso && take(ordered[i]); i++);
  } else {
    let i = firstIndex(ordered, (e) => e.published >= upperIso) - 1;
    if (cursor) i = Math.min(i, firstIndex(ordered, (e) => comparePublished(e, cursor) >= 0) - 1);
    for (; i >= 0 && ordered[i].published >= sinceIso && take(ordered[i]); i--);
  }
  const last = page[page.length - 1];
  const next = more && last
    ? pageUrl(request.baseUrl, request.url.pathname, {
        ...carried, since: new Date(since).toISOString(), until: new Date(upper).toISOString(),
        after: encodeCursor({ k: [last.published, last.uuid] } satisfies BoundedCursor),
      })
    : undefined;
  return { body: page, links: { self: selfLink(request), next } };
}

function parseTime(raw: string | null, field: string): number | undefined {
  if (raw === null || raw === '') return undefined;
  const t = Date.parse(raw);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(raw) || Number.isNaN(t)) {
    throw OktaErrors.validation(field, 'The date format in your query is not recognized. Please enter dates using ISO8601 string format.');
  }
  return t;
}

/** `filter` (SCIM, not on `published`, no `co` on URLs) and `q` (all keywords, case-insensitive). */
function eventMatcher(filter: string | null, q: string | null): Predicate {
  let byFilter: Predicate = () => true;
  if (filter) {
    try {
      byFilter = parseScimFilter(filter, (path, op) => {
        if (path === 'published') return 'Filtering on published is not supported; use since and until.';
        if (op === 'co' && (path === 'debugContext.debugData.url' || path === 'debugContext.debugData.requestUri')) {
          return `The co operator is not supported on ${path}.`;
        }
        return null;
      });
    } catch (error) {
      if (error instanceof ScimFilterError) throw OktaErrors.invalidSearch(error.message);
      throw error;
    }
  }
  const keywords = (q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  if (keywords.length > 10) throw OktaErrors.validation('q', 'Freeform search cannot contain more than 10 keywords.');
  if (keywords.some((k) => k.length > 40)) throw OktaErrors.validation('q', 'Freeform search cannot contain items longer than 40 characters.');
  if (keywords.length === 0) return byFilter;
  return (event) => {
    if (!byFilter(event)) return false;
    const text = JSON.stringify(event).toLowerCase();
    return keywords.every((k) => text.includes(k));
  };
}

/** Binary search: the first index where the (monotone) predicate holds, or `items.length`. */
function firstIndex<T>(items: readonly T[], holds: (item: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (holds(items[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Request/response shapes shared by the simulated endpoints, and Link-header paging helpers. */
import { OktaErrors } from './api-errors.js';

export interface ApiRequest {
  url: URL;
  /** `http://127.0.0.1:<port>`, for absolute links. */
  baseUrl: string;
  /** The simulated org's clock (affects log time bounds only). */
  now: Date;
}

export interface ApiResponse {
  body: unknown;
  /** Absolute URLs; sent as `Link: <…>; rel="self"` and `<…>; rel="next"`. */
  links?: { self: string; next?: string };
}

/** An absolute URL for `pathname` with the given (non-empty) query parameters. */
export function pageUrl(baseUrl: string, pathname: string, params: Record<string, string | null | undefined>): string {
  const url = new URL(pathname, baseUrl);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, value);
  }
  return url.toString();
}

export function selfLink(request: ApiRequest): string {
  return new URL(request.url.pathname + request.url.search, request.baseUrl).toString();
}

/** Opaque `after` cursors: base64url JSON, validated on the way back in. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T>(cursor: string, valid: (v: unknown) => v is T): T {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (valid(value)) return value;
  } catch {
    // fall through
  }
  throw OktaErrors.validation('after', 'The after cursor is not valid.');
}

/** `limit` as an integer in [min, max], defaulting when absent; out of range is a 400 unless `clamp`. */
export function parseLimit(raw: string | null, options: { min: number; max: number; fallback: number; clamp?: boolean }): number {
  if (raw === null || raw === '') return options.fallback;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw OktaErrors.validation('limit', 'limit must be an integer.');
  if (options.clamp) return Math.min(options.max, Math.max(options.min, n));
  if (n < options.min || n > options.max) throw OktaErrors.validation('limit', `limit must be between ${options.min} and ${options.max}.`);
  return n;
}

/**
 * One page of a list ordered by id position: `after` is the id of the last item of the
 * previous page (Okta's users/devices/logStreams cursors are ids too).
 */
export function pageByIdCursor<T extends { id: string }>(
  request: ApiRequest, items: readonly T[], limit: number, present: (item: T) => unknown,
): ApiResponse {
  const after = request.url.searchParams.get('after');
  const start = after ? items.findIndex((item) => item.id === after) + 1 : 0;
  if (after && start === 0) throw OktaErrors.validation('after', 'The after cursor is not valid.');
  const page = items.slice(start, start + limit);
  const hasMore = start + limit < items.length;
  const params = Object.fromEntries(request.url.searchParams);
  const next = hasMore && page.length ? pageUrl(request.baseUrl, request.url.pathname, { ...params, after: page[page.length - 1].id, limit: String(limit) }) : undefined;
  return { body: page.map(present), links: { self: selfLink(request), next } };
}

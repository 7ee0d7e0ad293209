// Raw JSON paging over Okta list endpoints: follow `Link: <…>; rel="next"` and keep every field
// (the SDK's typed models drop fields; docs/okta.md §5.2). Each page is retried on 5xx and
// network errors; the request executor (okta/request-executor.ts) paces every request by the
// rate-limit headers and waits out 429s until Okta's reset time. A `Link: next` is followed only on the
// org's own origin: one pointing anywhere else is an `OktaForeignOriginError`, and the request (which would
// carry `Authorization: SSWS <token>`) is never made; the executor refuses such a request too.
import type { Client } from '@okta/okta-sdk-nodejs';
import { OktaForeignOriginError, withOktaRetry } from './client.js';

export interface RawPage<T> {
  items: T[];
  next?: string;
  rateLimitRemaining?: number;
  /** Epoch seconds at which the rate-limit window resets, by the server's clock. */
  rateLimitReset?: number;
  /** The server's clock (Date header), so waits are computed against it. */
  serverTime?: number;
}

export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="next"/.exec(part);
    if (m) return m[1];
  }
  return undefined;
}

/** `url` (absolute, or relative to `base`) if it is on the org's own origin; else an `OktaForeignOriginError`. */
export function sameOrgUrl(client: Client, url: string, what = 'URL', base: string = client.baseUrl): string {
  const org = new URL(client.baseUrl).origin;
  let target: URL;
  try {
    target = new URL(url, base);
  } catch {
    throw new OktaForeignOriginError(`refused a ${what} that is not a URL`);
  }
  if (target.origin !== org) {
    throw new OktaForeignOriginError(`refused a ${what} to ${target.origin}: only the org's own origin ${org} is followed (the API token goes nowhere else)`);
  }
  return target.toString();
}

/** One JSON object (e.g. a user), retried like a page. */
export async function fetchRawJson<T>(client: Client, url: string, what: string): Promise<T> {
  sameOrgUrl(client, url);
  return withOktaRetry(what, async () => {
    const res = await client.http.http(url, { method: 'get', headers: { Accept: 'application/json' } });
    return (await res.json()) as T;
  });
}

export async function fetchRawPage<T>(client: Client, url: string, what: string): Promise<RawPage<T>> {
  sameOrgUrl(client, url);
  return withOktaRetry(what, async () => {
    const res = await client.http.http(url, { method: 'get', headers: { Accept: 'application/json' } });
    const items = (await res.json()) as T[];
    const num = (h: string) => {
      const v = res.headers.get(h);
      return v === null ? undefined : Number(v);
    };
    const date = res.headers.get('date');
    const link = nextLink(res.headers.get('link'));
    return {
      items,
      // Refused here, before a foreign link can be followed or stored as a cursor.
      next: link === undefined ? undefined : sameOrgUrl(client, link, 'Link: next', url),
      rateLimitRemaining: num('x-rate-limit-remaining'),
      rateLimitReset: num('x-rate-limit-reset'),
      serverTime: date ? Date.parse(date) : undefined,
    };
  });
}

/** How long to wait before the next request to stay within the budget: zero while budget remains. */
export function rateLimitPause(page: Pick<RawPage<unknown>, 'rateLimitRemaining' | 'rateLimitReset' | 'serverTime'>): number {
  if (page.rateLimitRemaining === undefined || page.rateLimitRemaining > 0 || page.rateLimitReset === undefined) return 0;
  const now = page.serverTime ?? Date.now();
  return Math.max(0, page.rateLimitReset * 1000 - now + 1000);
}

/**
 * Every page of a finite list (users, devices, a bounded log query). No pause of its own between pages:
 * the request executor holds each request until the budget allows it (heartbeating inside activities).
 */
export async function* rawPages<T>(client: Client, firstUrl: string, what: string): AsyncGenerator<T[]> {
  let url: string | undefined = firstUrl;
  while (url) {
    const page: RawPage<T> = await fetchRawPage<T>(client, url, what);
    yield page.items;
    if (page.items.length === 0) return;
    url = page.next;
  }
}

export function apiUrl(client: Client, path: string, params: Record<string, string | undefined> = {}): string {
  const url = new URL(path, client.baseUrl);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

// Raw JSON paging over Okta list endpoints: follow `Link: <…>; rel="next"` and keep every field
// (the SDK's typed models drop fields; reference/okta.md §6.6–6.7). Each page is retried on 5xx and
// network errors; the request executor (okta/request-executor.ts) paces every request by the
// rate-limit headers and waits out 429s until Okta's reset time.
import type { Client } from '@okta/okta-sdk-nodejs';
import { withOktaRetry } from './client.js';

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

/** One JSON object (e.g. a user), retried like a page. */
export async function fetchRawJson<T>(client: Client, url: string, what: string): Promise<T> {
  return withOktaRetry(what, async () => {
    const res = await client.http.http(url, { method: 'get', headers: { Accept: 'application/json' } });
    return (await res.json()) as T;
  });
}

export async function fetchRawPage<T>(client: Client, url: string, what: string): Promise<RawPage<T>> {
  return withOktaRetry(what, async () => {
    const res = await client.http.http(url, { method: 'get', headers: { Accept: 'application/json' } });
    const items = (await res.json()) as T[];
    const num = (h: string) => {
      const v = res.headers.get(h);
      return v === null ? undefined : Number(v);
    };
    const date = res.headers.get('date');
    return {
      items,
      next: nextLink(res.headers.get('link')),
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

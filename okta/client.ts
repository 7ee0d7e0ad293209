// The Okta API client the activities use: the official SDK configured the safe way
// (reference/okta.md §6: no cache middleware, a real timeout per attempt), its request executor keeping
// to the org's rate-limit budget (okta/request-executor.ts: a 429 waits for `X-Rate-Limit-Reset`, a bounded
// number of times), a guard against Okta domains that point into our own network, retries with backoff
// for 5xx and network errors (which the SDK does not retry), and errors that say what the operator should do.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Client, OktaApiError } from '@okta/okta-sdk-nodejs';
import pRetry, { AbortError } from 'p-retry';
import { BudgetedRequestExecutor, waitForOkta } from './request-executor.js';

export interface OktaConnection {
  domain: string;
  token: string;
}

export interface OktaClientOptions {
  /** Tests and the demo talk to the local simulator over plain HTTP on loopback. */
  allowPrivateAddresses: boolean;
  /** Timeout of each attempt (waits for a rate-limit reset are not part of it). */
  requestTimeoutMs: number;
  /** How many times one request is sent again after a 429, each time after the reset Okta announced. */
  maxRetries: number;
}

export class OktaDomainError extends Error {
  override name = 'OktaDomainError';
}

/** `acme.okta.com`, `https://acme.okta.com/` or (simulator) `http://127.0.0.1:8080` → an org URL. */
export function orgUrlFromDomain(domain: string): URL {
  const withScheme = /^https?:\/\//i.test(domain) ? domain : `https://${domain}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new OktaDomainError(`"${domain}" is not an Okta domain. Use the org's domain, e.g. acme.okta.com.`);
  }
  if (url.pathname !== '/' || url.search || url.username) {
    throw new OktaDomainError(`"${domain}" has a path, query or credentials. Use just the org's domain, e.g. acme.okta.com.`);
  }
  return url;
}

/** The org's subdomain, as Okta writes it into the EventBridge source name. */
export function oktaOrgFromDomain(domain: string): string {
  const host = orgUrlFromDomain(domain).hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(host) ? 'localhost' : host.split('.')[0];
}

function isPrivateAddress(address: string): boolean {
  if (address.includes(':')) {
    const a = address.toLowerCase();
    return a === '::1' || a === '::' || a.startsWith('fc') || a.startsWith('fd') || a.startsWith('fe80') || a.startsWith('::ffff:');
  }
  const [a, b] = address.split('.').map(Number);
  return (
    a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)
  );
}

/** Refuses domains resolving to loopback, private, link-local or metadata addresses (SSRF). */
export async function assertPublicOktaDomain(domain: string, opts: Pick<OktaClientOptions, 'allowPrivateAddresses'>): Promise<URL> {
  const url = orgUrlFromDomain(domain);
  if (opts.allowPrivateAddresses) return url;
  if (url.protocol !== 'https:') throw new OktaDomainError(`Okta domain ${domain} must use https.`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1'); // IPv6 literals come bracketed
  const addresses = isIP(host) ? [{ address: host }] : await lookup(host, { all: true });
  const bad = addresses.find((a) => isPrivateAddress(a.address));
  if (bad) {
    throw new OktaDomainError(
      `Okta domain ${url.hostname} resolves to ${bad.address}, a private or loopback address. Use your org's public Okta domain (e.g. acme.okta.com).`,
    );
  }
  return url;
}

export async function createOktaClient(conn: OktaConnection, opts: OktaClientOptions): Promise<Client> {
  const orgUrl = await assertPublicOktaDomain(conn.domain, opts);
  return new Client({
    orgUrl: orgUrl.origin,
    token: conn.token,
    // The default cache serves stale users forever and can hang on large bodies (okta.md §6.4).
    cacheMiddleware: null,
    requestExecutor: new BudgetedRequestExecutor({ maxRetries: opts.maxRetries, requestTimeout: opts.requestTimeoutMs }),
  } as ConstructorParameters<typeof Client>[0]);
}

export type OktaErrorKind = 'invalid_token' | 'forbidden' | 'not_found' | 'rate_limited' | 'bad_request' | 'server' | 'network';

export function classifyOktaError(err: unknown): OktaErrorKind {
  if (err instanceof OktaApiError || (typeof err === 'object' && err !== null && 'status' in err)) {
    const status = Number((err as { status: unknown }).status);
    if (status === 401) return 'invalid_token';
    if (status === 403) return 'forbidden';
    if (status === 404) return 'not_found';
    if (status === 429) return 'rate_limited';
    if (status >= 500) return 'server';
    if (status >= 400) return 'bad_request';
  }
  return 'network';
}

/** A message for the operator: what Okta said, without the token or any header. */
export function describeOktaError(err: unknown): string {
  if (err instanceof OktaApiError) return `Okta answered ${err.status} ${err.errorCode}: ${err.errorSummary}`;
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * Okta kept answering 429 after the request had waited for every announced reset as often as allowed.
 * Retryable: the activity fails with it, Temporal retries the activity later, and the read resumes from
 * the position it last committed. Keeps `status` 429 so `classifyOktaError` still says `rate_limited`.
 */
export class OktaRateLimitedError extends Error {
  override name = 'OktaRateLimitedError';
  readonly status = 429;

  constructor(what: string, cause: unknown) {
    super(
      `${what}: Okta is still rate-limiting (429) after the retries allowed per request (${describeOktaError(cause)}); ` +
        'the activity will be retried and resumes where it stopped.',
      { cause },
    );
  }
}

export interface OktaRetryOptions {
  /** Retries after 5xx answers and network errors (default 4). */
  retries?: number;
  /** First backoff in ms (default 250), doubling up to 5 s, randomised. */
  minTimeoutMs?: number;
}

/**
 * Retries 5xx and network failures with randomised exponential backoff, heartbeating in between when
 * inside an activity; 4xx answers are final and go to the caller. 429s were already retried by the
 * request executor at Okta's pace: one that still comes back becomes an `OktaRateLimitedError`.
 */
export async function withOktaRetry<T>(what: string, fn: () => Promise<T>, retriesOrOptions: number | OktaRetryOptions = {}): Promise<T> {
  const options = typeof retriesOrOptions === 'number' ? { retries: retriesOrOptions } : retriesOrOptions;
  return pRetry(
    async () => {
      try {
        return await fn();
      } catch (err) {
        const kind = classifyOktaError(err);
        if (kind === 'server' || kind === 'network') throw err;
        throw new AbortError(err as Error);
      }
    },
    {
      retries: options.retries ?? 4,
      minTimeout: options.minTimeoutMs ?? 250,
      maxTimeout: 5_000,
      factor: 2,
      randomize: true,
      // The backoff itself is short; a heartbeat keeps the activity's progress visible meanwhile.
      onFailedAttempt: () => waitForOkta(0, 'retrying after an Okta 5xx or network error'),
    },
  ).catch((err: unknown) => {
    if (classifyOktaError(err) === 'rate_limited' && !(err instanceof OktaRateLimitedError)) throw new OktaRateLimitedError(what, err);
    if (err instanceof Error && !(err instanceof OktaApiError)) err.message = `${what}: ${err.message}`;
    throw err;
  });
}

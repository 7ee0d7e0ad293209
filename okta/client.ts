// The Okta API client the activities use: the official SDK configured the safe way
// (docs/okta.md §5.1: no cache middleware, a real timeout per attempt), its request executor keeping
// to the org's rate-limit budget (okta/request-executor.ts: a 429 waits for `X-Rate-Limit-Reset`, a bounded
// number of times) and sending only to the org's own origin through the guarded agent of lib/outbound.ts
// (every connection's address judged at connect time, redirects refused), Okta domains restricted to Okta's
// own suffixes or a custom domain registered on the integration, retries with backoff for 5xx and network
// errors (which the SDK does not retry), and errors that say what the operator should do without echoing
// what the server sent.
import { isIP } from 'node:net';
import { Client, OktaApiError } from '@okta/okta-sdk-nodejs';
import pRetry, { AbortError } from 'p-retry';
import type { OortEnvironment } from '../lib/config.js';
import { isDevelopmentEnvironment, isLoopbackHost, type GuardedAgentOptions } from '../lib/outbound.js';
import { BudgetedRequestExecutor, waitForOkta } from './request-executor.js';

export { OktaForeignOriginError, OktaHttpError, OktaRedirectRefusedError } from './request-executor.js';

export interface OktaConnection {
  domain: string;
  token: string;
  /** A custom domain registered on the integration (e.g. login.acme.com): the only non-Okta host allowed. */
  customDomain?: string | null;
}

export interface OktaClientOptions {
  /** development/test allow the simulator (plain http on loopback); staging/production only public https. */
  environment: OortEnvironment;
  /** Timeout of each attempt (waits for a rate-limit reset are not part of it). */
  requestTimeoutMs: number;
  /** How many times one request is sent again after a 429, each time after the reset Okta announced. */
  maxRetries: number;
  /** Tests: the resolver the guarded agent judges (default dns.lookup). */
  lookup?: GuardedAgentOptions['lookup'];
}

export class OktaDomainError extends Error {
  override name = 'OktaDomainError';
}

/** Okta's own org domains; anything else must be registered on the integration as its custom domain. */
export const OKTA_DOMAIN_SUFFIXES = ['.okta.com', '.oktapreview.com', '.okta-emea.com'] as const;

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** `acme.okta.com`, `https://acme.okta.com/` or (simulator) `http://127.0.0.1:8080` → an org URL. */
export function orgUrlFromDomain(domain: string): URL {
  const withScheme = /^https?:\/\//i.test(domain) ? domain : `https://${domain}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new OktaDomainError(`"${domain}" is not an Okta domain. Use the org's domain, e.g. acme.okta.com.`);
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw new OktaDomainError(`"${domain}" has a path, query or credentials. Use just the org's domain, e.g. acme.okta.com.`);
  }
  return url;
}

/** A host name of at least two labels (letters, digits, dashes), lowercased; not an IP address. */
function isHostName(host: string): boolean {
  const labels = host.split('.');
  return labels.length >= 2 && labels.every((l) => LABEL.test(l)) && !/^\d+$/.test(labels[labels.length - 1]);
}

/** `login.acme.com` (or `https://login.acme.com`) → `login.acme.com`; throws for anything but a plain host name. */
export function normalizeCustomDomain(input: string): string {
  const raw = input.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    throw new OktaDomainError(`Custom domain "${input}" is not a host name (e.g. login.acme.com).`);
  }
  const host = url.hostname;
  if (url.protocol !== 'https:') throw new OktaDomainError(`Custom domain "${input}" must be served over https.`);
  if (url.port || url.pathname !== '/' || url.search || url.hash || url.username || url.password || !isHostName(host)) {
    throw new OktaDomainError(`Custom domain "${input}" must be just a host name such as login.acme.com (no IP address, port, path or credentials).`);
  }
  return host;
}

/** `*.okta.com`, `*.oktapreview.com` or `*.okta-emea.com` (one or more labels before the suffix). */
export function isOktaHost(host: string): boolean {
  const h = host.toLowerCase();
  return OKTA_DOMAIN_SUFFIXES.some((suffix) => h.endsWith(suffix) && isHostName(h) && h.length > suffix.length);
}

/**
 * The org URL if `domain` may be used as the integration's Okta domain under `environment`: https; a host under
 * Okta's own suffixes or exactly the registered custom domain; no port. In development/test also a loopback
 * target (the simulator), over http or https. Addresses of names are judged at connect time (lib/outbound.ts).
 */
export function assertOktaDomain(domain: string, opts: { environment: OortEnvironment; customDomain?: string | null }): URL {
  const url = orgUrlFromDomain(domain);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isDevelopmentEnvironment(opts.environment) && isLoopbackHost(host)) return url;
  if (url.protocol !== 'https:') throw new OktaDomainError(`Okta domain ${domain} must use https.`);
  if (isIP(host)) {
    throw new OktaDomainError(`Okta domain ${domain} is an IP address; use your org's Okta domain (e.g. acme.okta.com).`);
  }
  if (url.port) throw new OktaDomainError(`Okta domain ${domain} names a port; use just the org's domain (e.g. acme.okta.com).`);
  const custom = opts.customDomain ? opts.customDomain.toLowerCase() : undefined;
  if (isOktaHost(host) || (custom !== undefined && host === custom)) return url;
  throw new OktaDomainError(
    `Okta domain ${host} is not under ${OKTA_DOMAIN_SUFFIXES.map((s) => `*${s}`).join(', ')}` +
      (custom ? ` and is not the integration's custom domain ${custom}.` : `; if it is your org's custom domain, register it with --custom-domain ${host}.`),
  );
}

/** The org's subdomain, as Okta writes it into the EventBridge source name. */
export function oktaOrgFromDomain(domain: string): string {
  const host = orgUrlFromDomain(domain).hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(host) ? 'localhost' : host.split('.')[0];
}

export async function createOktaClient(conn: OktaConnection, opts: OktaClientOptions): Promise<Client> {
  const orgUrl = assertOktaDomain(conn.domain, { environment: opts.environment, customDomain: conn.customDomain });
  return new Client({
    orgUrl: orgUrl.origin,
    token: conn.token,
    // The default cache serves stale users forever and can hang on large bodies (okta.md §6.4).
    cacheMiddleware: null,
    requestExecutor: new BudgetedRequestExecutor({
      maxRetries: opts.maxRetries,
      requestTimeout: opts.requestTimeoutMs,
      orgOrigin: orgUrl.origin,
      outbound: { environment: opts.environment },
      lookup: opts.lookup,
    }),
  } as ConstructorParameters<typeof Client>[0]);
}

export type OktaErrorKind = 'invalid_token' | 'forbidden' | 'not_found' | 'rate_limited' | 'bad_request' | 'server' | 'network' | 'refused';

export function classifyOktaError(err: unknown): OktaErrorKind {
  // A destination the guard refused (address, foreign origin, redirect): final, not retried.
  if (typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ERR_OUTBOUND_REFUSED') return 'refused';
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

/** At most `max` characters of printable text (no control characters, collapsed whitespace). */
export function excerpt(text: unknown, max = 200): string {
  const clean = String(text ?? '')
    // eslint-disable-next-line no-control-regex -- stripping control characters from untrusted text is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/**
 * A message for the operator: the status, Okta's error code and (truncated) summary — never the body, the
 * token or a header. Errors the executor built (okta/request-executor.ts) already carry only these.
 */
/** Okta's answer in parts, for a failure's structured details: status, Okta's error code, a clipped summary. */
export interface OktaAnswer {
  status?: number;
  errorCode?: string;
  summary?: string;
}

export function oktaAnswerOf(err: unknown): OktaAnswer {
  if (err instanceof OktaApiError) return { status: err.status, errorCode: excerpt(err.errorCode, 40), summary: excerpt(err.errorSummary) };
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? { status, summary: describeOktaError(err) } : { summary: describeOktaError(err) };
}

export function describeOktaError(err: unknown): string {
  if (err instanceof OktaApiError) return `Okta answered ${err.status} ${excerpt(err.errorCode, 40)}: ${excerpt(err.errorSummary)}`;
  if (err instanceof Error) return excerpt(err.message, 400);
  return excerpt(err, 400);
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
        // 4xx answers and refused destinations are final.
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

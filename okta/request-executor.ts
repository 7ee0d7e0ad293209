// The SDK's request executor, taught to keep to the org's rate-limit budget (docs/okta.md §3.3, §5.1).
//
// - Every request first takes a slot from its bucket's budget: while the last answers' `X-Rate-Limit-Remaining`
//   (less what is already in flight) is spent, it waits for `X-Rate-Limit-Reset`, computed against the
//   response's `Date` header plus Okta's one-second margin. With no current window known, one request at
//   a time goes out until an answer tells the budget. So the client never sends more requests in a window
//   than `X-Rate-Limit-Limit`.
// - A 429 closes its bucket until the reset it announces (plus a small jitter, so parallel readers do not
//   all come back in the same millisecond), then the SDK's retry sends the request again; at most
//   `maxRetries` times per request. After that the 429 goes to the caller, who fails the activity with a
//   retryable `OktaRateLimitedError` (okta/client.ts): Temporal retries it, and the read resumes from its cursor.
// - Waits heartbeat when they run inside a Temporal activity (and stop when it is cancelled).
// - `requestTimeout` bounds each attempt; time spent waiting for a reset is not part of it (the SDK's
//   default executor counts the backoff in, so one 429 with a 60-s reset fails a 30-s timeout at once).
//
// - Every request goes only to the org's own origin (`orgOrigin`; another origin is an `OktaForeignOriginError`
//   before anything is sent, so the SSWS token never leaves the org), through the guarded agent of
//   lib/outbound.ts (the address of every connection judged at connect time), and redirects are not followed
//   (a 3xx is an `OktaRedirectRefusedError`).
// - Error answers never travel verbatim: a JSON body becomes an `OktaApiError` with the status, Okta's
//   `errorCode` and a truncated `errorSummary` only; any other body "HTTP <status> (non-JSON body of N bytes)".
//
// The budget is shared by every client of the same org in this process (one per activity), since Okta's
// buckets are org-wide. Buckets are keyed like Okta's table: /api/v1/logs, /api/v1/users*, /api/v1/devices*
// and the rest; where Okta's buckets are finer, sharing one here is only more careful.
import { Context } from '@temporalio/activity';
import type { Agent } from 'node:http';
import { DefaultRequestExecutor, OktaApiError } from '@okta/okta-sdk-nodejs';
import type { Response } from 'node-fetch';
import { guardedAgent, OutboundRefusedError, sharedGuardedAgent, type GuardedAgentOptions, type OutboundPolicy } from '../lib/outbound.js';

/** A request (a `Link: next`, a cursor, a built URL) to an origin other than the org's: refused, never sent. */
export class OktaForeignOriginError extends OutboundRefusedError {
  override name = 'OktaForeignOriginError';
}

/** Okta (or something in its place) answered with a redirect: not followed. */
export class OktaRedirectRefusedError extends OutboundRefusedError {
  override name = 'OktaRedirectRefusedError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** An error answer whose body is not Okta's JSON error: only its status and size are kept. */
export class OktaHttpError extends Error {
  override name = 'OktaHttpError';
  constructor(
    readonly status: number,
    readonly bodyBytes: number,
  ) {
    super(`HTTP ${status} (non-JSON body of ${bodyBytes} bytes)`);
  }
}

const SUMMARY_MAX = 200;

function clip(text: unknown, max: number): string {
  const clean = String(text ?? '')
    // eslint-disable-next-line no-control-regex -- stripping control characters from untrusted text is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** The error of an error answer: status, Okta's error code and a truncated summary; nothing else of the body. */
export function oktaErrorFrom(url: string, status: number, body: string): Error {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && ('errorCode' in parsed || 'errorSummary' in parsed)) {
    const p = parsed as { errorCode?: unknown; errorSummary?: unknown };
    const safeUrl = (() => {
      try {
        const u = new URL(url);
        return `${u.origin}${u.pathname}`;
      } catch {
        return '';
      }
    })();
    return new OktaApiError(safeUrl, status, { errorCode: clip(p.errorCode ?? 'unknown', 40), errorSummary: clip(p.errorSummary ?? '', SUMMARY_MAX) }, {} as never);
  }
  return new OktaHttpError(status, Buffer.byteLength(body));
}

type RequestOptions = Parameters<DefaultRequestExecutor['fetch']>[0];

export type BudgetBucket = 'logs' | 'users' | 'devices' | 'other';

export function budgetBucketFor(url: string): BudgetBucket {
  const path = new URL(url).pathname;
  if (path === '/api/v1/logs') return 'logs';
  if (path.startsWith('/api/v1/users')) return 'users';
  if (path.startsWith('/api/v1/devices')) return 'devices';
  return 'other';
}

/** Okta's margin for clock differences (okta.md §3.4: wait `Reset*1000 − Date + 1000 ms`). */
const CLOCK_MARGIN_MS = 1_000;
/** A 429 without a usable reset (a concurrency limit, a proxy): wait this long before asking again. */
const FALLBACK_WAIT_MS = 5_000;
/** How often a long wait heartbeats. */
const HEARTBEAT_EVERY_MS = 10_000;

/** What is known of one bucket's current window. */
class BucketBudget {
  /** The window's `X-Rate-Limit-Reset` (epoch seconds, server clock). */
  reset: number | undefined;
  /** Local epoch ms until which `remaining` is the truth; after it the window is over. */
  knownUntil = 0;
  /** Requests the window still allows, less those sent since the last answer. */
  remaining = 0;
  /** Local epoch ms before which nothing is sent (a 429 names the time). */
  closedUntil = 0;
  inFlight = 0;
  private waiters: Array<() => void> = [];

  /** Resolves with how long to wait before asking again, or 0 once a slot is taken. */
  tryTake(now: number): number | 'answer' {
    if (now < this.closedUntil) return this.closedUntil - now;
    if (now < this.knownUntil) {
      if (this.remaining > 0) {
        this.remaining--;
        this.inFlight++;
        return 0;
      }
      return this.knownUntil - now;
    }
    // No current window known: one request at a time, until an answer tells the budget.
    if (this.inFlight === 0) {
      this.inFlight++;
      return 0;
    }
    return 'answer';
  }

  nextAnswer(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** A request of this bucket ended: with an answer (whose headers tell the budget) or without (network error). */
  settle(answer: { status: number; limit?: number; remaining?: number; reset?: number; serverNow?: number } | null, now: number, jitterMs: number): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (answer) this.learn(answer, now, jitterMs);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private learn(a: { status: number; remaining?: number; reset?: number; serverNow?: number }, now: number, jitterMs: number): void {
    const jitter = Math.floor(Math.random() * jitterMs);
    if (a.reset === undefined || a.remaining === undefined) {
      if (a.status === 429) this.closedUntil = Math.max(this.closedUntil, now + FALLBACK_WAIT_MS + jitter);
      return;
    }
    const until = now + (a.reset * 1000 - (a.serverNow ?? now)) + CLOCK_MARGIN_MS;
    if (a.status === 429) {
      // Nothing before the announced reset (plus jitter).
      this.closedUntil = Math.max(this.closedUntil, until + jitter);
      // A 429 that names the end of the known window (or a later one) says the window is spent. One that
      // names an earlier time (a burst or concurrency limit) only closes the bucket until then: the known
      // window's count still holds afterwards.
      if (this.reset === undefined || now >= this.knownUntil || a.reset >= this.reset) {
        this.reset = a.reset;
        this.knownUntil = this.closedUntil;
        this.remaining = 0;
      }
      return;
    }
    if (this.reset === a.reset && now < this.knownUntil) {
      // Answers can arrive out of order: the lowest count of the window is the latest.
      this.remaining = Math.min(this.remaining, a.remaining);
    } else if (this.reset === undefined || a.reset > this.reset || now >= this.knownUntil) {
      // A new window: what it allows, less the requests still out (they may count in it).
      this.reset = a.reset;
      this.knownUntil = until + jitter;
      this.remaining = a.remaining - this.inFlight;
    }
    // Otherwise: an answer from a window that has since been replaced.
  }
}

/** The budget of one org: a bucket per endpoint group. */
export class OrgBudget {
  private readonly buckets = new Map<BudgetBucket, BucketBudget>();

  bucket(name: BudgetBucket): BucketBudget {
    let bucket = this.buckets.get(name);
    if (!bucket) this.buckets.set(name, (bucket = new BucketBudget()));
    return bucket;
  }
}

const budgets = new Map<string, OrgBudget>();

/** The budget shared by this process's clients of one org (keyed by origin). */
export function orgBudget(orgUrl: string): OrgBudget {
  const key = new URL(orgUrl).origin;
  let budget = budgets.get(key);
  if (!budget) budgets.set(key, (budget = new OrgBudget()));
  return budget;
}

/** The current Temporal activity, if this code runs inside one. */
function currentActivity(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/**
 * Waits `ms`. Inside an activity: heartbeats at once and every 10 s (so a long rate-limit wait does not
 * time the activity out) and throws when it is cancelled.
 */
export async function waitForOkta(ms: number, why: string): Promise<void> {
  const activity = currentActivity();
  if (!activity) {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return;
  }
  const until = Date.now() + ms;
  const details = { waitingForOkta: why, until: new Date(until).toISOString() };
  activity.heartbeat(details);
  for (let left = ms; left > 0; left = until - Date.now()) {
    await activity.sleep(Math.min(left, HEARTBEAT_EVERY_MS));
    if (until - Date.now() > 0) activity.heartbeat(details);
  }
}

export interface BudgetedExecutorOptions {
  /** 429 retries per request (0: none). */
  maxRetries: number;
  /** Timeout of each attempt in ms (0: none); rate-limit waits are not part of it. */
  requestTimeout: number;
  /** A single wait longer than this is not waited for: the 429 goes to the caller. Default 5 minutes. */
  maxWaitMs?: number;
  /** Up to this much is added to each reset, at random. Default 500 ms. */
  jitterMs?: number;
  /** Default: the org's shared budget. */
  budget?: OrgBudget;
  wait?: (ms: number, why: string) => Promise<void>;
  /** The org's origin: requests anywhere else are refused before they are sent (the token stays with the org). */
  orgOrigin?: string;
  /** Whose rules judge each connection's address (lib/outbound.ts). */
  outbound: OutboundPolicy;
  /** Tests: the resolver the guarded agent judges. */
  lookup?: GuardedAgentOptions['lookup'];
}

type BudgetedRequest = RequestOptions & { url?: string; oktaBucket?: BudgetBucket; oktaSlot?: boolean };

/**
 * The most an answer of the org may hold. A System Log page of 1,000 events is a few MB; a body past this is refused
 * (node-fetch's `size`) instead of being read into memory. A slow body is bounded by the attempt's timeout, which
 * node-fetch applies until the body is read.
 */
export const MAX_OKTA_RESPONSE_BYTES = 32 * 1024 * 1024;

function headerNumber(response: Response, name: string): number | undefined {
  const value = response.headers.get(name);
  // Duplicate headers arrive comma-joined (OKTA-112507): not usable.
  if (value === null || value.includes(',')) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

export class BudgetedRequestExecutor extends DefaultRequestExecutor {
  private readonly maxWaitMs: number;
  private readonly jitterMs: number;
  private readonly budgetOf: (url: string) => OrgBudget;
  private readonly wait: (ms: number, why: string) => Promise<void>;
  private readonly orgOrigin: string | undefined;
  private readonly agents: Record<'http:' | 'https:', Agent>;

  constructor(options: BudgetedExecutorOptions) {
    super({ maxRetries: options.maxRetries, requestTimeout: options.requestTimeout });
    this.orgOrigin = options.orgOrigin === undefined ? undefined : new URL(options.orgOrigin).origin;
    const agent = (protocol: 'http:' | 'https:') =>
      options.lookup ? guardedAgent(protocol, options.outbound, { lookup: options.lookup }) : sharedGuardedAgent(protocol, options.outbound);
    this.agents = { 'http:': agent('http:'), 'https:': agent('https:') };
    this.maxWaitMs = options.maxWaitMs ?? 5 * 60_000;
    this.jitterMs = options.jitterMs ?? 500;
    this.budgetOf = options.budget ? () => options.budget! : orgBudget;
    this.wait = options.wait ?? waitForOkta;
  }

  override async fetch(request: BudgetedRequest): Promise<Response> {
    const url = request.url ?? '';
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new OktaForeignOriginError(`refused to request "${clip(url, 100)}": not a URL`);
    }
    if (this.orgOrigin !== undefined && target.origin !== this.orgOrigin) {
      throw new OktaForeignOriginError(`refused to send a request for the org ${this.orgOrigin} to ${target.origin}: the API token only goes to the org's own origin`);
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new OktaForeignOriginError(`refused: ${target.protocol} is not http(s)`);
    // Every connection through the guarded agent (its address judged when it is made); no redirects.
    (request as { agent?: unknown }).agent = this.agents[target.protocol];
    (request as { redirect?: string }).redirect = 'manual';
    (request as { size?: number }).size = MAX_OKTA_RESPONSE_BYTES;
    const name = budgetBucketFor(url);
    const bucket = this.budgetOf(url).bucket(name);
    for (;;) {
      const wait = bucket.tryTake(Date.now());
      if (wait === 0) break;
      if (wait === 'answer') {
        await bucket.nextAnswer();
        continue;
      }
      if (wait > this.maxWaitMs) {
        throw Object.assign(new Error(`Okta's rate limit for ${name} requests resets in ${Math.ceil(wait / 1000)} s, longer than this read waits`), {
          status: 429,
        });
      }
      await this.wait(wait, `rate limit (${name})`);
    }
    request.oktaBucket = name;
    request.oktaSlot = true;
    // Every attempt gets the whole timeout (the SDK would count the rate-limit wait in).
    request.timeout = this.requestTimeout;
    try {
      return (await super.fetch(request)) as Response;
    } catch (err) {
      // No answer (network error, timeout): the slot is given back, the budget learns nothing.
      if (request.oktaSlot) {
        request.oktaSlot = false;
        bucket.settle(null, Date.now(), this.jitterMs);
      }
      throw err;
    }
  }

  /** Every answer of every attempt comes through here first: it settles the budget, then decides on a retry. */
  override parseResponse(request: BudgetedRequest, response: Response): Response | Promise<Response> {
    const url = request.url ?? '';
    const bucket = this.budgetOf(url).bucket(request.oktaBucket ?? budgetBucketFor(url));
    if (request.oktaSlot) {
      request.oktaSlot = false;
      const date = response.headers.get('date');
      bucket.settle(
        {
          status: response.status,
          limit: headerNumber(response, 'x-rate-limit-limit'),
          remaining: headerNumber(response, 'x-rate-limit-remaining'),
          reset: headerNumber(response, 'x-rate-limit-reset'),
          serverNow: date ? Date.parse(date) || undefined : undefined,
        },
        Date.now(),
        this.jitterMs,
      );
    }
    if (response.status >= 300 && response.status < 400) {
      response.text().catch(() => undefined);
      throw new OktaRedirectRefusedError(`${new URL(url).origin} answered ${response.status} (a redirect); redirects are not followed`, response.status);
    }
    if (response.status === 429 && !this.maxRetriesReached(request)) {
      // The body of the 429 is not needed; reading it frees the connection.
      response.text().catch(() => undefined);
      return this.retryRequest(request, response, 0);
    }
    if (response.status >= 400) return this.rejectWith(url, response);
    return response;
  }

  /** An error answer becomes an error carrying only its status, Okta's code and a truncated summary. */
  private async rejectWith(url: string, response: Response): Promise<never> {
    const body = await response.text().catch(() => '');
    throw oktaErrorFrom(url, response.status, body);
  }

  /** The wait itself happens in `fetch`, which will not send before the bucket reopens. */
  override retryRequest(request: BudgetedRequest, response: Response, delayMs: number): Promise<Response> {
    const requestId = this.getOktaRequestId(response);
    this.emit('backoff', request, response, requestId, delayMs);
    const retry = this.buildRetryRequest(request, requestId, delayMs) as BudgetedRequest;
    retry.oktaSlot = false;
    this.emit('resume', retry, requestId);
    return this.fetch(retry);
  }
}

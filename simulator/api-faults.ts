/**
 * Fault modes of the simulated Management API, switched on per test (`sim.setFaults`) or over HTTP
 * (`POST /__simulator/faults`): 429 storms (every request answers 429 E0000047 with rate-limit
 * headers for a while) and a seeded share of 5xx answers. Also the accounting a test needs to check
 * that a client kept to the budget the simulator announced (`budgetReport`): what arrived per
 * bucket and rate-limit window, and whether anything arrived after a 429 before the reset it named.
 */
import { Random, type Seed } from './random.js';
import type { RateLimitBucket, RateLimitWindow } from './rate-limiter.js';

export interface RateLimitStorm {
  /** Authenticated requests of its `buckets` (counted from `setFaults`) answered normally before the storm begins. Default 0. */
  afterRequests?: number;
  /** How long every request (of `buckets`) answers 429 once the storm has begun. */
  durationMs: number;
  /**
   * Each 429 announces a reset this far ahead, rounded up to a whole second and never past the
   * storm's end: a client that waits for it asks again, and meets the storm again until it is over.
   * Default 1000.
   */
  resetEveryMs?: number;
  /** The buckets the storm hits (default: all). */
  buckets?: RateLimitBucket[];
}

export type ServerErrorStatus = 500 | 502 | 503;

export interface ServerErrorFaults {
  /** Share of requests answered 5xx, 0–1 (drawn per request from `seed`: the same requests in the same order get the same answers). */
  rate: number;
  seed: Seed;
  /**
   * Statuses drawn from (default 500, 502, 503). 500 is Okta's `E0000009` JSON with rate-limit headers;
   * 502 and 503 are a load balancer's HTML page without them.
   */
  statuses?: ServerErrorStatus[];
  /** The buckets affected (default: all). */
  buckets?: RateLimitBucket[];
}

export interface FaultMode {
  storms?: RateLimitStorm[];
  serverErrors?: ServerErrorFaults;
}

export type FaultDecision =
  | { kind: 'storm'; /** `X-Rate-Limit-Reset` to announce, epoch seconds. */ reset: number }
  | { kind: 'server-error'; status: ServerErrorStatus }
  | null;

/** Decides, request by request, which fault (if any) answers it. */
export class FaultInjector {
  private storms: Array<{ storm: RateLimitStorm; seen: number; startedAt?: number }> = [];
  private serverErrors: ServerErrorFaults | undefined;
  private rng = new Random(0);

  set(mode: FaultMode | null): void {
    for (const storm of mode?.storms ?? []) {
      if (!(storm.durationMs >= 0)) throw new Error('A storm needs durationMs ≥ 0.');
    }
    const rate = mode?.serverErrors?.rate ?? 0;
    if (!(rate >= 0 && rate <= 1)) throw new Error('serverErrors.rate is a share between 0 and 1.');
    this.storms = (mode?.storms ?? []).map((storm) => ({ storm, seen: 0 }));
    this.serverErrors = mode?.serverErrors;
    this.rng = new Random(mode?.serverErrors?.seed ?? 0).fork('server-errors');
  }

  /** Called once for every authenticated request, in arrival order. */
  decide(bucket: RateLimitBucket, now: number): FaultDecision {
    for (const entry of this.storms) {
      const { storm } = entry;
      if (storm.buckets && !storm.buckets.includes(bucket)) continue;
      entry.seen++;
      if (entry.startedAt === undefined && entry.seen > (storm.afterRequests ?? 0)) entry.startedAt = now;
      if (entry.startedAt === undefined) continue;
      const end = entry.startedAt + storm.durationMs;
      if (now >= end) continue;
      const reset = Math.ceil(Math.min(now + (storm.resetEveryMs ?? 1000), end) / 1000);
      return { kind: 'storm', reset };
    }
    const errors = this.serverErrors;
    if (errors && errors.rate > 0 && (!errors.buckets || errors.buckets.includes(bucket))) {
      // One draw per request either way, so the sequence does not depend on which buckets are affected.
      const roll = this.rng.next();
      const status = this.rng.pick(errors.statuses?.length ? errors.statuses : [500, 502, 503] as const);
      if (roll < errors.rate) return { kind: 'server-error', status };
    }
    return null;
  }

  /** When each storm began (undefined: not yet) and ends. */
  stormTimes(): Array<{ startedAt?: number; endsAt?: number }> {
    return this.storms.map(({ storm, startedAt }) => ({ startedAt, endsAt: startedAt === undefined ? undefined : startedAt + storm.durationMs }));
  }
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Query string including `?`, or ''. */
  query: string;
  status: number;
  bucket: RateLimitBucket;
  /** Epoch ms the request arrived. */
  receivedAt: number;
  /** Epoch ms it was answered. */
  at: number;
  /** Whether the token was accepted (401s are not counted against any budget). */
  authenticated: boolean;
  /** `X-Rate-Limit-Reset` sent with the answer (epoch seconds), if any. */
  rateLimitReset?: number;
  /** Which fault answered it: a storm, the 5xx share, or a one-off from `injectFaults`. */
  fault?: 'storm' | 'server-error' | 'injected';
}

export interface BucketCounts {
  received: number;
  ok: number;
  /** 429s of any origin (storm, injected, or the budget itself). */
  rateLimited: number;
  serverErrors: number;
}

export interface EarlyRequest {
  request: RecordedRequest;
  /** The 429 whose announced reset the request did not wait for. */
  after: RecordedRequest;
}

export interface BudgetReport {
  byBucket: Partial<Record<RateLimitBucket, BucketCounts>>;
  /** Every rate-limit window (of the period asked about), with the requests that arrived in it. */
  windows: RateLimitWindow[];
  /** Windows that received more requests than their `X-Rate-Limit-Limit` (enforced or advertised). */
  overBudget: RateLimitWindow[];
  /** 429s the budget itself gave (no fault): the client sent more than it had been told it could. */
  limiterRejections: RecordedRequest[];
  /**
   * Requests that arrived after a 429 of their bucket had been answered, but before the reset it
   * announced. Requests arriving within `inFlightGraceMs` of the 429 are not counted: they were
   * already on their way (sent concurrently, before the client could have read the 429).
   */
  earlyAfter429: EarlyRequest[];
  /** True when none of the above happened. */
  respected: boolean;
}

export interface BudgetReportOptions {
  /** Only requests and windows from this epoch ms on (e.g. when a test's part began). */
  since?: number;
  /** Default 100 ms: far below any wait for a reset (≥ 1 s), far above loopback latency. */
  inFlightGraceMs?: number;
}

export function budgetReport(requests: readonly RecordedRequest[], windows: readonly RateLimitWindow[], options: BudgetReportOptions = {}): BudgetReport {
  const since = options.since ?? 0;
  const grace = options.inFlightGraceMs ?? 100;
  const counted = requests.filter((r) => r.authenticated && r.receivedAt >= since).sort((a, b) => a.receivedAt - b.receivedAt);
  const byBucket: Partial<Record<RateLimitBucket, BucketCounts>> = {};
  for (const r of counted) {
    const c = (byBucket[r.bucket] ??= { received: 0, ok: 0, rateLimited: 0, serverErrors: 0 });
    c.received++;
    if (r.status < 400) c.ok++;
    if (r.status === 429) c.rateLimited++;
    if (r.status >= 500) c.serverErrors++;
  }
  const inPeriod = windows.filter((w) => w.start >= since);
  const overBudget = inPeriod.filter((w) => w.received > w.limit);
  const limiterRejections = counted.filter((r) => r.status === 429 && !r.fault);
  const rateLimited = counted.filter((r) => r.status === 429 && r.rateLimitReset !== undefined);
  const earlyAfter429: EarlyRequest[] = [];
  for (const request of counted) {
    const after = rateLimited.find(
      (q) => q !== request && q.bucket === request.bucket && q.at + grace < request.receivedAt && request.receivedAt < q.rateLimitReset! * 1000,
    );
    if (after) earlyAfter429.push({ request, after });
  }
  return {
    byBucket,
    windows: inPeriod,
    overBudget,
    limiterRejections,
    earlyAfter429,
    respected: overBudget.length === 0 && limiterRejections.length === 0 && earlyAfter429.length === 0,
  };
}

/**
 * Okta-style per-endpoint rate-limit buckets. Each bucket has its own window, starting with
 * its first request (Okta's windows are not aligned to clock minutes). `X-Rate-Limit-Reset`
 * is the window end in UTC epoch seconds, rounded up so it is always in the future.
 */

export type RateLimitBucket = 'logs' | 'users' | 'devices' | 'other';

export interface RateLimitConfig {
  limitPerWindow: number;
  windowSeconds: number;
}

/** One budget for every bucket, or one per bucket (unlisted buckets are not enforced). */
export type RateLimitSettings = RateLimitConfig | Partial<Record<RateLimitBucket, RateLimitConfig>>;

export interface RateLimitState {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** UTC epoch seconds. */
  reset: number;
}

/** One rate-limit window of one bucket, as the simulator announced it, with what arrived in it. */
export interface RateLimitWindow {
  bucket: RateLimitBucket;
  /** Epoch ms of the window's first request. */
  start: number;
  /** Epoch ms at which it ends. */
  end: number;
  /** Its `X-Rate-Limit-Reset` (epoch seconds: `end` rounded up). */
  reset: number;
  /** `X-Rate-Limit-Limit` of the window. */
  limit: number;
  /** Whether the budget was enforced (otherwise it is only advertised). */
  enforced: boolean;
  /** Every authenticated request that arrived in the window, whatever it was answered. */
  received: number;
}

/** Okta Workforce per-minute limits (okta.md §3.4), shown in headers when nothing is enforced. */
const ADVERTISED: Record<RateLimitBucket, number> = { logs: 120, users: 600, devices: 100, other: 1200 };

export function bucketFor(pathname: string): RateLimitBucket {
  if (pathname === '/api/v1/logs') return 'logs';
  if (pathname.startsWith('/api/v1/users')) return 'users';
  if (pathname.startsWith('/api/v1/devices')) return 'devices';
  return 'other';
}

export class RateLimiter {
  private settings: Partial<Record<RateLimitBucket, RateLimitConfig>> = {};
  private readonly windows = new Map<RateLimitBucket, { start: number; used: number; record: RateLimitWindow }>();
  /** Every window so far, oldest first (cleared by `configure`). */
  readonly history: RateLimitWindow[] = [];

  constructor(settings?: RateLimitSettings | null) {
    this.configure(settings ?? null);
  }

  /** `null` stops enforcing; headers then advertise Okta's Workforce limits over 60 s windows. */
  configure(settings: RateLimitSettings | null): void {
    this.windows.clear();
    this.history.length = 0;
    if (!settings) this.settings = {};
    else if ('limitPerWindow' in settings) {
      const all = settings as RateLimitConfig;
      this.settings = { logs: all, users: all, devices: all, other: all };
    } else this.settings = { ...(settings as Partial<Record<RateLimitBucket, RateLimitConfig>>) };
  }

  /** Counts a request against its bucket (every authenticated request, whatever it is answered). */
  take(bucket: RateLimitBucket, now = Date.now()): RateLimitState {
    const { limit, windowMs, enforced } = this.budget(bucket);
    const window = this.currentWindow(bucket, windowMs, now, limit, enforced);
    window.record.received++;
    const allowed = !enforced || window.used < limit;
    if (allowed) window.used++;
    return { allowed, limit, remaining: Math.max(0, limit - window.used), reset: Math.ceil((window.start + windowMs) / 1000) };
  }

  /** The bucket's state without counting a request (for 401s). */
  peek(bucket: RateLimitBucket, now = Date.now()): RateLimitState {
    const { limit, windowMs } = this.budget(bucket);
    const window = this.windows.get(bucket);
    const live = window && now < window.start + windowMs ? window : { start: now, used: 0 };
    return { allowed: true, limit, remaining: Math.max(0, limit - live.used), reset: Math.ceil((live.start + windowMs) / 1000) };
  }

  private budget(bucket: RateLimitBucket) {
    const config = this.settings[bucket];
    return config
      ? { limit: config.limitPerWindow, windowMs: config.windowSeconds * 1000, enforced: true }
      : { limit: ADVERTISED[bucket], windowMs: 60_000, enforced: false };
  }

  private currentWindow(bucket: RateLimitBucket, windowMs: number, now: number, limit: number, enforced: boolean) {
    let window = this.windows.get(bucket);
    if (!window || now >= window.start + windowMs) {
      const record: RateLimitWindow = { bucket, start: now, end: now + windowMs, reset: Math.ceil((now + windowMs) / 1000), limit, enforced, received: 0 };
      window = { start: now, used: 0, record };
      this.windows.set(bucket, window);
      this.history.push(record);
    }
    return window;
  }
}

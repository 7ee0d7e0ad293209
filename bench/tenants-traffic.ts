// The simulated tenants of bench/tenants: how many users each has (a long tail: most small, a few with tens of
// thousands) and one hour of its Okta traffic. Every tenant is the first `users` people of one simulated org, so its
// hour is that org's hour restricted to its people: events per tenant-hour are proportional to its users.
import { hashSeed, generateActivity, generateOrg, type OktaLogEvent } from '../simulator/index.js';

export const SEED = 'bench-tenants';
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * The hour every tenant's traffic is taken from: the latest Tuesday 15:00 UTC (a busy weekday afternoon) at least a day
 * ago, recent enough to land in the time partitions that retention keeps rather than in DEFAULT.
 */
export function trafficHour(now = new Date()): Date {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 15) - DAY_MS);
  while (d.getUTCDay() !== 2 || d.getTime() > now.getTime() - DAY_MS) d.setTime(d.getTime() - DAY_MS);
  return d;
}

/**
 * Users per tenant: a log-normal spread (median 150, σ 1.7; mean ≈ 640) read at evenly spaced quantiles, so a run is
 * deterministic and 100 tenants are a coarser sample of the same spread as 1,000. With 1,000 tenants the largest has
 * ~40,000 users and the ten largest hold about a quarter of all users; half have 150 or fewer.
 */
export function tenantSizes(n: number, opts: { median?: number; sigma?: number; maxUsers?: number; minUsers?: number } = {}): number[] {
  const median = opts.median ?? 150;
  const sigma = opts.sigma ?? 1.7;
  const sizes: number[] = [];
  for (let i = 0; i < n; i++) {
    const q = (i + 0.5) / n;
    const users = Math.round(median * Math.exp(sigma * normalQuantile(q)));
    sizes.push(Math.min(opts.maxUsers ?? 50_000, Math.max(opts.minUsers ?? 5, users)));
  }
  // Largest first: tenant 0 is the biggest.
  return sizes.sort((a, b) => b - a);
}

/** The standard normal's quantile (Acklam's rational approximation, |error| < 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

export interface TrafficPool {
  /** The hour's events of the whole simulated org, each with the index of its person (−1: no person of the org). */
  events: Array<{ event: OktaLogEvent; person: number }>;
  /** The org's people's Okta ids, in person order: a tenant of `users` people has the first `users`. */
  people: string[];
  users: number;
  seconds: number;
}

/** One hour of a simulated org as large as the largest tenant (`eventsPerUserPerDay` as the simulator's people). */
export function trafficPool(maxUsers: number, eventsPerUserPerDay: number, hourStart: Date): TrafficPool {
  const t0 = performance.now();
  const org = generateOrg({ seed: SEED, users: maxUsers, orgName: 'initech', domain: 'initech.example', logStream: false });
  const index = new Map(org.users.map((u, i) => [u.id, i] as const));
  const hour = generateActivity(org, { seed: SEED, start: hourStart, end: new Date(hourStart.getTime() + HOUR_MS), eventsPerUserPerDay, now: new Date(hourStart.getTime() + HOUR_MS) });
  const events = hour.map((event) => {
    const byActor = index.get(event.actor?.id ?? '');
    const byTarget = event.target?.map((t) => index.get(t.id)).find((i) => i !== undefined);
    return { event, person: byActor ?? byTarget ?? -1 };
  });
  return { events, people: org.users.map((u) => u.id), users: maxUsers, seconds: (performance.now() - t0) / 1000 };
}

/**
 * A tenant of `users` people: the pool's events of its first `users` people, and of the events no person of the org
 * is part of (system events) a share in proportion, picked by a hash of the event's uuid.
 */
export function tenantHour(pool: TrafficPool, users: number): OktaLogEvent[] {
  const share = users / pool.users;
  return pool.events
    .filter(({ event, person }) => (person >= 0 ? person < users : (hashSeed(event.uuid) % 10_000) / 10_000 < share))
    .map(({ event }) => event);
}

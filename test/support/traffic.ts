// Recent System Log traffic for tests that run against the real clock: `n` generated events of the
// org, re-timed evenly into a window relative to now. Generating only the window itself could give
// nothing at all (the generator follows a workday rhythm, and tests also run at night).
import { generateActivity, type OktaLogEvent, type SimulatedOrg } from '../../simulator/index.js';

const MINUTE = 60_000;

export function recentTraffic(org: SimulatedOrg, seed: string, n: number, fromMinutesAgo: number, toMinutesAgo = 0): OktaLogEvent[] {
  const now = Date.now();
  const events = generateActivity(org, { seed, start: new Date(now - 4 * 24 * 60 * MINUTE), end: new Date(now) }).slice(0, n);
  if (events.length < n) throw new Error(`the generator gave ${events.length} events for seed ${seed}, fewer than ${n}`);
  const from = now - fromMinutesAgo * MINUTE;
  const span = (fromMinutesAgo - toMinutesAgo) * MINUTE;
  return events.map((e, i) => ({ ...e, published: new Date(from + ((i + 1) * span) / (n + 1)).toISOString() }));
}

// System Log traffic that several tests share. Recent traffic, for tests that run against the real clock: `n`
// generated events of the org, re-timed evenly into a window relative to now. Generating only the window itself could
// give nothing at all (the generator follows a workday rhythm, and tests also run at night).
import { minutesAfter, oktaEvent, oktaUser } from '../../detections/testing.js';
import type { OktaLogEvent as DetectionEvent } from '../../detections/index.js';
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

/**
 * A tenant-wide burst of failed sign-ins from `start`: 27 attempts on 9 accounts of `domain`, 18 s apart, from 20
 * addresses. A distributed password spray for an org of up to 5,000 people (25 attempts on 8 accounts), everyday
 * mistyped passwords for a larger one.
 */
export function failedSignInsAcrossTenant(start: string, domain: string): DetectionEvent[] {
  const staff = Array.from({ length: 9 }, (_, i) => oktaUser(`staff${i}@${domain}`));
  return Array.from({ length: 27 }, (_, i) =>
    oktaEvent({ eventType: 'user.session.start', at: minutesAfter(start, i * 0.3), actor: staff[i % staff.length], ip: `45.89.${i % 20}.10`, result: 'FAILURE', reason: 'INVALID_CREDENTIALS' }),
  );
}

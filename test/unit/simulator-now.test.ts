// Nothing the simulator generates is dated after its generation time: everyday activity stops at "now",
// and every scenario (each case of the expectations, as the demo streams them) that would run past "now"
// is moved back to end there — the same scenario, only earlier.
import { describe, expect, it } from 'vitest';
import { SCENARIOS, buildScenario, generateActivity, generateOrg, scenarioCases, type InjectOptions, type ScenarioName } from '../../simulator/index.js';
import { demoAttack } from '../../workers/local-stack/demo.js';

const org = generateOrg({ seed: 'now', users: 60, asOf: new Date('2026-01-01T00:00:00Z') });
const latest = (events: readonly { published: string }[]) => Math.max(...events.map((e) => Date.parse(e.published)));
const MINUTE = 60_000;

describe('generation time', () => {
  it('activity over a window reaching past now stops at now (given, or the clock)', () => {
    const now = new Date('2026-01-07T15:30:00.000Z');
    const events = generateActivity(org, { seed: 1, start: new Date(now.getTime() - 24 * 60 * MINUTE), end: new Date(now.getTime() + 24 * 60 * MINUTE), now });
    expect(events.length).toBeGreaterThan(100);
    expect(latest(events)).toBeLessThanOrEqual(now.getTime());
    // The part before now is what a window ending at now gives.
    expect(events).toEqual(generateActivity(org, { seed: 1, start: new Date(now.getTime() - 24 * 60 * MINUTE), end: new Date(now.getTime() + 1) }));

    const before = Date.now();
    const live = generateActivity(org, { seed: 2, start: new Date(before - 3 * 24 * 60 * MINUTE), end: new Date(before + 24 * 60 * MINUTE) });
    expect(latest(live)).toBeLessThanOrEqual(Date.now());
  });

  it.each(Object.keys(SCENARIOS) as ScenarioName[])('%s started a minute before now ends by now, the same scenario moved back', (name) => {
    const now = new Date('2026-01-07T15:30:00.000Z');
    const moved = buildScenario(org, name, { seed: 5, at: new Date(now.getTime() - MINUTE), now } as InjectOptions<ScenarioName>);
    expect(moved.events.length).toBeGreaterThan(0);
    expect(latest(moved.events)).toBeLessThanOrEqual(now.getTime());
    expect(Date.parse(moved.end)).toBeLessThanOrEqual(now.getTime());
    // Where it did not need to move, nothing changed.
    const free = buildScenario(org, name, { seed: 5, at: new Date(now.getTime() - MINUTE), now: new Date('2027-01-01T00:00:00Z') } as InjectOptions<ScenarioName>);
    if (latest(free.events) <= now.getTime()) expect(moved).toEqual(free);
    else {
      expect(latest(moved.events)).toBe(now.getTime());
      expect(moved.events.map((e) => e.eventType)).toEqual(free.events.map((e) => e.eventType));
    }
  });

  it('every case the demo streams, generated now, is dated at the latest now', () => {
    for (const [n, attack] of scenarioCases().entries()) {
      const before = Date.now();
      const events = demoAttack(org, attack, n, new Date(before));
      expect(events.length, attack.label).toBeGreaterThan(0);
      expect(latest(events), attack.label).toBeLessThanOrEqual(before);
      // And without a given time, by the clock.
      const byClock = buildScenario(org, attack.scenario, { ...attack.options, seed: n, at: new Date(Date.now() - MINUTE) } as InjectOptions<ScenarioName>);
      expect(latest(byClock.events), attack.label).toBeLessThanOrEqual(Date.now());
    }
  });
});

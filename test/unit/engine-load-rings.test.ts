// The detection pass loads each chunk's events as rings around the chunk, so that patterns which overlap ('*', globs,
// the names they cover) never read an event twice, while every type is still read as far as the load plan says.
import { describe, expect, it } from 'vitest';
import { catalogue, eventLoadPlan, typeMatches, type EventLoadGroup } from '../../detections/index.js';
import { loadGroups, loadRings, type LoadGroup } from '../../detections/run/pass.js';

const MINUTE = 60_000;
const START = Date.parse('2026-03-02T09:00:00.000Z');
const END = START + 3 * 60 * MINUTE;

const TYPES = [
  'user.session.start',
  'user.authentication.sso',
  'user.authentication.auth_via_IDP',
  'user.authentication.auth_via_mfa',
  'user.mfa.factor.activate',
  'policy.rule.update',
  'system.api_token.create',
  'app.oauth2.token.grant',
  'something.nobody.reads',
];

/** One event per type every 5 minutes from a day before the chunk to a day after. */
const EVENTS = TYPES.flatMap((type) =>
  Array.from({ length: (2 * 24 * 60 + 180) / 5 }, (_, i) => ({ type, at: START - 24 * 60 * MINUTE + i * 5 * MINUTE, id: `${type}@${i}` })),
);

function read(groups: readonly LoadGroup[]): string[] {
  const ids: string[] = [];
  for (const group of groups) {
    for (const e of EVENTS) {
      if (e.at >= group.from && e.at < group.to && group.eventTypes.some((p) => typeMatches(e.type, p))) ids.push(e.id);
    }
  }
  return ids;
}

/** What the plan's groups read, as the pass loaded them before rings: each group over its look-back on both sides. */
function planGroups(plan: readonly EventLoadGroup[]): LoadGroup[] {
  return plan.map((g) => ({ eventTypes: g.eventTypes, from: START - g.lookbackMinutes * MINUTE, to: END + g.lookbackMinutes * MINUTE }));
}

const plans: Record<string, EventLoadGroup[]> = {
  catalogue: eventLoadPlan(catalogue),
  nested: [
    { lookbackMinutes: 1440, eventTypes: ['user.mfa.factor.activate'] },
    { lookbackMinutes: 180, eventTypes: ['user.authentication.sso'] },
    { lookbackMinutes: 60, eventTypes: ['user.*', 'User.Session.Start'] },
    { lookbackMinutes: 9, eventTypes: ['*'] },
    { lookbackMinutes: 0, eventTypes: ['user.authentication.auth_via_IDP', 'system.api_token.create'] },
  ],
  'no star': [
    { lookbackMinutes: 30, eventTypes: ['user.authentication.*'] },
    { lookbackMinutes: 0, eventTypes: ['user.authentication.sso', 'app.oauth2.token.grant'] },
  ],
};

describe('load rings', () => {
  for (const [name, plan] of Object.entries(plans)) {
    it(`read every event the plan reads, each once (${name})`, () => {
      const before = read(planGroups(plan));
      const after = read(loadGroups(loadRings(plan), START, END));
      expect(new Set(after).size).toBe(after.length);
      expect([...new Set(after)].sort()).toEqual([...new Set(before)].sort());
    });
  }

  it("drop a pattern that a broader one reads as far, and read only beyond the broader one's look-back otherwise", () => {
    expect(loadRings(plans.nested)).toEqual([
      { eventTypes: ['user.mfa.factor.activate'], outer: 1440, inner: 60 },
      { eventTypes: ['user.authentication.sso'], outer: 180, inner: 60 },
      { eventTypes: ['user.*'], outer: 60, inner: 9 },
      { eventTypes: ['*'], outer: 9, inner: -1 },
    ]);
    expect(loadGroups([{ eventTypes: ['user.*'], outer: 60, inner: 9 }], START, END)).toEqual([
      { eventTypes: ['user.*'], from: START - 60 * MINUTE, to: START - 9 * MINUTE },
      { eventTypes: ['user.*'], from: END + 9 * MINUTE, to: END + 60 * MINUTE },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  catalogue,
  evaluate,
  commonFields,
  groupKeys,
  lookbackMinutes,
  validateRules,
  type OktaLogEvent,
  type Rule,
  type ThresholdRule,
  type WindowStats,
} from '../../detections/index.js';
import { minutesAfter, oktaEvent, oktaUser, oktaVerifyEnrollment, type TestPrincipal } from '../../detections/testing.js';

const T0 = '2026-03-02T09:00:00.000Z';
const dana = oktaUser('dana.scully@example.com');
const admin = oktaUser('walter.skinner@example.com');

const rejectedPush = (user: TestPrincipal, minute: number) =>
  oktaEvent({
    eventType: 'user.authentication.auth_via_mfa',
    at: minutesAfter(T0, minute),
    actor: user,
    result: 'FAILURE',
    reason: 'INVALID_CREDENTIALS',
    target: [user, oktaVerifyEnrollment(user)],
    debugData: { factor: 'OKTA_VERIFY_PUSH' },
  });

const apiTokenCreated = (minute: number) =>
  oktaEvent({ eventType: 'system.api_token.create', at: minutesAfter(T0, minute), actor: admin });

/** isNew for "this run": events whose uuid is in the set. */
const newOnes = (events: OktaLogEvent[]) => {
  const uuids = new Set(events.map((event) => event.uuid));
  return (event: OktaLogEvent) => uuids.has(event.uuid);
};

const pushBombing = (events: OktaLogEvent[], opts: Parameters<typeof evaluate>[2] = {}) =>
  evaluate(catalogue, events, opts).filter((match) => match.ruleId === 'okta-mfa-push-bombing');

/** A threshold rule over every session event, grouped by the actor: what each window test sets is its own. */
const windowProbe = (settings: Pick<ThresholdRule, 'window' | 'threshold'> & Partial<ThresholdRule>): ThresholdRule => ({
  ...(catalogue.find((rule) => rule.id === 'okta-mfa-push-bombing') as ThresholdRule),
  id: 'okta-window-probe',
  eventTypes: ['user.session.*'],
  filter: () => true,
  dedupe: { periodMinutes: 60, key: (event) => groupKeys.user(commonFields.actorId.text(event)) },
  ...settings,
});

describe('run boundaries and look-back', () => {
  const burst = [0, 1, 2, 3, 4, 5, 6].map((minute) => rejectedPush(dana, minute));

  it('catches a burst split between look-back and new events once, exactly as if it were all new', () => {
    const [whole] = pushBombing(burst);
    const split = pushBombing(burst, { isNew: newOnes(burst.slice(3)) });
    expect(split).toHaveLength(1);
    expect(split[0]).toEqual(whole);
    expect(split[0].groupKey).toBe(`user:${dana.id}`);
    expect(split[0].dedupeKey).toBe(`okta-mfa-push-bombing:user:${dana.id}`);
  });

  it('catches a threshold first crossed by the new events', () => {
    // 3 rejections already stored by the previous run, 2 arriving now: only together do they reach 5.
    const split = pushBombing(burst.slice(0, 5), { isNew: newOnes(burst.slice(3, 5)) });
    expect(split).toHaveLength(1);
    expect(split[0]).toMatchObject({ count: 5, firstEventAt: T0 });
    expect(split[0].evidenceUuids).toEqual(burst.slice(0, 5).map((event) => event.uuid));
  });

  it('does not report again a burst lying entirely in the look-back', () => {
    expect(pushBombing(burst, { isNew: () => false })).toEqual([]);
    const laterUnrelated = rejectedPush(dana, 45);
    expect(pushBombing([...burst, laterUnrelated], { isNew: newOnes([laterUnrelated]) })).toEqual([]);
  });

  it('does not report single-rule hits from the look-back', () => {
    const old = apiTokenCreated(0);
    const fresh = apiTokenCreated(120);
    const matches = evaluate(catalogue, [old, fresh], { isNew: newOnes([fresh]) });
    expect(matches.map((match) => match.evidenceUuids)).toEqual([[fresh.uuid]]);
  });

  it('needs look-back as long as the longest enabled window', () => {
    const withWindow = (id: string, window: number): ThresholdRule => ({ ...(catalogue.find((rule) => rule.id === 'okta-mfa-push-bombing') as ThresholdRule), id, window });
    const rules = [withWindow('short', 10), withWindow('long', 90), withWindow('middle', 45)];
    expect(lookbackMinutes(rules)).toBe(90);
    expect(lookbackMinutes(rules, { rules: { long: { enabled: false } } })).toBe(45);
    expect(lookbackMinutes([])).toBe(0);
    // The catalogue's look-back covers its longest threshold window (3 h of repeated lockouts).
    const longest = Math.max(...catalogue.filter((rule) => rule.kind === 'threshold').map((rule) => (rule as ThresholdRule).window));
    expect(lookbackMinutes(catalogue)).toBeGreaterThanOrEqual(longest);
  });
});

describe('merging windows into matches', () => {
  it('reports a burst of 40 rejections as one match, with capped evidence', () => {
    const burst = Array.from({ length: 40 }, (_, i) => rejectedPush(dana, i * 0.5));
    const [match, ...rest] = pushBombing(burst, { evidenceCap: 20 });
    expect(rest).toEqual([]);
    expect(match.count).toBe(40);
    expect(match.evidenceUuids).toHaveLength(20);
    // The five rejections that crossed the threshold are always cited, then the latest ones.
    expect(match.evidenceUuids.slice(0, 5)).toEqual(burst.slice(0, 5).map((event) => event.uuid));
    expect(match.evidenceUuids.slice(5)).toEqual(burst.slice(25).map((event) => event.uuid));
  });

  it('keeps the first new event as evidence when the cap is reached', () => {
    const burst = Array.from({ length: 40 }, (_, i) => rejectedPush(dana, i * 0.25));
    const late = burst[12];
    const [match] = pushBombing(burst, { evidenceCap: 8, isNew: newOnes([late]) });
    expect(match.evidenceUuids).toHaveLength(8);
    expect(match.evidenceUuids).toContain(late.uuid);
  });

  it('reports separate bursts of one user as separate matches with the same dedupe key', () => {
    const morning = [0, 1, 2, 3, 4].map((minute) => rejectedPush(dana, minute));
    const afternoon = [300, 301, 302, 303, 304].map((minute) => rejectedPush(dana, minute));
    const matches = pushBombing([...morning, ...afternoon]);
    expect(matches.map((match) => match.count)).toEqual([5, 5]);
    expect(new Set(matches.map((match) => match.dedupeKey)).size).toBe(1);
  });

  it('keeps a group open while its next event can still share a window, across the scan closing quiet groups', () => {
    // Two sign-ins in 10 minutes, per user. The scan closes groups a window past their last event, sweeping once an
    // hour of events (here at minute 0, then at the first event from minute 60: dana's, one window after her last).
    const probe = windowProbe({ window: 10, threshold: 2 });
    const signIn = (user: TestPrincipal, minute: number) => oktaEvent({ eventType: 'user.session.start', at: minutesAfter(T0, minute), actor: user });
    const crowd = Array.from({ length: 120 }, (_, i) => signIn(oktaUser(`crowd${i % 7}@example.com`), i * 0.75 + 0.5));
    const chained = [0, 10, 20, 30, 40, 50, 60, 70].map((minute) => signIn(dana, minute)); // each one window after the last
    const apart = [0, 10.01, 40, 40.5].map((minute) => signIn(admin, minute)); // a hundredth too late, then a pair
    const matches = evaluate([probe], [...crowd, ...chained, ...apart]);
    const ofUser = (user: TestPrincipal) => matches.filter((match) => match.groupKey === `user:${user.id}`);
    expect(ofUser(dana).map((match) => match.evidenceUuids)).toEqual([chained.map((event) => event.uuid)]);
    expect(ofUser(admin).map((match) => match.evidenceUuids)).toEqual([apart.slice(2).map((event) => event.uuid)]);
  });

  it('gives the same matches with minEvents set to what having needs, and meets no window with fewer events', () => {
    // Distinct outcomes, at least 3 events with a failure among them: `minEvents: 3` only lets the engine skip groups.
    const atLeastThree = (stats: WindowStats) => stats.count >= 3 && (stats.perValue.get('failure') ?? 0) > 0;
    const probe = windowProbe({ window: 10, threshold: 1, distinct: 'outcome.result', having: atLeastThree });
    const attempt = (user: TestPrincipal, minute: number, result: 'SUCCESS' | 'FAILURE') =>
      oktaEvent({ eventType: 'user.session.start', at: minutesAfter(T0, minute), actor: user, result });
    // User k makes k attempts a minute apart, the first one failing: groups of 1 to 6 events, 4 of them matching.
    const events = [1, 2, 3, 4, 5, 6].flatMap((k) =>
      Array.from({ length: k }, (_, i) => attempt(oktaUser(`u${k}@example.com`), k * 0.1 + i, i === 0 ? 'FAILURE' : 'SUCCESS')));
    const without = evaluate([probe], events);
    expect(without.map((match) => match.count)).toEqual([3, 4, 5, 6]);
    expect(evaluate([{ ...probe, minEvents: 3 }], events)).toEqual(without);
    // A bound, not a hint: two events meet `having: () => true`, and not with minEvents 3.
    const pair = [attempt(dana, 0, 'FAILURE'), attempt(dana, 1, 'SUCCESS')];
    expect(evaluate([{ ...probe, having: () => true }], pair)).toHaveLength(1);
    expect(evaluate([{ ...probe, having: () => true, minEvents: 3 }], pair)).toEqual([]);
    expect(() => validateRules([{ ...probe, minEvents: 0 }])).toThrow(/minEvents must be a positive integer/);
  });

  it('merges single-rule hits of one group within the dedupe period only', () => {
    const matches = evaluate(catalogue, [apiTokenCreated(0), apiTokenCreated(10), apiTokenCreated(200)]);
    expect(matches.map((match) => match.count)).toEqual([2, 1]);
  });
});

describe('input hygiene', () => {
  it('sorts events itself and ignores the order they come in', () => {
    const events = [0, 1, 2, 3, 4, 5].map((minute) => rejectedPush(dana, minute));
    expect(pushBombing([...events].reverse())).toEqual(pushBombing(events));
  });

  it('orders events with the same timestamp the same way whatever the input order', () => {
    const sameMillisecond = [0, 0, 0, 0, 0, 1].map((minute) => rejectedPush(dana, minute));
    const shuffled = [3, 0, 4, 2, 1, 5].map((i) => sameMillisecond[i]);
    const [expected] = pushBombing(sameMillisecond, { evidenceCap: 3 });
    expect(pushBombing(shuffled, { evidenceCap: 3 })).toEqual([expected]);
    expect(pushBombing([...sameMillisecond].reverse(), { evidenceCap: 3 })).toEqual([expected]);
  });

  it('counts a redelivered event (same uuid) once', () => {
    const events = [0, 1, 2, 3].map((minute) => rejectedPush(dana, minute));
    expect(pushBombing([...events, { ...events[3] }])).toEqual([]);
  });

  it('skips events whose published time cannot be read', () => {
    const events = [0, 1, 2, 3].map((minute) => rejectedPush(dana, minute));
    expect(pushBombing([...events, { ...rejectedPush(dana, 4), published: 'yesterday' }])).toEqual([]);
  });
});

describe('tenant settings', () => {
  const four = [0, 1, 2, 3].map((minute) => rejectedPush(dana, minute));

  it('turns rules off and overrides thresholds', () => {
    const lowered = { rules: { 'okta-mfa-push-bombing': { threshold: 4 } } };
    expect(pushBombing(four)).toEqual([]);
    expect(pushBombing(four, { settings: lowered })).toHaveLength(1);
    const off = { rules: { 'okta-api-token-created': { enabled: false } } };
    expect(evaluate(catalogue, [apiTokenCreated(0)], { settings: off })).toEqual([]);
  });

  it('turns on a rule that is off by default', () => {
    const quiet: Rule = { ...catalogue.find((rule) => rule.id === 'okta-api-token-created')!, enabled: false };
    expect(evaluate([quiet], [apiTokenCreated(0)])).toEqual([]);
    expect(evaluate([quiet], [apiTokenCreated(0)], { settings: { rules: { [quiet.id]: { enabled: true } } } })).toHaveLength(1);
  });

  it('rejects a threshold that is not a positive integer', () => {
    const settings = { rules: { 'okta-mfa-push-bombing': { threshold: 0 } } };
    expect(() => evaluate(catalogue, four, { settings })).toThrow(/positive integer/);
  });
});

describe('rule isolation and validation', () => {
  const broken: Rule = {
    ...catalogue.find((rule) => rule.id === 'okta-api-token-created')!,
    id: 'okta-broken-rule',
    kind: 'single',
    match: () => {
      throw new Error('boom');
    },
  };

  it('reports a throwing rule and keeps the others running when asked to', () => {
    const errors: string[] = [];
    const matches = evaluate([broken, ...catalogue], [apiTokenCreated(0)], { onRuleError: (id) => errors.push(id) });
    expect(errors).toEqual(['okta-broken-rule']);
    expect(matches.map((match) => match.ruleId)).toEqual(['okta-api-token-created']);
    expect(() => evaluate([broken], [apiTokenCreated(0)])).toThrow('boom');
  });

  it('accepts the shipped catalogue and rejects broken definitions', () => {
    expect(() => validateRules(catalogue)).not.toThrow();
    const push = catalogue.find((rule) => rule.id === 'okta-mfa-push-bombing') as ThresholdRule;
    expect(() => validateRules([push, push])).toThrow(/duplicate id/);
    expect(() => validateRules([{ ...push, window: 0 }])).toThrow(/window/);
    expect(() => validateRules([{ ...push, id: 'Push Bombing' }])).toThrow(/id must look like/);
    expect(() => validateRules([{ ...push, distinct: 'target[type]' }])).toThrow(/Invalid element filter/);
  });

  it('ships the first-version rules', () => {
    expect(catalogue.map((rule) => rule.id)).toEqual(
      expect.arrayContaining([
        'okta-admin-role-granted-user',
        'okta-admin-role-granted-group',
        'okta-api-token-created',
        'okta-mfa-push-bombing',
        'okta-password-spray-single-source',
        'okta-user-reported-suspicious',
        'okta-impossible-travel',
      ]),
    );
  });
});

describe('sliding window statistics', () => {
  it('keeps count, distinct and maxPerValue exact as events enter and leave the window', () => {
    // A deterministic pseudo-random stream over a few IPs; every window is checked against a recount.
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const events = Array.from({ length: 400 }, (_, i) =>
      oktaEvent({
        eventType: 'user.session.start',
        at: minutesAfter(T0, i * random() * 0.2 + i * 0.1),
        actor: dana,
        ip: `198.51.100.${Math.floor(random() * 6)}`,
        result: 'FAILURE',
        reason: 'INVALID_CREDENTIALS',
      }),
    );
    const problems: string[] = [];
    const audit = (stats: WindowStats): boolean => {
      const counts = [...stats.perValue.values()];
      const sum = counts.reduce((a, b) => a + b, 0);
      if (sum !== stats.count || counts.length !== stats.distinct || Math.max(...counts) !== stats.maxPerValue) {
        problems.push(`count ${stats.count}/${sum} distinct ${stats.distinct}/${counts.length} max ${stats.maxPerValue}`);
      }
      return true;
    };
    const probe = windowProbe({ window: 3, threshold: 1, distinct: 'client.ipAddress', having: audit });
    const matches = evaluate([probe], events);
    expect(problems).toEqual([]);
    expect(matches.reduce((total, match) => total + match.count, 0)).toBe(400);
  });
});

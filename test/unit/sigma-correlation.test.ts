// Sigma correlation rules (event_count, value_count, temporal, temporal_ordered) load as the engine's threshold and
// sequence rules and run in its evaluations and hourly passes; what the engine cannot run is refused with a reason.
import { describe, expect, it } from 'vitest';
import { evaluate, type OktaLogEvent, type Rule, type SequenceRule, type ThresholdRule } from '../../detections/index.js';
import { loadSigmaSources, loadSigmaText, type SigmaLoadResult } from '../../detections/sigma/index.js';
import { minutesAfter, oktaUser, type TestPrincipal } from '../../detections/testing.js';
import { memoryRuns } from '../support/memory-runs.js';
import { T0, admin, dana, dedent, event } from './support/sigma.js';

const mulder = oktaUser('fox.mulder@example.com');

/** A detection rule document on one event type (plus extra selection lines). */
function ruleDoc(name: string, id: string, eventType: string, extra = ''): string {
  const lines = extra ? `\n${extra.split('\n').map((line) => `            ${line}`).join('\n')}` : '';
  return dedent(`
    title: ${name.replace(/_/g, ' ')}
    id: ${id}
    name: ${name}
    logsource:
        product: okta
        service: okta
    detection:
        selection:
            eventType: ${eventType}${lines}
        condition: selection
    level: low
  `);
}

const ID = (n: number) => `5b1e7c2a-90d4-4f6e-8a3b-7c6d5e4f${String(n).padStart(4, '0')}`;
const PUSH_REJECTED = ruleDoc('push_rejected', ID(1), 'user.mfa.okta_verify.deny_push');
const MFA_SUCCESS = ruleDoc('mfa_success', ID(2), 'user.authentication.auth_via_mfa', 'outcome.result: SUCCESS');
const SIGNIN_FAILED = ruleDoc('signin_failed', ID(3), 'user.session.start', 'outcome.result: FAILURE');

/** The correlation under test (id ID(100)): `body` is the `correlation:` map; `head` adds top-level lines. */
function correlation(body: string, head: readonly string[] = []): string {
  const inner = dedent(body)
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
  return [`title: Correlation Under Test`, `id: ${ID(100)}`, ...head, 'correlation:', inner, 'level: high', 'tags:', '    - attack.credential-access', '    - attack.t1621'].join('\n');
}

function load(...documents: string[]): SigmaLoadResult {
  const result = loadSigmaText(documents.join('\n---\n'), 'correlation.yml');
  expect(result.errors.map((error) => error.message)).toEqual([]);
  return result;
}

function refusal(...documents: string[]): string {
  const { errors } = loadSigmaText(documents.join('\n---\n'), 'correlation.yml');
  expect(errors.length).toBeGreaterThan(0);
  return errors.map((error) => error.message).join('\n');
}

const byId = (rules: readonly Rule[], id: string) => rules.find((rule) => rule.id === `sigma-${id}`)!;
const at = (minutes: number) => minutesAfter(T0, minutes);
const rejected = (user: TestPrincipal, minutes: number) => event({ eventType: 'user.mfa.okta_verify.deny_push', actor: user, at: at(minutes) });
const mfaOk = (user: TestPrincipal, minutes: number) => event({ eventType: 'user.authentication.auth_via_mfa', actor: user, at: at(minutes) });
const failed = (user: TestPrincipal, minutes: number, ip = '198.51.100.7') =>
  event({ eventType: 'user.session.start', actor: user, at: at(minutes), result: 'FAILURE', ip });

/** Every loaded rule switched on, as a tenant could, to see what each one raises. */
const enabledAll = (rules: readonly Rule[]) => rules.map((rule) => ({ ...rule, enabled: true }));
const matchesOf = (rules: readonly Rule[], id: string, events: OktaLogEvent[]) =>
  evaluate(rules, events).filter((match) => match.ruleId === `sigma-${id}`);

describe('event_count', () => {
  const pushBody = `
    type: event_count
    rules:
        - push_rejected
    group-by:
        - actor.id
    timespan: 10m
    condition:
        gte: 4
  `;
  const pushBurst = correlation(pushBody);

  it('is a threshold rule counting the referenced rule events per group in a sliding window', () => {
    const { rules } = load(pushBurst, PUSH_REJECTED);
    const rule = byId(rules, ID(100)) as ThresholdRule;
    expect(rule).toMatchObject({ kind: 'threshold', window: 10, threshold: 4, enabled: true, severity: 'high', eventTypes: ['user.mfa.okta_verify.deny_push'] });
    expect(rule.attack).toEqual({ tactics: ['TA0006'], techniques: ['T1621'] });
    // Sigma generates only the correlation by default: the rule it counts is loaded switched off.
    expect(byId(rules, ID(1)).enabled).toBe(false);

    const burst = [0, 2, 4, 6].map((minute) => rejected(dana, minute));
    const [match, ...rest] = matchesOf(rules, ID(100), [...burst, rejected(mulder, 1), rejected(mulder, 3)]);
    expect(rest).toEqual([]);
    expect(match).toMatchObject({ groupKey: `actor.id=${dana.id}`, count: 4, severity: 'high', subjectUserId: dana.id });
    expect(matchesOf(rules, ID(100), burst.slice(0, 3))).toEqual([]);
    // Four rejections, but never four within ten minutes.
    expect(matchesOf(rules, ID(100), [0, 5, 11, 16].map((minute) => rejected(dana, minute)))).toEqual([]);
  });

  it('generate: true keeps the referenced rules on as rules of their own', () => {
    const { rules } = load(correlation(pushBody, ['generate: true']), PUSH_REJECTED);
    expect(byId(rules, ID(1)).enabled).toBe(true);
  });

  it('turns every condition into a threshold and checks the upper bounds on each window', () => {
    const thresholdOf = (condition: string) => {
      const { rules } = load(correlation(`
        type: event_count
        rules: [push_rejected]
        group-by: [actor.id]
        timespan: 1h
        condition: { ${condition} }
      `), PUSH_REJECTED);
      return byId(rules, ID(100)) as ThresholdRule;
    };
    expect(thresholdOf('gt: 3')).toMatchObject({ threshold: 4, window: 60 });
    expect(thresholdOf('gt: 3').having).toBeUndefined();
    const range = thresholdOf('gt: 1, lte: 3');
    expect(range.threshold).toBe(2);
    const stats = (count: number) => ({ count, distinct: 0, maxPerValue: 0, perValue: new Map() });
    expect(range.having!(stats(3))).toBe(true);
    expect(range.having!(stats(4))).toBe(false);
    const exactly = thresholdOf('eq: 2');
    expect([exactly.threshold, exactly.having!(stats(2)), exactly.having!(stats(3))]).toEqual([2, true, false]);
    const fewer = thresholdOf('lt: 3');
    expect([fewer.threshold, fewer.having!(stats(2)), fewer.having!(stats(3))]).toEqual([1, true, false]);
  });

  it('leaves out events without a group-by value, and groups the whole tenant without group-by', () => {
    const byIp = load(correlation(`
      type: event_count
      rules: [signin_failed]
      group-by: [request.ipChain.geographicalContext.city]
      timespan: 10m
      condition: { gte: 3 }
    `), SIGNIN_FAILED);
    const noCity = [0, 1, 2].map((minute) => ({ ...failed(dana, minute), request: { ipChain: [{ ip: '198.51.100.7' }] } }));
    expect(matchesOf(byIp.rules, ID(100), noCity)).toEqual([]);
    const tenant = load(correlation(`
      type: event_count
      rules: [signin_failed]
      timespan: 10m
      condition: { gte: 3 }
    `), SIGNIN_FAILED);
    const spread = [failed(dana, 0), failed(mulder, 1), failed(admin, 2)];
    expect(matchesOf(tenant.rules, ID(100), spread).map((match) => [match.groupKey, match.count])).toEqual([['tenant', 3]]);
  });

  it('finds a burst that straddles two hourly runs once, with the run look-back', async () => {
    const { rules } = load(pushBurst, PUSH_REJECTED);
    const runs = memoryRuns(rules);
    // 09:55–10:03: two rejections in the 09:00 run, two in the 10:00 run.
    await runs.run([rejected(dana, 55), rejected(dana, 57)]);
    const second = await runs.run([rejected(dana, 61), rejected(dana, 63)]);
    expect(second.map((detection) => [detection.ruleId, detection.count])).toEqual([[`sigma-${ID(100)}`, 4]]);
    expect(runs.detections()).toHaveLength(1);
  });
});

describe('value_count', () => {
  const spray = correlation(`
    type: value_count
    rules: [signin_failed]
    group-by: [client.ipAddress]
    timespan: 1h
    condition:
        field: actor.alternateId
        gte: 3
  `);

  it('counts distinct values of the field (case-insensitively) per group', () => {
    const { rules } = load(spray, SIGNIN_FAILED);
    expect(byId(rules, ID(100))).toMatchObject({ kind: 'threshold', distinct: 'actor.alternateId', threshold: 3 });
    const users = [dana, mulder, admin].map((user, i) => failed(user, i * 10, '203.0.113.9'));
    const [match] = matchesOf(rules, ID(100), users);
    expect(match).toMatchObject({ groupKey: 'client.ipAddress=203.0.113.9', distinctCount: 3 });
    const shouting = { ...oktaUser('DANA.SCULLY@example.com') };
    expect(matchesOf(rules, ID(100), [failed(dana, 0, '203.0.113.9'), failed(shouting, 1, '203.0.113.9'), failed(mulder, 2, '203.0.113.9')])).toEqual([]);
  });
});

describe('temporal', () => {
  const grant = ruleDoc('role_granted', ID(4), 'user.account.privilege.grant');
  const factorOff = ruleDoc('factor_deactivated', ID(5), 'user.mfa.factor.deactivate');
  const token = ruleDoc('token_created', ID(6), 'system.api_token.create');
  const three = (condition = '') =>
    correlation(`
      type: temporal
      rules: [role_granted, factor_deactivated, token_created]
      group-by: [actor.id]
      timespan: 30m
      ${condition}
    `);
  const acts = (user: TestPrincipal, types: string[], minutes: number[]) =>
    types.map((eventType, i) => event({ eventType, actor: user, at: at(minutes[i]) }));
  const TYPES = ['system.api_token.create', 'user.account.privilege.grant', 'user.mfa.factor.deactivate'];

  it('needs every referenced rule within the timespan, in any order, per group', () => {
    const { rules } = load(three(), grant, factorOff, token);
    const rule = byId(rules, ID(100)) as ThresholdRule;
    expect(rule).toMatchObject({ kind: 'threshold', distinct: 'eventType', window: 30 });
    expect(matchesOf(rules, ID(100), acts(admin, TYPES, [0, 10, 25]))).toHaveLength(1);
    expect(matchesOf(rules, ID(100), acts(admin, TYPES, [0, 10, 45]))).toEqual([]);
    expect(matchesOf(rules, ID(100), [...acts(admin, TYPES.slice(0, 2), [0, 5]), ...acts(dana, TYPES.slice(2), [6])])).toEqual([]);
    expect(matchesOf(rules, ID(100), acts(admin, [TYPES[0], TYPES[0], TYPES[1]], [0, 1, 2]))).toEqual([]);
  });

  it('takes a condition on how many of the rules must occur', () => {
    const { rules } = load(three('condition: { gte: 2 }'), grant, factorOff, token);
    expect(matchesOf(rules, ID(100), acts(admin, TYPES.slice(1), [0, 10]))).toHaveLength(1);
    expect(matchesOf(rules, ID(100), acts(admin, TYPES.slice(0, 1), [0]))).toEqual([]);
  });

  it('of two rules on the same event type runs as a sequence in both orders', () => {
    const proxied = ruleDoc('proxy_signin', ID(7), 'user.session.start', 'securityContext.isProxy: true');
    const { rules } = load(
      correlation(`
        type: temporal
        rules: [signin_failed, proxy_signin]
        group-by: [actor.id]
        timespan: 15m
      `),
      SIGNIN_FAILED,
      proxied,
    );
    expect(byId(rules, ID(100)).kind).toBe('sequence');
    const viaProxy = (minutes: number) => event({ eventType: 'user.session.start', actor: dana, at: at(minutes), isProxy: true });
    const failedThenProxy = matchesOf(rules, ID(100), [failed(dana, 0), viaProxy(5)]);
    expect(failedThenProxy.map((match) => match.groupKey)).toEqual([`actor.id=${dana.id} (signin_failed first)`]);
    expect(matchesOf(rules, ID(100), [viaProxy(0), failed(dana, 5)]).map((match) => match.groupKey)).toEqual([
      `actor.id=${dana.id} (proxy_signin first)`,
    ]);
    expect(matchesOf(rules, ID(100), [viaProxy(0), viaProxy(5)])).toEqual([]);
    expect(matchesOf(rules, ID(100), [failed(dana, 0), viaProxy(20)])).toEqual([]);
  });
});

describe('temporal_ordered', () => {
  it('of two detection rules: the first, then the second, within the timespan', () => {
    const { rules } = load(
      correlation(`
        type: temporal_ordered
        rules: [push_rejected, mfa_success]
        group-by: [actor.id]
        timespan: 10m
      `),
      PUSH_REJECTED,
      MFA_SUCCESS,
    );
    const rule = byId(rules, ID(100)) as SequenceRule;
    expect(rule).toMatchObject({ kind: 'sequence', within: 10 });
    expect(matchesOf(rules, ID(100), [rejected(dana, 0), mfaOk(dana, 4)])).toHaveLength(1);
    expect(matchesOf(rules, ID(100), [mfaOk(dana, 0), rejected(dana, 4)])).toEqual([]);
    expect(matchesOf(rules, ID(100), [rejected(dana, 0), mfaOk(dana, 14)])).toEqual([]);
    expect(matchesOf(rules, ID(100), [rejected(dana, 0), mfaOk(mulder, 4)])).toEqual([]);
  });

  it('chains a correlation: many rejected pushes, then an approval, across hourly runs', async () => {
    const fatigue = correlation(
      `
      type: temporal_ordered
      rules: [push_burst, mfa_success]
      group-by: [actor.id]
      timespan: 15m
      `,
    );
    const burst = dedent(`
      title: Push Burst
      id: ${ID(101)}
      name: push_burst
      correlation:
          type: event_count
          rules: [push_rejected]
          group-by: [actor.id]
          timespan: 10m
          condition:
              gte: 3
    `);
    const { rules } = load(fatigue, burst, PUSH_REJECTED, MFA_SUCCESS);
    expect(byId(rules, ID(100))).toMatchObject({ kind: 'sequence', first: { alerts: [`sigma-${ID(101)}`] } });
    // The inner correlation is part of the chain, not a detection of its own.
    expect(byId(rules, ID(101)).enabled).toBe(false);

    const runs = memoryRuns(rules);
    await runs.run([rejected(dana, 50), rejected(dana, 52), rejected(dana, 54)]);
    expect(runs.detections()).toEqual([]);
    const approved = await runs.run([mfaOk(dana, 62)]);
    expect(approved.map((detection) => detection.dedupeKey)).toEqual([`sigma-${ID(100)}:actor.id=${dana.id}`]);

    const quiet = memoryRuns(rules);
    await quiet.run([rejected(mulder, 50), rejected(mulder, 52), mfaOk(mulder, 62)]);
    expect(quiet.detections()).toEqual([]);
  });

  it('groups different fields of different rules through aliases', () => {
    const reset = ruleDoc('factors_reset_by_admin', ID(8), 'user.mfa.factor.reset_all');
    const { rules } = load(
      correlation(`
        type: temporal_ordered
        rules: [factors_reset_by_admin, mfa_success]
        group-by: [user]
        timespan: 1h
        aliases:
            user:
                factors_reset_by_admin: target.id
                mfa_success: actor.id
      `),
      reset,
      MFA_SUCCESS,
    );
    const resetFor = (user: TestPrincipal, minutes: number) =>
      event({ eventType: 'user.mfa.factor.reset_all', actor: admin, target: [user], at: at(minutes) });
    expect(matchesOf(rules, ID(100), [resetFor(dana, 0), mfaOk(dana, 30)]).map((match) => match.groupKey)).toEqual([`user=${dana.id}`]);
    expect(matchesOf(rules, ID(100), [resetFor(dana, 0), mfaOk(mulder, 30)])).toEqual([]);
  });
});

describe('correlations across files', () => {
  it('resolve references by id or name across the files loaded together', () => {
    const { rules, errors } = loadSigmaSources([
      { file: 'a/correlation.yml', text: correlation(`
        type: event_count
        rules: [${ID(1)}]
        group-by: [actor.id]
        timespan: 10m
        condition: { gte: 2 }
      `) },
      { file: 'b/push.yml', text: PUSH_REJECTED },
    ]);
    expect(errors).toEqual([]);
    expect(matchesOf(enabledAll(rules), ID(100), [rejected(dana, 0), rejected(dana, 1)])).toHaveLength(1);
  });
});

describe('correlations the engine cannot run are refused with a reason', () => {
  const simple = (body: string) => correlation(body);
  it.each([
    [
      'an unknown reference',
      [simple('type: event_count\nrules: [nobody]\ngroup-by: [actor.id]\ntimespan: 5m\ncondition: { gte: 2 }')],
      /refers to 'nobody', which is not the id or name of a loaded Sigma rule/,
    ],
    [
      'a reference to a rule that did not load',
      [simple('type: event_count\nrules: [push_rejected]\ngroup-by: [actor.id]\ntimespan: 5m\ncondition: { gte: 2 }'), PUSH_REJECTED.replace('eventType:', 'eventType|base32:')],
      /refers to 'push_rejected', which did not load \(see the error for correlation\.yml\)/,
    ],
    [
      'temporal_ordered of three rules',
      [simple('type: temporal_ordered\nrules: [push_rejected, mfa_success, signin_failed]\ngroup-by: [actor.id]\ntimespan: 5m'), PUSH_REJECTED, MFA_SUCCESS, SIGNIN_FAILED],
      /orders 3 rules, and the engine's sequences have two steps/,
    ],
    [
      'value_count without a field',
      [simple('type: value_count\nrules: [push_rejected]\ngroup-by: [actor.id]\ntimespan: 5m\ncondition: { gte: 2 }'), PUSH_REJECTED],
      /a value_count correlation counts the distinct values of one field/,
    ],
    [
      'a timespan longer than 7 days',
      [simple('type: event_count\nrules: [push_rejected]\ngroup-by: [actor.id]\ntimespan: 8d\ncondition: { gte: 2 }'), PUSH_REJECTED],
      /has a timespan '8d' longer than 7 days/,
    ],
    [
      'a condition no count meets',
      [simple('type: event_count\nrules: [push_rejected]\ngroup-by: [actor.id]\ntimespan: 5m\ncondition: { gt: 5, lt: 6 }'), PUSH_REJECTED],
      /has a condition \(> 5 and < 6\) that no count can meet/,
    ],
    [
      'a condition written as an expression',
      [simple('type: temporal\nrules: [push_rejected, mfa_success]\ngroup-by: [actor.id]\ntimespan: 5m\ncondition: push_rejected and mfa_success'), PUSH_REJECTED, MFA_SUCCESS],
      /a pySigma extension that is not supported/,
    ],
    [
      'temporal of three rules that share an event type',
      [
        simple('type: temporal\nrules: [a_fail, b_fail, c_fail]\ngroup-by: [actor.id]\ntimespan: 5m'),
        ruleDoc('a_fail', ID(11), 'user.session.start'),
        ruleDoc('b_fail', ID(12), 'user.session.start'),
        ruleDoc('c_fail', ID(13), 'user.session.start'),
      ],
      /is a temporal correlation of 3 rules whose events cannot be told apart by eventType/,
    ],
    [
      'a cycle',
      [
        correlation('type: temporal_ordered\nrules: [loop_b, mfa_success]\ngroup-by: [actor.id]\ntimespan: 5m', ['name: loop_a']),
        correlation('type: temporal_ordered\nrules: [loop_a, mfa_success]\ngroup-by: [actor.id]\ntimespan: 5m', ['name: loop_b']).replace(ID(100), ID(102)),
        MFA_SUCCESS,
      ],
      /refers to 'loop_a', which refers back to it \(a cycle\)/,
    ],
  ])('%s', (_name, documents, message) => {
    expect(refusal(...documents)).toMatch(message);
  });

  it('counting the detections of a correlation, or chaining two levels deep', () => {
    const inner = dedent(`
      title: Inner
      id: ${ID(103)}
      name: inner
      correlation:
          type: temporal_ordered
          rules: [push_rejected, mfa_success]
          group-by: [actor.id]
          timespan: 5m
    `);
    const middle = dedent(`
      title: Middle
      id: ${ID(104)}
      name: middle
      correlation:
          type: temporal_ordered
          rules: [inner, signin_failed]
          group-by: [actor.id]
          timespan: 5m
    `);
    const counting = correlation('type: event_count\nrules: [inner]\ngroup-by: [actor.id]\ntimespan: 5m\ncondition: { gte: 2 }');
    expect(refusal(counting, inner, PUSH_REJECTED, MFA_SUCCESS)).toMatch(/counts the events of 'inner', a correlation: event_count counts events of detection rules/);
    const deep = correlation('type: temporal_ordered\nrules: [middle, mfa_success]\ngroup-by: [actor.id]\ntimespan: 5m');
    const message = refusal(deep, middle, inner, PUSH_REJECTED, MFA_SUCCESS, SIGNIN_FAILED);
    expect(message).toMatch(/follows 'middle', a correlation that itself follows a correlation: the engine chains detections one level deep/);
  });

  it('the metric correlations of Sigma 2.1', () => {
    for (const type of ['value_sum', 'value_avg', 'value_percentile']) {
      const text = correlation(`type: ${type}\nrules: [push_rejected]\ngroup-by: [actor.id]\ntimespan: 5m\ncondition: { field: x, gte: 2 }`);
      const { errors } = loadSigmaText([text, PUSH_REJECTED].join('\n---\n'), 'metric.yml');
      expect(errors.map((error) => error.feature)).toEqual([`correlation type ${type}`]);
    }
  });
});

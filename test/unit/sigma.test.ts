// The example Sigma rules shipped in sigma-rules: they load cleanly and each fires (and stays quiet) as its
// title says, run beside the built-in catalogue as the hourly run does. Five detection rules, and two correlation
// files (mr_*.yml) whose correlated rules load switched off.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalogue, evaluate, type OktaLogEvent, type Rule } from '../../detections/index.js';
import { loadSigmaRules } from '../../detections/sigma/index.js';
import { minutesAfter, oktaEvent, oktaUser, oktaVerifyEnrollment, type TestPrincipal } from '../../detections/testing.js';
import { memoryRuns } from '../support/memory-runs.js';
import { T0, admin, adminConsole, dana, slack } from './support/sigma.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLES = join(ROOT, 'sigma-rules');

const BEHAVIORS_ALL_NEGATIVE =
  '{New Geo-Location=NEGATIVE, New Device=NEGATIVE, New IP=NEGATIVE, New State=NEGATIVE, New Country=NEGATIVE, Velocity=NEGATIVE, New City=NEGATIVE}';

describe('example rules in sigma-rules', () => {
  const { rules, errors } = loadSigmaRules(EXAMPLES);
  const byTitle = (fragment: string) => {
    const rule = rules.find((candidate) => candidate.title.includes(fragment));
    if (!rule) throw new Error(`no example rule titled *${fragment}*`);
    return rule;
  };
  /** Runs the example rules beside the built-in catalogue, as production would, and keeps one rule's matches. */
  const matchesOf = (rule: Rule, events: OktaLogEvent[]) =>
    evaluate([...catalogue, ...rules], events).filter((match) => match.ruleId === rule.id);

  it('load without errors, with ATT&CK and severities', () => {
    expect(errors.map((error) => error.message)).toEqual([]);
    expect(rules).toHaveLength(11);
    for (const rule of rules) {
      expect(rule.id).toMatch(/^sigma-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(rule.attack.tactics.length).toBeGreaterThan(0);
      expect(rule.attack.techniques.length).toBeGreaterThan(0);
      expect(rule.eventTypes).not.toContain('*');
      expect(rule.dedupe.periodMinutes).toBe(60);
    }
    expect(new Set(rules.map((rule) => rule.id)).size).toBe(11);
    const on = rules.filter((rule) => rule.enabled);
    expect(on.map((rule) => rule.kind).sort()).toEqual(['sequence', 'single', 'single', 'single', 'single', 'single', 'threshold']);
    // What the correlations correlate is part of them, not a detection of its own.
    expect(rules.filter((rule) => !rule.enabled).map((rule) => rule.title)).toEqual([
      'Okta Sign-In Failed On Credentials',
      'Burst Of Rejected Okta Verify Pushes',
      'Okta Verify Push Rejected',
      'Okta Verify Push Approved',
    ]);
  });

  describe('password spray from one IP address (value_count)', () => {
    const rule = () => byTitle('Password Spray');
    const failure = (login: string, minute: number, ip = '185.220.101.9', reason: string | null = 'INVALID_CREDENTIALS') =>
      oktaEvent({ eventType: 'user.session.start', at: minutesAfter(T0, minute), actor: oktaUser(login), ip, result: 'FAILURE', reason });

    it('fires when one IP fails as ten different users within an hour', () => {
      const spray = Array.from({ length: 10 }, (_, i) => failure(`staff${i}@example.com`, i * 5));
      const [match, ...rest] = matchesOf(rule(), spray);
      expect(rest).toEqual([]);
      expect(match).toMatchObject({ groupKey: 'client.ipAddress=185.220.101.9', distinctCount: 10, severity: 'medium', techniques: ['T1110.003'] });
    });

    it('stays quiet for nine users, for an hour and more, for other reasons, and for many addresses', () => {
      const users = (n: number) => Array.from({ length: n }, (_, i) => `staff${i}@example.com`);
      expect(matchesOf(rule(), users(9).map((login, i) => failure(login, i)))).toEqual([]);
      expect(matchesOf(rule(), users(10).map((login, i) => failure(login, i * 7)))).toEqual([]);
      expect(matchesOf(rule(), users(10).map((login, i) => failure(login, i, undefined, 'LOCKED_OUT')))).toEqual([]);
      expect(matchesOf(rule(), users(10).map((login, i) => failure(login, i, `203.0.113.${i}`)))).toEqual([]);
    });
  });

  describe('Okta Verify push approved after a burst of rejections (temporal_ordered of an event_count)', () => {
    const rule = () => byTitle('Push Approved After');
    const reject = (minute: number) => oktaEvent({ eventType: 'user.mfa.okta_verify.deny_push', at: minutesAfter(T0, minute), actor: dana });
    const approve = (minute: number, result = 'SUCCESS') =>
      oktaEvent({ eventType: 'user.authentication.auth_via_mfa', at: minutesAfter(T0, minute), actor: dana, result, debugData: { factor: 'OKTA_VERIFY_PUSH' } });

    it('fires when three rejections are followed by an approval, also in the next hourly run', async () => {
      expect(rule().kind).toBe('sequence');
      const [match] = matchesOf(rule(), [reject(0), reject(3), approve(5, 'FAILURE'), approve(12)]);
      expect(match).toMatchObject({ severity: 'high', groupKey: `actor.id=${dana.id}`, subjectUserId: dana.id, techniques: ['T1621', 'T1078.004'] });

      const runs = memoryRuns(rules);
      await runs.run([reject(50), reject(52), reject(54)]);
      const next = await runs.run([approve(64)]);
      expect(next.filter((detection) => detection.ruleId === rule().id)).toHaveLength(1);
    });

    it('stays quiet for two rejections, for an approval first, or an approval long after', () => {
      expect(matchesOf(rule(), [reject(0), reject(3), approve(5)])).toEqual([]);
      expect(matchesOf(rule(), [approve(0), reject(1), reject(2), reject(3)])).toEqual([]);
      expect(matchesOf(rule(), [reject(0), reject(1), reject(2), approve(40)])).toEqual([]);
    });
  });

  describe('Admin Console sign-on from a new device or IP', () => {
    const rule = () => byTitle('Admin Console');
    const evaluation = (target: TestPrincipal[], debugData: Record<string, string>, at = T0) =>
      oktaEvent({ eventType: 'policy.evaluate_sign_on', at, actor: admin, target, result: 'ALLOW', debugData });

    it('fires on New Device=POSITIVE in the behaviors string', () => {
      const hit = evaluation([oktaVerifyEnrollment(admin), adminConsole], {
        behaviors:
          '{New Geo-Location=NEGATIVE, New Device=POSITIVE, New IP=NEGATIVE, New State=NEGATIVE, New Country=NEGATIVE, Velocity=NEGATIVE, New City=NEGATIVE}',
      });
      const [match, ...rest] = matchesOf(rule(), [hit]);
      expect(rest).toEqual([]);
      expect(match).toMatchObject({
        ruleId: 'sigma-4d5be8a5-a47d-4212-85f3-3d13e2f23e6b',
        severity: 'high',
        groupKey: `user:${admin.id}`,
        dedupeKey: `sigma-4d5be8a5-a47d-4212-85f3-3d13e2f23e6b:user:${admin.id}`,
        dedupePeriodMinutes: 60,
        subjectUserId: admin.id,
        tactics: ['TA0001', 'TA0004'],
        techniques: ['T1078.004'],
        evidenceUuids: [hit.uuid],
      });
    });

    it('fires on New IP=POSITIVE inside logOnlySecurityData JSON', () => {
      const hit = evaluation([adminConsole], {
        logOnlySecurityData: '{"risk":{"level":"MEDIUM"},"behaviors":{"New Device":"NEGATIVE","New IP":"POSITIVE"}}',
      });
      expect(matchesOf(rule(), [hit])).toHaveLength(1);
    });

    it('ignores known devices and IPs, other apps, and only-geo behaviours', () => {
      const events = [
        evaluation([adminConsole], { behaviors: BEHAVIORS_ALL_NEGATIVE }),
        evaluation([adminConsole], {
          logOnlySecurityData: '{"behaviors":{"New Geo-Location":"POSITIVE","New Device":"NEGATIVE","New IP":"NEGATIVE"}}',
        }),
        evaluation([slack], { behaviors: '{New Device=POSITIVE, New IP=POSITIVE}' }),
        evaluation([adminConsole], {}),
      ];
      expect(matchesOf(rule(), events)).toEqual([]);
    });

    it('merges repeats by the same admin within the hour into one match', () => {
      const events = [0, 20, 45].map((minute) =>
        evaluation([adminConsole], { behaviors: '{New Device=POSITIVE, New IP=POSITIVE}' }, minutesAfter(T0, minute)),
      );
      const [match, ...rest] = matchesOf(rule(), events);
      expect(rest).toEqual([]);
      expect(match.count).toBe(3);
    });
  });

  describe('API token created through an anonymising proxy', () => {
    const rule = () => byTitle('API Token');
    const token: TestPrincipal = { id: '00T94e3cn9kSEO3c51s5', type: 'Token', alternateId: 'unknown', displayName: 'ci-sync', detailEntry: null };
    const create = (isProxy: boolean | null, result = 'SUCCESS') =>
      oktaEvent({ eventType: 'system.api_token.create', at: T0, actor: admin, target: [token], isProxy, result, ip: '185.220.101.4' });

    it("fires when isProxy is JSON true (the rule says 'true')", () => {
      const [match] = matchesOf(rule(), [create(true)]);
      expect(match).toMatchObject({ severity: 'high', groupKey: `user:${admin.id}`, techniques: ['T1098.001', 'T1090.003'] });
      // The built-in catalogue rule fires on the same event, side by side.
      expect(evaluate([...catalogue, ...rules], [create(true)]).map((m) => m.ruleId)).toContain('okta-api-token-created');
    });

    it('ignores tokens created without a proxy, with isProxy null, or failed', () => {
      expect(matchesOf(rule(), [create(false), create(null), create(true, 'FAILURE')])).toEqual([]);
    });
  });

  describe('MFA factor removed by someone else through an anonymising proxy', () => {
    const rule = () => byTitle('MFA Factor');
    const factorEvent = (eventType: string, actor: TestPrincipal, reason: string | null, result = 'SUCCESS', isProxy: boolean | null = true) =>
      oktaEvent({ eventType, at: T0, actor, target: [dana, oktaVerifyEnrollment(dana)], reason, result, isProxy, ip: '185.220.101.4' });

    it('fires when an admin behind a proxy deactivates a factor or resets all factors', () => {
      const deactivate = factorEvent('user.mfa.factor.deactivate', admin, null);
      const resetAll = factorEvent('user.mfa.factor.reset_all', admin, null);
      const [match, ...rest] = matchesOf(rule(), [deactivate, resetAll]);
      expect(rest).toEqual([]);
      expect(match).toMatchObject({ severity: 'high', groupKey: `user:${admin.id}`, count: 2, techniques: ['T1556.006', 'T1090.003'] });
    });

    it("ignores the help desk's routine resets (no proxy), the user's own reset, failures and enrolments", () => {
      const events = [
        factorEvent('user.mfa.factor.reset_all', admin, null, 'SUCCESS', false),
        factorEvent('user.mfa.factor.deactivate', admin, null, 'SUCCESS', null),
        factorEvent('user.mfa.factor.deactivate', dana, 'User reset SECURITY_QUESTION factor'),
        factorEvent('user.mfa.factor.deactivate', admin, null, 'FAILURE'),
        factorEvent('user.mfa.factor.activate', admin, null),
      ];
      expect(matchesOf(rule(), events)).toEqual([]);
      // The catalogue still raises the routine reset, once.
      expect(evaluate([...catalogue, ...rules], [events[0]]).map((m) => m.ruleId)).toEqual(['okta-user-mfa-reset-all']);
    });
  });

  describe('policy or policy rule deactivated or deleted', () => {
    const rule = () => byTitle('Policy');
    const policy: TestPrincipal = {
      id: '00pabcdefghijklmnop1',
      type: 'PolicyEntity',
      alternateId: 'unknown',
      displayName: 'Default MFA policy',
      detailEntry: { policyType: 'OktaSignOn' },
    };
    const change = (eventType: string, result = 'SUCCESS') => oktaEvent({ eventType, at: T0, actor: admin, target: [policy], result });

    it('fires on deactivated policies and deleted rules', () => {
      const [match] = matchesOf(rule(), [change('policy.lifecycle.deactivate'), change('policy.rule.delete')]);
      expect(match).toMatchObject({ count: 2, severity: 'medium', tactics: ['TA0005', 'TA0003'] });
    });

    it('ignores updates, activations and failed attempts', () => {
      const events = [change('policy.lifecycle.update'), change('policy.rule.activate'), change('policy.lifecycle.delete', 'FAILURE')];
      expect(matchesOf(rule(), events)).toEqual([]);
    });
  });

  describe('session impersonation', () => {
    const rule = () => byTitle('Impersonation');
    const impersonation = (eventType: string, result = 'SUCCESS') =>
      oktaEvent({ eventType, at: T0, actor: admin, target: [admin], result });

    it('fires on grant and initiate, with a prefix eventType filter', () => {
      expect(rule().eventTypes).toEqual(['user.session.impersonation.*']);
      const hits = matchesOf(rule(), [impersonation('user.session.impersonation.grant'), impersonation('user.session.impersonation.initiate')]);
      expect(hits).toHaveLength(1);
      expect(hits[0]).toMatchObject({ count: 2, severity: 'high', techniques: ['T1199'] });
    });

    it('ignores the end or revocation of impersonation, and failures', () => {
      const events = [
        impersonation('user.session.impersonation.end'),
        impersonation('user.session.impersonation.revoke'),
        impersonation('user.session.impersonation.grant', 'FAILURE'),
        impersonation('user.session.start'),
      ];
      expect(matchesOf(rule(), events)).toEqual([]);
    });
  });
});

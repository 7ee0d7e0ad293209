// Section A rules on weakened policies: the policy-weakening detector itself, app sign-on policies, policies,
// policy rules and network zones (A10–A13).
import { describe, expect, it } from 'vitest';
import { policyWeakenings } from '../../detections/rules/privilege/helpers.js';
import { minutesAfter, oktaEvent, type TestPrincipal } from '../../detections/testing.js';
import { T0, admin, adminEvent, app, dana, fox, helpDesk, hits, policy, policyRule, salesforce, zone } from './support/rules-privilege.js';

describe('policy weakening detector', () => {
  const withChange = (changedAttributes: string) =>
    adminEvent({ eventType: 'policy.rule.update', target: [policyRule('Require MFA')], debugData: { changedAttributes } });

  it('reads JSON from/to pairs, Java maps and free text, judging the new value', () => {
    expect(policyWeakenings(withChange('{"requireFactor":{"from":true,"to":false}}'))).toEqual(['requireFactor → false']);
    expect(policyWeakenings(withChange('{requireFactor=false, maxSessionLifetimeMinutes=0}'))).toEqual([
      'requireFactor → false',
      'maxSessionLifetimeMinutes → 0 (no limit)',
    ]);
    expect(policyWeakenings(withChange('actions.signon.session.maxSessionLifetimeMinutes: 720 -> 0'))).toEqual([
      'maxSessionLifetimeMinutes → 0 (no limit)',
    ]);
    expect(policyWeakenings(withChange('minLength changed from 12 to 4'))).toEqual(['password minLength → 4']);
  });

  it('does not flag strengthening or unrelated values', () => {
    expect(policyWeakenings(withChange('{"requireFactor":{"from":false,"to":true}}'))).toEqual([]);
    expect(policyWeakenings(withChange('{maxSessionLifetimeMinutes=120, minLength=12}'))).toEqual([]);
    expect(policyWeakenings(withChange('requireFactor, maxSessionLifetimeMinutes'))).toEqual([]);
    expect(policyWeakenings(adminEvent({ eventType: 'policy.rule.update', target: [policyRule('Require MFA')] }))).toEqual([]);
  });

  it('reads target changeDetails too', () => {
    const rule = { ...policyRule('Require MFA'), changeDetails: { from: { requireFactor: true }, to: { requireFactor: false } } };
    expect(policyWeakenings(adminEvent({ eventType: 'policy.rule.update', target: [rule] }))).toEqual(['requireFactor → false']);
  });
});

describe('okta-app-signon-policy-weakened (A10)', () => {
  it('is medium for an update or a deleted rule, high when MFA is switched off', () => {
    const updated = adminEvent({ eventType: 'application.policy.sign_on.update', target: [salesforce] });
    const deleted = oktaEvent({
      eventType: 'application.policy.sign_on.rule.delete',
      at: T0,
      actor: fox,
      target: [salesforce, policyRule('MFA from anywhere')],
    });
    const weakened = oktaEvent({
      eventType: 'application.policy.sign_on.update',
      at: T0,
      actor: helpDesk,
      target: [app('Workday')],
      debugData: { changedAttributes: '{requireFactor=false}' },
    });
    const matches = hits('okta-app-signon-policy-weakened', [updated, deleted, weakened]);
    const severities = Object.fromEntries(matches.map((match) => [match.subjectUserId, match.severity]));
    expect(severities).toEqual({ [admin.id]: 'medium', [fox.id]: 'medium', [helpDesk.id]: 'high' });
  });

  it('ignores sign-on policy evaluations and reports a failed update as an attempt (low)', () => {
    const evaluation = oktaEvent({ eventType: 'policy.evaluate_sign_on', at: T0, actor: dana, target: [salesforce], result: 'ALLOW' });
    expect(hits('okta-app-signon-policy-weakened', [evaluation])).toEqual([]);
    const failed = adminEvent({ eventType: 'application.policy.sign_on.update', target: [salesforce], result: 'FAILURE' });
    expect(hits('okta-app-signon-policy-weakened', [failed])).toMatchObject([{ severity: 'low' }]);
  });
});

describe('okta-policy-weakened (A11)', () => {
  const passwordPolicy = policy('Default Password Policy', 'Password');

  it('is high when the minimum password length drops below 7', () => {
    const event = adminEvent({
      eventType: 'policy.lifecycle.update',
      target: [passwordPolicy],
      debugData: { changedAttributes: '{"settings.password.complexity.minLength":{"from":12,"to":4}}' },
    });
    expect(hits('okta-policy-weakened', [event])).toMatchObject([{ severity: 'high', techniques: ['T1484', 'T1556'] }]);
  });

  it('is medium for other updates, deactivation and deletion', () => {
    const events = [
      adminEvent({ eventType: 'policy.lifecycle.update', target: [passwordPolicy], debugData: { changedAttributes: '{minLength=14}' } }),
      adminEvent({ eventType: 'policy.lifecycle.deactivate', target: [policy('Contractors MFA', 'MFA_ENROLL')], minute: 3 }),
      adminEvent({ eventType: 'policy.lifecycle.delete', target: [policy('Legacy session policy')], minute: 4 }),
    ];
    expect(hits('okta-policy-weakened', events)).toMatchObject([{ severity: 'medium', count: 3 }]);
  });

  it('ignores new or activated policies', () => {
    const events = [
      adminEvent({ eventType: 'policy.lifecycle.create', target: [passwordPolicy] }),
      adminEvent({ eventType: 'policy.lifecycle.activate', target: [passwordPolicy] }),
    ];
    expect(hits('okta-policy-weakened', events)).toEqual([]);
  });
});

describe('okta-policy-rule-weakened (A12)', () => {
  const ruleUpdate = (actor: TestPrincipal, debugData?: Record<string, string>, eventType = 'policy.rule.update') =>
    oktaEvent({ eventType, at: T0, actor, target: [policyRule('Require MFA off-network')], ...(debugData ? { debugData } : {}) });

  it('is medium for a routine rule update (as the simulated admins make)', () => {
    expect(hits('okta-policy-rule-weakened', [ruleUpdate(admin)])).toMatchObject([{ severity: 'medium', subjectUserId: admin.id }]);
    expect(hits('okta-policy-rule-weakened', [ruleUpdate(admin, { changedAttributes: '{maxSessionLifetimeMinutes=120}' })])).toMatchObject([
      { severity: 'medium' },
    ]);
  });

  it('is high when MFA is no longer required or sessions never expire', () => {
    const mfaOff = ruleUpdate(admin, { changedAttributes: '{"requireFactor":{"from":true,"to":false}}' });
    const endlessSessions = ruleUpdate(fox, { changedAttributes: 'maxSessionLifetimeMinutes: 720 -> 0' });
    expect(hits('okta-policy-rule-weakened', [mfaOff])).toMatchObject([{ severity: 'high' }]);
    expect(hits('okta-policy-rule-weakened', [endlessSessions])).toMatchObject([{ severity: 'high' }]);
  });

  it('turns the whole burst high when one change in it weakens the rule', () => {
    const routine = ruleUpdate(admin);
    const weakening = { ...ruleUpdate(admin, { changedAttributes: '{requireFactor=false}' }), published: minutesAfter(T0, 10) };
    expect(hits('okta-policy-rule-weakened', [routine, weakening])).toMatchObject([{ severity: 'high', count: 2 }]);
  });

  it('fires medium on deactivated and deleted rules, low on failed ones, not on new ones', () => {
    const deactivated = ruleUpdate(admin, undefined, 'policy.rule.deactivate');
    const deleted = ruleUpdate(fox, undefined, 'policy.rule.delete');
    expect(hits('okta-policy-rule-weakened', [deactivated])).toMatchObject([{ severity: 'medium' }]);
    expect(hits('okta-policy-rule-weakened', [deleted])).toMatchObject([{ severity: 'medium' }]);
    const added = ruleUpdate(admin, { changedAttributes: '{requireFactor=false}' }, 'policy.rule.add');
    expect(hits('okta-policy-rule-weakened', [added])).toEqual([]);
    const failed = { ...ruleUpdate(admin), outcome: { result: 'FAILURE', reason: 'E0000001' } };
    expect(hits('okta-policy-rule-weakened', [failed])).toMatchObject([{ severity: 'low' }]);
  });
});

describe('okta-network-zone-weakened (A13)', () => {
  it('fires medium on updated, deactivated or unblocked zones and disabled zone rules', () => {
    for (const eventType of ['zone.update', 'zone.deactivate', 'zone.delete', 'zone.remove_blacklist', 'network_zone.rule.disabled']) {
      expect(hits('okta-network-zone-weakened', [adminEvent({ eventType, target: [zone('Blocked ASNs')] })]), eventType).toMatchObject([
        { severity: 'medium', techniques: ['T1562.007'] },
      ]);
    }
  });

  it('ignores new zones and new blocklists', () => {
    const events = [
      adminEvent({ eventType: 'zone.create', target: [zone('Office')] }),
      adminEvent({ eventType: 'zone.make_blacklist', target: [zone('Tor exits')] }),
    ];
    expect(hits('okta-network-zone-weakened', events)).toEqual([]);
  });
});

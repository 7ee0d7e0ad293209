import { describe, expect, it } from 'vitest';
import { catalogue, evaluate, validateRules, type DetectionMatch, type OktaLogEvent } from '../../detections/index.js';
import { policyWeakenings } from '../../detections/rules/privilege/helpers.js';
import { privilegeRules } from '../../detections/rules/privilege/index.js';
import {
  minutesAfter,
  oktaEvent,
  oktaGroup,
  oktaId,
  oktaUser,
  oktaVerifyEnrollment,
  type EventSpec,
  type TestPrincipal,
} from '../../detections/testing.js';
import { generateActivity, generateOrg } from '../../simulator/index.js';

const T0 = '2026-03-02T09:00:00.000Z';
const admin = oktaUser('walter.skinner@example.com');
const helpDesk = oktaUser('monica.reyes@example.com');
const dana = oktaUser('dana.scully@example.com');
const fox = oktaUser('fox.mulder@example.com');

const app = (label: string, displayName = label): TestPrincipal => ({
  id: oktaId('0oa', label),
  type: 'AppInstance',
  alternateId: label,
  displayName,
  detailEntry: null,
});
const salesforce = app('Salesforce', 'Salesforce.com');
const org2org = app('Partner Tenant Sync', 'Okta Org2Org');
const appUser = (user: TestPrincipal): TestPrincipal => ({ ...user, type: 'AppUser', id: oktaId('0ua', user.alternateId) });
/** A non-user target (IdP, zone, factor…) as Okta logs it: alternateId "unknown". */
const entity = (type: string, id: string, displayName: string): TestPrincipal => ({
  id,
  type,
  alternateId: 'unknown',
  displayName,
  detailEntry: null,
});
const idp = (name: string) => entity('IdentityProvider', oktaId('0oa', `idp:${name}`), name);
const policy = (name: string, policyType = 'OktaSignOn'): TestPrincipal => ({
  id: oktaId('00p', name),
  type: 'PolicyEntity',
  alternateId: 'unknown',
  displayName: name,
  detailEntry: { policyType },
});
const policyRule = (name: string, policyName = 'Default Policy'): TestPrincipal => ({
  id: oktaId('0pr', name),
  type: 'PolicyRule',
  alternateId: oktaId('00p', policyName),
  displayName: name,
  detailEntry: { policyType: 'OktaSignOn' },
});
const zone = (name: string) => entity('NetworkZone', oktaId('nzo', name), name);
const apiToken = { id: '00T94e3cn9kSEO3c51s5', type: 'Token', alternateId: 'unknown', displayName: 'jenkins-sync', detailEntry: null };

/** An admin action from the admin's usual office IP, `minute` minutes after T0. */
const adminEvent = (spec: Omit<EventSpec, 'at'> & { minute?: number }): OktaLogEvent =>
  oktaEvent({ actor: admin, ip: '73.14.22.9', ...spec, at: minutesAfter(T0, spec.minute ?? 0) });

function hits(ruleId: string, events: OktaLogEvent[]): DetectionMatch[] {
  return evaluate(privilegeRules, events).filter((match) => match.ruleId === ruleId);
}

const ruleIdsOf = (matches: DetectionMatch[]) => [...new Set(matches.map((match) => match.ruleId))].sort();

describe('privilegeRules metadata', () => {
  it('lists every section-A rule, in catalogue order', () => {
    expect(privilegeRules.map((rule) => rule.id)).toEqual([
      'okta-admin-role-granted-user',
      'okta-admin-role-granted-group',
      'okta-custom-admin-binding-created',
      'okta-api-token-created',
      'okta-api-token-revoked',
      'okta-idp-lifecycle-change',
      'okta-org2org-app-change',
      'okta-scim-password-push',
      'okta-app-modified-or-removed',
      'okta-app-signon-policy-weakened',
      'okta-policy-weakened',
      'okta-policy-rule-weakened',
      'okta-network-zone-weakened',
      'okta-org-mfa-factor-disabled',
      'okta-user-mfa-factor-removed',
      'okta-user-mfa-reset-all',
      'okta-user-mfa-self-reset',
      'okta-mfa-removed-not-restored',
      'okta-mfa-bypass-attempt',
      'okta-device-enrolled',
      'okta-admin-enrolls-factors-for-others',
      'okta-support-impersonation',
      'okta-support-credential-reset',
      'okta-user-created',
      'okta-admin-viewed-other-user-password',
      'okta-password-health-report-access',
      'okta-admin-api-via-proxy',
      'okta-ad-agent-activity-new-source',
      'okta-ad-agent-auth-anomaly',
      'okta-swa-bulk-credential-access',
      'okta-swa-offhours-access',
    ]);
  });

  it('gives every rule a unique id, text for the analyst and an ATT&CK mapping', () => {
    const ids = privilegeRules.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of privilegeRules) {
      expect(rule.title.trim(), rule.id).not.toBe('');
      expect(rule.description.trim(), rule.id).not.toBe('');
      expect(rule.runbook.trim(), rule.id).not.toBe('');
      expect(rule.attack.tactics.length, rule.id).toBeGreaterThan(0);
      expect(rule.attack.techniques.length, rule.id).toBeGreaterThan(0);
      expect(rule.eventTypes.length, rule.id).toBeGreaterThan(0);
      expect(rule.fields.length, rule.id).toBeGreaterThan(0);
      expect(rule.dedupe.periodMinutes, rule.id).toBeGreaterThan(0);
    }
    expect(() => validateRules(privilegeRules)).not.toThrow();
  });

  it('is part of the shipped catalogue', () => {
    const shipped = new Set(catalogue.map((rule) => rule.id));
    for (const rule of privilegeRules) expect(shipped.has(rule.id), rule.id).toBe(true);
  });
});

describe('okta-admin-role-granted-user / -group (A1, A2)', () => {
  it('fires on grants, critical for Super administrator', () => {
    const toUser = adminEvent({
      eventType: 'user.account.privilege.grant',
      target: [fox],
      debugData: { privilegeGranted: 'Super administrator' },
    });
    const toGroup = adminEvent({
      eventType: 'group.privilege.grant',
      target: [oktaGroup('IT Ops')],
      debugData: { privilegeGranted: 'Application administrator' },
    });
    expect(hits('okta-admin-role-granted-user', [toUser])).toMatchObject([{ severity: 'critical', subjectUserId: fox.id }]);
    expect(hits('okta-admin-role-granted-group', [toGroup])).toMatchObject([{ severity: 'high' }]);
  });

  it('ignores revocations', () => {
    const revoke = adminEvent({
      eventType: 'user.account.privilege.revoke',
      target: [fox],
      debugData: { privilegeRevoked: 'Super administrator' },
    });
    expect(evaluate(privilegeRules, [revoke])).toEqual([]);
  });
});

describe('okta-custom-admin-binding-created (A3)', () => {
  const binding = (minute: number, result = 'SUCCESS') =>
    adminEvent({
      eventType: 'iam.resourceset.bindings.add',
      minute,
      result,
      target: [
        { id: 'iamoJDFKaJxGIr0oX0g4', type: 'ResourceSet', alternateId: 'unknown', displayName: 'Contractor apps', detailEntry: null },
        { id: 'cr0Yq6IJxGIr0ouum0g3', type: 'Role', alternateId: 'unknown', displayName: 'App assignment manager', detailEntry: null },
        oktaGroup('Contractors IT'),
      ],
    });

  it('fires once per admin for bindings added in one sitting', () => {
    const [match, ...rest] = hits('okta-custom-admin-binding-created', [binding(0), binding(12)]);
    expect(rest).toEqual([]);
    expect(match).toMatchObject({ severity: 'medium', groupKey: `user:${admin.id}`, subjectUserId: admin.id, count: 2 });
    expect(match.techniques).toEqual(['T1098.003']);
  });

  it('ignores failed bindings and removals', () => {
    const removed = adminEvent({ eventType: 'iam.resourceset.bindings.delete', target: [oktaGroup('Contractors IT')] });
    expect(hits('okta-custom-admin-binding-created', [binding(0, 'FAILURE'), removed])).toEqual([]);
  });
});

describe('okta-api-token-created / -revoked (A4, A5)', () => {
  it('fires medium on creation and low on revocation', () => {
    const created = adminEvent({ eventType: 'system.api_token.create', target: [apiToken] });
    const revoked = adminEvent({ eventType: 'system.api_token.revoke', target: [apiToken], minute: 30 });
    expect(hits('okta-api-token-created', [created, revoked])).toMatchObject([{ severity: 'medium', count: 1 }]);
    expect(hits('okta-api-token-revoked', [created, revoked])).toMatchObject([
      { severity: 'low', groupKey: `user:${admin.id}`, tactics: ['TA0040'], techniques: ['T1531'], evidenceUuids: [revoked.uuid] },
    ]);
  });

  it('ignores a failed revocation and token use', () => {
    const failed = adminEvent({ eventType: 'system.api_token.revoke', target: [apiToken], result: 'FAILURE' });
    const enabled = adminEvent({ eventType: 'system.api_token.enable', target: [apiToken] });
    expect(hits('okta-api-token-revoked', [failed, enabled])).toEqual([]);
  });
});

describe('okta-idp-lifecycle-change (A6)', () => {
  const rogue = idp('Partner SAML');
  const change = (action: string, minute = 0, target = rogue, result = 'SUCCESS') =>
    adminEvent({ eventType: `system.idp.lifecycle.${action}`, minute, target: [target], result });

  it('is high for a new IdP, and its activation joins the same detection', () => {
    const [match, ...rest] = hits('okta-idp-lifecycle-change', [change('create'), change('activate', 2)]);
    expect(rest).toEqual([]);
    expect(match).toMatchObject({ severity: 'high', groupKey: `idp:${rogue.id}`, count: 2, techniques: ['T1484.002'] });
  });

  it('is medium for updates, deactivation and deletion', () => {
    for (const action of ['update', 'deactivate', 'delete', 'activate']) {
      expect(hits('okta-idp-lifecycle-change', [change(action)]), action).toMatchObject([{ severity: 'medium' }]);
    }
  });

  it('keys by IdP: two IdPs are two detections', () => {
    const matches = hits('okta-idp-lifecycle-change', [change('update'), change('update', 1, idp('Google Workspace'))]);
    expect(matches.map((match) => match.groupKey).sort()).toEqual([`idp:${idp('Google Workspace').id}`, `idp:${rogue.id}`].sort());
  });

  it('ignores failed changes and sign-ins through an IdP', () => {
    const signIn = oktaEvent({ eventType: 'user.authentication.auth_via_IDP', at: T0, actor: dana, target: [rogue] });
    expect(hits('okta-idp-lifecycle-change', [change('create', 0, rogue, 'FAILURE'), signIn])).toEqual([]);
  });
});

describe('okta-org2org-app-change (A7)', () => {
  it('is high when an Org2Org app is created, medium when updated', () => {
    const created = adminEvent({ eventType: 'application.lifecycle.create', target: [org2org] });
    const updated = adminEvent({ eventType: 'application.lifecycle.update', target: [app('Tenant B', 'Okta Org2Org')] });
    const matches = hits('okta-org2org-app-change', [created, updated]);
    expect(matches.map((match) => [match.groupKey, match.severity]).sort()).toEqual(
      [
        [`app:${org2org.id}`, 'high'],
        [`app:${app('Tenant B').id}`, 'medium'],
      ].sort(),
    );
  });

  it('ignores other apps and failed creations', () => {
    const other = adminEvent({ eventType: 'application.lifecycle.create', target: [salesforce] });
    const failed = adminEvent({ eventType: 'application.lifecycle.create', target: [org2org], result: 'FAILURE' });
    expect(hits('okta-org2org-app-change', [other, failed])).toEqual([]);
  });
});

describe('okta-scim-password-push (A8)', () => {
  it('fires high when an app is set to push user passwords', () => {
    const event = adminEvent({
      eventType: 'application.lifecycle.update',
      target: [app('HR Connector')],
      reason: 'Pushing user passwords',
    });
    expect(hits('okta-scim-password-push', [event])).toMatchObject([
      { severity: 'high', groupKey: `app:${app('HR Connector').id}`, techniques: ['T1555'] },
    ]);
  });

  it('ignores ordinary app updates', () => {
    const event = adminEvent({ eventType: 'application.lifecycle.update', target: [app('HR Connector')] });
    expect(hits('okta-scim-password-push', [event])).toEqual([]);
  });
});

describe('okta-app-modified-or-removed (A9)', () => {
  it('is low and groups one admin\'s changes to several apps', () => {
    const events = [
      adminEvent({ eventType: 'application.lifecycle.update', target: [salesforce] }),
      adminEvent({ eventType: 'application.lifecycle.deactivate', target: [app('CrowdStrike Falcon')], minute: 5 }),
      adminEvent({ eventType: 'application.lifecycle.delete', target: [app('CrowdStrike Falcon')], minute: 6 }),
    ];
    expect(hits('okta-app-modified-or-removed', events)).toMatchObject([{ severity: 'low', groupKey: `user:${admin.id}`, count: 3 }]);
  });

  it('ignores new apps, activation and failures', () => {
    const events = [
      adminEvent({ eventType: 'application.lifecycle.create', target: [salesforce] }),
      adminEvent({ eventType: 'application.lifecycle.activate', target: [salesforce] }),
      adminEvent({ eventType: 'application.lifecycle.delete', target: [salesforce], result: 'FAILURE' }),
    ];
    expect(hits('okta-app-modified-or-removed', events)).toEqual([]);
  });
});

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

  it('ignores sign-on policy evaluations and failed updates', () => {
    const evaluation = oktaEvent({ eventType: 'policy.evaluate_sign_on', at: T0, actor: dana, target: [salesforce], result: 'ALLOW' });
    const failed = adminEvent({ eventType: 'application.policy.sign_on.update', target: [salesforce], result: 'FAILURE' });
    expect(hits('okta-app-signon-policy-weakened', [evaluation, failed])).toEqual([]);
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

  it('fires medium on deactivated and deleted rules, not on new or failed ones', () => {
    const deactivated = ruleUpdate(admin, undefined, 'policy.rule.deactivate');
    const deleted = ruleUpdate(fox, undefined, 'policy.rule.delete');
    expect(hits('okta-policy-rule-weakened', [deactivated])).toMatchObject([{ severity: 'medium' }]);
    expect(hits('okta-policy-rule-weakened', [deleted])).toMatchObject([{ severity: 'medium' }]);
    const added = ruleUpdate(admin, { changedAttributes: '{requireFactor=false}' }, 'policy.rule.add');
    const failed = { ...ruleUpdate(admin), outcome: { result: 'FAILURE', reason: 'E0000001' } };
    expect(hits('okta-policy-rule-weakened', [added, failed])).toEqual([]);
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

describe('okta-org-mfa-factor-disabled (A14)', () => {
  it('fires high when a factor type or authenticator is deactivated org-wide', () => {
    const classic = adminEvent({
      eventType: 'system.mfa.factor.deactivate',
      target: [entity('Factor', 'fct1nv8r7gPY5sPKx0g4', 'Okta Verify')],
    });
    const oie = oktaEvent({
      eventType: 'security.authenticator.lifecycle.deactivate',
      at: T0,
      actor: fox,
      target: [entity('Authenticator', 'aut1nv8r7gPY5sPKx0g4', 'FIDO2 (WebAuthn)')],
    });
    const matches = hits('okta-org-mfa-factor-disabled', [classic, oie]);
    expect(matches).toHaveLength(2);
    for (const match of matches) expect(match).toMatchObject({ severity: 'high', techniques: ['T1556.006'] });
  });

  it('ignores factors being enabled', () => {
    const events = [
      adminEvent({ eventType: 'system.mfa.factor.activate' }),
      adminEvent({ eventType: 'security.authenticator.lifecycle.activate' }),
    ];
    expect(hits('okta-org-mfa-factor-disabled', events)).toEqual([]);
  });
});

describe('user factor removal (A15, A17)', () => {
  const removal = (actor: TestPrincipal, reason: string | null, eventType = 'user.mfa.factor.deactivate', result = 'SUCCESS') =>
    oktaEvent({ eventType, at: T0, actor, target: [dana, oktaVerifyEnrollment(dana)], reason, result });

  it('A15: a factor removed or suspended by the help desk is medium, about the user who lost it', () => {
    expect(hits('okta-user-mfa-factor-removed', [removal(helpDesk, null)])).toMatchObject([
      { severity: 'medium', groupKey: `user:${dana.id}`, subjectUserId: dana.id, subjectUser: dana.alternateId },
    ]);
    expect(hits('okta-user-mfa-factor-removed', [removal(helpDesk, null, 'user.mfa.factor.suspend')])).toHaveLength(1);
    expect(hits('okta-user-mfa-self-reset', [removal(helpDesk, null)])).toEqual([]);
  });

  it('A17: the user resetting their own factor is info only', () => {
    const own = removal(dana, 'User reset FIDO_WEBAUTHN factor');
    expect(hits('okta-user-mfa-self-reset', [own])).toMatchObject([{ severity: 'info', subjectUserId: dana.id }]);
    expect(hits('okta-user-mfa-factor-removed', [own])).toEqual([]);
  });

  it('treats actor = target as self-service even without Okta\'s reason', () => {
    expect(hits('okta-user-mfa-factor-removed', [removal(dana, null)])).toEqual([]);
    expect(hits('okta-user-mfa-self-reset', [removal(dana, null)])).toHaveLength(1);
  });

  it('ignores failed removals', () => {
    const failed = removal(helpDesk, null, 'user.mfa.factor.deactivate', 'FAILURE');
    expect(evaluate(privilegeRules, [failed])).toEqual([]);
  });
});

describe('okta-user-mfa-reset-all (A16)', () => {
  it('is medium and about the user whose factors were reset', () => {
    const reset = oktaEvent({
      eventType: 'user.mfa.factor.reset_all',
      at: T0,
      actor: helpDesk,
      target: [fox],
      debugData: { requestUri: `/api/v1/users/${fox.id}/lifecycle/reset_factors` },
    });
    expect(hits('okta-user-mfa-reset-all', [reset])).toMatchObject([
      { severity: 'medium', groupKey: `user:${fox.id}`, subjectUserId: fox.id, tactics: ['TA0003', 'TA0006', 'TA0005'] },
    ]);
  });

  it('ignores factor enrolment and failed resets', () => {
    const events = [
      oktaEvent({ eventType: 'user.mfa.factor.activate', at: T0, actor: fox, target: [fox, oktaVerifyEnrollment(fox)] }),
      oktaEvent({ eventType: 'user.mfa.factor.reset_all', at: T0, actor: helpDesk, target: [fox], result: 'FAILURE' }),
    ];
    expect(hits('okta-user-mfa-reset-all', events)).toEqual([]);
  });
});

describe('okta-mfa-bypass-attempt (A19)', () => {
  it('fires high on a bypass attempt whatever its outcome', () => {
    for (const result of ['SUCCESS', 'FAILURE']) {
      const event = oktaEvent({ eventType: 'user.mfa.attempt_bypass', at: T0, actor: dana, target: [dana], result });
      expect(hits('okta-mfa-bypass-attempt', [event]), result).toMatchObject([{ severity: 'high', subjectUserId: dana.id }]);
    }
  });

  it('ignores ordinary MFA verification', () => {
    const event = oktaEvent({
      eventType: 'user.authentication.auth_via_mfa',
      at: T0,
      actor: dana,
      target: [dana, oktaVerifyEnrollment(dana)],
    });
    expect(hits('okta-mfa-bypass-attempt', [event])).toEqual([]);
  });
});

describe('okta-device-enrolled (A20)', () => {
  const laptop = { id: 'guofdhyjex1feOgbN1d9', type: 'Device', alternateId: 'unknown', displayName: 'Mac15,6', detailEntry: null };

  it('fires low for a new device, about the enrolling user', () => {
    const event = oktaEvent({ eventType: 'device.enrollment.create', at: T0, actor: dana, target: [laptop] });
    expect(hits('okta-device-enrolled', [event])).toMatchObject([{ severity: 'low', subjectUserId: dana.id, techniques: ['T1098.005'] }]);
  });

  it('ignores other device lifecycle events and failures', () => {
    const events = [
      oktaEvent({ eventType: 'device.lifecycle.deactivate', at: T0, actor: admin, target: [laptop] }),
      oktaEvent({ eventType: 'device.enrollment.create', at: T0, actor: dana, target: [laptop], result: 'FAILURE' }),
    ];
    expect(hits('okta-device-enrolled', events)).toEqual([]);
  });
});

describe('okta-support-impersonation (A22)', () => {
  const support = oktaUser('support.engineer@okta.com');
  const system = { ...oktaUser('system@okta.com'), displayName: 'Okta System' };

  it('fires high when an admin grants Okta Support access or Support starts a session', () => {
    const grant = adminEvent({ eventType: 'user.session.impersonation.grant', target: [admin] });
    const initiate = oktaEvent({
      eventType: 'user.session.impersonation.initiate',
      at: minutesAfter(T0, 30),
      actor: support,
      target: [admin],
    });
    const matches = hits('okta-support-impersonation', [grant, initiate]);
    expect(matches.map((match) => [match.groupKey, match.severity])).toEqual([
      [`user:${admin.id}`, 'high'],
      [`user:${support.id}`, 'high'],
    ]);
  });

  it('ignores the Okta system principal and ends of impersonation', () => {
    const events = [
      oktaEvent({ eventType: 'user.session.impersonation.grant', at: T0, actor: system, target: [admin] }),
      adminEvent({ eventType: 'user.session.impersonation.end', target: [admin] }),
      adminEvent({ eventType: 'user.session.impersonation.revoke', target: [admin] }),
    ];
    expect(hits('okta-support-impersonation', events)).toEqual([]);
  });
});

describe('okta-support-credential-reset (A23)', () => {
  const system = { ...oktaUser('system@okta.com'), displayName: 'system@okta.com' };

  /** Okta Support acts without any client context: no user agent, no geolocation, transaction id "unknown". */
  const supportAction = (eventType: string, actor: TestPrincipal = system): OktaLogEvent => {
    const event = oktaEvent({ eventType, at: T0, actor, target: [dana], country: null, transactionId: 'unknown' });
    const client = {
      ...(event.client as Record<string, unknown>),
      userAgent: { rawUserAgent: null, os: 'Unknown', browser: 'UNKNOWN' },
      ipAddress: null,
    };
    return { ...event, client };
  };

  it('fires high on a password reset by Okta Support, about the user reset', () => {
    expect(hits('okta-support-credential-reset', [supportAction('user.account.reset_password')])).toMatchObject([
      { severity: 'high', groupKey: `user:${dana.id}`, subjectUserId: dana.id },
    ]);
    expect(hits('okta-support-credential-reset', [supportAction('user.mfa.factor.update')])).toHaveLength(1);
  });

  it('ignores admins, and system jobs that have client context', () => {
    const byAdmin = supportAction('user.account.reset_password', admin);
    const systemWithClient = oktaEvent({
      eventType: 'user.account.reset_password',
      at: T0,
      actor: system,
      target: [dana],
      transactionId: 'unknown',
    });
    const otherType = supportAction('user.account.update_password');
    expect(hits('okta-support-credential-reset', [byAdmin, systemWithClient, otherType])).toEqual([]);
  });
});

describe('okta-user-created (A24)', () => {
  const created = (login: string, minute = 0, eventType = 'user.lifecycle.create') =>
    adminEvent({ eventType, minute, target: [oktaUser(login)] });

  it('records routine creations as one info detection per creating admin', () => {
    const events = ['ana', 'ben', 'cho'].flatMap((name, i) => [
      created(`${name}@example.com`, i),
      created(`${name}@example.com`, i, 'user.lifecycle.activate'),
    ]);
    expect(hits('okta-user-created', events)).toMatchObject([{ severity: 'info', groupKey: `user:${admin.id}`, count: 6 }]);
  });

  it('is medium for the IOC account name of the 2023 support breach', () => {
    const ioc = adminEvent({
      eventType: 'user.lifecycle.create',
      target: [{ ...oktaUser('svc_network_backup@example.com'), displayName: 'svc_network_backup' }],
    });
    expect(hits('okta-user-created', [created('ana@example.com'), ioc])).toMatchObject([{ severity: 'medium', count: 2 }]);
  });

  it('ignores deactivations and failed creations', () => {
    const events = [
      created('ana@example.com', 0, 'user.lifecycle.deactivate'),
      { ...created('ben@example.com'), outcome: { result: 'FAILURE', reason: null } },
    ];
    expect(hits('okta-user-created', events)).toEqual([]);
  });
});

describe('okta-admin-viewed-other-user-password (A25)', () => {
  const reveal = (actor: TestPrincipal, owner: TestPrincipal, application: TestPrincipal, minute = 0) =>
    oktaEvent({
      eventType: 'application.user_membership.show_password',
      at: minutesAfter(T0, minute),
      actor,
      target: [appUser(owner), application, owner],
    });

  it('fires medium per (actor, owner, app)', () => {
    const matches = hits('okta-admin-viewed-other-user-password', [
      reveal(admin, dana, salesforce),
      reveal(admin, dana, salesforce, 5),
      reveal(admin, fox, salesforce, 6),
      reveal(admin, dana, app('AWS Console'), 7),
    ]);
    expect(matches).toHaveLength(3);
    expect(matches[0]).toMatchObject({
      severity: 'medium',
      groupKey: `user:${admin.id}|owner:${dana.id}|app:${salesforce.id}`,
      count: 2,
      subjectUserId: admin.id,
    });
  });

  it('ignores users revealing their own password', () => {
    expect(hits('okta-admin-viewed-other-user-password', [reveal(dana, dana, salesforce)])).toEqual([]);
    // Matched by login too: the AppUser and User targets carry the owner's login.
    const ownByLogin = reveal(dana, dana, salesforce);
    const sansIds = { ...ownByLogin, target: [appUser(dana), salesforce, { ...dana, id: oktaId('00u', 'other-id') }] };
    expect(hits('okta-admin-viewed-other-user-password', [sansIds])).toEqual([]);
  });
});

describe('okta-password-health-report-access (A26)', () => {
  const request = (requestUri: string, minute = 0) =>
    adminEvent({ eventType: 'user.session.access_admin_app', minute, debugData: { requestUri, url: requestUri } });

  it('fires low once a day per actor on password-health report calls', () => {
    const events = [
      request('/api/internal/v1/reports/password-health/summary'),
      request('/api/internal/v1/reports/password-health/users', 300),
    ];
    expect(hits('okta-password-health-report-access', events)).toMatchObject([{ severity: 'low', count: 2, subjectUserId: admin.id }]);
  });

  it('ignores other reports', () => {
    expect(hits('okta-password-health-report-access', [request('/admin/reports/user-accounts')])).toEqual([]);
  });
});

describe('okta-admin-api-via-proxy (A27)', () => {
  const adminConsole = app('Okta Admin Console');
  const viaProxy = (requestUri: string, isProxy: boolean, eventType = 'user.session.access_admin_app') =>
    oktaEvent({
      eventType,
      at: T0,
      actor: admin,
      ip: '185.156.44.12',
      country: 'Netherlands',
      isProxy,
      target: [adminConsole],
      debugData: { requestUri },
    });

  it('fires medium when the Admin Console is reached through an anonymising proxy', () => {
    expect(hits('okta-admin-api-via-proxy', [viaProxy('/admin/sso/callback', true)])).toMatchObject([
      { severity: 'medium', groupKey: `user:${admin.id}`, techniques: ['T1078.004', 'T1090'] },
    ]);
  });

  it('ignores admin work without a proxy and end-user sign-ins through a VPN', () => {
    const events = [viaProxy('/admin/sso/callback', false), viaProxy('/idp/idx/identify', true, 'user.session.start')];
    expect(hits('okta-admin-api-via-proxy', events)).toEqual([]);
  });
});

describe('an admin-takeover timeline', () => {
  const attackerIp = '185.156.44.12';
  const fromAttacker = (spec: Omit<EventSpec, 'at' | 'actor'>, minute: number) =>
    oktaEvent({ actor: admin, ip: attackerIp, country: 'Netherlands', isProxy: true, ...spec, at: minutesAfter(T0, minute) });

  const events = [
    fromAttacker(
      { eventType: 'user.session.access_admin_app', target: [app('Okta Admin Console')], debugData: { requestUri: '/admin/sso/callback' } },
      0,
    ),
    fromAttacker({ eventType: 'system.api_token.create', target: [apiToken], debugData: { requestUri: '/api/v1/tokens' } }, 3),
    fromAttacker({ eventType: 'system.idp.lifecycle.create', target: [idp('Partner SAML')], debugData: { requestUri: '/api/v1/idps' } }, 5),
    fromAttacker(
      {
        eventType: 'policy.rule.update',
        target: [policyRule('Require MFA')],
        debugData: { requestUri: '/api/v1/policies/00p1/rules/0pr1', changedAttributes: '{requireFactor=false}' },
      },
      8,
    ),
    fromAttacker(
      { eventType: 'user.mfa.factor.reset_all', target: [fox], debugData: { requestUri: `/api/v1/users/${fox.id}/lifecycle/reset_factors` } },
      10,
    ),
    fromAttacker({ eventType: 'user.account.privilege.grant', target: [fox], debugData: { privilegeGranted: 'Super administrator' } }, 12),
  ];

  it('is reported by the expected section-A rules', () => {
    const matches = evaluate(privilegeRules, events);
    expect(ruleIdsOf(matches)).toEqual(
      [
        'okta-admin-api-via-proxy',
        'okta-admin-role-granted-user',
        'okta-api-token-created',
        'okta-idp-lifecycle-change',
        'okta-policy-rule-weakened',
        'okta-user-mfa-reset-all',
      ].sort(),
    );
    const severity = Object.fromEntries(matches.map((match) => [match.ruleId, match.severity]));
    expect(severity).toMatchObject({
      'okta-admin-role-granted-user': 'critical',
      'okta-idp-lifecycle-change': 'high',
      'okta-policy-rule-weakened': 'high',
      'okta-admin-api-via-proxy': 'medium',
    });
    // Only the Admin Console request has an admin URI; the API calls through the same proxy do not count.
    expect(matches.find((match) => match.ruleId === 'okta-admin-api-via-proxy')?.count).toBe(1);
  });

  it('is reported by the same rules through the full catalogue', () => {
    const ids = ruleIdsOf(evaluate(catalogue, events));
    expect(ids).toEqual(expect.arrayContaining(ruleIdsOf(evaluate(privilegeRules, events))));
  });
});

describe('benign simulated traffic', () => {
  it('raises nothing above medium from routine admin work over a week', () => {
    const org = generateOrg({ seed: 42, users: 450 });
    const week = { start: new Date('2026-01-05T00:00:00Z'), end: new Date('2026-01-12T00:00:00Z') };
    // The simulator's event interface has no index signature; a shallow copy gives the structural type the engine takes.
    const events = generateActivity(org, { seed: 7, ...week }).map((event) => ({ ...event }));
    const matches = evaluate(privilegeRules, events);
    // The simulated admins reset factors and tweak a sign-on rule: medium at most, and rarely.
    expect(matches.filter((match) => match.severity === 'high' || match.severity === 'critical')).toEqual([]);
    expect(matches.length).toBeLessThan(20);
  });
});

// Section A of the catalogue (privilege, persistence and tenant configuration) as a whole: its rule list and
// metadata, an admin-takeover timeline, and a benign week. The rules one by one are in rules-privilege-*.test.ts.
import { describe, expect, it } from 'vitest';
import { catalogue, evaluate, validateRules, type DetectionMatch } from '../../detections/index.js';
import { privilegeRules } from '../../detections/rules/privilege/index.js';
import { minutesAfter, oktaEvent, type EventSpec } from '../../detections/testing.js';
import { generateActivity, generateOrg } from '../../simulator/index.js';
import { T0, admin, apiToken, app, fox, idp, policyRule } from './support/rules-privilege.js';

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

// Section C of the catalogue (sessions and sign-in context) as a whole: its rule list and metadata, and a
// benign week. The rules one by one are in rules-session-*.test.ts.
import { describe, expect, it } from 'vitest';
import { catalogue, evaluate, field, validateRules, type OktaLogEvent } from '../../detections/index.js';
import { sessionRules } from '../../detections/rules/session/index.js';
import { generateActivity, generateOrg } from '../../simulator/index.js';

describe('session rules: metadata', () => {
  it('are complete, valid and registered in the catalogue, in catalogue order', () => {
    expect(() => validateRules(sessionRules)).not.toThrow();
    const ids = sessionRules.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(catalogue.map((rule) => rule.id)).size).toBe(catalogue.length);
    for (const rule of sessionRules) {
      expect(catalogue, rule.id).toContain(rule);
      expect(rule.title.length, rule.id).toBeGreaterThan(10);
      expect(rule.description.length, rule.id).toBeGreaterThan(60);
      expect(rule.runbook.length, rule.id).toBeGreaterThan(40);
      expect(rule.attack.tactics.length, rule.id).toBeGreaterThan(0);
      expect(rule.attack.techniques.length, rule.id).toBeGreaterThan(0);
      for (const id of rule.attack.tactics) expect(id).toMatch(/^TA00(0[1-9]|1[01]|4[023])$/);
      for (const id of rule.attack.techniques) expect(id).toMatch(/^T1\d{3}(\.\d{3})?$/);
      expect(rule.fields.length, rule.id).toBeGreaterThan(0);
      for (const path of rule.fields) expect(() => field(path)).not.toThrow();
      // Alert chains read detections, not events.
      if (!(rule.kind === 'sequence' && 'alerts' in rule.first && 'alerts' in rule.then)) expect(rule.eventTypes.length, rule.id).toBeGreaterThan(0);
      expect(rule.dedupe.periodMinutes, rule.id).toBeGreaterThan(0);
    }
    expect(ids).toEqual([
      'okta-session-hijack-multi-device',
      'okta-aitm-session-replay',
      'okta-dthash-multi-client',
      'okta-many-sessions-user',
      'okta-failed-app-access-in-session',
      'okta-impossible-travel',
      'okta-impossible-travel-velocity',
      'okta-session-via-anonymizer',
      'okta-proxy-login-then-alerts',
      'okta-new-behavior-admin-console',
      'okta-new-risk-behavior',
      'okta-admin-console-login-failure',
      'okta-idp-signin',
      'okta-idp-signin-failure',
      'okta-idp-signin-new-issuer',
      'okta-sso-unknown-device-new',
      'okta-oauth-public-client-abuse',
      'okta-refresh-token-reuse',
      'okta-unauthorized-app-access',
      'okta-fastpass-phishing-blocked',
      'okta-threatinsight-detection',
      'okta-user-reported-suspicious',
      'okta-rate-limit-violation',
    ]);
    // Context rules and rules only meaningful for some tenants are off by default.
    expect(sessionRules.filter((rule) => !rule.enabled).map((rule) => rule.id)).toEqual(['okta-new-risk-behavior', 'okta-idp-signin']);
  });

  it('raise nothing high or critical on a benign week of a 300-person org', () => {
    const org = generateOrg({ seed: 'session-noise', users: 300 });
    const events = generateActivity(org, {
      seed: 'session-noise',
      start: new Date('2026-03-02T00:00:00Z'),
      end: new Date('2026-03-09T00:00:00Z'),
    }) as unknown as OktaLogEvent[];
    const matches = evaluate(sessionRules, events);
    expect(matches.filter((match) => match.severity === 'high' || match.severity === 'critical')).toEqual([]);
  });
});

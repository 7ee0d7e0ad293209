// Section B of the catalogue (credential attacks) as a whole: its rule list and metadata, and a benign week.
// The rules one by one are in rules-credential-*.test.ts.
import { describe, expect, it } from 'vitest';
import { catalogue, evaluate, field, validateRules, type OktaLogEvent } from '../../detections/index.js';
import { credentialRules } from '../../detections/rules/credential/index.js';
import { generateActivity, generateOrg } from '../../simulator/index.js';

describe('credential rules: metadata', () => {
  it('are complete, valid and registered in the catalogue, in catalogue order', () => {
    expect(() => validateRules(credentialRules)).not.toThrow();
    const ids = credentialRules.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(catalogue.map((rule) => rule.id)).size).toBe(catalogue.length);
    for (const rule of credentialRules) {
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
      expect(rule.eventTypes.length, rule.id).toBeGreaterThan(0);
      expect(rule.dedupe.periodMinutes, rule.id).toBeGreaterThan(0);
      if (rule.kind === 'threshold') {
        expect(rule.window, rule.id).toBeGreaterThan(0);
        expect(rule.threshold, rule.id).toBeGreaterThan(0);
      }
    }
    expect(ids).toEqual([
      'okta-account-locked',
      'okta-repeated-lockouts-user',
      'okta-many-accounts-locked',
      'okta-brute-force-by-user',
      'okta-brute-force-by-ip',
      'okta-brute-force-multi-source',
      'okta-brute-force-dt-rotation',
      'okta-brute-force-no-device-token',
      'okta-brute-force-ua-rotation',
      'okta-password-spray-single-source',
      'okta-password-spray-distributed',
      'okta-credential-stuffing',
      'okta-dthash-many-users',
      'okta-dthash-many-users-proxy',
      'okta-success-after-credential-attack',
      'okta-mfa-push-bombing',
      'okta-mfa-push-bombing-success',
      'okta-push-source-response-mismatch',
      'okta-mfa-challenge-failed',
      'okta-reset-unlock-flood',
      'okta-mass-password-reset',
      'okta-password-in-username',
      'okta-single-factor-success',
    ]);
  });

  it('raise nothing high or critical on a benign week of a 300-person org', () => {
    const org = generateOrg({ seed: 'credential-noise', users: 300 });
    const events = generateActivity(org, {
      seed: 'credential-noise',
      start: new Date('2026-03-02T00:00:00Z'),
      end: new Date('2026-03-09T00:00:00Z'),
    }) as unknown as OktaLogEvent[];
    const matches = evaluate(credentialRules, events);
    expect(matches.filter((match) => match.severity === 'high' || match.severity === 'critical')).toEqual([]);
    // Benign failures are scattered: nothing above the single-event context rules.
    expect(matches.filter((match) => !['okta-account-locked', 'okta-mfa-challenge-failed'].includes(match.ruleId))).toEqual([]);
  });
});

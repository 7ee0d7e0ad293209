// Section C rules on the context of a sign-in: anonymising proxies, new behaviours and risk, Admin Console
// failures, and federated sign-ins through an IdP (C57, C59–C62).
import { describe, expect, it } from 'vitest';
import type { TestPrincipal } from '../../detections/testing.js';
import { admin, adminConsole, dana, enable, event, fox, matchesOf, slack } from './support/rules-session.js';

describe('okta-session-via-anonymizer (C57)', () => {
  const start = (minute: number, securityContext: Record<string, unknown>, result = 'SUCCESS') =>
    event({ eventType: 'user.session.start', minute, actor: dana, ip: '185.220.101.4', result, securityContext });

  it('is high for a session started through an anonymising proxy, merged per user for 6 hours', () => {
    const [match, ...rest] = matchesOf('okta-session-via-anonymizer', [start(0, { isProxy: true }), start(200, { isProxy: true })]);
    expect(rest).toEqual([]);
    expect(match).toMatchObject({ severity: 'high', groupKey: `user:${dana.id}`, subjectUserId: dana.id, count: 2 });
  });

  it('is high for Tor and info for iCloud Private Relay', () => {
    const tor = start(0, { isProxy: true, ipDetails: { ipServiceCategories: ['TOR_ANONYMIZER'] } });
    expect(matchesOf('okta-session-via-anonymizer', [tor])[0].severity).toBe('high');
    const relay = start(0, { isProxy: true, ipDetails: { ipServiceCategories: ['APPLE_ICLOUD_RELAY_PROXY'] } });
    expect(matchesOf('okta-session-via-anonymizer', [relay])[0].severity).toBe('info');
  });

  it('ignores direct sessions and failed sign-ins through a proxy', () => {
    expect(matchesOf('okta-session-via-anonymizer', [start(0, { isProxy: false }), start(1, { isProxy: null }), start(2, { isProxy: true }, 'FAILURE')])).toEqual([]);
  });
});

describe('okta-new-behavior-admin-console (C59)', () => {
  const behaviors = (...positive: string[]) =>
    `{${['New Geo-Location', 'New Device', 'New IP', 'New State', 'New Country', 'Velocity', 'New City']
      .map((name) => `${name}=${positive.includes(name) ? 'POSITIVE' : 'NEGATIVE'}`)
      .join(', ')}}`;
  const evaluation = (target: TestPrincipal, debugData: Record<string, string>, eventType = 'policy.evaluate_sign_on') =>
    event({ eventType, actor: admin, result: 'ALLOW', target: [target], debugData });

  it('is high when the Admin Console is reached from a new device and a new IP', () => {
    const [match] = matchesOf('okta-new-behavior-admin-console', [evaluation(adminConsole, { behaviors: behaviors('New Device', 'New IP') })]);
    expect(match).toMatchObject({ severity: 'high', groupKey: `user:${admin.id}`, subjectUserId: admin.id });
  });

  it('reads logOnlySecurityData and securityContext.userBehaviors too', () => {
    const logOnly = JSON.stringify({ risk: { level: 'LOW' }, behaviors: { 'New Device': 'POSITIVE', 'New IP': 'POSITIVE' } });
    expect(matchesOf('okta-new-behavior-admin-console', [evaluation(adminConsole, { logOnlySecurityData: logOnly })])[0].severity).toBe('high');
    const withUserBehaviors = event({
      eventType: 'user.session.access_admin_app',
      actor: admin,
      target: [adminConsole],
      securityContext: { userBehaviors: [{ id: 'bhv1', name: 'New Device', result: 'POSITIVE' }, { id: 'bhv2', name: 'New IP', result: 'NEGATIVE' }] },
    });
    expect(matchesOf('okta-new-behavior-admin-console', [withUserBehaviors])[0].severity).toBe('medium');
  });

  it('is medium for other flags alone', () => {
    expect(matchesOf('okta-new-behavior-admin-console', [evaluation(adminConsole, { behaviors: behaviors('New Geo-Location') })])[0].severity).toBe('medium');
  });

  it('ignores familiar contexts and other apps', () => {
    const events = [evaluation(adminConsole, { behaviors: behaviors() }), evaluation(slack, { behaviors: behaviors('New Device', 'New IP') })];
    expect(matchesOf('okta-new-behavior-admin-console', events)).toEqual([]);
  });
});

describe('okta-new-risk-behavior (C60)', () => {
  const signIn = (debugData: Record<string, string>) => event({ eventType: 'user.session.start', actor: fox, debugData });

  it('is off by default', () => {
    expect(matchesOf('okta-new-risk-behavior', [signIn({ behaviors: '{New IP=POSITIVE, New Device=NEGATIVE}' })])).toEqual([]);
  });

  it('when enabled, is low for a flagged sign-in and medium when Okta rated the risk HIGH', () => {
    const settings = enable('okta-new-risk-behavior');
    expect(matchesOf('okta-new-risk-behavior', [signIn({ behaviors: '{New IP=POSITIVE, New Device=NEGATIVE}' })], settings)[0].severity).toBe('low');
    const risky = signIn({ behaviors: '{New IP=POSITIVE}', risk: '{level=HIGH, reasons=Anomalous Device}' });
    expect(matchesOf('okta-new-risk-behavior', [risky], settings)[0].severity).toBe('medium');
    expect(matchesOf('okta-new-risk-behavior', [signIn({ behaviors: '{New IP=NEGATIVE}' })], settings)).toEqual([]);
  });
});

describe('okta-admin-console-login-failure (C61)', () => {
  const attempt = (target: TestPrincipal, result: string) =>
    event({ eventType: 'user.authentication.auth_via_mfa', actor: admin, target: [admin, target], result, reason: result === 'FAILURE' ? 'INVALID_CREDENTIALS' : null });

  it('fires (low) on a failed authentication to the Admin Console', () => {
    const [match] = matchesOf('okta-admin-console-login-failure', [attempt(adminConsole, 'FAILURE')]);
    expect(match).toMatchObject({ severity: 'low', groupKey: `user:${admin.id}` });
  });

  it('ignores successes and failures for other apps', () => {
    expect(matchesOf('okta-admin-console-login-failure', [attempt(adminConsole, 'SUCCESS'), attempt(slack, 'FAILURE')])).toEqual([]);
  });
});

describe('okta-idp-signin and okta-idp-signin-failure (C62)', () => {
  const federated = (result: string, reason: string | null = null, issuerId = '0oa4partneridp0000001') =>
    event({
      eventType: 'user.authentication.auth_via_inbound_SAML',
      actor: fox,
      result,
      reason,
      issuer: { id: issuerId, type: 'SAML2' },
    });

  it('idp-signin is off by default and high when enabled', () => {
    expect(matchesOf('okta-idp-signin', [federated('SUCCESS')])).toEqual([]);
    const [match] = matchesOf('okta-idp-signin', [federated('SUCCESS')], enable('okta-idp-signin'));
    expect(match).toMatchObject({ severity: 'high', subjectUserId: fox.id });
    expect(matchesOf('okta-idp-signin', [federated('SUCCESS', null, 'Okta')], enable('okta-idp-signin'))).toEqual([]);
  });

  it('is high for a replayed SAML assertion and low for other validation failures', () => {
    const replay = federated('FAILURE', 'A SAML assert with the same ID has already been processed by Okta for a previous request');
    expect(matchesOf('okta-idp-signin-failure', [replay])[0].severity).toBe('high');
    expect(matchesOf('okta-idp-signin-failure', [federated('FAILURE', 'Unable to match transformed username')])[0].severity).toBe('low');
    expect(matchesOf('okta-idp-signin-failure', [federated('SUCCESS')])).toEqual([]);
  });
});

// Section C rules on OAuth and app access, and on Okta's own signals: public-client abuse, refresh-token reuse,
// unauthorised app access, FastPass phishing blocks, ThreatInsight and rate limits (C64–C68, C70).
import { describe, expect, it } from 'vitest';
import { oktaId, type TestPrincipal } from '../../detections/testing.js';
import { app, dana, event, fox, matchesOf, slack } from './support/rules-session.js';

describe('okta-oauth-public-client-abuse (C64)', () => {
  const client = (displayName: string): TestPrincipal => ({
    id: oktaId('0oa', displayName),
    type: 'PublicClientApp',
    alternateId: oktaId('0oa', displayName),
    displayName,
  });
  const grant = (actor: TestPrincipal, result = 'FAILURE', grantType = 'client_credentials') =>
    event({
      eventType: 'app.oauth2.as.token.grant',
      actor,
      result,
      reason: result === 'FAILURE' ? 'no_matching_scope' : null,
      debugData: { grantType, requestedScopes: 'okta.users.manage' },
    });

  it('fires on a client_credentials request with no matching scope, keyed by the client', () => {
    const scraper = client('Expense Reporter');
    const [match] = matchesOf('okta-oauth-public-client-abuse', [grant(scraper)]);
    expect(match).toMatchObject({ severity: 'medium', groupKey: `actor:${scraper.id}` });
    expect(match.subjectUserId).toBeUndefined();
  });

  it("ignores Okta's integrations, granted tokens and other grant types", () => {
    const events = [grant(client('Okta Workflows')), grant(client('Expense Reporter'), 'SUCCESS'), grant(client('Expense Reporter'), 'FAILURE', 'authorization_code')];
    expect(matchesOf('okta-oauth-public-client-abuse', events)).toEqual([]);
  });
});

describe('okta-refresh-token-reuse (C65)', () => {
  it('fires (high) on refresh-token reuse and nothing else', () => {
    const reuse = event({ eventType: 'app.oauth2.as.token.detect_reuse', actor: dana, result: 'FAILURE' });
    expect(matchesOf('okta-refresh-token-reuse', [reuse])[0].severity).toBe('high');
    expect(matchesOf('okta-refresh-token-reuse', [event({ eventType: 'app.oauth2.as.token.grant.refresh_token', actor: dana })])).toEqual([]);
  });
});

describe('okta-unauthorized-app-access (C66)', () => {
  const attempt = (minute: number) =>
    event({ eventType: 'app.generic.unauth_app_access_attempt', minute, actor: fox, target: [app('Workday')], result: 'FAILURE' });

  it('is low for one attempt and medium once 5 pile up within the hour', () => {
    expect(matchesOf('okta-unauthorized-app-access', [attempt(0)])[0]).toMatchObject({ severity: 'low', subjectUserId: fox.id });
    expect(matchesOf('okta-unauthorized-app-access', [0, 5, 10, 15].map(attempt))[0].severity).toBe('low');
    const [match] = matchesOf('okta-unauthorized-app-access', [0, 5, 10, 15, 20].map(attempt));
    expect(match).toMatchObject({ severity: 'medium', count: 5 });
  });

  it('ignores ordinary app sign-ons', () => {
    expect(matchesOf('okta-unauthorized-app-access', [event({ eventType: 'user.authentication.sso', actor: fox, target: [slack] })])).toEqual([]);
  });
});

describe('okta-fastpass-phishing-blocked (C67)', () => {
  const fastPass = (reason: string) =>
    event({ eventType: 'user.authentication.auth_via_mfa', actor: dana, result: 'FAILURE', reason, debugData: { factor: 'SIGNED_NONCE' } });

  it('fires (high) when FastPass declines a phishing origin', () => {
    const [match] = matchesOf('okta-fastpass-phishing-blocked', [fastPass('FastPass declined phishing attempt')]);
    expect(match).toMatchObject({ severity: 'high', groupKey: `user:${dana.id}`, techniques: ['T1566.002', 'T1557'] });
  });

  it('ignores other MFA failures', () => {
    expect(matchesOf('okta-fastpass-phishing-blocked', [fastPass('INVALID_CREDENTIALS')])).toEqual([]);
  });
});

describe('okta-threatinsight-detection (C68)', () => {
  const threat = (result: string, detections = '{"Password Spray":"HIGH","Brute Force":"MEDIUM"}', ip = '185.156.73.20') =>
    event({
      eventType: 'security.threat.detected',
      actor: { id: 'unknown', type: 'User', alternateId: 'unknown', displayName: 'unknown' },
      ip,
      result,
      reason: 'Password Spray',
      debugData: { threatDetections: detections, threatSuspected: 'true' },
    });

  it('takes the highest ThreatInsight severity, keyed by IP', () => {
    const [match] = matchesOf('okta-threatinsight-detection', [threat('ALLOW')]);
    expect(match).toMatchObject({ severity: 'high', groupKey: 'ip:185.156.73.20' });
    expect(matchesOf('okta-threatinsight-detection', [threat('ALLOW', '{"Login failures with high unknown users count":"LOW"}')])[0].severity).toBe('low');
  });

  it('is info when Okta already denied the requests', () => {
    expect(matchesOf('okta-threatinsight-detection', [threat('DENY', '{"Password Spray":"HIGH"}', '45.89.1.1')])[0].severity).toBe('info');
  });

  it('promotes threatSuspected on other events (medium) and ignores "false"', () => {
    const suspected = event({ eventType: 'user.session.start', actor: dana, result: 'FAILURE', reason: 'INVALID_CREDENTIALS', debugData: { threatSuspected: 'true' } });
    expect(matchesOf('okta-threatinsight-detection', [suspected])[0].severity).toBe('medium');
    expect(matchesOf('okta-threatinsight-detection', [event({ eventType: 'user.session.start', actor: dana })])).toEqual([]);
  });
});

describe('okta-rate-limit-violation (C70)', () => {
  const system = { id: '0oa1oktasystem000000', type: 'SystemPrincipal', alternateId: 'system@okta.com', displayName: 'Okta System' };
  const limit = (eventType: string, minute = 0) =>
    event({ eventType, minute, actor: system, debugData: { rateLimitBucketUuid: 'b192d91c-b1b8-4e0f-a3c4-8b1a8f1f0a11', threshold: '600' } });

  it('is low for violations, merged for 24 hours per actor', () => {
    const [match, ...rest] = matchesOf('okta-rate-limit-violation', [limit('system.org.rate_limit.violation'), limit('system.client.rate_limit.violation', 720)]);
    expect(rest).toEqual([]);
    expect(match).toMatchObject({ severity: 'low', count: 2, groupKey: `actor:${system.id}`, dedupePeriodMinutes: 1440 });
  });

  it('is info for warnings and bursts', () => {
    expect(matchesOf('okta-rate-limit-violation', [limit('system.org.rate_limit.warning'), limit('system.org.rate_limit.burst')])[0].severity).toBe('info');
  });

  it('ignores unrelated system events', () => {
    expect(matchesOf('okta-rate-limit-violation', [limit('system.api_token.create')])).toEqual([]);
  });
});

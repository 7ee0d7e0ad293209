import { describe, expect, it } from 'vitest';
import {
  catalogue,
  evaluate,
  field,
  validateRules,
  type DetectionMatch,
  type DetectionSettings,
  type OktaLogEvent,
} from '../../detections/index.js';
import { sessionRules } from '../../detections/rules/session/index.js';
import { minutesAfter, oktaEvent, oktaId, oktaUser, type EventSpec, type TestPrincipal } from '../../detections/testing.js';
import { generateActivity, generateOrg } from '../../simulator/index.js';

const T0 = '2026-03-02T09:00:00.000Z';
const admin = oktaUser('walter.skinner@example.com');
const dana = oktaUser('dana.scully@example.com');
const fox = oktaUser('fox.mulder@example.com');

const CHROME_MAC = {
  rawUserAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/127.0.0.0 Safari/537.36',
  os: 'Mac OS X',
  browser: 'CHROME',
};
const CHROME_WINDOWS = {
  rawUserAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/127.0.0.0 Safari/537.36',
  os: 'Windows 10',
  browser: 'CHROME',
};
const PYTHON = { rawUserAgent: 'python-requests/2.32.3', os: 'Unknown', browser: 'UNKNOWN' };

const app = (label: string): TestPrincipal => ({ id: oktaId('0oa', label), type: 'AppInstance', alternateId: label, displayName: label, detailEntry: null });
const adminConsole = app('Okta Admin Console');
const slack = app('Slack');

/** Okta event fields the factory does not expose. */
interface Extra {
  minute?: number;
  agent?: { rawUserAgent: string; os: string; browser: string };
  sessionId?: string | null;
  rootSessionId?: string;
  dtHash?: string;
  securityContext?: Record<string, unknown>;
  issuer?: { id: string; type: string };
}

function event(spec: Omit<EventSpec, 'at'> & Extra): OktaLogEvent {
  const { minute = 0, agent, sessionId, rootSessionId, dtHash, securityContext, issuer, ...base } = spec;
  const built = oktaEvent({
    ...base,
    at: minutesAfter(T0, minute),
    debugData: { ...(dtHash ? { dtHash } : {}), ...base.debugData },
  }) as Record<string, any>;
  if (agent) built.client.userAgent = { ...agent };
  if (sessionId !== undefined) built.authenticationContext.externalSessionId = sessionId;
  if (rootSessionId) built.authenticationContext.rootSessionId = rootSessionId;
  if (securityContext) built.securityContext = { ...built.securityContext, ...securityContext };
  if (issuer) built.authenticationContext.issuer = issuer;
  return built as OktaLogEvent;
}

function matchesOf(ruleId: string, events: OktaLogEvent[], settings?: DetectionSettings): DetectionMatch[] {
  return evaluate(catalogue, events, settings ? { settings } : {}).filter((match) => match.ruleId === ruleId);
}

const enable = (ruleId: string): DetectionSettings => ({ rules: { [ruleId]: { enabled: true } } });

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

describe('okta-session-hijack-multi-device (C51, window variant)', () => {
  const session = 'idxStolenSession000000001';
  const token = (i: number) => `${i}`.padStart(64, 'c');
  const activity = (minute: number, dt: number, ip: string, eventType = 'app.oauth2.authorize.code') =>
    event({ eventType, minute, actor: dana, ip, sessionId: session, dtHash: token(dt) });

  it('is high for 4 device tokens from 2 IPs in one session within 9 minutes', () => {
    const events = [activity(0, 1, '73.12.40.8'), activity(2, 2, '185.156.73.20'), activity(4, 3, '185.156.73.20'), activity(6, 4, '185.156.73.20')];
    const [match] = matchesOf('okta-session-hijack-multi-device', events);
    expect(match).toMatchObject({ severity: 'high', groupKey: `session:${session}`, subjectUserId: dana.id, distinctCount: 4 });
  });

  it('is medium when all tokens came through one IP', () => {
    const events = [1, 2, 3, 4].map((dt, i) => activity(i, dt, '73.12.40.8'));
    expect(matchesOf('okta-session-hijack-multi-device', events)[0].severity).toBe('medium');
  });

  it('stays quiet at 3 tokens, over more than 9 minutes, or on sign-in events', () => {
    expect(matchesOf('okta-session-hijack-multi-device', [1, 2, 3].map((dt, i) => activity(i, dt, `45.89.1.${i}`)))).toEqual([]);
    expect(matchesOf('okta-session-hijack-multi-device', [1, 2, 3, 4].map((dt, i) => activity(i * 4, dt, `45.89.1.${i}`)))).toEqual([]);
    const signIn = [1, 2, 3, 4].map((dt, i) => activity(i, dt, `45.89.1.${i}`, i % 2 ? 'user.session.start' : 'user.authentication.sso'));
    expect(matchesOf('okta-session-hijack-multi-device', signIn)).toEqual([]);
  });
});

describe('okta-aitm-session-replay (C52)', () => {
  const root = 'idxPhishedRoot00000000001';
  const start = (minute = 0, agent = CHROME_MAC, rootSessionId = root) =>
    event({ eventType: 'user.session.start', minute, actor: dana, ip: '185.156.73.20', agent, sessionId: rootSessionId, rootSessionId });
  const sso = (minute: number, agent = PYTHON, rootSessionId = root) =>
    event({ eventType: 'user.authentication.sso', minute, actor: dana, ip: '45.89.1.7', agent, target: [slack], sessionId: rootSessionId, rootSessionId });

  it('fires when a session started by a browser is used by a script', () => {
    const [match] = matchesOf('okta-aitm-session-replay', [start(), sso(4), sso(5)]);
    expect(match).toMatchObject({ severity: 'high', groupKey: `session:${root}`, subjectUserId: dana.id, distinctCount: 2 });
  });

  it('catches the replay on policy evaluation too', () => {
    const policy = event({ eventType: 'policy.evaluate_sign_on', minute: 3, actor: dana, agent: PYTHON, result: 'ALLOW', sessionId: root, rootSessionId: root });
    expect(matchesOf('okta-aitm-session-replay', [start(), policy])).toHaveLength(1);
  });

  it('stays quiet for browser-only sessions, script-only sessions, another session, or after 30 minutes', () => {
    expect(matchesOf('okta-aitm-session-replay', [start(), sso(4, CHROME_MAC), sso(6, CHROME_WINDOWS)])).toEqual([]);
    expect(matchesOf('okta-aitm-session-replay', [start(0, PYTHON), sso(4)])).toEqual([]);
    expect(matchesOf('okta-aitm-session-replay', [start(), sso(4, PYTHON, 'idxOtherRoot0000000000001')])).toEqual([]);
    expect(matchesOf('okta-aitm-session-replay', [start(), sso(45)])).toEqual([]);
  });
});

describe('okta-dthash-multi-client (C53)', () => {
  const token = 'e'.repeat(64);
  const verify = (minute: number, agent: typeof CHROME_MAC, eventType = 'user.authentication.verify', result = 'SUCCESS') =>
    event({ eventType, minute, actor: fox, dtHash: token, agent, result, ip: agent === CHROME_MAC ? '73.12.40.8' : '185.156.73.20' });

  it('fires when one device token shows up on a second OS within the hour', () => {
    const [match] = matchesOf('okta-dthash-multi-client', [verify(0, CHROME_MAC), verify(20, CHROME_WINDOWS, 'user.authentication.auth_via_mfa')]);
    expect(match).toMatchObject({ severity: 'high', groupKey: `dthash:${token}`, distinctCount: 2, subjectUserId: fox.id });
  });

  it('stays quiet for one OS, two hours apart, denied policy evaluations and placeholder tokens', () => {
    expect(matchesOf('okta-dthash-multi-client', [verify(0, CHROME_MAC), verify(5, CHROME_MAC)])).toEqual([]);
    expect(matchesOf('okta-dthash-multi-client', [verify(0, CHROME_MAC), verify(120, CHROME_WINDOWS)])).toEqual([]);
    expect(matchesOf('okta-dthash-multi-client', [verify(0, CHROME_MAC), verify(5, CHROME_WINDOWS, 'policy.evaluate_sign_on', 'DENY')])).toEqual([]);
    const placeholder = [CHROME_MAC, CHROME_WINDOWS].map((agent, i) =>
      event({ eventType: 'user.authentication.verify', minute: i, actor: fox, dtHash: '-', agent }),
    );
    expect(matchesOf('okta-dthash-multi-client', placeholder)).toEqual([]);
  });
});

describe('okta-many-sessions-user (C54)', () => {
  const start = (user: TestPrincipal, minute: number, n: number, result = 'SUCCESS') =>
    event({ eventType: 'user.session.start', minute, actor: user, result, sessionId: result === 'SUCCESS' ? `idxSession${n}`.padEnd(25, '0') : null });

  it('fires on 3 distinct sessions within 35 minutes', () => {
    const [match] = matchesOf('okta-many-sessions-user', [start(dana, 0, 1), start(dana, 12, 2), start(dana, 30, 3)]);
    expect(match).toMatchObject({ severity: 'medium', groupKey: `user:${dana.id}`, distinctCount: 3 });
  });

  it('stays quiet at 2 sessions, 3 sessions over 50 minutes, one session logged 3 times, or failures', () => {
    expect(matchesOf('okta-many-sessions-user', [start(dana, 0, 1), start(dana, 10, 2)])).toEqual([]);
    expect(matchesOf('okta-many-sessions-user', [start(dana, 0, 1), start(dana, 25, 2), start(dana, 50, 3)])).toEqual([]);
    expect(matchesOf('okta-many-sessions-user', [start(fox, 0, 1), start(fox, 1, 1), start(fox, 2, 1)])).toEqual([]);
    expect(matchesOf('okta-many-sessions-user', [0, 1, 2].map((m) => start(admin, m, m, 'FAILURE')))).toEqual([]);
  });

  it("ignores Okta's own service actors", () => {
    const service = { id: 'okta-sync-agent-000001', type: 'User', alternateId: 'sync@example.com', displayName: 'Okta Sync' };
    expect(matchesOf('okta-many-sessions-user', [1, 2, 3].map((n) => start(service, n, n)))).toEqual([]);
  });
});

describe('okta-failed-app-access-in-session (C55)', () => {
  const session = 'idxCookieReplay0000000001';
  const challenge = (minute: number) =>
    event({ eventType: 'policy.evaluate_sign_on', minute, actor: dana, result: 'CHALLENGE', sessionId: session, target: [app(`App ${minute}`)] });
  const sso = (minute: number) => event({ eventType: 'user.authentication.sso', minute, actor: dana, sessionId: session, target: [slack] });

  it('fires on 3 challenges with 1 successful app sign-on', () => {
    const [match] = matchesOf('okta-failed-app-access-in-session', [challenge(0), sso(1), challenge(2), challenge(3)]);
    expect(match).toMatchObject({ severity: 'medium', groupKey: `session:${session}`, subjectUserId: dana.id });
  });

  it('stays quiet when the user completes most challenges, at 2 challenges, or for ALLOW evaluations', () => {
    expect(matchesOf('okta-failed-app-access-in-session', [challenge(0), sso(1), challenge(2), sso(3), challenge(4), sso(5)])).toEqual([]);
    expect(matchesOf('okta-failed-app-access-in-session', [challenge(0), challenge(1)])).toEqual([]);
    const allowed = [0, 1, 2, 3].map((minute) => event({ eventType: 'policy.evaluate_sign_on', minute, actor: dana, result: 'ALLOW', sessionId: session }));
    expect(matchesOf('okta-failed-app-access-in-session', allowed)).toEqual([]);
  });
});

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

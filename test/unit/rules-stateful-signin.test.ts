// Sign-in rules of sections B and C that need sequences, chains of detections, first-seen history or
// the previous sign-in: B43, B45, B50, C56 (velocity), C58, C62 (first-seen issuer), C63. Run as the
// hourly runs would run them, one batch per run, with state kept between runs.
import { describe, expect, it } from 'vitest';
import { catalogue, evaluate, evaluateRun, findRule, type OktaLogEvent, type Rule } from '../../detections/index.js';
import { minutesAfter, oktaEvent, oktaUser, oktaVerifyEnrollment, type TestPrincipal } from '../../detections/testing.js';
import { memoryRuns } from '../support/memory-runs.js';

const T0 = '2026-03-02T09:00:00.000Z';
const HOUR = 60;
const DAY = 24 * HOUR;
const dana = oktaUser('dana.scully@example.com');
const fox = oktaUser('fox.mulder@example.com');
const rule = (id: string): Rule => findRule(id) ?? (() => { throw new Error(`no rule ${id}`); })();
const ids = (detections: { ruleId: string }[]) => detections.map((d) => d.ruleId);

const signIn = (user: TestPrincipal, minute: number, over: Partial<Parameters<typeof oktaEvent>[0]> = {}) =>
  oktaEvent({ eventType: 'user.session.start', at: minutesAfter(T0, minute), actor: user, ...over });
const failedSignIn = (user: TestPrincipal, minute: number, ip: string) =>
  oktaEvent({ eventType: 'user.session.start', at: minutesAfter(T0, minute), actor: user, ip, result: 'FAILURE', reason: 'INVALID_CREDENTIALS', country: 'Germany' });
const rejectedPush = (user: TestPrincipal, minute: number) =>
  oktaEvent({
    eventType: 'user.authentication.auth_via_mfa',
    at: minutesAfter(T0, minute),
    actor: user,
    result: 'FAILURE',
    reason: 'INVALID_CREDENTIALS',
    target: [user, oktaVerifyEnrollment(user)],
    debugData: { factor: 'OKTA_VERIFY_PUSH' },
  });

describe('okta-success-after-credential-attack (B43)', () => {
  const users = Array.from({ length: 16 }, (_, i) => oktaUser(`staff${i}@example.com`));
  /** One IP, 16 users, 3 wrong passwords each within 40 minutes: a password spray. */
  const spray = users.flatMap((user, u) => [0, 1, 2].map((round) => failedSignIn(user, round * 13 + u * 0.5, '185.220.101.9')));
  const rules = [rule('okta-password-spray-single-source'), rule('okta-success-after-credential-attack')];
  /** Okta's own verdict on the success: an IP and a device the user never used. */
  const unfamiliar = { debugData: { behaviors: '{New Geo-Location=POSITIVE, New Device=POSITIVE, New IP=POSITIVE, Velocity=NEGATIVE}' } };

  it('fires when a sprayed user signs in within three hours, in the next hourly run', async () => {
    const runs = memoryRuns(rules);
    expect(ids(await runs.run(spray))).toEqual(['okta-password-spray-single-source']);
    const success = signIn(users[3], 2 * HOUR, unfamiliar);
    const [detection, ...rest] = await runs.run([success]);
    expect(rest).toEqual([]);
    expect(detection).toMatchObject({ ruleId: 'okta-success-after-credential-attack', subjectUserId: users[3].id, severity: 'high' });
    // A redelivery is nothing new; a second sign-in joins the same detection.
    expect(await runs.run([success])).toEqual([]);
    await runs.run([signIn(users[3], 2 * HOUR + 30, unfamiliar)]);
    expect(ids(runs.detections())).toEqual(['okta-password-spray-single-source', 'okta-success-after-credential-attack']);
  });

  it('names the user who signed in when the spray and the success come in one run', async () => {
    const runs = memoryRuns(rules);
    const found = await runs.run([...spray, signIn(users[7], 45, unfamiliar)]);
    expect(found.find((d) => d.ruleId === 'okta-success-after-credential-attack')).toMatchObject({ subjectUserId: users[7].id });
  });

  it('does not fire for a user who was not a target, after three hours, or on the usual sign-in', async () => {
    const runs = memoryRuns(rules);
    await runs.run(spray);
    await runs.run([signIn(fox, 2 * HOUR, unfamiliar), signIn(users[3], 5 * HOUR, unfamiliar), signIn(users[4], HOUR)]);
    expect(ids(runs.detections())).toEqual(['okta-password-spray-single-source']);
  });
});

describe('okta-mfa-push-bombing-success (B45)', () => {
  const approve = (minute: number) =>
    oktaEvent({
      eventType: 'user.authentication.auth_via_mfa',
      at: minutesAfter(T0, minute),
      actor: dana,
      target: [dana, oktaVerifyEnrollment(dana)],
      debugData: { factor: 'OKTA_VERIFY_PUSH' },
    });
  const only = [rule('okta-mfa-push-bombing-success')];

  it('is critical when five rejected pushes are followed by an approval within ten minutes, across two runs', async () => {
    const runs = memoryRuns(only);
    // The barrage ends at 09:58, the approval comes at 10:01: two hourly runs.
    expect(await runs.run([52, 53, 54, 55, 56, 58].map((m) => rejectedPush(dana, m)))).toEqual([]);
    const [detection] = await runs.run([approve(61)]);
    expect(detection).toMatchObject({ ruleId: 'okta-mfa-push-bombing-success', severity: 'critical', subjectUserId: dana.id });
  });

  it('needs five rejections, and the approval within ten minutes of them', async () => {
    expect(evaluate(only, [...[0, 1, 2, 3].map((m) => rejectedPush(dana, m)), approve(5)])).toEqual([]);
    expect(evaluate(only, [...[0, 1, 2, 3, 4].map((m) => rejectedPush(dana, m)), approve(25)])).toEqual([]);
    expect(ids(evaluate(only, [...[0, 1, 2, 3, 4].map((m) => rejectedPush(dana, m)), approve(6)]))).toEqual(['okta-mfa-push-bombing-success']);
  });
});

describe('okta-single-factor-success (B50)', () => {
  const authenticator = (displayName: string): TestPrincipal => ({ id: `pfd${displayName.length}x00000000000000`, type: 'AuthenticatorEnrollment', alternateId: 'unknown', displayName });
  const only = [rule('okta-single-factor-success')];

  it('fires on a session started with the password as the only authenticator', () => {
    const [match] = evaluate(only, [signIn(dana, 0, { target: [authenticator('Password')] })]);
    expect(match).toMatchObject({ ruleId: 'okta-single-factor-success', severity: 'medium', subjectUserId: dana.id });
  });

  it('does not fire when a second authenticator was used, or when Okta did not say', () => {
    expect(evaluate(only, [signIn(dana, 0, { target: [authenticator('Password'), authenticator('Okta Verify')] })])).toEqual([]);
    expect(evaluate(only, [signIn(dana, 0, { target: null })])).toEqual([]);
    expect(evaluate(only, [signIn(dana, 0, { target: [authenticator('Password')], result: 'FAILURE' })])).toEqual([]);
  });
});

describe('okta-impossible-travel-velocity (C56)', () => {
  const only = [rule('okta-impossible-travel-velocity')];

  it('fires on New York then Singapore two hours later, the second sign-in in the next run', async () => {
    const runs = memoryRuns(only);
    await runs.run([signIn(dana, 0, { country: 'United States', ip: '198.51.100.7' })]);
    const [detection] = await runs.run([signIn(dana, 2 * HOUR, { country: 'Singapore', ip: '203.0.113.50' })]);
    expect(detection).toMatchObject({ ruleId: 'okta-impossible-travel-velocity', subjectUserId: dana.id, count: 2 });
  });

  it('does not fire on a plausible flight, the same IP, or an anonymised sign-in', async () => {
    expect(evaluate(only, [signIn(dana, 0, { country: 'United States' }), signIn(dana, 20 * HOUR, { country: 'Singapore', ip: '203.0.113.50' })])).toEqual([]);
    expect(evaluate(only, [signIn(dana, 0, { country: 'Netherlands', ip: '203.0.113.9' }), signIn(dana, 30, { country: 'Brazil', ip: '203.0.113.9' })])).toEqual([]);
    expect(evaluate(only, [signIn(dana, 0, { country: 'United States' }), signIn(dana, 30, { country: 'Germany', ip: '203.0.113.50', isProxy: true })])).toEqual([]);
  });
});

describe('okta-proxy-login-then-alerts (C58)', () => {
  const rules = [rule('okta-session-via-anonymizer'), rule('okta-mfa-push-bombing'), rule('okta-proxy-login-then-alerts')];
  const proxied = (minute: number) => signIn(dana, minute, { isProxy: true, ip: '185.220.101.30', country: 'Germany' });

  it('fires when a medium-or-worse detection follows an anonymised session within 30 minutes', () => {
    const events = [proxied(0), ...[10, 11, 12, 13, 14].map((m) => rejectedPush(dana, m))];
    expect(ids(evaluate(rules, events)).sort()).toEqual(['okta-mfa-push-bombing', 'okta-proxy-login-then-alerts', 'okta-session-via-anonymizer']);
  });

  it('does not fire when the other detection is about someone else or comes too late', () => {
    expect(ids(evaluate(rules, [proxied(0), ...[10, 11, 12, 13, 14].map((m) => rejectedPush(fox, m))]))).not.toContain('okta-proxy-login-then-alerts');
    expect(ids(evaluate(rules, [proxied(0), ...[50, 51, 52, 53, 54].map((m) => rejectedPush(dana, m))]))).not.toContain('okta-proxy-login-then-alerts');
  });
});

describe('okta-idp-signin-new-issuer (C62)', () => {
  const viaIdp = (minute: number, issuer: string, user = dana): OktaLogEvent => {
    const event = oktaEvent({ eventType: 'user.authentication.auth_via_IDP', at: minutesAfter(T0, minute), actor: user });
    const context = event.authenticationContext as Record<string, unknown>;
    return { ...event, authenticationContext: { ...context, issuer: { id: issuer, type: 'SAML2' } } };
  };
  const only = [rule('okta-idp-signin-new-issuer')];

  it('after five days of the usual IdP, fires once on a sign-in through a new one', async () => {
    const runs = memoryRuns(only);
    for (let day = 0; day < 6; day++) await runs.run([viaIdp(day * DAY, 'http://adfs.example.com/adfs/services/trust')]);
    expect(runs.detections()).toEqual([]);
    const [detection] = await runs.run([viaIdp(6 * DAY, 'https://idp.attacker.example/saml', fox), viaIdp(6 * DAY + 5, 'https://idp.attacker.example/saml')]);
    expect(detection).toMatchObject({ ruleId: 'okta-idp-signin-new-issuer', dedupeKey: 'okta-idp-signin-new-issuer:issuer:https://idp.attacker.example/saml' });
    expect(runs.detections()).toHaveLength(1);
  });

  it('does not fire while the tenant is learning', async () => {
    const runs = memoryRuns(only);
    await runs.run([viaIdp(0, 'http://adfs.example.com/adfs/services/trust')]);
    await runs.run([viaIdp(2 * DAY, 'https://idp.other.example/saml')]);
    expect(runs.detections()).toEqual([]);
  });
});

describe('okta-sso-unknown-device-new (C63)', () => {
  const sso = (minute: number, device: string, userAgent: string): OktaLogEvent => {
    const event = oktaEvent({ eventType: 'user.authentication.sso', at: minutesAfter(T0, minute), actor: dana });
    const client = event.client as Record<string, unknown>;
    return { ...event, client: { ...client, device, userAgent: { rawUserAgent: userAgent, os: 'Unknown', browser: 'UNKNOWN' } } };
  };
  const browser = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15';
  const only = [rule('okta-sso-unknown-device-new')];

  it('fires on an unknown device with a user agent the user never used, after the learning week', async () => {
    const runs = memoryRuns(only);
    for (let day = 0; day < 8; day++) await runs.run([sso(day * DAY, 'Computer', browser)]);
    const [detection] = await runs.run([sso(8 * DAY, 'Unknown', 'python-requests/2.32.3')]);
    expect(detection).toMatchObject({ ruleId: 'okta-sso-unknown-device-new', subjectUserId: dana.id });
  });

  it("does not fire on the user's own browser reported as an unknown device, or during learning", async () => {
    const runs = memoryRuns(only);
    for (let day = 0; day < 8; day++) await runs.run([sso(day * DAY, 'Computer', browser)]);
    await runs.run([sso(8 * DAY, 'Unknown', browser)]);
    expect(runs.detections()).toEqual([]);
    const fresh = memoryRuns(only);
    await fresh.run([sso(0, 'Computer', browser), sso(60, 'Unknown', 'python-requests/2.32.3')]);
    expect(fresh.detections()).toEqual([]);
  });

  it('remembers what new events show, not look-back events another rule had loaded (learnt when they were new)', () => {
    const lookBack = sso(0, 'Computer', browser);
    const fresh = sso(60, 'Computer', 'python-requests/2.32.3');
    const { stateChanges } = evaluateRun(only, [lookBack, fresh], { isNew: (e) => e === fresh });
    expect(stateChanges.map((c) => [c.value, c.firstSeen, c.lastSeen])).toEqual([
      ['history', fresh.published, fresh.published],
      ['term:python-requests/2.32.3', fresh.published, fresh.published],
    ]);
  });
});

it('the stateful sign-in rules are in the catalogue with their kinds', () => {
  const kinds = Object.fromEntries(catalogue.map((r) => [r.id, r.kind]));
  expect(kinds).toMatchObject({
    'okta-success-after-credential-attack': 'sequence',
    'okta-mfa-push-bombing-success': 'sequence',
    'okta-single-factor-success': 'single',
    'okta-impossible-travel-velocity': 'geo',
    'okta-proxy-login-then-alerts': 'sequence',
    'okta-idp-signin-new-issuer': 'baseline',
    'okta-sso-unknown-device-new': 'baseline',
  });
});

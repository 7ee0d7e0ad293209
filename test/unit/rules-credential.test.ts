import { describe, expect, it } from 'vitest';
import {
  catalogue,
  evaluate,
  field,
  validateRules,
  type DetectionMatch,
  type OktaLogEvent,
  type Rule,
} from '../../detections/index.js';
import { credentialRules } from '../../detections/rules/credential/index.js';
import {
  minutesAfter,
  oktaEvent,
  oktaUser,
  oktaVerifyEnrollment,
  type EventSpec,
  type TestPrincipal,
} from '../../detections/testing.js';
import { generateActivity, generateOrg } from '../../simulator/index.js';

const T0 = '2026-03-02T09:00:00.000Z';
const admin = oktaUser('walter.skinner@example.com');
const dana = oktaUser('dana.scully@example.com');
const fox = oktaUser('fox.mulder@example.com');
const attackerIp = '185.156.73.20';
const users = Array.from({ length: 40 }, (_, i) => oktaUser(`employee${String(i).padStart(2, '0')}@example.com`));

/** Okta event fields the factory does not expose. */
interface Extra {
  userAgent?: string;
  asNumber?: number;
  dtHash?: string;
  sessionId?: string | null;
  legacyEventType?: string;
}

function event(spec: Omit<EventSpec, 'at'> & Extra & { minute?: number }): OktaLogEvent {
  const { userAgent, asNumber, dtHash, sessionId, legacyEventType, minute = 0, ...base } = spec;
  const built = oktaEvent({
    ...base,
    at: minutesAfter(T0, minute),
    debugData: { ...(dtHash ? { dtHash } : {}), ...base.debugData },
  }) as Record<string, any>;
  if (userAgent) built.client.userAgent = { rawUserAgent: userAgent, os: 'Unknown', browser: 'UNKNOWN' };
  if (asNumber !== undefined) built.securityContext.asNumber = asNumber;
  if (sessionId !== undefined) built.authenticationContext.externalSessionId = sessionId;
  if (legacyEventType) built.legacyEventType = legacyEventType;
  return built as OktaLogEvent;
}

function matchesOf(ruleId: string, events: OktaLogEvent[], rules: readonly Rule[] = catalogue): DetectionMatch[] {
  return evaluate(rules, events).filter((match) => match.ruleId === ruleId);
}

/** A wrong password: `user.session.start` FAILURE, as Okta logs it (no session, legacy login_failed). */
const failed = (user: TestPrincipal, minute: number, extra: Partial<EventSpec> & Extra = {}) =>
  event({
    eventType: 'user.session.start',
    minute,
    actor: user,
    ip: attackerIp,
    result: 'FAILURE',
    reason: 'INVALID_CREDENTIALS',
    legacyEventType: 'core.user_auth.login_failed',
    ...extra,
  });

/** `rounds` passwords tried against each of `count` users, `spacing` minutes apart. */
function spray(count: number, rounds: number, spacing = 0.25, ip = attackerIp): OktaLogEvent[] {
  const events: OktaLogEvent[] = [];
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < count; i++) events.push(failed(users[i], events.length * spacing, { ip }));
  }
  return events;
}

const lockout = (user: TestPrincipal, minute: number, ip = attackerIp) =>
  event({
    eventType: 'user.account.lock',
    minute,
    actor: user,
    ip,
    result: 'FAILURE',
    reason: 'LOCKED_OUT',
    displayMessage: 'Max sign in attempts exceeded',
  });

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

describe('okta-account-locked (B32)', () => {
  it('fires on a lockout, about the locked user', () => {
    const [match, ...rest] = matchesOf('okta-account-locked', [lockout(dana, 0)]);
    expect(rest).toEqual([]);
    expect(match).toMatchObject({ severity: 'low', groupKey: `user:${dana.id}`, subjectUserId: dana.id, techniques: ['T1110.001'] });
  });

  it('ignores unlocks and ordinary failed sign-ins', () => {
    const events = [
      event({ eventType: 'user.account.unlock', actor: dana }),
      event({ eventType: 'user.account.unlock_by_admin', actor: admin, target: [dana] }),
      failed(dana, 1, { reason: 'LOCKED_OUT' }),
    ];
    expect(matchesOf('okta-account-locked', events)).toEqual([]);
  });
});

describe('okta-repeated-lockouts-user (B33)', () => {
  it('fires on a third lockout of one account within 3 hours', () => {
    const [match] = matchesOf('okta-repeated-lockouts-user', [0, 70, 150].map((m) => lockout(dana, m)));
    expect(match).toMatchObject({ severity: 'medium', groupKey: `user:${dana.id}`, count: 3 });
  });

  it('needs 3 lockouts of the same account inside the window', () => {
    expect(matchesOf('okta-repeated-lockouts-user', [0, 70].map((m) => lockout(dana, m)))).toEqual([]);
    expect(matchesOf('okta-repeated-lockouts-user', [0, 100, 200].map((m) => lockout(dana, m)))).toEqual([]);
    expect(matchesOf('okta-repeated-lockouts-user', [lockout(dana, 0), lockout(fox, 10), lockout(admin, 20)])).toEqual([]);
  });
});

describe('okta-many-accounts-locked (B34)', () => {
  it('fires when one IP locks out 5 accounts within 15 minutes', () => {
    const events = users.slice(0, 5).map((user, i) => lockout(user, i * 3));
    const [match] = matchesOf('okta-many-accounts-locked', events);
    expect(match).toMatchObject({ severity: 'medium', groupKey: `ip:${attackerIp}`, distinctCount: 5 });
    expect(match.subjectUserId).toBeUndefined();
  });

  it('stays quiet at 4 accounts, at one account locked 5 times, and for lockouts from different IPs', () => {
    expect(matchesOf('okta-many-accounts-locked', users.slice(0, 4).map((u, i) => lockout(u, i)))).toEqual([]);
    expect(matchesOf('okta-many-accounts-locked', [0, 1, 2, 3, 4].map((m) => lockout(dana, m)))).toEqual([]);
    const offices = users.slice(0, 6).map((u, i) => lockout(u, i, `198.51.100.${i + 1}`));
    expect(matchesOf('okta-many-accounts-locked', offices)).toEqual([]);
  });
});

describe('okta-brute-force-by-user (B35)', () => {
  const burst = (count: number, user = dana) => Array.from({ length: count }, (_, i) => failed(user, i * 2.5));

  it('fires at 20 failed attempts for one account within an hour, not at 19', () => {
    expect(matchesOf('okta-brute-force-by-user', burst(19))).toEqual([]);
    const [match] = matchesOf('okta-brute-force-by-user', burst(20));
    expect(match).toMatchObject({ severity: 'medium', groupKey: `user:${dana.id}`, subjectUserId: dana.id, count: 20 });
  });

  it('is high for a sustained attack of 100 attempts', () => {
    const sustained = Array.from({ length: 100 }, (_, i) => failed(dana, i * 0.5));
    expect(matchesOf('okta-brute-force-by-user', sustained)[0].severity).toBe('high');
  });

  it('groups an unknown login by the login typed', () => {
    const ghost = { ...oktaUser('ceo@example.com'), id: 'unknown' };
    const [match] = matchesOf('okta-brute-force-by-user', burst(20, ghost).map((e, i) => (i % 2 ? e : failed(ghost, i * 2.5, { reason: 'UNKNOWN_USER' }))));
    expect(match.groupKey).toBe('login:ceo@example.com');
  });

  it('counts an attempt logged twice in one transaction once', () => {
    const doubled = Array.from({ length: 12 }, (_, i) => {
      const transactionId = `ZvojBruteForce${i}`;
      return [
        failed(dana, i * 3, { transactionId }),
        event({
          eventType: 'user.authentication.auth_via_mfa',
          minute: i * 3,
          actor: dana,
          ip: attackerIp,
          result: 'FAILURE',
          reason: 'INVALID_CREDENTIALS',
          transactionId,
          debugData: { factor: 'PASSWORD_AS_FACTOR' },
        }),
      ];
    }).flat();
    expect(matchesOf('okta-brute-force-by-user', doubled)).toEqual([]);
  });

  it('ignores policy denials, rejected pushes and successes', () => {
    const events = Array.from({ length: 25 }, (_, i) => [
      failed(dana, i, { reason: 'NETWORK_ZONE_BLACKLIST' }),
      event({
        eventType: 'user.authentication.auth_via_mfa',
        minute: i,
        actor: dana,
        result: 'FAILURE',
        reason: 'INVALID_CREDENTIALS',
        debugData: { factor: 'OKTA_VERIFY_PUSH' },
      }),
      event({ eventType: 'user.session.start', minute: i, actor: dana }),
    ]).flat();
    expect(matchesOf('okta-brute-force-by-user', events)).toEqual([]);
  });
});

describe('okta-brute-force-by-ip (B36)', () => {
  it('fires at 20 failures from one IP across accounts, not at 19', () => {
    const failures = (count: number) => Array.from({ length: count }, (_, i) => failed(users[i % 3], i * 2));
    expect(matchesOf('okta-brute-force-by-ip', failures(19))).toEqual([]);
    const [match] = matchesOf('okta-brute-force-by-ip', failures(20));
    expect(match).toMatchObject({ severity: 'medium', groupKey: `ip:${attackerIp}`, count: 20 });
    expect(match.subjectUserId).toBeUndefined();
  });

  it('does not add up failures of different IPs or spread over more than an hour', () => {
    const spread = Array.from({ length: 30 }, (_, i) => failed(users[i], i, { ip: `198.51.100.${i + 1}` }));
    const slow = Array.from({ length: 20 }, (_, i) => failed(dana, i * 4));
    expect(matchesOf('okta-brute-force-by-ip', [...spread, ...slow])).toEqual([]);
  });
});

describe('okta-brute-force-multi-source (B37)', () => {
  const rotating = (attempts: number, ips: number, country: (i: number) => string = (i) => (i % 2 ? 'Germany' : 'Netherlands')) =>
    Array.from({ length: attempts }, (_, i) => failed(dana, i * 2, { ip: `185.156.73.${(i % ips) + 1}`, country: country(i) }));

  it('fires on 10 attempts against one account from 5 IPs in 30 minutes, medium when countries differ', () => {
    const [match] = matchesOf('okta-brute-force-multi-source', rotating(10, 5));
    expect(match).toMatchObject({ severity: 'medium', groupKey: `user:${dana.id}`, distinctCount: 5, count: 10 });
  });

  it('is low when the sources are not diverse (one country, one ASN, one user agent, under 8 IPs)', () => {
    const [match] = matchesOf('okta-brute-force-multi-source', rotating(10, 5, () => 'United States'));
    expect(match.severity).toBe('low');
  });

  it('needs 5 IPs and 10 attempts', () => {
    expect(matchesOf('okta-brute-force-multi-source', rotating(10, 4))).toEqual([]);
    expect(matchesOf('okta-brute-force-multi-source', rotating(9, 5))).toEqual([]);
  });
});

describe('okta-brute-force-dt-rotation / -no-device-token / -ua-rotation (B38)', () => {
  const hash = (i: number) => `${i.toString(16).padStart(4, '0')}${'ab'.repeat(30)}`;

  it('fires on 10 attempts with 7 new device tokens from one IP against one account', () => {
    const events = Array.from({ length: 10 }, (_, i) => failed(dana, i, { dtHash: hash(i % 7) }));
    const [match] = matchesOf('okta-brute-force-dt-rotation', events);
    expect(match).toMatchObject({ severity: 'low', groupKey: `ip:${attackerIp}|user:${dana.id}`, distinctCount: 7 });
  });

  it('is medium from 20 rotated attempts', () => {
    const events = Array.from({ length: 20 }, (_, i) => failed(dana, i, { dtHash: hash(i) }));
    expect(matchesOf('okta-brute-force-dt-rotation', events)[0].severity).toBe('medium');
  });

  it('stays quiet for a browser keeping its token, 6 tokens, or a token per two attempts over too few attempts', () => {
    const browser = Array.from({ length: 15 }, (_, i) => failed(dana, i, { dtHash: hash(1) }));
    const six = Array.from({ length: 10 }, (_, i) => failed(fox, i, { dtHash: hash(i % 6) }));
    expect(matchesOf('okta-brute-force-dt-rotation', [...browser, ...six])).toEqual([]);
    // 10 attempts with one token, then 6 new ones: 7 tokens over 16 attempts is under one per two attempts.
    const lowRatio = [
      ...Array.from({ length: 10 }, (_, i) => failed(users[0], i, { dtHash: hash(100) })),
      ...Array.from({ length: 6 }, (_, i) => failed(users[0], 10 + i, { dtHash: hash(200 + i) })),
    ];
    expect(matchesOf('okta-brute-force-dt-rotation', lowRatio)).toEqual([]);
  });

  it('ignores the "-" placeholder Okta writes when there is no token', () => {
    const events = Array.from({ length: 10 }, (_, i) => failed(dana, i, { dtHash: '-' }));
    expect(matchesOf('okta-brute-force-dt-rotation', events)).toEqual([]);
  });

  it('fires on 12 tokenless attempts from one IP against one account, not 11', () => {
    const scripted = (count: number) =>
      Array.from({ length: count }, (_, i) => failed(dana, i * 2, { userAgent: 'python-requests/2.32.3', debugData: { requestUri: '/api/v1/authn' } }));
    expect(matchesOf('okta-brute-force-no-device-token', scripted(11))).toEqual([]);
    const [match] = matchesOf('okta-brute-force-no-device-token', scripted(12));
    expect(match).toMatchObject({ severity: 'low', count: 12, subjectUserId: dana.id });
    const withToken = Array.from({ length: 12 }, (_, i) => failed(fox, i, { dtHash: hash(1) }));
    expect(matchesOf('okta-brute-force-no-device-token', withToken)).toEqual([]);
  });

  it('fires on 10 attempts with 5 user agents, not 4', () => {
    const agents = (count: number) =>
      Array.from({ length: 10 }, (_, i) => failed(dana, i, { userAgent: `Mozilla/5.0 (X11; Linux x86_64) Firefox/${120 + (i % count)}.0` }));
    expect(matchesOf('okta-brute-force-ua-rotation', agents(4))).toEqual([]);
    expect(matchesOf('okta-brute-force-ua-rotation', agents(5))).toHaveLength(1);
  });
});

describe('spray, stuffing and brute force shapes (B35, B36, B39–B41)', () => {
  const fired = (events: OktaLogEvent[]) => new Set(evaluate(catalogue, events).map((match) => match.ruleId));

  it('brute force: one account, many passwords', () => {
    const rules = fired(Array.from({ length: 25 }, (_, i) => failed(dana, i)));
    expect(rules).toContain('okta-brute-force-by-user');
    expect(rules).toContain('okta-brute-force-by-ip');
    expect(rules).not.toContain('okta-password-spray-single-source');
    expect(rules).not.toContain('okta-credential-stuffing');
    expect(rules).not.toContain('okta-password-spray-distributed');
  });

  it('spray: the same accounts retried with new passwords', () => {
    const rules = fired(spray(12, 4, 0.2));
    expect(rules).toContain('okta-password-spray-single-source');
    expect(rules).not.toContain('okta-credential-stuffing');
    expect(rules).not.toContain('okta-brute-force-by-user');
  });

  it('stuffing: many accounts, one or two tries each', () => {
    const rules = fired(spray(30, 1, 0.3));
    expect(rules).toContain('okta-credential-stuffing');
    expect(rules).not.toContain('okta-brute-force-by-user');
    expect(rules).not.toContain('okta-brute-force-multi-source');
  });

  it('a fast spray against 15+ accounts looks like stuffing until the third round (known overlap)', () => {
    // Within its first 15 minutes every account has been tried at most twice: the window cannot tell yet.
    const rules = fired(spray(16, 4, 0.2));
    expect(rules).toContain('okta-password-spray-single-source');
    expect(rules).toContain('okta-credential-stuffing');
  });
});

describe('okta-password-spray-distributed (B40)', () => {
  /** `count` users × `rounds` passwords, each attempt from one of `ips` addresses. */
  const distributed = (count: number, rounds: number, ips: number) =>
    Array.from({ length: count * rounds }, (_, i) => failed(users[i % count], i * 0.3, { ip: `45.89.${i % ips}.10` }));

  it('fires tenant-wide on 25 attempts against 8+ accounts in 15 minutes, medium from 5 IPs', () => {
    const [match, ...rest] = matchesOf('okta-password-spray-distributed', distributed(9, 3, 20));
    expect(rest).toEqual([]);
    expect(match).toMatchObject({ severity: 'medium', groupKey: 'tenant', distinctCount: 9, count: 27 });
    expect(match.subjectUserId).toBeUndefined();
  });

  it('is low when all attempts come from one IP (the single-source rules own that case)', () => {
    expect(matchesOf('okta-password-spray-distributed', distributed(9, 3, 1))[0].severity).toBe('low');
  });

  it('needs 8 accounts, 25 attempts and at most 5 attempts per account', () => {
    expect(matchesOf('okta-password-spray-distributed', distributed(7, 4, 20))).toEqual([]);
    expect(matchesOf('okta-password-spray-distributed', distributed(8, 3, 20))).toEqual([]); // 24 attempts
    const heavy = Array.from({ length: 6 }, (_, i) => failed(users[0], i * 0.1, { ip: '45.89.99.10' }));
    expect(matchesOf('okta-password-spray-distributed', [...heavy, ...distributed(8, 3, 20)])).toEqual([]); // 9 for one account
  });
});

describe('okta-credential-stuffing (B41)', () => {
  it('fires at 15 accounts and 25 attempts with at most 2 per account', () => {
    // 10 accounts tried twice, 5 once: 25 attempts, 15 accounts.
    const events = [...spray(15, 1), ...spray(10, 1).map((e, i) => failed(users[i], 5 + i * 0.25))];
    const [match] = matchesOf('okta-credential-stuffing', events);
    expect(match).toMatchObject({ severity: 'medium', groupKey: `ip:${attackerIp}`, distinctCount: 15, count: 25 });
  });

  it('stays quiet at 24 attempts, at 14 accounts, or once an account is tried 3 times', () => {
    expect(matchesOf('okta-credential-stuffing', spray(24, 1))).toEqual([]);
    expect(matchesOf('okta-credential-stuffing', spray(14, 2))).toEqual([]);
    const retried = [failed(users[0], 0.05), failed(users[0], 0.1), ...spray(24, 1)];
    expect(matchesOf('okta-credential-stuffing', retried)).toEqual([]);
  });
});

describe('okta-dthash-many-users and -proxy (B42)', () => {
  const token = 'f'.repeat(64);
  const fromToken = (count: number, extra: Partial<EventSpec> & Extra = {}) =>
    users.slice(0, count).map((user, i) => failed(user, i * 0.3, { dtHash: token, ip: `45.89.1.${i + 1}`, ...extra }));

  it('fires when one device token fails for more than 20 accounts in 9 minutes', () => {
    expect(matchesOf('okta-dthash-many-users', fromToken(20))).toEqual([]);
    const [match] = matchesOf('okta-dthash-many-users', fromToken(21));
    expect(match).toMatchObject({ severity: 'medium', groupKey: `dthash:${token}`, distinctCount: 21 });
  });

  it('ignores the "-" placeholder and other failure reasons', () => {
    expect(matchesOf('okta-dthash-many-users', fromToken(25, { dtHash: '-' }))).toEqual([]);
    expect(matchesOf('okta-dthash-many-users', fromToken(25, { reason: 'LOCKED_OUT' }))).toEqual([]);
  });

  const proxied = (user: TestPrincipal, minute: number, result = 'SUCCESS') =>
    event({ eventType: 'user.authentication.sso', minute, actor: user, dtHash: token, isProxy: true, result });

  it('behind a proxy, fires at 3 accounts on one token (any outcome)', () => {
    const [match] = matchesOf('okta-dthash-many-users-proxy', [proxied(dana, 0), proxied(fox, 2, 'FAILURE'), proxied(admin, 4)]);
    expect(match).toMatchObject({ severity: 'medium', distinctCount: 3 });
  });

  it('behind a proxy, stays quiet at 2 accounts, without a proxy, and for Okta actors', () => {
    expect(matchesOf('okta-dthash-many-users-proxy', [proxied(dana, 0), proxied(fox, 1)])).toEqual([]);
    const direct = [dana, fox, admin].map((user, i) =>
      event({ eventType: 'user.authentication.sso', minute: i, actor: user, dtHash: token, isProxy: false }),
    );
    expect(matchesOf('okta-dthash-many-users-proxy', direct)).toEqual([]);
    const okta = { id: 'oktaSystemActor00001', type: 'SystemPrincipal', alternateId: 'system@okta.com', displayName: 'Okta System' };
    expect(matchesOf('okta-dthash-many-users-proxy', [proxied(dana, 0), proxied(fox, 1), proxied(okta, 2)])).toEqual([]);
  });
});

describe('okta-push-source-response-mismatch (B46)', () => {
  const session = 'idxAttackerSession0000001';
  const sent = (minute: number, ip: string) =>
    event({ eventType: 'system.push.send_factor_verify_push', minute, actor: dana, ip, sessionId: session, target: [oktaVerifyEnrollment(dana)] });
  const answer = (minute: number, ip: string, result: 'SUCCESS' | 'FAILURE') =>
    event({
      eventType: 'user.authentication.auth_via_mfa',
      minute,
      actor: dana,
      ip,
      sessionId: session,
      result,
      reason: result === 'FAILURE' ? 'INVALID_CREDENTIALS' : null,
      target: [dana, oktaVerifyEnrollment(dana)],
      debugData: { factor: 'OKTA_VERIFY_PUSH', pushOnlyResponseType: result === 'SUCCESS' ? 'OV_RESPONSE_APPROVE' : 'OV_RESPONSE_REJECT' },
    });

  it('is high when a push of a session spanning two IPs was rejected', () => {
    const [match] = matchesOf('okta-push-source-response-mismatch', [sent(0, attackerIp), answer(0.3, '73.12.40.8', 'FAILURE')]);
    expect(match).toMatchObject({ severity: 'high', groupKey: `session:${session}`, subjectUserId: dana.id, distinctCount: 2 });
  });

  it('is high when most pushes went unanswered', () => {
    const events = [sent(0, attackerIp), sent(1, attackerIp), sent(2, '73.12.40.8'), answer(2.2, '73.12.40.8', 'SUCCESS')];
    expect(matchesOf('okta-push-source-response-mismatch', events)[0].severity).toBe('high');
  });

  it('is low when every push was approved, and silent when the session kept one IP', () => {
    const roaming = [sent(0, '73.12.40.8'), answer(0.2, '73.12.40.8', 'SUCCESS'), sent(10, '73.12.40.9'), answer(10.2, '73.12.40.9', 'SUCCESS')];
    expect(matchesOf('okta-push-source-response-mismatch', roaming)[0].severity).toBe('low');
    const oneIp = [sent(0, attackerIp), answer(0.2, attackerIp, 'FAILURE'), sent(1, attackerIp), answer(1.2, attackerIp, 'FAILURE')];
    expect(matchesOf('okta-push-source-response-mismatch', oneIp)).toEqual([]);
  });
});

describe('okta-mfa-challenge-failed (B47)', () => {
  const mfa = (factor: string, result = 'FAILURE') =>
    event({
      eventType: 'user.authentication.auth_via_mfa',
      actor: fox,
      result,
      reason: result === 'FAILURE' ? 'INVALID_CREDENTIALS' : null,
      debugData: { factor },
    });

  it('fires (low) on a failed second factor', () => {
    const [match] = matchesOf('okta-mfa-challenge-failed', [mfa('GOOGLE_OTP')]);
    expect(match).toMatchObject({ severity: 'low', groupKey: `user:${fox.id}`, subjectUserId: fox.id });
    expect(matchesOf('okta-mfa-challenge-failed', [event({ eventType: 'user.mfa.okta_verify.deny_push', actor: dana })])).toHaveLength(1);
  });

  it('ignores wrong passwords (Identity Engine logs them as auth_via_mfa) and successes', () => {
    expect(matchesOf('okta-mfa-challenge-failed', [mfa('PASSWORD_AS_FACTOR'), mfa('OKTA_VERIFY_PUSH', 'SUCCESS')])).toEqual([]);
  });
});

describe('okta-reset-unlock-flood and okta-mass-password-reset (B48)', () => {
  const resetEmail = (minute: number, type = 'system.email.password_reset.sent_message') =>
    event({ eventType: type, minute, actor: dana, target: [dana] });

  it('fires on 5 reset or unlock messages for one actor within an hour, not 4', () => {
    expect(matchesOf('okta-reset-unlock-flood', [0, 5, 10, 15].map((m) => resetEmail(m)))).toEqual([]);
    const events = [...[0, 5, 10, 15].map((m) => resetEmail(m)), resetEmail(20, 'system.sms.send_account_unlock_message')];
    const [match] = matchesOf('okta-reset-unlock-flood', events);
    expect(match).toMatchObject({ severity: 'medium', groupKey: `user:${dana.id}`, count: 5 });
  });

  it('does not add up different users or messages hours apart', () => {
    const events = [
      ...[0, 5].map((m) => resetEmail(m)),
      ...[0, 5, 10].map((m) => event({ eventType: 'system.email.password_reset.sent_message', minute: m, actor: fox, target: [fox] })),
      ...[100, 200, 300].map((m) => resetEmail(m)),
    ];
    expect(matchesOf('okta-reset-unlock-flood', events)).toEqual([]);
  });

  const adminReset = (user: TestPrincipal, minute: number) =>
    event({ eventType: 'user.account.reset_password', minute, actor: admin, target: [user] });

  it('fires when one admin resets more than 10 users with more than 15 resets in an hour', () => {
    const events = [...users.slice(0, 11).map((u, i) => adminReset(u, i)), ...users.slice(0, 5).map((u, i) => adminReset(u, 20 + i))];
    const [match] = matchesOf('okta-mass-password-reset', events);
    expect(match).toMatchObject({ severity: 'medium', groupKey: `user:${admin.id}`, subjectUserId: admin.id, distinctCount: 11, count: 16 });
  });

  it('is high from 50 users', () => {
    const events = users.slice(0, 40).map((u, i) => adminReset(u, i * 0.5));
    const more = Array.from({ length: 12 }, (_, i) => adminReset(oktaUser(`contractor${i}@example.com`), 21 + i * 0.5));
    expect(matchesOf('okta-mass-password-reset', [...events, ...more])[0].severity).toBe('high');
  });

  it('stays quiet at 10 users, at 15 resets, and for users resetting their own password', () => {
    const tenUsers = [...users.slice(0, 10), ...users.slice(0, 8)].map((u, i) => adminReset(u, i));
    expect(matchesOf('okta-mass-password-reset', tenUsers)).toEqual([]);
    expect(matchesOf('okta-mass-password-reset', users.slice(0, 15).map((u, i) => adminReset(u, i)))).toEqual([]);
    const selfService = users.slice(0, 20).map((u, i) => event({ eventType: 'user.account.reset_password', minute: i, actor: u, target: [u] }));
    expect(matchesOf('okta-mass-password-reset', selfService)).toEqual([]);
  });
});

describe('okta-password-in-username (B49)', () => {
  const typed = (login: string, result = 'FAILURE') =>
    failed({ id: 'unknown', type: 'User', alternateId: login, displayName: 'unknown' }, 0, { ip: '73.12.40.8', result });

  it('fires on a failed sign-in whose login is not an email, without exposing the login', () => {
    const [match] = matchesOf('okta-password-in-username', [typed('Winter2026!')]);
    expect(match).toMatchObject({ severity: 'medium', groupKey: 'ip:73.12.40.8', dedupeKey: 'okta-password-in-username:ip:73.12.40.8' });
    expect(match.subjectUser).toBeUndefined();
    expect(match.subjectUserId).toBeUndefined();
    expect(JSON.stringify(match)).not.toContain('Winter2026!');
  });

  it('recognises the legacy login_failed type even on other event types', () => {
    const legacy = event({
      eventType: 'user.authentication.auth',
      actor: { id: 'unknown', type: 'User', alternateId: 'hunter2', displayName: 'unknown' },
      result: 'FAILURE',
      legacyEventType: 'core.user_auth.login_failed',
    });
    expect(matchesOf('okta-password-in-username', [legacy])).toHaveLength(1);
  });

  it('ignores email logins, app client ids, "unknown" and successful sign-ins', () => {
    const events = [
      typed('dana.scully@example.com'),
      typed('0oa1b2c3d4e5f6g7h8i9'),
      typed('unknown'),
      event({ eventType: 'user.session.start', actor: { ...dana, alternateId: 'dscully' } }),
    ];
    expect(matchesOf('okta-password-in-username', events)).toEqual([]);
  });
});

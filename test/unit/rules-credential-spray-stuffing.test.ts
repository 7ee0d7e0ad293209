// Section B rules on attacks across many accounts: how brute force, spray and stuffing are told apart, and the
// distributed spray, credential stuffing and shared device-token rules (B39–B42).
import { describe, expect, it } from 'vitest';
import { catalogue, evaluate, type DetectionSettings, type OktaLogEvent } from '../../detections/index.js';
import { oktaUser } from '../../detections/testing.js';
import type { EventSpec, TestPrincipal } from '../../detections/testing.js';
import { admin, attackerIp, dana, event, failed, fox, matchesOf, spray, users, type Extra } from './support/rules-credential.js';

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

  it("scales its counts with the directory above 5,000 people: a large org's everyday typos are not a spray", () => {
    const staff = Array.from({ length: 30 }, (_, i) => oktaUser(`staff${i}@example.com`));
    /** `accounts` of the staff, `rounds` attempts each, 6 seconds apart, from 20 addresses. */
    const failures = (accounts: number, rounds: number) =>
      Array.from({ length: accounts * rounds }, (_, i) => failed(staff[i % accounts], i * 0.1, { ip: `45.89.${i % 20}.10` }));
    const fires = (events: OktaLogEvent[], settings: DetectionSettings) =>
      evaluate(catalogue, events, { settings }).some((match) => match.ruleId === 'okta-password-spray-distributed');
    // Up to 5,000 people (and when the size is unknown) the catalogue's counts: 25 attempts on 8 accounts.
    for (const settings of [{}, { tenantUsers: 5_000 }]) expect(fires(failures(9, 3), settings)).toBe(true);
    // At 15,000: 75 attempts on 24 accounts.
    const large = { tenantUsers: 15_000 };
    expect(fires(failures(9, 3), large)).toBe(false);
    expect(fires(failures(25, 3), large)).toBe(true);
    expect(fires(failures(24, 3), large)).toBe(false); // 72 attempts
    // A tenant's own threshold still sets the accounts; the attempts follow the size.
    const tuned = { ...large, rules: { 'okta-password-spray-distributed': { threshold: 15 } } };
    expect(fires(failures(15, 5), tuned)).toBe(true);
    expect(fires(failures(15, 5), large)).toBe(false);
    expect(fires(failures(14, 5), tuned)).toBe(false); // 70 attempts
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

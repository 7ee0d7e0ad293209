// Section B rules on lockouts and brute force against one account or from one source: lockouts (B32–B34),
// brute force by user, by IP and from many sources (B35–B37), and device-token and user-agent rotation (B38).
import { describe, expect, it } from 'vitest';
import { oktaUser } from '../../detections/testing.js';
import { admin, attackerIp, dana, event, failed, fox, lockout, matchesOf, users } from './support/rules-credential.js';

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

  it('counts a transaction id again in a later window, once its first window is long past', () => {
    // Attempt ids are remembered per group of nearby attempts; one seen hours earlier cannot share a window with this one.
    const earlier = failed(dana, 0, { transactionId: 'ZvojReused' });
    const burst = Array.from({ length: 20 }, (_, i) => failed(dana, 200 + i * 2.5, { transactionId: i === 0 ? 'ZvojReused' : `ZvojLater${i}` }));
    const [match, ...rest] = matchesOf('okta-brute-force-by-user', [earlier, ...burst]);
    expect(rest).toEqual([]);
    expect(match).toMatchObject({ groupKey: `user:${dana.id}`, count: 20 });
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

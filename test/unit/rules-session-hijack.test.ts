// Section C rules on stolen and replayed sessions: one session on many devices, AiTM replay, one device token
// on two clients, many sessions for one user, and failed app access inside a session (C51–C55).
import { describe, expect, it } from 'vitest';
import type { TestPrincipal } from '../../detections/testing.js';
import { CHROME_MAC, CHROME_WINDOWS, PYTHON, admin, app, dana, event, fox, matchesOf, slack } from './support/rules-session.js';

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

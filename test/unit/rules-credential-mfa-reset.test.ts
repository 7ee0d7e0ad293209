// Section B rules on MFA and password recovery: push source/response mismatch and failed MFA challenges
// (B46, B47), reset and unlock floods and mass password resets (B48), and a password typed as the login (B49).
import { describe, expect, it } from 'vitest';
import { oktaUser, oktaVerifyEnrollment, type TestPrincipal } from '../../detections/testing.js';
import { admin, attackerIp, dana, event, failed, fox, matchesOf, users } from './support/rules-credential.js';

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

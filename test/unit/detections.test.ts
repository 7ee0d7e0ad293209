import { describe, expect, it } from 'vitest';
import { catalogue, evaluate, type DetectionMatch, type OktaLogEvent } from '../../detections/index.js';
import {
  minutesAfter,
  oktaEvent,
  oktaGroup,
  oktaUser,
  oktaVerifyEnrollment,
  type TestPrincipal,
} from '../../detections/testing.js';

const T0 = '2026-03-02T09:00:00.000Z';
const admin = oktaUser('walter.skinner@example.com');
const dana = oktaUser('dana.scully@example.com');
const fox = oktaUser('fox.mulder@example.com');

function matchesOf(ruleId: string, events: OktaLogEvent[]): DetectionMatch[] {
  return evaluate(catalogue, events).filter((match) => match.ruleId === ruleId);
}

describe('okta-admin-role-granted-user', () => {
  const grant = (role: string, result = 'SUCCESS') =>
    oktaEvent({
      eventType: 'user.account.privilege.grant',
      at: T0,
      actor: admin,
      target: [fox],
      result,
      debugData: { privilegeGranted: role },
    });

  it('is critical for Super administrator, about the user who received the role', () => {
    const [match, ...rest] = matchesOf('okta-admin-role-granted-user', [grant('Super administrator')]);
    expect(rest).toEqual([]);
    expect(match).toMatchObject({
      severity: 'critical',
      groupKey: `user:${fox.id}`,
      dedupeKey: `okta-admin-role-granted-user:user:${fox.id}`,
      subjectUserId: fox.id,
      subjectUser: 'fox.mulder@example.com',
      tactics: ['TA0003', 'TA0004'],
      techniques: ['T1098.003'],
      count: 1,
    });
  });

  it('is high for other admin roles', () => {
    const [match] = matchesOf('okta-admin-role-granted-user', [grant('Application administrator, Help Desk administrator')]);
    expect(match.severity).toBe('high');
  });

  it('ignores revocations, and reports a refused grant one severity lower, as an attempt', () => {
    const revoke = oktaEvent({ eventType: 'user.account.privilege.revoke', at: T0, actor: admin, target: [fox] });
    expect(matchesOf('okta-admin-role-granted-user', [revoke])).toEqual([]);
    const [attempt, ...rest] = matchesOf('okta-admin-role-granted-user', [grant('Super administrator', 'FAILURE')]);
    expect(rest).toEqual([]);
    expect(attempt.severity).toBe('high');
  });
});

describe('okta-admin-role-granted-group', () => {
  const helpDesk = oktaGroup('Help Desk');

  it('fires on a role granted to a group, keyed by the group', () => {
    const event = oktaEvent({
      eventType: 'group.privilege.grant',
      at: T0,
      actor: admin,
      target: [helpDesk],
      debugData: { privilegeGranted: 'Help Desk administrator' },
    });
    const [match] = matchesOf('okta-admin-role-granted-group', [event]);
    expect(match).toMatchObject({ severity: 'high', groupKey: `group:${helpDesk.id}` });
    expect(match.subjectUserId).toBeUndefined();
  });

  it('ignores adding a member to a group', () => {
    const event = oktaEvent({ eventType: 'group.user_membership.add', at: T0, actor: admin, target: [fox, helpDesk] });
    expect(matchesOf('okta-admin-role-granted-group', [event])).toEqual([]);
  });
});

describe('okta-api-token-created', () => {
  const token = { id: '00T94e3cn9kSEO3c51s5', type: 'Token', alternateId: 'unknown', displayName: 'jenkins-sync' };

  it('fires on a created token, about the admin who created it', () => {
    const event = oktaEvent({ eventType: 'system.api_token.create', at: T0, actor: admin, target: [token] });
    const [match] = matchesOf('okta-api-token-created', [event]);
    expect(match).toMatchObject({
      severity: 'medium',
      groupKey: `user:${admin.id}`,
      subjectUserId: admin.id,
      subjectUser: 'walter.skinner@example.com',
      evidenceUuids: [event.uuid],
    });
  });

  it('ignores revoked tokens, and reports a refused creation one severity lower, as an attempt', () => {
    const revoke = oktaEvent({ eventType: 'system.api_token.revoke', at: T0, actor: admin, target: [token] });
    expect(matchesOf('okta-api-token-created', [revoke])).toEqual([]);
    const refused = oktaEvent({ eventType: 'system.api_token.create', at: T0, actor: admin, target: [token], result: 'FAILURE' });
    const [attempt, ...rest] = matchesOf('okta-api-token-created', [refused]);
    expect(rest).toEqual([]);
    expect(attempt.severity).toBe('low');
  });
});

describe('okta-mfa-push-bombing', () => {
  const passwordEnrollment = (user: TestPrincipal): TestPrincipal => ({
    id: `lae${user.id.slice(3)}`,
    type: 'AuthenticatorEnrollment',
    alternateId: 'unknown',
    displayName: 'Password',
    detailEntry: { methodTypeUsed: 'Password', methodUsedVerifiedProperties: '[USER_PRESENCE]' },
  });

  /** Identity Engine: a rejected push is auth_via_mfa FAILURE INVALID_CREDENTIALS with factor OKTA_VERIFY_PUSH. */
  const rejectedPush = (user: TestPrincipal, minute: number, factor: string | null = 'OKTA_VERIFY_PUSH') =>
    oktaEvent({
      eventType: 'user.authentication.auth_via_mfa',
      at: minutesAfter(T0, minute),
      actor: user,
      result: 'FAILURE',
      reason: 'INVALID_CREDENTIALS',
      ip: '203.0.113.23',
      target: [user, factor === 'PASSWORD_AS_FACTOR' ? passwordEnrollment(user) : oktaVerifyEnrollment(user)],
      debugData: { ...(factor ? { factor } : {}), factorIntent: 'AUTHENTICATION', pushOnlyResponseType: 'OV_RESPONSE_REJECT' },
    });

  it('fires on 5 rejected pushes within 10 minutes', () => {
    const events = [0, 1.5, 3, 5, 8].map((minute) => rejectedPush(dana, minute));
    const [match, ...rest] = matchesOf('okta-mfa-push-bombing', events);
    expect(rest).toEqual([]);
    expect(match).toMatchObject({
      severity: 'high',
      groupKey: `user:${dana.id}`,
      subjectUserId: dana.id,
      count: 5,
      firstEventAt: T0,
      lastEventAt: minutesAfter(T0, 8),
      techniques: ['T1621'],
    });
    expect(match.evidenceUuids).toEqual(events.map((event) => event.uuid));
  });

  it('stays quiet at 4 rejections, or 5 spread over more than 10 minutes', () => {
    expect(matchesOf('okta-mfa-push-bombing', [0, 2, 4, 6].map((m) => rejectedPush(dana, m)))).toEqual([]);
    expect(matchesOf('okta-mfa-push-bombing', [0, 3, 6, 9, 10.5].map((m) => rejectedPush(dana, m)))).toEqual([]);
  });

  it('counts per user: 3 rejections each for two users is not a burst', () => {
    const events = [0, 1, 2].flatMap((m) => [rejectedPush(dana, m), rejectedPush(fox, m)]);
    expect(matchesOf('okta-mfa-push-bombing', events)).toEqual([]);
  });

  it('counts Classic Engine deny_push events', () => {
    const events = [0, 1, 2, 3, 4].map((minute) =>
      oktaEvent({ eventType: 'user.mfa.okta_verify.deny_push', at: minutesAfter(T0, minute), actor: fox, target: [fox] }),
    );
    expect(matchesOf('okta-mfa-push-bombing', events)).toHaveLength(1);
  });

  it('recognises a push by its enrolment method when debugData has no factor', () => {
    const events = [0, 1, 2, 3, 4].map((minute) => rejectedPush(dana, minute, null));
    expect(matchesOf('okta-mfa-push-bombing', events)).toHaveLength(1);
  });

  it('ignores failed password checks and approved pushes', () => {
    const wrongPasswords = [0, 1, 2, 3, 4].map((m) => rejectedPush(dana, m, 'PASSWORD_AS_FACTOR'));
    const approved = [0, 1, 2, 3, 4].map((minute) =>
      oktaEvent({
        eventType: 'user.authentication.auth_via_mfa',
        at: minutesAfter(T0, minute),
        actor: fox,
        debugData: { factor: 'OKTA_VERIFY_PUSH', pushOnlyResponseType: 'OV_RESPONSE_APPROVE' },
      }),
    );
    expect(matchesOf('okta-mfa-push-bombing', [...wrongPasswords, ...approved])).toEqual([]);
  });
});

describe('okta-password-spray-single-source', () => {
  const sprayIp = '203.0.113.50';
  const users = ['ana', 'ben', 'cho', 'dev', 'eli', 'fay', 'gus', 'hal', 'ivy'].map((name) => oktaUser(`${name}@example.com`));

  const failedSignIn = (user: TestPrincipal, minute: number, reason = 'INVALID_CREDENTIALS', ip = sprayIp) =>
    oktaEvent({ eventType: 'user.session.start', at: minutesAfter(T0, minute), actor: user, ip, result: 'FAILURE', reason });

  /** `rounds` passwords tried against each of the first `userCount` users, one attempt a minute. */
  const spray = (userCount: number, rounds: number) => {
    const events: OktaLogEvent[] = [];
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < userCount; i++) events.push(failedSignIn(users[i], events.length));
    }
    return events;
  };

  it('fires on 6 users × 2 passwords from one IP within the hour', () => {
    const [match, ...rest] = matchesOf('okta-password-spray-single-source', spray(6, 2));
    expect(rest).toEqual([]);
    expect(match).toMatchObject({ severity: 'medium', groupKey: `ip:${sprayIp}`, count: 12, distinctCount: 6 });
    expect(match.subjectUserId).toBeUndefined();
  });

  it('fires at exactly 5 users and 10 attempts, not at 9 attempts or 4 users', () => {
    expect(matchesOf('okta-password-spray-single-source', spray(5, 2))).toHaveLength(1);
    expect(matchesOf('okta-password-spray-single-source', spray(5, 2).slice(0, 9))).toEqual([]);
    expect(matchesOf('okta-password-spray-single-source', spray(4, 3))).toEqual([]);
  });

  it('counts failures for guessed (unknown) users, not policy blocks', () => {
    // Okta logs an unknown login with actor.id "unknown" and the typed login as alternateId.
    const guessed = (i: number) => ({ ...oktaUser(`guess${i}@example.com`), id: 'unknown' });
    const mixed = spray(5, 2).map((event, i) => (i % 3 === 0 ? failedSignIn(guessed(i), i, 'UNKNOWN_USER') : event));
    expect(matchesOf('okta-password-spray-single-source', mixed)).toHaveLength(1);
    const policyErrors = Array.from({ length: 12 }, (_, i) => failedSignIn(users[i % 6], i, 'NETWORK_ZONE_BLACKLIST'));
    expect(matchesOf('okta-password-spray-single-source', policyErrors)).toEqual([]);
  });

  it('is not a spray when one account takes most of the attempts (brute force)', () => {
    const bruteForce = Array.from({ length: 12 }, (_, i) => failedSignIn(users[0], i));
    const others = [1, 2, 3, 4].map((i) => failedSignIn(users[i], 12 + i));
    expect(matchesOf('okta-password-spray-single-source', [...bruteForce, ...others])).toEqual([]);
  });

  it('needs one source IP and one hour', () => {
    const rotating = Array.from({ length: 12 }, (_, i) => failedSignIn(users[i % 6], i, 'INVALID_CREDENTIALS', `198.51.100.${i}`));
    const slow = Array.from({ length: 12 }, (_, i) => failedSignIn(users[i % 6], i * 10));
    expect(matchesOf('okta-password-spray-single-source', [...rotating, ...slow])).toEqual([]);
  });

  it('counts a sign-in logged twice in one request once', () => {
    // Identity Engine may log one wrong password as user.session.start plus auth_via_mfa in the same transaction.
    const doubleLogged = (user: TestPrincipal, minute: number) => {
      const base = { actor: user, ip: sprayIp, result: 'FAILURE', reason: 'INVALID_CREDENTIALS', transactionId: `ZvojSpray${minute}` };
      return [
        oktaEvent({ ...base, eventType: 'user.session.start', at: minutesAfter(T0, minute) }),
        oktaEvent({
          ...base,
          eventType: 'user.authentication.auth_via_mfa',
          at: minutesAfter(T0, minute),
          debugData: { factor: 'PASSWORD_AS_FACTOR' },
        }),
      ];
    };
    const onePasswordEach = users.slice(0, 5).flatMap((user, i) => doubleLogged(user, i));
    const twoPasswordsEach = users.slice(0, 5).flatMap((user, i) => doubleLogged(user, 10 + i));
    expect(matchesOf('okta-password-spray-single-source', onePasswordEach)).toEqual([]);
    const [match] = matchesOf('okta-password-spray-single-source', [...onePasswordEach, ...twoPasswordsEach]);
    expect(match.count).toBe(10);
  });

  it('ignores successful sign-ins behind one office NAT', () => {
    const office = [0, 1].flatMap((round) =>
      users.map((user, i) =>
        oktaEvent({ eventType: 'user.session.start', at: minutesAfter(T0, round * 10 + i), actor: user, ip: sprayIp }),
      ),
    );
    expect(matchesOf('okta-password-spray-single-source', office)).toEqual([]);
  });
});

describe('okta-user-reported-suspicious', () => {
  it('fires when a user reports activity, about that user', () => {
    const report = oktaEvent({
      eventType: 'user.account.report_suspicious_activity_by_enduser',
      at: T0,
      actor: dana,
      debugData: { suspiciousActivityEventType: 'system.email.new_device_notification.sent_message' },
    });
    const [match] = matchesOf('okta-user-reported-suspicious', [report]);
    expect(match).toMatchObject({ severity: 'high', groupKey: `user:${dana.id}`, subjectUserId: dana.id, subjectUser: dana.alternateId });
  });

  it('ignores the notification email itself', () => {
    const email = oktaEvent({ eventType: 'system.email.new_device_notification.sent_message', at: T0, actor: dana });
    expect(matchesOf('okta-user-reported-suspicious', [email])).toEqual([]);
  });
});

describe('okta-impossible-travel (two countries within an hour)', () => {
  const session = (user: TestPrincipal, minute: number, country: string | null, result = 'SUCCESS') =>
    oktaEvent({ eventType: 'user.session.start', at: minutesAfter(T0, minute), actor: user, country, result });

  it('fires on successful sign-ins from two countries 40 minutes apart', () => {
    const events = [session(dana, 0, 'United States'), session(dana, 40, 'Germany')];
    const [match] = matchesOf('okta-impossible-travel', events);
    expect(match).toMatchObject({
      severity: 'high',
      groupKey: `user:${dana.id}`,
      subjectUserId: dana.id,
      distinctCount: 2,
      count: 2,
      evidenceUuids: events.map((event) => event.uuid),
    });
  });

  it('stays quiet for sign-ins 90 minutes apart, in one country, or by two different users', () => {
    const events = [
      session(dana, 0, 'United States'),
      session(dana, 90, 'Germany'),
      session(fox, 0, 'United States'),
      session(fox, 5, 'united states'),
      session(admin, 0, 'Brazil'),
      session(dana, 95, 'Germany'),
    ];
    expect(matchesOf('okta-impossible-travel', events)).toEqual([]);
  });

  it('ignores failed sign-ins and sign-ins without a country', () => {
    const events = [session(dana, 0, 'United States'), session(dana, 10, 'Singapore', 'FAILURE'), session(dana, 20, null)];
    expect(matchesOf('okta-impossible-travel', events)).toEqual([]);
  });
});

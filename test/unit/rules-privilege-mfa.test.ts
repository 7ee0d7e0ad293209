// Section A rules on MFA and devices: factors disabled org-wide, removed or reset for a user, bypass attempts
// and device enrolment (A14–A17, A19, A20).
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../detections/index.js';
import { privilegeRules } from '../../detections/rules/privilege/index.js';
import { oktaEvent, oktaVerifyEnrollment, type TestPrincipal } from '../../detections/testing.js';
import { T0, admin, adminEvent, dana, entity, fox, helpDesk, hits } from './support/rules-privilege.js';

describe('okta-org-mfa-factor-disabled (A14)', () => {
  it('fires high when a factor type or authenticator is deactivated org-wide', () => {
    const classic = adminEvent({
      eventType: 'system.mfa.factor.deactivate',
      target: [entity('Factor', 'fct1nv8r7gPY5sPKx0g4', 'Okta Verify')],
    });
    const oie = oktaEvent({
      eventType: 'security.authenticator.lifecycle.deactivate',
      at: T0,
      actor: fox,
      target: [entity('Authenticator', 'aut1nv8r7gPY5sPKx0g4', 'FIDO2 (WebAuthn)')],
    });
    const matches = hits('okta-org-mfa-factor-disabled', [classic, oie]);
    expect(matches).toHaveLength(2);
    for (const match of matches) expect(match).toMatchObject({ severity: 'high', techniques: ['T1556.006'] });
  });

  it('ignores factors being enabled', () => {
    const events = [
      adminEvent({ eventType: 'system.mfa.factor.activate' }),
      adminEvent({ eventType: 'security.authenticator.lifecycle.activate' }),
    ];
    expect(hits('okta-org-mfa-factor-disabled', events)).toEqual([]);
  });
});

describe('user factor removal (A15, A17)', () => {
  const removal = (actor: TestPrincipal, reason: string | null, eventType = 'user.mfa.factor.deactivate', result = 'SUCCESS') =>
    oktaEvent({ eventType, at: T0, actor, target: [dana, oktaVerifyEnrollment(dana)], reason, result });

  it('A15: a factor removed or suspended by the help desk is medium, about the user who lost it', () => {
    expect(hits('okta-user-mfa-factor-removed', [removal(helpDesk, null)])).toMatchObject([
      { severity: 'medium', groupKey: `user:${dana.id}`, subjectUserId: dana.id, subjectUser: dana.alternateId },
    ]);
    expect(hits('okta-user-mfa-factor-removed', [removal(helpDesk, null, 'user.mfa.factor.suspend')])).toHaveLength(1);
    expect(hits('okta-user-mfa-self-reset', [removal(helpDesk, null)])).toEqual([]);
  });

  it('A17: the user resetting their own factor is info only', () => {
    const own = removal(dana, 'User reset FIDO_WEBAUTHN factor');
    expect(hits('okta-user-mfa-self-reset', [own])).toMatchObject([{ severity: 'info', subjectUserId: dana.id }]);
    expect(hits('okta-user-mfa-factor-removed', [own])).toEqual([]);
  });

  it('treats actor = target as self-service even without Okta\'s reason', () => {
    expect(hits('okta-user-mfa-factor-removed', [removal(dana, null)])).toEqual([]);
    expect(hits('okta-user-mfa-self-reset', [removal(dana, null)])).toHaveLength(1);
  });

  it('reports a failed removal by someone else as an attempt, one level lower, and no self-reset', () => {
    const failed = removal(helpDesk, null, 'user.mfa.factor.deactivate', 'FAILURE');
    expect(evaluate(privilegeRules, [failed]).map((m) => [m.ruleId, m.severity])).toEqual([['okta-user-mfa-factor-removed', 'low']]);
  });
});

describe('okta-user-mfa-reset-all (A16)', () => {
  it('is medium and about the user whose factors were reset', () => {
    const reset = oktaEvent({
      eventType: 'user.mfa.factor.reset_all',
      at: T0,
      actor: helpDesk,
      target: [fox],
      debugData: { requestUri: `/api/v1/users/${fox.id}/lifecycle/reset_factors` },
    });
    expect(hits('okta-user-mfa-reset-all', [reset])).toMatchObject([
      { severity: 'medium', groupKey: `user:${fox.id}`, subjectUserId: fox.id, tactics: ['TA0003', 'TA0006', 'TA0005'] },
    ]);
  });

  it('ignores factor enrolment and reports a failed reset as an attempt (low)', () => {
    const enrolment = oktaEvent({ eventType: 'user.mfa.factor.activate', at: T0, actor: fox, target: [fox, oktaVerifyEnrollment(fox)] });
    expect(hits('okta-user-mfa-reset-all', [enrolment])).toEqual([]);
    const failed = oktaEvent({ eventType: 'user.mfa.factor.reset_all', at: T0, actor: helpDesk, target: [fox], result: 'FAILURE' });
    expect(hits('okta-user-mfa-reset-all', [failed])).toMatchObject([{ severity: 'low', subjectUserId: fox.id }]);
  });
});

describe('okta-mfa-bypass-attempt (A19)', () => {
  it('fires high on a bypass attempt whatever its outcome', () => {
    for (const result of ['SUCCESS', 'FAILURE']) {
      const event = oktaEvent({ eventType: 'user.mfa.attempt_bypass', at: T0, actor: dana, target: [dana], result });
      expect(hits('okta-mfa-bypass-attempt', [event]), result).toMatchObject([{ severity: 'high', subjectUserId: dana.id }]);
    }
  });

  it('ignores ordinary MFA verification', () => {
    const event = oktaEvent({
      eventType: 'user.authentication.auth_via_mfa',
      at: T0,
      actor: dana,
      target: [dana, oktaVerifyEnrollment(dana)],
    });
    expect(hits('okta-mfa-bypass-attempt', [event])).toEqual([]);
  });
});

describe('okta-device-enrolled (A20)', () => {
  const laptop = { id: 'guofdhyjex1feOgbN1d9', type: 'Device', alternateId: 'unknown', displayName: 'Mac15,6', detailEntry: null };

  it('fires low for a new device, about the enrolling user', () => {
    const event = oktaEvent({ eventType: 'device.enrollment.create', at: T0, actor: dana, target: [laptop] });
    expect(hits('okta-device-enrolled', [event])).toMatchObject([{ severity: 'low', subjectUserId: dana.id, techniques: ['T1098.005'] }]);
  });

  it('ignores other device lifecycle events and failures', () => {
    const events = [
      oktaEvent({ eventType: 'device.lifecycle.deactivate', at: T0, actor: admin, target: [laptop] }),
      oktaEvent({ eventType: 'device.enrollment.create', at: T0, actor: dana, target: [laptop], result: 'FAILURE' }),
    ];
    expect(hits('okta-device-enrolled', events)).toEqual([]);
  });
});

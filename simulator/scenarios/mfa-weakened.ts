/**
 * MFA taken apart from an admin session: the phishing-resistant authenticator (FIDO2/WebAuthn) is
 * switched off for the whole org, one user's Okta Verify enrolment is removed by the admin, and
 * the attacker, signing in as that user from abroad, tries to get past the factor prompt.
 * Optionally the admin session itself is driven through an anonymising proxy (an intruder in a
 * stolen admin session) instead of from the admin's home.
 */
import { userActor, userTarget, enrollmentTarget, type RequestSource } from '../events.js';
import { stableOktaId } from '../ids.js';
import { findFactor, newSession } from '../sign-in.js';
import { MINUTE, addMs } from '../time.js';
import type { OktaLogEvent } from '../types.js';
import { attackerSource, chooseAdmin, chooseVictim, defineScenario, homeSource, openAdminConsole, proxiedSource } from './context.js';
import { scenarioEvent } from './log-events.js';

export type MfaWeakening = 'org-authenticator' | 'user-factor' | 'bypass';

export interface MfaWeakenedOptions {
  adminId?: string;
  /** Whose factor is removed and whose MFA is bypassed. */
  userId?: string;
  /** Which steps, in order (default all three). */
  steps?: MfaWeakening[];
  /** Whether the admin's changes come through an anonymising proxy rather than from the admin's home (default false). */
  adminViaProxy?: boolean;
}

export interface MfaWeakenedSubjects {
  adminId: string;
  userId: string;
  steps: MfaWeakening[];
  /** The attacker's address in the bypass attempt. */
  attackerIp: string;
  /** Where the admin's changes came from. */
  adminIp: string;
}

const ALL_STEPS: MfaWeakening[] = ['org-authenticator', 'user-factor', 'bypass'];

export const mfaWeakened = defineScenario<MfaWeakenedOptions, MfaWeakenedSubjects>({
  description: "security.authenticator.lifecycle.deactivate of WebAuthn, an admin removing a user's Okta Verify (optionally through an anonymising proxy), then user.mfa.attempt_bypass",
  build(context, options) {
    const { org, rng, at } = context;
    const admin = chooseAdmin(context, options.adminId);
    const user = chooseVictim(context, options.userId, (u) => (org.factors[u.id] ?? []).some((f) => f.factorType === 'push'));
    const steps = options.steps?.length ? options.steps : ALL_STEPS;
    const source: RequestSource = options.adminViaProxy
      ? proxiedSource(context, admin)
      : homeSource(context, admin);
    const session = newSession(rng);
    const attacker = attackerSource(rng, org.personas[user.id]?.home.place.countryCode);
    const events: OktaLogEvent[] = [openAdminConsole(context, admin, source, at, session)];
    let t = addMs(at, rng.int(2, 5) * MINUTE);

    for (const step of steps) {
      if (step === 'org-authenticator') {
        const authenticatorId = stableOktaId('aut', `${org.orgName}:authenticator:webauthn`);
        events.push(scenarioEvent(rng, {
          eventType: 'security.authenticator.lifecycle.deactivate', published: t, actor: userActor(admin), source, session,
          target: [{ id: authenticatorId, type: 'Authenticator', alternateId: 'unknown', displayName: 'FIDO2 (WebAuthn)', detailEntry: { authenticatorKey: 'webauthn' } }],
          requestUri: `/api/v1/authenticators/${authenticatorId}/lifecycle/deactivate`,
        }));
      } else if (step === 'user-factor') {
        const factor = findFactor(org, user, 'push');
        if (factor) {
          events.push(scenarioEvent(rng, {
            eventType: 'user.mfa.factor.deactivate', published: t, actor: userActor(admin), source, session,
            outcome: { result: 'SUCCESS', reason: 'Admin reset OKTA_VERIFY_PUSH factor' },
            target: [userTarget(user), enrollmentTarget(factor)], requestUri: `/api/v1/users/${user.id}/factors/${factor.id}`,
            debugData: { factor: 'OKTA_VERIFY_PUSH' },
          }));
        }
      } else {
        events.push(scenarioEvent(rng, {
          eventType: 'user.mfa.attempt_bypass', published: addMs(t, 10 * MINUTE), actor: userActor(user), source: attacker,
          outcome: { result: 'FAILURE', reason: 'Bypass attempt of MFA factor' },
          target: [userTarget(user)], requestUri: '/idp/idx/skip',
        }));
      }
      t = addMs(t, rng.int(1, 4) * MINUTE + rng.int(0, 59_999));
    }
    return { events, subjects: { adminId: admin.id, userId: user.id, steps, attackerIp: attacker.origin.ip, adminIp: source.origin.ip } };
  },
});

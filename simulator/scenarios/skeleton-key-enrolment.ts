/**
 * "Skeleton key" persistence from a hijacked admin session: the attacker enrols an authenticator
 * app they control on several other people's accounts (the admin API activates it at once), then
 * signs in as one of them with its codes from abroad. No password reset, no user interaction.
 */
import { buildEvent, enrollmentTarget, policyTargets, userActor, userTarget } from '../events.js';
import { ID_PREFIX, oktaId } from '../ids.js';
import { mfaVerification, newSession } from '../sign-in.js';
import { MINUTE, SECOND, addMs } from '../time.js';
import type { OktaLogEvent, OktaUserFactor } from '../types.js';
import { attackerSource, chooseAdminWithRole, defineScenario, openAdminConsole, otherActiveUsers } from './context.js';

export interface SkeletonKeyEnrolmentOptions {
  /** The admin account used (default: an org admin). */
  adminId?: string;
  /** Accounts given the attacker's authenticator (default 3; at least 1). */
  accounts?: number;
  /** Whether the attacker then signs in as the first of them (default true). */
  signIn?: boolean;
}

export interface SkeletonKeyEnrolmentSubjects {
  adminId: string;
  /** Accounts that received the attacker's authenticator, in order. */
  userIds: string[];
  attackerIp: string;
}

export const skeletonKeyEnrolment = defineScenario<SkeletonKeyEnrolmentOptions, SkeletonKeyEnrolmentSubjects>({
  description: "An admin session activates a TOTP authenticator on other users' accounts (user.mfa.factor.activate by the admin), then signs in as one with it",
  build(context, options) {
    const { org, rng, at } = context;
    const admin = chooseAdminWithRole(context, options.adminId, 'ORG_ADMIN');
    const source = attackerSource(rng, org.personas[admin.id]?.home.place.countryCode);
    const session = newSession(rng);
    const users = otherActiveUsers(context, [admin.id], Math.max(1, options.accounts ?? 3));
    const events: OktaLogEvent[] = [openAdminConsole(context, admin, source, at, session)];
    const factors: OktaUserFactor[] = [];
    let t = addMs(at, rng.int(2, 6) * MINUTE);

    for (const user of users) {
      const factor: OktaUserFactor = {
        id: oktaId(rng, ID_PREFIX.totpFactor), factorType: 'token:software:totp', provider: 'GOOGLE', vendorName: 'GOOGLE', status: 'ACTIVE',
        created: t.toISOString(), lastUpdated: t.toISOString(), profile: { credentialId: user.profile.login },
      };
      factors.push(factor);
      events.push(buildEvent(rng, {
        eventType: 'user.mfa.factor.activate', published: t, actor: userActor(admin), source, session,
        target: [userTarget(user), enrollmentTarget(factor)], requestUri: `/api/v1/users/${user.id}/factors/${factor.id}/lifecycle/activate`,
        debugData: { factor: 'GOOGLE_OTP', factorIntent: 'ENROLLMENT' },
      }));
      t = addMs(t, rng.int(40, 150) * SECOND);
    }

    if (options.signIn !== false) {
      // The first account, signed in with the password the attacker already had and their own codes.
      const [user] = users;
      const userSession = newSession(rng);
      t = addMs(t, rng.int(5, 15) * MINUTE);
      events.push(buildEvent(rng, {
        eventType: 'policy.evaluate_sign_on', published: t, actor: userActor(user), source, session: userSession,
        outcome: { result: 'CHALLENGE', reason: 'Sign-on policy evaluation resulted in CHALLENGE' },
        target: policyTargets(org.signOnPolicy), requestUri: '/idp/idx/identify',
      }));
      t = addMs(t, rng.int(8, 20) * SECOND);
      events.push(mfaVerification(rng, user, factors[0], source, t, 'SUCCESS', userSession));
      events.push(buildEvent(rng, {
        eventType: 'user.session.start', published: addMs(t, rng.int(300, 1_200)), actor: userActor(user), source, session: userSession,
        target: [enrollmentTarget(factors[0])], authentication: { authenticationProvider: 'OKTA_AUTHENTICATION_PROVIDER', credentialType: 'PASSWORD' },
        requestUri: '/idp/idx/challenge/answer',
      }));
    }
    return { events, subjects: { adminId: admin.id, userIds: users.map((u) => u.id), attackerIp: source.origin.ip } };
  },
});

/**
 * Help-desk social engineering: a caller posing as the user gets the help desk to reset all of the
 * user's factors and their password. Minutes later the caller signs in from abroad with the
 * temporary password and enrols Okta Verify on their own phone, which now counts as the user's
 * device.
 */
import { MOBILE_BROWSERS } from '../catalog.js';
import { buildEvent, enrollmentTarget, policyTargets, userActor, userTarget, type RequestSource } from '../events.js';
import { ID_PREFIX, oktaId } from '../ids.js';
import { newSession } from '../sign-in.js';
import { MINUTE, SECOND, addMs } from '../time.js';
import type { LogDevice, OktaLogEvent, OktaUserFactor } from '../types.js';
import { ATTACKER_AGENTS, chooseAdminWithRole, chooseVictim, defineScenario, directForeignOrigin, homeSource, openAdminConsole } from './context.js';
import { scenarioEvent } from './log-events.js';

export interface HelpDeskTakeoverOptions {
  userId?: string;
  /** Default: the help-desk admin. */
  helpDeskId?: string;
}

export interface HelpDeskTakeoverSubjects {
  userId: string;
  helpDeskId: string;
  attackerIp: string;
  /** The attacker's phone, now enrolled as the user's device. */
  deviceId: string;
}

export const helpDeskTakeover = defineScenario<HelpDeskTakeoverOptions, HelpDeskTakeoverSubjects>({
  description: "user.mfa.factor.reset_all and a password reset by the help desk, then a sign-in from abroad enrolling a new device and Okta Verify",
  build(context, options) {
    const { org, rng, at } = context;
    const helpDesk = chooseAdminWithRole(context, options.helpDeskId, 'HELP_DESK_ADMIN');
    const user = chooseVictim(context, options.userId, (u) => u.id !== helpDesk.id);
    const desk = homeSource(context, helpDesk);
    const deskSession = newSession(rng);
    const events: OktaLogEvent[] = [openAdminConsole(context, helpDesk, desk, at, deskSession)];
    let t = addMs(at, rng.int(2, 5) * MINUTE);
    events.push(buildEvent(rng, {
      eventType: 'user.mfa.factor.reset_all', published: t, actor: userActor(helpDesk), source: desk, session: deskSession,
      target: [userTarget(user)], requestUri: `/api/v1/users/${user.id}/lifecycle/reset_factors`,
    }));
    t = addMs(t, rng.int(30, 90) * SECOND);
    events.push(scenarioEvent(rng, {
      eventType: 'user.account.reset_password', published: t, actor: userActor(helpDesk), source: desk, session: deskSession,
      target: [userTarget(user)], requestUri: `/api/v1/users/${user.id}/lifecycle/expire_password_with_temp_password`,
    }));

    // The caller, abroad, with the temporary password: no factor left, so Okta sends them to enrolment.
    const origin = directForeignOrigin(rng, org.personas[user.id]?.home.place.countryCode);
    const laptop: RequestSource = { origin, agent: ATTACKER_AGENTS.windowsChrome, device: null };
    const session = newSession(rng);
    t = addMs(t, rng.int(4, 12) * MINUTE);
    events.push(buildEvent(rng, {
      eventType: 'policy.evaluate_sign_on', published: t, actor: userActor(user), source: laptop, session,
      outcome: { result: 'ALLOW', reason: 'Sign-on policy evaluation resulted in ALLOW' },
      target: policyTargets(org.signOnPolicy), requestUri: '/idp/idx/identify',
    }));
    t = addMs(t, rng.int(5, 20) * SECOND);
    events.push(buildEvent(rng, {
      eventType: 'user.session.start', published: t, actor: userActor(user), source: laptop, session,
      authentication: { authenticationProvider: 'OKTA_AUTHENTICATION_PROVIDER', credentialType: 'PASSWORD' }, requestUri: '/idp/idx/challenge/answer',
    }));

    const phoneDevice: LogDevice = {
      id: oktaId(rng, ID_PREFIX.device), name: 'Pixel 8', os_platform: 'ANDROID', os_version: '14', managed: false, registered: true,
      device_integrator: null, disk_encryption_type: 'USER', screen_lock_type: 'PASSCODE', jailbreak: false, secure_hardware_present: true,
    };
    const phone: RequestSource = { origin, agent: MOBILE_BROWSERS.ANDROID, device: phoneDevice };
    t = addMs(t, rng.int(1, 3) * MINUTE);
    events.push(scenarioEvent(rng, {
      eventType: 'device.enrollment.create', published: t, actor: userActor(user), source: phone, session,
      target: [{ id: phoneDevice.id, type: 'Device', alternateId: 'unknown', displayName: 'Pixel 8', detailEntry: null }],
      requestUri: '/idp/authenticators',
    }));
    const verify: OktaUserFactor = {
      id: oktaId(rng, ID_PREFIX.pushFactor), factorType: 'push', provider: 'OKTA', vendorName: 'OKTA', status: 'ACTIVE',
      created: t.toISOString(), lastUpdated: t.toISOString(), profile: { name: 'Pixel 8', platform: 'ANDROID' },
    };
    events.push(buildEvent(rng, {
      eventType: 'user.mfa.factor.activate', published: addMs(t, rng.int(2, 8) * SECOND), actor: userActor(user), source: phone, session,
      target: [userTarget(user), enrollmentTarget(verify)], requestUri: '/idp/idx/credential/enroll',
      debugData: { factor: 'OKTA_VERIFY_PUSH', factorIntent: 'ENROLLMENT' },
    }));
    return { events, subjects: { userId: user.id, helpDeskId: helpDesk.id, attackerIp: origin.ip, deviceId: phoneDevice.id } };
  },
});

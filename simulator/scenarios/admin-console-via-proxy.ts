/**
 * An admin's phished password used from behind a VPN exit to reach the Admin Console. Okta rates
 * the device and address as new; the first attempt fails at the factor (wrong code), the second
 * succeeds after the admin approves a push during a fake help-desk call, and the attacker opens
 * the Admin Console through the proxy.
 */
import { behaviorsString, buildEvent, enrollmentTarget, policyTargets, riskString, userActor, type Behavior } from '../events.js';
import { findFactor, mfaVerification, newSession, pushChallenge } from '../sign-in.js';
import { MINUTE, SECOND, addMs } from '../time.js';
import type { OktaLogEvent } from '../types.js';
import { ATTACKER_AGENTS, adminConsoleTarget, chooseAdmin, defineScenario, proxiedSource } from './context.js';

export interface AdminConsoleViaProxyOptions {
  /** The admin whose password was phished (default: the super admin). */
  adminId?: string;
}

export interface AdminConsoleViaProxySubjects {
  adminId: string;
  sourceIp: string;
  /** The session the attacker finally got. */
  sessionId: string;
}

const NEW_CONTEXT: Behavior[] = ['New IP', 'New Device', 'New Geo-Location', 'New Country', 'New City', 'New State'];

export const adminConsoleViaProxy = defineScenario<AdminConsoleViaProxyOptions, AdminConsoleViaProxySubjects>({
  description: 'Admin Console sign-in through an anonymising proxy with New Device/New IP: one failed attempt, then success and admin app access',
  build(context, options) {
    const { org, rng, at } = context;
    const admin = chooseAdmin(context, options.adminId);
    const source = proxiedSource(context, admin, ATTACKER_AGENTS.windowsChrome);
    const consoleApp = adminConsoleTarget(org);
    const unfamiliar = { threatSuspected: 'false', behaviors: behaviorsString(NEW_CONTEXT), risk: riskString('HIGH', ['Anomalous Geo-Distance', 'Anomalous Device']) };
    const evaluation = (published: Date, session: { externalSessionId: string; rootSessionId: string }) => buildEvent(rng, {
      eventType: 'policy.evaluate_sign_on', published, actor: userActor(admin), source, session,
      outcome: { result: 'CHALLENGE', reason: 'Sign-on policy evaluation resulted in CHALLENGE' },
      target: [...policyTargets(org.signOnPolicy), consoleApp], requestUri: '/idp/idx/identify', debugData: unfamiliar,
    });

    // First attempt: the code the attacker guessed is wrong.
    const failedSession = newSession(rng);
    const factor = findFactor(org, admin, 'token:software:totp') ?? findFactor(org, admin, 'push');
    const events: OktaLogEvent[] = [evaluation(at, failedSession)];
    if (factor) events.push(mfaVerification(rng, admin, factor, source, addMs(at, rng.int(15, 40) * SECOND), 'FAILURE', failedSession));
    events.push(buildEvent(rng, {
      eventType: 'user.session.start', published: addMs(at, rng.int(41, 50) * SECOND), actor: userActor(admin), source,
      outcome: { result: 'FAILURE', reason: 'VERIFICATION_ERROR' }, severity: 'WARN', legacyEventType: 'core.user_auth.login_failed',
      target: [consoleApp], authentication: { authenticationProvider: 'OKTA_AUTHENTICATION_PROVIDER', credentialType: 'PASSWORD' },
      requestUri: '/idp/idx/authenticators/poll', debugData: unfamiliar,
    }));

    // Second attempt: the admin approves the push the "help desk" asked for.
    const session = newSession(rng);
    let t = addMs(at, rng.int(3, 6) * MINUTE);
    events.push(evaluation(t, session));
    const push = findFactor(org, admin, 'push');
    if (push) {
      const challenge = pushChallenge(rng, admin, push, source, addMs(t, rng.int(2, 5) * SECOND), 'approve', session);
      events.push(...challenge);
      t = new Date(challenge[1].published);
    }
    t = addMs(t, rng.int(300, 1_200));
    events.push(buildEvent(rng, {
      eventType: 'user.session.start', published: t, actor: userActor(admin), source, session,
      target: [...(push ? [enrollmentTarget(push)] : []), consoleApp],
      authentication: { authenticationProvider: 'OKTA_AUTHENTICATION_PROVIDER', credentialType: 'PASSWORD' },
      requestUri: '/idp/idx/authenticators/poll', debugData: unfamiliar,
    }));
    events.push(buildEvent(rng, {
      eventType: 'user.session.access_admin_app', published: addMs(t, rng.int(5, 30) * SECOND), actor: userActor(admin), source, session,
      target: [consoleApp], requestUri: '/admin/sso/callback', debugData: unfamiliar,
    }));
    return { events, subjects: { adminId: admin.id, sourceIp: source.origin.ip, sessionId: session.externalSessionId } };
  },
});

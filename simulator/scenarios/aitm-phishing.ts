/**
 * Adversary-in-the-middle phishing (Evilginx-style). The user opens a look-alike sign-in page run
 * by a reverse proxy on a rented server, which relays their browser to Okta.
 * - 'session-stolen': the user approves the push; the proxy keeps the session cookie and the
 *   attacker's script replays it minutes later from another server for sign-on and app SSO.
 * - 'fastpass-blocked': the user signs in with FastPass, which sees the phishing origin and refuses.
 */
import { buildEvent, enrollmentTarget, policyTargets, userActor, userTarget } from '../events.js';
import { appSignOn, findFactor, successfulSignIn } from '../sign-in.js';
import { MINUTE, SECOND, addMs } from '../time.js';
import type { OktaLogEvent, SimulatedApp } from '../types.js';
import { ATTACKER_AGENTS, anonymizedOrigin, chooseVictim, defineScenario, directForeignOrigin } from './context.js';

export type AitmOutcome = 'session-stolen' | 'fastpass-blocked';

export interface AitmPhishingOptions {
  userId?: string;
  /** Default 'session-stolen'. */
  outcome?: AitmOutcome;
}

export interface AitmPhishingSubjects {
  userId: string;
  outcome: AitmOutcome;
  /** The phishing proxy: every event of the user's own sign-in comes from it. */
  proxyIp: string;
  /** Where the stolen cookie is replayed from (null when FastPass stopped the theft). */
  replayIp: string | null;
  /** The stolen session (its root), or null. */
  sessionId: string | null;
}

const PHISHED_CONTEXT = {
  behaviors: ['New IP', 'New Geo-Location', 'New Country', 'New City', 'New State'] as const,
  risk: { level: 'MEDIUM' as const, reasons: ['Anomalous Location'] },
};

export const aitmPhishing = defineScenario<AitmPhishingOptions, AitmPhishingSubjects>({
  description: 'A sign-in relayed by a phishing proxy; the session cookie is replayed by a script, or FastPass declines the phishing origin',
  build(context, options) {
    const { org, rng, at } = context;
    const outcome = options.outcome ?? 'session-stolen';
    const needs = outcome === 'fastpass-blocked' ? 'signed_nonce' : 'push';
    const user = chooseVictim(context, options.userId, (u) => (org.factors[u.id] ?? []).some((f) => f.factorType === needs));
    const persona = org.personas[user.id];
    if (!persona) throw new Error(`User ${user.id} has no persona`);
    // The proxy forwards the victim's own browser headers, so only the address betrays it.
    const relayed = { origin: anonymizedOrigin(rng, persona.home.place.countryCode), agent: persona.browser, device: null };
    const assessment = { behaviors: [...PHISHED_CONTEXT.behaviors], risk: PHISHED_CONTEXT.risk };

    if (outcome === 'fastpass-blocked') {
      const fastPass = findFactor(org, user, 'signed_nonce');
      if (!fastPass) throw new Error(`User ${user.id} has no FastPass`);
      const evaluation = buildEvent(rng, {
        eventType: 'policy.evaluate_sign_on', published: at, actor: userActor(user), source: relayed,
        outcome: { result: 'CHALLENGE', reason: 'Sign-on policy evaluation resulted in CHALLENGE' },
        target: policyTargets(org.signOnPolicy), requestUri: '/idp/idx/identify',
      });
      const declined = buildEvent(rng, {
        eventType: 'user.authentication.auth_via_mfa', published: addMs(at, rng.int(2, 6) * SECOND), actor: userActor(user), source: relayed,
        outcome: { result: 'FAILURE', reason: 'FastPass declined phishing attempt' }, severity: 'WARN',
        legacyEventType: 'core.user.factor.attempt_fail',
        target: [userTarget(user), enrollmentTarget(fastPass, { methodTypeUsed: 'Use Okta FastPass', methodUsedVerifiedProperties: '[DEVICE_BOUND, PHISHING_RESISTANT, USER_PRESENCE]' })],
        authentication: { authenticationProvider: 'FACTOR_PROVIDER' },
        requestUri: '/idp/idx/authenticators/okta-verify/launch',
        debugData: { factor: 'SIGNED_NONCE', factorIntent: 'AUTHENTICATION', threatSuspected: 'false' },
      });
      return { events: [evaluation, declined], subjects: { userId: user.id, outcome, proxyIp: relayed.origin.ip, replayIp: null, sessionId: null } };
    }

    const signIn = successfulSignIn(rng, org, user, relayed, at, { factor: 'push', assessment });
    const replay = { origin: directForeignOrigin(rng, persona.home.place.countryCode), agent: rng.pick([ATTACKER_AGENTS.pythonRequests, ATTACKER_AGENTS.goClient]), device: null };
    const apps = persona.appIds.map((id) => org.apps.find((a) => a.id === id)).filter((a): a is SimulatedApp => a !== undefined).slice(0, 3);
    const events: OktaLogEvent[] = [...signIn.events];
    let t = addMs(signIn.startedAt, rng.int(3, 12) * MINUTE);
    for (const app of apps) {
      events.push(buildEvent(rng, {
        eventType: 'policy.evaluate_sign_on', published: t, actor: userActor(user), source: replay, session: signIn.session,
        outcome: { result: 'ALLOW', reason: 'Sign-on policy evaluation resulted in ALLOW' },
        target: [...policyTargets(org.signOnPolicy), { id: app.id, type: 'AppInstance', alternateId: app.label, displayName: app.label, detailEntry: null }],
        requestUri: `/app/${app.name}/${app.id}/sso/saml`,
      }));
      t = addMs(t, rng.int(1, 4) * SECOND);
      events.push(appSignOn(rng, user, app, replay, t, signIn.session));
      t = addMs(t, rng.int(20, 90) * SECOND);
    }
    return {
      events,
      subjects: { userId: user.id, outcome, proxyIp: relayed.origin.ip, replayIp: replay.origin.ip, sessionId: signIn.session.rootSessionId },
    };
  },
});

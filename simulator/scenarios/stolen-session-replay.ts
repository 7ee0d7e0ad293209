/**
 * Infostealer session theft. Malware on the user's laptop copies the browser's Okta session cookie
 * and device token right after a normal sign-in at home. Half an hour later the attacker replays
 * them from a machine with another operating system abroad, shares the cookie with the crew (four
 * browsers on two addresses inside one session), tries apps the user is not assigned to, and is
 * challenged by every app sign-on policy that asks for MFA again.
 */
import { buildEvent, policyTargets, userActor, userTarget, type RequestSource } from '../events.js';
import { successfulSignIn } from '../sign-in.js';
import { MINUTE, SECOND, addMs } from '../time.js';
import type { LogTarget, OktaLogEvent, SimulatedApp } from '../types.js';
import { ATTACKER_AGENTS, browserDeviceToken, chooseVictim, defineScenario, directForeignOrigin, homeSource } from './context.js';
import { scenarioEvent, withDebugData } from './log-events.js';

export interface StolenSessionReplayOptions {
  userId?: string;
  /** Minutes between the user's sign-in and the replay (default 30; under 60). */
  replayAfterMinutes?: number;
}

export interface StolenSessionReplaySubjects {
  userId: string;
  sessionId: string;
  /** The user's own device token, copied by the malware. */
  stolenDeviceToken: string;
  /** The crew's browsers' tokens. */
  crewDeviceTokens: string[];
  attackerIps: string[];
  /** Apps the crew tried without being assigned. */
  unassignedAppIds: string[];
  /** MFA-protected apps whose sign-on policy challenged the replayed session. */
  challengedAppIds: string[];
}

const appTarget = (app: SimulatedApp): LogTarget =>
  ({ id: app.id, type: 'AppInstance', alternateId: app.label, displayName: app.label, detailEntry: { signOnModeType: app.signOnMode } });

export const stolenSessionReplay = defineScenario<StolenSessionReplayOptions, StolenSessionReplaySubjects>({
  description: 'A session cookie and device token replayed from another OS, four browsers in one session, unassigned apps tried, app MFA challenges failed',
  build(context, options) {
    const { org, rng, at } = context;
    const user = chooseVictim(context, options.userId);
    const persona = org.personas[user.id];
    if (!persona) throw new Error(`User ${user.id} has no persona`);
    const home = homeSource(context, user);
    const stolenDeviceToken = browserDeviceToken(rng);
    const signIn = successfulSignIn(rng, org, user, home, at);
    const events: OktaLogEvent[] = withDebugData(signIn.events, { dtHash: stolenDeviceToken });
    const { session } = signIn;

    // The replaying machine runs another OS than the laptop the token came from.
    const agent = persona.browser.os.startsWith('Windows') ? ATTACKER_AGENTS.linuxChrome : ATTACKER_AGENTS.windowsChrome;
    const main: RequestSource = { origin: directForeignOrigin(rng, persona.home.place.countryCode), agent, device: null };
    const second: RequestSource = { origin: directForeignOrigin(rng, persona.home.place.countryCode), agent: ATTACKER_AGENTS.windowsChrome, device: null };
    const replayAfter = Math.min(Math.max(options.replayAfterMinutes ?? 30, 5), 55) * MINUTE;
    let t = addMs(signIn.startedAt, replayAfter);
    const dashboard = org.apps.find((a) => a.name === 'okta_enduser');
    events.push(...withDebugData([buildEvent(rng, {
      eventType: 'policy.evaluate_sign_on', published: t, actor: userActor(user), source: main, session,
      outcome: { result: 'ALLOW', reason: 'Sign-on policy evaluation resulted in ALLOW' },
      target: [...policyTargets(org.signOnPolicy), ...(dashboard ? [appTarget(dashboard)] : [])], requestUri: '/app/UserHome',
    })], { dtHash: stolenDeviceToken }));

    // The crew: each browser shows up in the session (context change), then probes apps.
    const crewDeviceTokens = [0, 1, 2, 3].map(() => browserDeviceToken(rng));
    const crew = crewDeviceTokens.map((token, i) => ({ token, source: i % 2 === 0 ? main : second }));
    const assigned = new Set(persona.appIds);
    const unassigned = org.apps.filter((a) => !assigned.has(a.id) && a.name !== 'saasure' && a.name !== 'okta_enduser');
    const probes = unassigned.length > 0 ? rng.sample(unassigned, 5) : [];
    t = addMs(t, rng.int(20, 60) * SECOND);
    for (const member of crew) {
      events.push(...withDebugData([scenarioEvent(rng, {
        eventType: 'user.session.context.change', published: t, actor: userActor(user), source: member.source, session,
        target: [userTarget(user)], requestUri: '/api/v1/sessions/me',
        debugData: { changedContext: '{ipAddress, userAgent, deviceToken}' },
      })], { dtHash: member.token }));
      t = addMs(t, rng.int(30, 70) * SECOND);
    }
    probes.forEach((app, i) => {
      const member = crew[i % crew.length];
      events.push(...withDebugData([scenarioEvent(rng, {
        eventType: 'app.generic.unauth_app_access_attempt', published: t, actor: userActor(user), source: member.source, session,
        outcome: { result: 'FAILURE', reason: 'User attempted unauthorized access to app' },
        target: [appTarget(app)], requestUri: `/app/${app.name}/${app.id}/sso/saml`,
      })], { dtHash: member.token }));
      t = addMs(t, rng.int(10, 40) * SECOND);
    });

    // Apps that ask for MFA again challenge the cookie; nobody on the crew has the user's factor.
    const guarded = persona.appIds.map((id) => org.apps.find((a) => a.id === id)).filter((a): a is SimulatedApp => a !== undefined).slice(0, 4);
    for (const app of guarded) {
      events.push(...withDebugData([buildEvent(rng, {
        eventType: 'policy.evaluate_sign_on', published: t, actor: userActor(user), source: main, session,
        outcome: { result: 'CHALLENGE', reason: 'Sign-on policy evaluation resulted in CHALLENGE' },
        target: [...policyTargets(org.signOnPolicy), appTarget(app)], requestUri: `/app/${app.name}/${app.id}/sso/saml`,
      })], { dtHash: stolenDeviceToken }));
      t = addMs(t, rng.int(40, 100) * SECOND);
    }
    return {
      events,
      subjects: {
        userId: user.id, sessionId: session.externalSessionId, stolenDeviceToken, crewDeviceTokens,
        attackerIps: [main.origin.ip, second.origin.ip], unassignedAppIds: probes.map((a) => a.id), challengedAppIds: guarded.map((a) => a.id),
      },
    };
  },
});

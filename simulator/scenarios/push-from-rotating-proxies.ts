/**
 * Someone with the password signs in through a rotating residential proxy in the user's own
 * country, so the location looks familiar but every request of the one sign-in session leaves
 * from a different address. The Okta Verify pushes are requested and answered from different IPs;
 * the user, who is not signing in, rejects each of them.
 */
import { buildEvent, policyTargets, userActor, enrollmentTarget, type RequestSource } from '../events.js';
import { HOME_NETWORKS, addressIn } from '../geo.js';
import { findFactor, mfaVerification, newSession } from '../sign-in.js';
import { SECOND, addMs } from '../time.js';
import type { OktaLogEvent } from '../types.js';
import { ATTACKER_AGENTS, chooseVictim, defineScenario } from './context.js';

export interface PushFromRotatingProxiesOptions {
  userId?: string;
  /** Pushes sent and rejected (default 2; keep it under 5, which is push bombing). */
  pushes?: number;
}

export interface PushFromRotatingProxiesSubjects {
  userId: string;
  sessionId: string;
  /** The proxy exits, in order of use. */
  sourceIps: string[];
}

export const pushFromRotatingProxies = defineScenario<PushFromRotatingProxiesOptions, PushFromRotatingProxiesSubjects>({
  description: 'One sign-in session whose Okta Verify pushes are sent and answered from different residential-proxy IPs; every push rejected',
  build(context, options) {
    const { org, rng, at } = context;
    const user = chooseVictim(context, options.userId, (u) => (org.factors[u.id] ?? []).some((f) => f.factorType === 'push'));
    const persona = org.personas[user.id];
    const push = findFactor(org, user, 'push');
    if (!persona || !push) throw new Error(`User ${user.id} cannot receive pushes`);
    const networks = HOME_NETWORKS[persona.home.place.countryCode] ?? HOME_NETWORKS.US;
    const used = new Set<string>([persona.home.ip]);
    // A new exit for every request: same city and kind of ISP as the user, never the user's own address.
    const nextExit = (): RequestSource => {
      let ip = persona.home.ip;
      const network = rng.pick(networks);
      while (used.has(ip)) ip = addressIn(rng, network);
      used.add(ip);
      return { origin: { ip, place: persona.home.place, network }, agent: ATTACKER_AGENTS.windowsChrome, device: null };
    };
    const session = newSession(rng);
    const assessment = {
      threatSuspected: 'false',
      behaviors: '{New Geo-Location=NEGATIVE, New Device=POSITIVE, New IP=POSITIVE, New State=NEGATIVE, New Country=NEGATIVE, Velocity=NEGATIVE, New City=NEGATIVE}',
      risk: '{level=MEDIUM, reasons=Anomalous Device}',
    };
    const first = nextExit();
    const events: OktaLogEvent[] = [buildEvent(rng, {
      eventType: 'policy.evaluate_sign_on', published: at, actor: userActor(user), source: first, session,
      outcome: { result: 'CHALLENGE', reason: 'Sign-on policy evaluation resulted in CHALLENGE' },
      target: policyTargets(org.signOnPolicy), requestUri: '/idp/idx/identify', debugData: assessment,
    })];
    let t = addMs(at, rng.int(2, 5) * SECOND);
    const pushes = Math.min(4, Math.max(1, options.pushes ?? 2));
    for (let i = 0; i < pushes; i++) {
      events.push(buildEvent(rng, {
        eventType: 'system.push.send_factor_verify_push', published: t, actor: userActor(user), source: nextExit(), session,
        target: [enrollmentTarget(push)], requestUri: '/idp/idx/challenge', legacyEventType: null,
      }));
      t = addMs(t, rng.int(8, 25) * SECOND);
      events.push(mfaVerification(rng, user, push, nextExit(), t, 'FAILURE', session));
      t = addMs(t, rng.int(40, 120) * SECOND);
    }
    return {
      events,
      subjects: { userId: user.id, sessionId: session.externalSessionId, sourceIps: [...used].filter((ip) => ip !== persona.home.ip) },
    };
  },
});

/**
 * Stolen credentials in use by several buyers at once: an infostealer log with the user's password
 * and authenticator secret is resold, and while the user works normally two other sign-ins start
 * within half an hour, from residential proxies in the user's own country (so no country change).
 */
import { DESKTOP_BROWSERS } from '../catalog.js';
import type { RequestSource } from '../events.js';
import { HOME_NETWORKS, HOME_PLACES, addressIn } from '../geo.js';
import { successfulSignIn } from '../sign-in.js';
import { MINUTE, addMs } from '../time.js';
import type { OktaLogEvent } from '../types.js';
import { chooseVictim, defineScenario, homeSource } from './context.js';

export interface ConcurrentSessionsOptions {
  userId?: string;
  /** Sign-ins by others besides the user's own (default 2). */
  intruders?: number;
}

export interface ConcurrentSessionsSubjects {
  userId: string;
  /** externalSessionId of every session, the user's own first. */
  sessionIds: string[];
  intruderIps: string[];
}

export const concurrentSessions = defineScenario<ConcurrentSessionsOptions, ConcurrentSessionsSubjects>({
  description: 'Three or more Okta sessions for one user within 35 minutes, the extra ones from other cities of the same country',
  build(context, options) {
    const { org, rng, at } = context;
    const user = chooseVictim(context, options.userId);
    const persona = org.personas[user.id];
    if (!persona) throw new Error(`User ${user.id} has no persona`);
    const country = persona.home.place.countryCode;
    const places = HOME_PLACES.map(([p]) => p).filter((p) => p.countryCode === country);
    const elsewhere = places.filter((p) => p.city !== persona.home.place.city);
    const networks = HOME_NETWORKS[country] ?? HOME_NETWORKS.US;
    const intruders = Math.max(2, options.intruders ?? 2);

    const own = successfulSignIn(rng, org, user, homeSource(context, user), at);
    const events: OktaLogEvent[] = [...own.events];
    const sessionIds = [own.session.externalSessionId];
    const intruderIps: string[] = [];
    for (let i = 0; i < intruders; i++) {
      const network = rng.pick(networks);
      const source: RequestSource = {
        origin: { ip: addressIn(rng, network), place: rng.pick(elsewhere.length ? elsewhere : places), network },
        agent: rng.weighted(DESKTOP_BROWSERS.WINDOWS), device: null,
      };
      const startAt = addMs(at, ((i + 1) * 28 / (intruders + 0.5)) * MINUTE + rng.int(0, 30_000));
      const signIn = successfulSignIn(rng, org, user, source, startAt, {
        factor: 'token:software:totp',
        assessment: { behaviors: ['New IP', 'New Device', 'New City', 'New Geo-Location'], risk: { level: 'MEDIUM', reasons: ['Anomalous Device'] } },
      });
      events.push(...signIn.events);
      sessionIds.push(signIn.session.externalSessionId);
      intruderIps.push(source.origin.ip);
    }
    return { events, subjects: { userId: user.id, sessionIds, intruderIps } };
  },
});

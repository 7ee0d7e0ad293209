/**
 * Impossible travel: one user signs in successfully at home, then from another country
 * less than an hour later (stolen session or credentials). Optionally the attacker is on an
 * ordinary consumer network (no anonymiser to blame the distance on), and the user, still at
 * work, signs in at home once more afterwards.
 */
import { DESKTOP_BROWSERS } from '../catalog.js';
import { successfulSignIn } from '../sign-in.js';
import { MINUTE, addMs } from '../time.js';
import { attackerSource, chooseVictim, defineScenario, directForeignOrigin, homeSource } from './context.js';

export interface TwoCountriesWithinHourOptions {
  userId?: string;
  /** Minutes between the two sign-ins (default 35; must be under 60). */
  minutesApart?: number;
  /** 'any' (default): any foreign origin, anonymisers included; 'consumer': a foreign consumer ISP. */
  attackerNetwork?: 'any' | 'consumer';
  /** Minutes after the foreign sign-in when the user signs in at home again (default: no such sign-in). */
  userReturnsAfterMinutes?: number;
}

export interface TwoCountriesWithinHourSubjects {
  userId: string;
  countries: [string, string];
  ips: [string, string];
  minutesApart: number;
}

export const twoCountriesWithinHour = defineScenario<TwoCountriesWithinHourOptions, TwoCountriesWithinHourSubjects>({
  description: 'Successful user.session.start for one user from two countries less than an hour apart',
  build(context, options) {
    const { org, rng, at } = context;
    const user = chooseVictim(context, options.userId);
    const minutesApart = options.minutesApart ?? 35;
    if (minutesApart <= 0 || minutesApart >= 60) throw new Error('minutesApart must be between 0 and 60');

    const home = homeSource(context, user);
    const away = options.attackerNetwork === 'consumer'
      ? { origin: directForeignOrigin(rng, home.origin.place.countryCode), agent: rng.weighted(DESKTOP_BROWSERS.WINDOWS), device: null }
      : attackerSource(rng, home.origin.place.countryCode);
    const first = successfulSignIn(rng, org, user, home, at);
    const second = successfulSignIn(rng, org, user, away, addMs(at, minutesApart * MINUTE), {
      factor: 'push',
      assessment: {
        behaviors: ['New IP', 'New Geo-Location', 'New Country', 'New State', 'New City', 'Velocity'],
        risk: { level: 'HIGH', reasons: ['Anomalous Geo-Distance'] },
      },
    });
    // Minutes apart is measured between the two user.session.start events.
    const gap = Math.round(((second.startedAt.getTime() - first.startedAt.getTime()) / MINUTE) * 10) / 10;
    const back = options.userReturnsAfterMinutes === undefined
      ? []
      : successfulSignIn(rng, org, user, home, addMs(second.startedAt, Math.max(1, options.userReturnsAfterMinutes) * MINUTE)).events;
    return {
      events: [...first.events, ...second.events, ...back],
      subjects: {
        userId: user.id,
        countries: [home.origin.place.country, away.origin.place.country],
        ips: [home.origin.ip, away.origin.ip],
        minutesApart: gap,
      },
    };
  },
});

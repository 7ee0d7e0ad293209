/**
 * Password spray: one address tries one password against many accounts, then the next
 * password, within half an hour. Some usernames do not exist (actor.id "unknown"). Optionally one
 * guess was right: the attacker comes back in a browser and signs in as that user.
 */
import { DESKTOP_BROWSERS, SCRIPTED_AGENTS } from '../catalog.js';
import { unknownActor, userActor } from '../events.js';
import { failedSignIn, successfulSignIn } from '../sign-in.js';
import { MINUTE, addMs } from '../time.js';
import type { OktaLogEvent } from '../types.js';
import { attackerSource, defineScenario } from './context.js';

export interface PasswordSprayOptions {
  /** Accounts targeted, known and unknown together (default 20; at least 15). */
  accounts?: number;
  /** How many of them do not exist in the org (default 3). */
  unknownAccounts?: number;
  /** Length of the spray (default 30 minutes). */
  durationMinutes?: number;
  /** Whether one targeted user's password was guessed and used to sign in (default false). */
  compromise?: boolean;
}

export interface PasswordSpraySubjects {
  sourceIp: string;
  /** Org users that were targeted. */
  userIds: string[];
  /** Every login name tried, including unknown ones. */
  attemptedLogins: string[];
  failures: number;
  /** The user the attacker signed in as, when a guess worked. */
  compromisedUserId: string | null;
}

const GUESSED_NAMES = ['admin', 'administrator', 'test', 'helpdesk', 'it.support', 'scanner', 'backup', 'j.smith'];

export const passwordSpray = defineScenario<PasswordSprayOptions, PasswordSpraySubjects>({
  description: 'One IP, many accounts, 2-4 failed user.session.start (INVALID_CREDENTIALS) each within ~30 min',
  build({ org, rng, at }, options) {
    const total = Math.max(15, options.accounts ?? 20);
    const unknownCount = Math.min(total, options.unknownAccounts ?? 3, GUESSED_NAMES.length);
    const duration = (options.durationMinutes ?? 30) * MINUTE;
    const known = rng.sample(org.users.filter((u) => u.status === 'ACTIVE'), total - unknownCount);
    const guessed = GUESSED_NAMES.slice(0, unknownCount).map((name) => `${name}@${org.domain}`);
    const source = attackerSource(rng, undefined, rng.pick(SCRIPTED_AGENTS));

    const accounts = [
      ...known.map((user) => ({ login: user.profile.login, actor: userActor(user), attempts: rng.int(2, 4) })),
      ...guessed.map((login) => ({ login, actor: unknownActor(login), attempts: rng.int(2, 4) })),
    ];
    const order = rng.sample(accounts, accounts.length);

    // Round r tries password #r against every account that still has attempts left.
    const rounds = 4;
    const roundLength = duration / rounds;
    const events: OktaLogEvent[] = [];
    for (let round = 0; round < rounds; round++) {
      const targets = order.filter((a) => a.attempts > round);
      targets.forEach((account, i) => {
        const offset = round * roundLength + (i / targets.length) * roundLength * 0.9 + rng.int(0, 2_000);
        events.push(failedSignIn(rng, account.actor, source, addMs(at, offset), {
          requestUri: '/api/v1/authn',
          assessment: { threatSuspected: round > 0, behaviors: ['New IP', 'New Geo-Location', 'New Country', 'New City', 'New State', 'New Device'] },
        }));
      });
    }
    const failures = events.length;
    let compromised: (typeof known)[number] | null = null;
    if (options.compromise && known.length > 0) {
      // Ten minutes after the spray, from the same address, with a real browser: the user approves the push out of habit.
      compromised = known.find((u) => (org.factors[u.id] ?? []).some((f) => f.factorType === 'push')) ?? known[0];
      const browser = { origin: source.origin, agent: rng.weighted(DESKTOP_BROWSERS.WINDOWS), device: null };
      events.push(...successfulSignIn(rng, org, compromised, browser, addMs(at, duration + rng.int(5, 15) * MINUTE), {
        factor: 'push',
        assessment: { behaviors: ['New IP', 'New Device', 'New Geo-Location', 'New Country', 'New City', 'New State'], risk: { level: 'HIGH', reasons: ['Anomalous Geo-Distance'] } },
      }).events);
    }
    return {
      events,
      subjects: {
        sourceIp: source.origin.ip,
        userIds: known.map((u) => u.id),
        attemptedLogins: accounts.map((a) => a.login),
        failures,
        compromisedUserId: compromised?.id ?? null,
      },
    };
  },
});

/**
 * Lockout storm: a script on a rented server works down a list of the org's logins, firing wrong
 * passwords at each account as fast as the authn API answers. The org locks an account after 10
 * wrong passwords, so one account after another is locked out within minutes; the script notices
 * (LOCKED_OUT) and moves on to the next. Real people are left unable to sign in.
 */
import { userActor, userTarget, type Behavior } from '../events.js';
import { failedSignIn } from '../sign-in.js';
import { MINUTE, SECOND, addMs } from '../time.js';
import type { OktaLogEvent } from '../types.js';
import { ATTACKER_AGENTS, defineScenario, directForeignOrigin } from './context.js';
import { scenarioEvent } from './log-events.js';

export interface LockoutStormOptions {
  /** Accounts on the list, all locked out (default 8; at least 5). */
  accounts?: number;
  /** Minutes the script spends on each account (default 1). */
  minutesPerAccount?: number;
}

export interface LockoutStormSubjects {
  sourceIp: string;
  /** The locked-out users, in the order the script reached them. */
  userIds: string[];
  attempts: number;
}

const LOCKOUT_AFTER = 10;
const REQUEST_URI = '/api/v1/authn';
/** A server the org's people never sign in from. */
const NEW_CONTEXT: Behavior[] = ['New IP', 'New Device', 'New Geo-Location', 'New Country', 'New City', 'New State'];

export const lockoutStorm = defineScenario<LockoutStormOptions, LockoutStormSubjects>({
  description: 'One IP, ≥ 5 accounts each sent 10 wrong passwords within a minute: user.account.lock for every one of them within ~10 minutes',
  build({ org, rng, at }, options) {
    const count = Math.max(5, options.accounts ?? 8);
    const perAccount = Math.max(0.5, options.minutesPerAccount ?? 1) * MINUTE;
    const victims = rng.sample(org.users.filter((u) => u.status === 'ACTIVE'), count);
    if (victims.length < 5) throw new Error('The org has too few active users for a lockout storm');
    const source = { origin: directForeignOrigin(rng), agent: ATTACKER_AGENTS.pythonRequests, device: null };

    const events: OktaLogEvent[] = [];
    let attempts = 0;
    victims.forEach((user, v) => {
      const start = addMs(at, v * perAccount);
      const step = (perAccount * 0.8) / (LOCKOUT_AFTER + 1);
      let t = start;
      for (let i = 0; i < LOCKOUT_AFTER; i++) {
        t = addMs(start, i * step + rng.int(0, 800));
        events.push(failedSignIn(rng, userActor(user), source, t, { requestUri: REQUEST_URI, assessment: { behaviors: NEW_CONTEXT } }));
        attempts++;
      }
      events.push(scenarioEvent(rng, {
        eventType: 'user.account.lock', published: addMs(t, rng.int(50, 400)), actor: userActor(user),
        source, target: [userTarget(user)], requestUri: REQUEST_URI,
      }));
      // One more try answers LOCKED_OUT: the script gives up on the account and takes the next login.
      events.push(failedSignIn(rng, userActor(user), source, addMs(t, step + rng.int(0, 2) * SECOND), {
        reason: 'LOCKED_OUT', requestUri: REQUEST_URI, assessment: { behaviors: NEW_CONTEXT },
      }));
      attempts++;
    });
    return { events, subjects: { sourceIp: source.origin.ip, userIds: victims.map((u) => u.id), attempts } };
  },
});

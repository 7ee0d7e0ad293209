/**
 * Brute force against one account, in the styles tooling leaves behind: one script hammering the
 * authn API, a browser rotated through proxies, a cookie-less tool (new device token per try), a
 * tool randomising its user agent, and a slow attack that waits out each lockout. The org locks an
 * account after 10 wrong passwords and unlocks it after an hour; later attempts fail LOCKED_OUT.
 */
import { DESKTOP_BROWSERS, MOBILE_BROWSERS } from '../catalog.js';
import { userActor, userTarget, type RequestSource } from '../events.js';
import { foreignOrigin } from '../geo.js';
import type { Random } from '../random.js';
import { failedSignIn } from '../sign-in.js';
import { MINUTE, addMs } from '../time.js';
import type { BrowserAgent, OktaLogEvent, OktaUser, Origin } from '../types.js';
import { ATTACKER_AGENTS, browserDeviceToken, chooseVictim, defineScenario, directForeignOrigin } from './context.js';
import { scenarioEvent, withDebugData } from './log-events.js';

export type BruteForceStyle = 'single-source' | 'rotating-proxies' | 'device-token-rotation' | 'user-agent-rotation' | 'slow-lockouts';

export interface BruteForceOptions {
  userId?: string;
  /** Default 'single-source'. */
  style?: BruteForceStyle;
}

export interface BruteForceSubjects {
  userId: string;
  login: string;
  style: BruteForceStyle;
  /** Every source address, in order of first use. */
  sourceIps: string[];
  attempts: number;
  lockouts: number;
}

const LOCKOUT_AFTER = 10;
const AUTO_UNLOCK = 60 * MINUTE;

/** One guess: where it came from, with which client, and the device token it presented (if any). */
interface Attempt {
  at: Date;
  source: RequestSource;
  deviceToken?: string;
}

export const bruteForce = defineScenario<BruteForceOptions, BruteForceSubjects>({
  description: 'Many failed user.session.start for one account, ending in lockouts; styles: single source, rotating proxies, device-token or user-agent rotation, slow lockouts',
  build(context, options) {
    const { rng, at } = context;
    const user = chooseVictim(context, options.userId);
    const style = options.style ?? 'single-source';
    const attempts = PLANS[style](rng, at, user);
    const events = guesses(rng, user, attempts, style === 'single-source' || style === 'device-token-rotation' ? '/api/v1/authn' : '/idp/idx/identify');
    const sourceIps = [...new Set(attempts.map((a) => a.source.origin.ip))];
    return {
      events,
      subjects: {
        userId: user.id, login: user.profile.login, style, sourceIps, attempts: attempts.length,
        lockouts: events.filter((e) => e.eventType === 'user.account.lock').length,
      },
    };
  },
});

const evenly = (at: Date, count: number, spanMinutes: number, i: number, rng: Random): Date =>
  addMs(at, (i / count) * spanMinutes * MINUTE + rng.int(0, 20_000));

const PLANS: Record<BruteForceStyle, (rng: Random, at: Date, user: OktaUser) => Attempt[]> = {
  // A script on a rented server calling the authn API: no browser, so no device token.
  'single-source'(rng, at) {
    const source = { origin: directForeignOrigin(rng), agent: ATTACKER_AGENTS.pythonRequests, device: null };
    return Array.from({ length: 30 }, (_, i) => ({ at: evenly(at, 30, 25, i, rng), source }));
  },
  // One browser profile (one device token) whose traffic leaves through a new exit every time.
  'rotating-proxies'(rng, at) {
    const agent = rng.weighted(DESKTOP_BROWSERS.WINDOWS);
    const deviceToken = browserDeviceToken(rng);
    const origins = distinctOrigins(rng, 14);
    return origins.map((origin, i) => ({ at: evenly(at, 14, 24, i, rng), source: { origin, agent, device: null }, deviceToken }));
  },
  // A tool with a browser's user agent that drops its cookies, so Okta issues a new device token each time.
  'device-token-rotation'(rng, at) {
    const source = { origin: directForeignOrigin(rng), agent: ATTACKER_AGENTS.windowsChrome, device: null };
    return Array.from({ length: 16 }, (_, i) => ({ at: evenly(at, 16, 20, i, rng), source, deviceToken: browserDeviceToken(rng) }));
  },
  'user-agent-rotation'(rng, at) {
    const origin = directForeignOrigin(rng);
    const agents: BrowserAgent[] = [
      ...DESKTOP_BROWSERS.WINDOWS.map(([a]) => a), ...DESKTOP_BROWSERS.MACOS.map(([a]) => a),
      MOBILE_BROWSERS.IOS, MOBILE_BROWSERS.ANDROID, ATTACKER_AGENTS.linuxChrome,
    ];
    return Array.from({ length: 14 }, (_, i) => ({ at: evenly(at, 14, 20, i, rng), source: { origin, agent: agents[i % agents.length], device: null } }));
  },
  // Ten guesses, locked out, wait for the unlock, ten more from another server: three rounds.
  'slow-lockouts'(rng, at) {
    const plan: Attempt[] = [];
    for (let round = 0; round < 3; round++) {
      const start = addMs(at, round * (AUTO_UNLOCK + 10 * MINUTE));
      const source = { origin: directForeignOrigin(rng), agent: ATTACKER_AGENTS.pythonRequests, device: null };
      for (let i = 0; i < LOCKOUT_AFTER; i++) plan.push({ at: evenly(start, LOCKOUT_AFTER, 8, i, rng), source });
    }
    return plan;
  },
};

/** `count` foreign origins with pairwise different addresses. */
function distinctOrigins(rng: Random, count: number): Origin[] {
  const seen = new Set<string>();
  const origins: Origin[] = [];
  while (origins.length < count) {
    const origin = foreignOrigin(rng);
    if (seen.has(origin.ip)) continue;
    seen.add(origin.ip);
    origins.push(origin);
  }
  return origins;
}

/**
 * The failed sign-ins, with Okta's lockout after the tenth wrong password; while locked, attempts
 * fail LOCKED_OUT, and an hour after the lockout the count starts again.
 */
function guesses(rng: Random, user: OktaUser, attempts: readonly Attempt[], requestUri: string): OktaLogEvent[] {
  const events: OktaLogEvent[] = [];
  let wrong = 0;
  let lockedAt: Date | null = null;
  for (const attempt of attempts) {
    if (lockedAt && attempt.at.getTime() - lockedAt.getTime() >= AUTO_UNLOCK) {
      lockedAt = null;
      wrong = 0;
    }
    const failure = failedSignIn(rng, userActor(user), attempt.source, attempt.at, {
      reason: lockedAt ? 'LOCKED_OUT' : 'INVALID_CREDENTIALS', requestUri,
      assessment: { behaviors: ['New IP', 'New Device', 'New Geo-Location', 'New Country', 'New City', 'New State'] },
    });
    events.push(...(attempt.deviceToken ? withDebugData([failure], { dtHash: attempt.deviceToken }) : [failure]));
    if (lockedAt || ++wrong < LOCKOUT_AFTER) continue;
    lockedAt = attempt.at;
    events.push(scenarioEvent(rng, {
      eventType: 'user.account.lock', published: addMs(attempt.at, rng.int(50, 400)), actor: userActor(user),
      source: attempt.source, target: [userTarget(user)], requestUri,
    }));
  }
  return events;
}

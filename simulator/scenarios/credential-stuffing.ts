/**
 * Credential stuffing: one headless browser replays a leaked login/password list within a few
 * minutes, one or two tries per account, moving on at once. The browser keeps its cookies, so one
 * device token (dtHash) shows up on every attempt. Some leaked logins no longer exist in the org.
 */
import { FIRST_NAMES, LAST_NAMES } from '../catalog.js';
import { unknownActor, userActor } from '../events.js';
import { failedSignIn } from '../sign-in.js';
import { MINUTE, addMs } from '../time.js';
import type { LogActor, OktaLogEvent } from '../types.js';
import { ATTACKER_AGENTS, attackerSource, browserDeviceToken, defineScenario } from './context.js';
import { withDebugData } from './log-events.js';

export interface CredentialStuffingOptions {
  /** Leaked accounts tried (default 30; at least 16). */
  accounts?: number;
  /** Length of the run (default 8 minutes; keep it under 9 so the device-token count sees it whole). */
  durationMinutes?: number;
}

export interface CredentialStuffingSubjects {
  sourceIp: string;
  deviceToken: string;
  /** Org users on the list. */
  userIds: string[];
  attemptedLogins: string[];
  attempts: number;
}

/** Leaked lists are old: a few logins belong to people who never worked here or left long ago. */
const UNKNOWN_SHARE = 0.15;

export const credentialStuffing = defineScenario<CredentialStuffingOptions, CredentialStuffingSubjects>({
  description: 'One IP and one device token, ≥ 25 failed sign-ins for ≥ 21 accounts (1–2 each) within ~8 minutes',
  build({ org, rng, at }, options) {
    const total = Math.max(16, options.accounts ?? 30);
    const duration = Math.min(options.durationMinutes ?? 8, 8.5) * MINUTE;
    const active = org.users.filter((u) => u.status === 'ACTIVE');
    const known = rng.sample(active, Math.min(active.length, Math.round(total * (1 - UNKNOWN_SHARE))));
    const taken = new Set(org.users.map((u) => u.profile.login));
    const unknown: string[] = [];
    while (known.length + unknown.length < total) {
      const login = `${rng.pick(FIRST_NAMES)}.${rng.pick(LAST_NAMES)}`.toLowerCase().replace(/[^a-z.]/g, '') + `@${org.domain}`;
      if (taken.has(login)) continue;
      taken.add(login);
      unknown.push(login);
    }
    const source = attackerSource(rng, undefined, ATTACKER_AGENTS.headlessChrome);
    const deviceToken = browserDeviceToken(rng);

    // A pair is retried once in a while with the password's common variant (…1 → …1!).
    const tries: { login: string; actor: LogActor }[] = [];
    for (const account of rng.sample([
      ...known.map((u) => ({ login: u.profile.login, actor: userActor(u) })),
      ...unknown.map((login) => ({ login, actor: unknownActor(login) })),
    ], total)) {
      tries.push(account);
      if (rng.chance(0.2)) tries.push(account);
    }
    const events: OktaLogEvent[] = tries.map((account, i) =>
      failedSignIn(rng, account.actor, source, addMs(at, (i / tries.length) * duration + rng.int(0, 1_500)), {
        requestUri: '/idp/idx/identify',
        assessment: { behaviors: ['New IP', 'New Device', 'New Geo-Location', 'New Country', 'New City', 'New State'] },
      }));
    return {
      events: withDebugData(events, { dtHash: deviceToken }),
      subjects: {
        sourceIp: source.origin.ip, deviceToken, userIds: known.map((u) => u.id),
        attemptedLogins: [...known.map((u) => u.profile.login), ...unknown], attempts: events.length,
      },
    };
  },
});

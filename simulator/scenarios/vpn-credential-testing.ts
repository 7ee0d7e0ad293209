/**
 * Testing phished passwords from behind a commercial VPN: one browser (one device token) on one VPN
 * exit signs in as several users within minutes. Each password is right, so Okta asks for the
 * push; the first users reject it, the last one approves, and the attacker gets a session through
 * the anonymiser.
 */
import { buildEvent, enrollmentTarget, policyTargets, userActor, type RequestSource } from '../events.js';
import { findFactor, mfaVerification, newSession, successfulSignIn } from '../sign-in.js';
import { MINUTE, SECOND, addMs } from '../time.js';
import type { OktaLogEvent } from '../types.js';
import { ATTACKER_AGENTS, anonymizedOrigin, browserDeviceToken, chooseVictim, defineScenario, otherActiveUsers } from './context.js';
import { withDebugData } from './log-events.js';

export interface VpnCredentialTestingOptions {
  /** Accounts tried (default 4; at least 3). */
  accounts?: number;
}

export interface VpnCredentialTestingSubjects {
  sourceIp: string;
  deviceToken: string;
  /** Every account tried, in order; the last one approved the push. */
  userIds: string[];
  compromisedUserId: string;
}

const UNFAMILIAR = {
  behaviors: ['New IP', 'New Device', 'New Geo-Location', 'New Country', 'New City', 'New State'] as const,
  risk: { level: 'HIGH' as const, reasons: ['Anomalous Geo-Distance', 'Anomalous Device'] },
};

export const vpnCredentialTesting = defineScenario<VpnCredentialTestingOptions, VpnCredentialTestingSubjects>({
  description: 'One device token behind an anonymising VPN authenticates as ≥ 3 users within 9 minutes; the last push is approved',
  build(context, options) {
    const { org, rng, at } = context;
    const hasPush = (id: string) => (org.factors[id] ?? []).some((f) => f.factorType === 'push');
    const first = chooseVictim(context, undefined, (u) => hasPush(u.id));
    const count = Math.max(3, options.accounts ?? 4);
    const admins = org.admins.map((a) => a.userId);
    const others = otherActiveUsers(context, [first.id, ...admins], 4 * count).filter((u) => hasPush(u.id) && org.personas[u.id]);
    const users = [first, ...others].slice(0, count);
    const source: RequestSource = { origin: anonymizedOrigin(rng), agent: ATTACKER_AGENTS.windowsChrome, device: null };
    const deviceToken = browserDeviceToken(rng);
    const assessment = { behaviors: [...UNFAMILIAR.behaviors], risk: UNFAMILIAR.risk };

    const events: OktaLogEvent[] = [];
    let t = at;
    users.forEach((user, i) => {
      const push = findFactor(org, user, 'push');
      if (i === users.length - 1 || !push) {
        events.push(...successfulSignIn(rng, org, user, source, t, { factor: 'push', assessment }).events);
        return;
      }
      const session = newSession(rng);
      events.push(buildEvent(rng, {
        eventType: 'policy.evaluate_sign_on', published: t, actor: userActor(user), source, session,
        outcome: { result: 'CHALLENGE', reason: 'Sign-on policy evaluation resulted in CHALLENGE' },
        target: policyTargets(org.signOnPolicy), requestUri: '/idp/idx/identify',
      }));
      const sentAt = addMs(t, rng.int(1, 3) * SECOND);
      events.push(buildEvent(rng, {
        eventType: 'system.push.send_factor_verify_push', published: sentAt, actor: userActor(user), source, session,
        target: [enrollmentTarget(push)], requestUri: '/idp/idx/challenge', legacyEventType: null,
      }));
      events.push(mfaVerification(rng, user, push, source, addMs(sentAt, rng.int(10, 40) * SECOND), 'FAILURE', session));
      t = addMs(t, 1.5 * MINUTE + rng.int(0, 30_000));
    });
    const compromised = users[users.length - 1];
    return {
      events: withDebugData(events, { dtHash: deviceToken }),
      subjects: { sourceIp: source.origin.ip, deviceToken, userIds: users.map((u) => u.id), compromisedUserId: compromised.id },
    };
  },
});

/**
 * MFA fatigue: someone with the password triggers Okta Verify pushes over and over from
 * abroad; the user rejects them, and (optionally) finally gives in and approves.
 */
import { buildEvent, policyTargets, userActor } from '../events.js';
import { findFactor, newSession, pushChallenge, successfulSignIn } from '../sign-in.js';
import { MINUTE, addMs } from '../time.js';
import type { OktaLogEvent } from '../types.js';
import { attackerSource, chooseVictim, defineScenario } from './context.js';

export interface MfaPushBombingOptions {
  userId?: string;
  /** Rejected pushes before the approval (default 8; at least 6). */
  rejectedPushes?: number;
  /** Whether the user finally approves, giving the attacker a session (default true). */
  approve?: boolean;
  /** Length of the barrage (default 8 minutes; keep it under 10). */
  durationMinutes?: number;
}

export interface MfaPushBombingSubjects {
  userId: string;
  sourceIp: string;
  pushesSent: number;
  rejected: number;
  approved: boolean;
}

const ANOMALY = {
  behaviors: ['New IP', 'New Geo-Location', 'New Country', 'New City', 'New State', 'New Device'] as const,
  risk: { level: 'HIGH' as const, reasons: ['Anomalous Geo-Distance', 'Anomalous Device'] },
};

export const mfaPushBombing = defineScenario<MfaPushBombingOptions, MfaPushBombingSubjects>({
  description: 'Repeated Okta Verify pushes rejected by one user within 10 minutes, optionally ending with an approval',
  build(context, options) {
    const { org, rng, at } = context;
    const user = chooseVictim(context, options.userId, (u) => (org.factors[u.id] ?? []).some((f) => f.factorType === 'push'));
    const push = findFactor(org, user, 'push');
    if (!push || push.factorType !== 'push') throw new Error(`User ${user.id} has no Okta Verify push factor`);
    const rejected = Math.max(6, options.rejectedPushes ?? 8);
    const approve = options.approve ?? true;
    const duration = Math.min(options.durationMinutes ?? 8, 9.5) * MINUTE;
    const source = attackerSource(rng, org.personas[user.id]?.home.place.countryCode);
    const assessment = { behaviors: [...ANOMALY.behaviors], risk: ANOMALY.risk };
    const session = newSession(rng);

    const events: OktaLogEvent[] = [buildEvent(rng, {
      eventType: 'policy.evaluate_sign_on', published: at, actor: userActor(user), source, session,
      outcome: { result: 'CHALLENGE', reason: 'Sign-on policy evaluation resulted in CHALLENGE' },
      target: policyTargets(org.signOnPolicy), requestUri: '/idp/idx/identify',
      debugData: { threatSuspected: 'false' },
    })];
    // Leave the last slot for the approval so everything stays inside `duration`.
    const spacing = duration / (rejected + 1.5);
    for (let i = 0; i < rejected; i++) {
      events.push(...pushChallenge(rng, user, push, source, addMs(at, (i + 0.3) * spacing), 'reject', session));
    }
    if (approve) {
      const signIn = successfulSignIn(rng, org, user, source, addMs(at, (rejected + 0.3) * spacing), { factor: 'push', assessment });
      // The attacker's policy evaluation already happened; keep the push, verification and session start.
      events.push(...signIn.events.filter((e) => e.eventType !== 'policy.evaluate_sign_on'));
    }
    return {
      events,
      subjects: { userId: user.id, sourceIp: source.origin.ip, pushesSent: rejected + (approve ? 1 : 0), rejected, approved: approve },
    };
  },
});

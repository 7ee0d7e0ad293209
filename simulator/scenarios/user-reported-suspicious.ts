/**
 * A push the user did not ask for arrives from abroad; the user rejects it and reports it
 * from Okta Verify (`user.account.report_suspicious_activity_by_enduser`).
 */
import { buildEvent, userActor, userTarget } from '../events.js';
import { findFactor, pushChallenge } from '../sign-in.js';
import { SECOND, addMs } from '../time.js';
import { attackerSource, chooseVictim, defineScenario } from './context.js';

export interface UserReportedSuspiciousOptions {
  userId?: string;
}

export interface UserReportedSuspiciousSubjects {
  userId: string;
  suspiciousIp: string;
  /** uuid of the push event the user reported. */
  reportedEventUuid: string;
}

export const userReportedSuspicious = defineScenario<UserReportedSuspiciousOptions, UserReportedSuspiciousSubjects>({
  description: 'An unexpected push from abroad, rejected and reported by the user',
  build(context, options) {
    const { org, rng, at } = context;
    const user = chooseVictim(context, options.userId, (u) => (org.factors[u.id] ?? []).some((f) => f.factorType === 'push'));
    const persona = org.personas[user.id];
    const push = findFactor(org, user, 'push');
    if (!push || !persona) throw new Error(`User ${user.id} cannot receive pushes`);

    const attacker = attackerSource(rng, persona.home.place.countryCode);
    const [sent, rejected] = pushChallenge(rng, user, push, attacker, at, 'reject', null);
    const phone = { origin: persona.home, agent: persona.phoneBrowser ?? persona.browser, device: null };
    const agent = attacker.agent;
    const report = buildEvent(rng, {
      eventType: 'user.account.report_suspicious_activity_by_enduser',
      published: addMs(new Date(rejected.published), rng.int(10, 90) * SECOND + rng.int(0, 999)),
      actor: userActor(user), source: phone, target: [userTarget(user)],
      requestUri: '/idp/authenticators/okta-verify/report', severity: 'WARN',
      debugData: {
        suspiciousActivityEventId: sent.uuid,
        suspiciousActivityEventType: sent.eventType,
        suspiciousActivityEventIp: attacker.origin.ip,
        suspiciousActivityEventCity: attacker.origin.place.city,
        suspiciousActivityEventState: attacker.origin.place.state,
        suspiciousActivityEventCountry: attacker.origin.place.country,
        suspiciousActivityBrowser: agent.browser,
        suspiciousActivityOs: agent.os,
        suspiciousActivityTimestamp: sent.published,
      },
    });
    return { events: [sent, rejected, report], subjects: { userId: user.id, suspiciousIp: attacker.origin.ip, reportedEventUuid: sent.uuid } };
  },
});

/**
 * Okta Support let into the tenant without a case: an admin session grants Support impersonation
 * access, and a little later "Okta Support" (the system principal, with no client context at all,
 * as support tooling acts) resets an administrator's password: the pattern of the 2023
 * support-system breach.
 */
import { SYSTEM_ACTOR, userActor, userTarget } from '../events.js';
import { stableOktaId } from '../ids.js';
import { newSession } from '../sign-in.js';
import { HOUR, MINUTE, addMs } from '../time.js';
import type { OktaLogEvent } from '../types.js';
import { chooseAdmin, chooseAdminWithRole, defineScenario, homeSource, openAdminConsole } from './context.js';
import { scenarioEvent } from './log-events.js';

export type SupportAccessStep = 'impersonation-grant' | 'support-password-reset';

export interface SupportAccessOptions {
  /** Who grants Support access (default: the super admin). */
  grantedBy?: string;
  /** Whose password Support resets (default: an org admin). */
  resetUserId?: string;
  steps?: SupportAccessStep[];
}

export interface SupportAccessSubjects {
  grantedBy: string;
  resetUserId: string;
  steps: SupportAccessStep[];
}

const ALL_STEPS: SupportAccessStep[] = ['impersonation-grant', 'support-password-reset'];

export const supportAccess = defineScenario<SupportAccessOptions, SupportAccessSubjects>({
  description: "user.session.impersonation.grant by an admin, then user.account.reset_password of an admin by Okta Support (system@okta.com, no client)",
  build(context, options) {
    const { org, rng, at } = context;
    const granter = chooseAdmin(context, options.grantedBy);
    const resetUser = chooseAdminWithRole(context, options.resetUserId, 'ORG_ADMIN');
    const steps = options.steps?.length ? options.steps : ALL_STEPS;
    const events: OktaLogEvent[] = [];

    if (steps.includes('impersonation-grant')) {
      const source = homeSource(context, granter);
      const session = newSession(rng);
      events.push(openAdminConsole(context, granter, source, at, session));
      events.push(scenarioEvent(rng, {
        eventType: 'user.session.impersonation.grant', published: addMs(at, rng.int(1, 4) * MINUTE), actor: userActor(granter), source, session,
        target: [{ id: stableOktaId('00o', `${org.orgName}:org`), type: 'Org', alternateId: `${org.orgName}.okta.com`, displayName: org.orgName, detailEntry: null }],
        requestUri: '/api/internal/v1/org/settings/support',
        debugData: { impersonationExpiresAt: addMs(at, 8 * HOUR).toISOString() },
      }));
    }
    if (steps.includes('support-password-reset')) {
      // Support tooling runs as a job: no source, and Okta logs the transaction id as "unknown".
      events.push(scenarioEvent(rng, {
        eventType: 'user.account.reset_password', published: addMs(at, rng.int(20, 50) * MINUTE), actor: SYSTEM_ACTOR, source: null,
        target: [userTarget(resetUser)], transaction: { type: 'JOB' }, transactionId: 'unknown',
      }));
    }
    return { events, subjects: { grantedBy: granter.id, resetUserId: resetUser.id, steps } };
  },
});

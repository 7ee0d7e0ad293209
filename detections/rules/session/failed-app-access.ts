/**
 * Catalogue C55: a session tries app after app and fails most app sign-on challenges. A stolen session cookie gets
 * the attacker into Okta but not past per-app MFA.
 */
import { hasOutcome } from '../../log-event.js';
import type { OktaLogEvent, ThresholdRule, WindowStats } from '../../types.js';
import { eventTypeOf, sessionIdOf, sessionKey } from '../credential/helpers.js';

const POLICY_EVALUATION = 'policy.evaluate_sign_on';
const SSO = 'user.authentication.sso';
const MIN_CHALLENGES = 3;
const MAX_SUCCESS_RATIO = 0.5;

function isChallengeOrAppAccess(event: OktaLogEvent): boolean {
  if (sessionIdOf(event) === undefined) return false;
  const eventType = eventTypeOf(event);
  if (eventType === POLICY_EVALUATION) return hasOutcome(event, 'CHALLENGE');
  return eventType === SSO && hasOutcome(event, 'SUCCESS');
}

/** The distinct values are outcomes: 'challenge' (policy evaluations) and 'success' (app sign-ons). */
function failsMostChallenges(stats: WindowStats): boolean {
  const challenges = stats.perValue.get('challenge') ?? 0;
  const successes = stats.perValue.get('success') ?? 0;
  return challenges >= MIN_CHALLENGES && successes / challenges < MAX_SUCCESS_RATIO;
}

export const failedAppAccessInSession: ThresholdRule = {
  kind: 'threshold',
  id: 'okta-failed-app-access-in-session',
  title: 'Session failing most app sign-on challenges',
  description:
    'Within 30 minutes one Okta session was challenged by sign-on policy at least 3 times while fewer than half as ' +
    'many app sign-ons succeeded. Someone holding the session cookie but not the factors is trying one app after ' +
    'another. Needs outcome: the challenges and the successful sign-ons are told apart by it.',
  severity: 'medium',
  attack: { tactics: ['TA0006', 'TA0005'], techniques: ['T1539', 'T1550.004'] },
  eventTypes: [POLICY_EVALUATION, SSO],
  fields: [
    'eventType',
    'outcome.result',
    'authenticationContext.externalSessionId',
    'target[type=AppInstance].displayName',
    'client.ipAddress',
    'actor.id',
  ],
  runbook:
    "Ask the user whether they were opening those apps; if not, clear the user's sessions, reset the password and " +
    'look for the device the cookie was stolen from.',
  dedupe: { periodMinutes: 60, key: sessionKey },
  enabled: true,
  filter: isChallengeOrAppAccess,
  window: 30,
  threshold: 1,
  distinct: 'outcome.result',
  having: failsMostChallenges,
  // failsMostChallenges needs MIN_CHALLENGES events: a session's lone SSO is passed over without a window.
  minEvents: MIN_CHALLENGES,
};

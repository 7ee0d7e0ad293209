/** Catalogue B39: password spraying from one source IP (few attempts each against many accounts). */
import { commonFields, groupKeys, hasOutcome, isOneOf } from '../../log-event.js';
import type { OktaLogEvent, ThresholdRule } from '../../types.js';

/** Wrong password, unknown user (sprays use guessed logins) or an account already locked by the spray. */
const CREDENTIAL_FAILURES = ['INVALID_CREDENTIALS', 'VERIFICATION_ERROR', 'UNKNOWN_USER', 'LOCKED_OUT'];
const PASSWORD_FACTOR = 'PASSWORD_AS_FACTOR';

const MIN_ATTEMPTS = 10;
/** Above this, one account is being brute-forced rather than sprayed (a separate rule). */
const MAX_ATTEMPTS_PER_USER = 8;

function isFailedPasswordAttempt(event: OktaLogEvent): boolean {
  if (!hasOutcome(event, 'FAILURE')) return false;
  const reason = commonFields.outcomeReason.text(event);
  if (reason && !isOneOf(reason, CREDENTIAL_FAILURES)) return false;
  if (commonFields.eventType.text(event) === 'user.session.start') return true;
  // Identity Engine logs every authenticator check as user.authentication.*: keep only password checks,
  // so a rejected push from the same office IP is not mistaken for a guessed password.
  const factor = commonFields.debugFactor.text(event);
  return factor === undefined || isOneOf(factor, [PASSWORD_FACTOR]);
}

export const passwordSpraySingleSource: ThresholdRule = {
  kind: 'threshold',
  id: 'okta-password-spray-single-source',
  title: 'Password spray from one IP address',
  description:
    'One IP address failed to sign in as at least 5 different users with at least 10 attempts within an hour, with ' +
    'no more than 8 attempts for any one user: a few common passwords tried across many accounts, paced to stay ' +
    'under the lockout policy.',
  severity: 'medium',
  attack: { tactics: ['TA0006'], techniques: ['T1110.003'] },
  eventTypes: ['user.session.start', 'user.authentication.*'],
  fields: [
    'eventType',
    'outcome.result',
    'outcome.reason',
    'client.ipAddress',
    'actor.alternateId',
    'debugContext.debugData.factor',
    'transaction.id',
  ],
  runbook:
    'Block the IP (network zone or ThreatInsight), then look for a successful sign-in from it or for the targeted ' +
    'users afterwards; reset passwords of any account that signed in.',
  dedupe: { periodMinutes: 60, key: (event) => groupKeys.ip(commonFields.clientIp.text(event)) },
  enabled: true,
  filter: isFailedPasswordAttempt,
  window: 60,
  threshold: 5,
  distinct: 'actor.alternateId',
  // One failed sign-in can be logged as user.session.start plus user.authentication.* in the same request.
  countOnceBy: 'transaction.id',
  having: (stats) => stats.count >= MIN_ATTEMPTS && stats.maxPerValue <= MAX_ATTEMPTS_PER_USER,
};

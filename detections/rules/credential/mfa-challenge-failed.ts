/** Catalogue B47: a second factor failed after the password was accepted, so the password is probably known. */
import { hasOutcome } from '../../log-event.js';
import type { OktaLogEvent, SingleRule } from '../../types.js';
import { CLASSIC_DENY_PUSH, MFA_VERIFICATION, eventTypeOf, isPasswordFactor, userKey } from './helpers.js';

function isFailedSecondFactor(event: OktaLogEvent): boolean {
  const eventType = eventTypeOf(event);
  if (eventType === CLASSIC_DENY_PUSH) return true;
  // Identity Engine logs the password step as auth_via_mfa too: a wrong password is not an MFA failure.
  return eventType === MFA_VERIFICATION && hasOutcome(event, 'FAILURE') && !isPasswordFactor(event);
}

export const mfaChallengeFailed: SingleRule = {
  kind: 'single',
  id: 'okta-mfa-challenge-failed',
  title: 'Failed MFA challenge',
  description:
    'An MFA verification (push, code, FastPass, security key) failed or was rejected. The factor is only asked for ' +
    'after a correct password, so a failure the user does not recognise means the password is known to someone else. ' +
    'Mistyped codes make this common: treat it as context for other detections. Needs outcome (Identity Engine): ' +
    'auth_via_mfa records approvals and failures alike; Classic Engine deny_push needs none.',
  severity: 'low',
  attack: { tactics: ['TA0006', 'TA0001'], techniques: ['T1621', 'T1078.004'] },
  eventTypes: [MFA_VERIFICATION, CLASSIC_DENY_PUSH],
  fields: [
    'eventType',
    'outcome.result',
    'outcome.reason',
    'actor.id',
    'debugContext.debugData.factor',
    'target[type=AuthenticatorEnrollment].detailEntry.methodTypeUsed',
    'client.ipAddress',
  ],
  runbook:
    "If the IP or device is not the user's, ask them whether they were signing in; if not, reset the password and " +
    'clear sessions.',
  dedupe: { periodMinutes: 60, key: userKey },
  enabled: true,
  match: isFailedSecondFactor,
};

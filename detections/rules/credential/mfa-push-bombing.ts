/** Catalogue B44: MFA fatigue, i.e. repeated rejected or failed Okta Verify pushes for one user. */
import { field } from '../../fields.js';
import { commonFields, groupKeys, hasOutcome, isOneOf } from '../../log-event.js';
import type { OktaLogEvent, ThresholdRule } from '../../types.js';

const CLASSIC_DENY = 'user.mfa.okta_verify.deny_push';
const MFA_VERIFICATION = 'user.authentication.auth_via_mfa';

const methodTypeUsed = field('target[type=AuthenticatorEnrollment].detailEntry.methodTypeUsed');

/**
 * Classic Engine logs a rejection as deny_push; Identity Engine as auth_via_mfa FAILURE (INVALID_CREDENTIALS when
 * rejected). Every push FAILURE counts, not only rejections: unanswered, timed-out pushes are fatigue as well.
 * `system.push.send_factor_verify_push` is deliberately not counted: each rejected push would count twice, and
 * ordinary sign-ins send pushes too. Pushes sent but never answered belong in a sequence rule.
 */
function isFailedPush(event: OktaLogEvent): boolean {
  const eventType = commonFields.eventType.text(event);
  if (eventType === CLASSIC_DENY) return true;
  if (eventType !== MFA_VERIFICATION || !hasOutcome(event, 'FAILURE')) return false;
  // debugData keys are not a contract: without a factor, fall back to how the enrolment was used.
  const factor = commonFields.debugFactor.first(event);
  if (factor !== undefined) return isOneOf(factor, ['OKTA_VERIFY_PUSH']);
  return /push notification/i.test(methodTypeUsed.text(event) ?? '');
}

export const mfaPushBombing: ThresholdRule = {
  kind: 'threshold',
  id: 'okta-mfa-push-bombing',
  title: 'MFA push bombing (repeated rejected Okta Verify pushes)',
  description:
    'Five or more Okta Verify pushes for one user were rejected or failed within 10 minutes. An attacker who has the ' +
    'password keeps sending pushes until the user approves one out of fatigue or by mistake. Needs outcome (Identity ' +
    'Engine): auth_via_mfa records approvals and failures alike; Classic Engine deny_push needs none.',
  severity: 'high',
  attack: { tactics: ['TA0006'], techniques: ['T1621'] },
  eventTypes: [CLASSIC_DENY, MFA_VERIFICATION],
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
    'Call the user on a known channel: if the pushes were not theirs the password is compromised. Reset it, clear ' +
    'sessions, and check for an approved push or a new session right after the burst.',
  dedupe: { periodMinutes: 60, key: (event) => groupKeys.user(commonFields.actorId.text(event)) },
  enabled: true,
  filter: isFailedPush,
  window: 10,
  threshold: 5,
};

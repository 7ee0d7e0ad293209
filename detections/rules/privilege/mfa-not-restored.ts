/**
 * Catalogue A18: a user's factor was removed (deactivated, or all reset) and no factor was enrolled again for that
 * user within 12 hours. A help-desk reset is normally followed by the user re-enrolling within minutes; an account
 * left without MFA is either abandoned or being kept open for an attacker's weaker sign-in.
 */
import { textIs } from '../../fields.js';
import { commonFields, groupKeys, targetUserSubject } from '../../log-event.js';
import type { OktaLogEvent, SequenceRule } from '../../types.js';
import { carriedOut, isEventType, outcomeNote } from './helpers.js';

const REMOVED = ['user.mfa.factor.deactivate', 'user.mfa.factor.reset_all'];
const ENROLLED = 'user.mfa.factor.activate';
/** Security questions are a legacy recovery factor: removing one leaves real MFA in place. */
const SECURITY_QUESTION_RESET = /user reset security_question factor/i;

/** The user whose factors changed: the User target, else the actor (self-service enrolment). */
function factorOwnerKey(event: OktaLogEvent): string | undefined {
  const target = groupKeys.user(commonFields.targetUserId.text(event));
  if (target) return target;
  return textIs(commonFields.actorType.text(event), 'user') ? groupKeys.user(commonFields.actorId.text(event)) : undefined;
}

export const mfaRemovedNotRestored: SequenceRule = {
  kind: 'sequence',
  id: 'okta-mfa-removed-not-restored',
  title: 'MFA factor removed and not re-enrolled within 12 hours',
  description:
    "A user's MFA factor was deactivated or all their factors were reset, and no factor was activated for the user " +
    'in the 12 hours after. The account may now sign in with the password alone.' +
    outcomeNote.carriedOutOnly('a refused removal leaves the factor in place, so there is nothing to restore.') +
    ' An activation without an outcome counts as the re-enrolment. Without a User target the removal is kept under ' +
    'the acting account.',
  severity: 'low',
  attack: { tactics: ['TA0003', 'TA0005'], techniques: ['T1556.006', 'T1098'] },
  eventTypes: [...REMOVED, ENROLLED],
  fields: ['eventType', 'outcome.result', 'outcome.reason', 'target[type=User].id', 'actor.id', 'actor.type'],
  runbook:
    'Check that the user can still sign in with MFA; if the account has no factor, require enrolment at next sign-in or ' +
    'suspend it, and ask who requested the reset.',
  dedupe: { periodMinutes: 720, key: factorOwnerKey },
  enabled: true,
  subject: (events) => targetUserSubject(events[0]),
  absent: true,
  within: 720,
  first: {
    match: (event) =>
      isEventType(event, REMOVED) && carriedOut(event) && !SECURITY_QUESTION_RESET.test(commonFields.outcomeReason.text(event) ?? ''),
  },
  then: { match: (event) => isEventType(event, [ENROLLED]) && carriedOut(event) },
};

/**
 * Catalogue A14–A17, A19: MFA removed or bypassed. Org-wide factor types switched off, a user's factors removed by
 * someone else or all reset, a user's own factor reset (context only), and MFA bypass attempts.
 * A18 (factor removed and not re-enrolled within 12 h) is a sequence with absence and belongs to the sequence kind.
 */
import { actorSubject, commonFields, groupKeys, targetUserSubject } from '../../log-event.js';
import type { OktaLogEvent, SingleRule } from '../../types.js';
import { actsOnOwnAccount, attemptAware, attemptAwareNote, carriedOut, isEventType, outcomeNote } from './helpers.js';

const MFA_ATTACK = { tactics: ['TA0006', 'TA0005', 'TA0003'], techniques: ['T1556.006'] } as const;

/** Detections about what happened to one user's factors are keyed and named by that user. */
const perTargetUser = { periodMinutes: 60, key: (event: OktaLogEvent) => groupKeys.user(commonFields.targetUserId.text(event)) };
const targetUser = (events: readonly OktaLogEvent[]) => targetUserSubject(events[0]);

const ORG_FACTOR_TYPES = ['system.mfa.factor.deactivate', 'security.authenticator.lifecycle.deactivate'];

export const orgMfaFactorDisabled: SingleRule = {
  kind: 'single',
  id: 'okta-org-mfa-factor-disabled',
  title: 'MFA factor type disabled for the organisation',
  description:
    'An admin deactivated a factor type (Classic: system.mfa.factor.deactivate) or an authenticator (Identity Engine: ' +
    'security.authenticator.lifecycle.deactivate) for the whole org. Removing a strong factor pushes every user to ' +
    'weaker ones or to none.' + outcomeNote.attempts,
  severity: attemptAware('high'),
  severityNote: attemptAwareNote('high'),
  attack: MFA_ATTACK,
  eventTypes: ORG_FACTOR_TYPES,
  fields: ['eventType', 'outcome.result', 'actor.id', 'actor.alternateId', 'target.displayName', 'client.ipAddress'],
  runbook:
    'Confirm with the acting admin that the factor (target) was meant to be retired; if not, re-activate it, check the ' +
    'authentication policies that relied on it and review the admin\'s session.',
  dedupe: { periodMinutes: 60, key: groupKeys.actor },
  enabled: true,
  match: (event) => isEventType(event, ORG_FACTOR_TYPES),
};

const USER_FACTOR_TYPES = ['user.mfa.factor.deactivate', 'user.mfa.factor.suspend'];

/** Okta's reason for a user removing their own factor, e.g. "User reset FIDO_WEBAUTHN factor". */
const SELF_RESET = /^\s*user reset\b/i;

/** The user removed or suspended their own factor (by Okta's reason, or because actor and target are the same). */
function isSelfService(event: OktaLogEvent): boolean {
  return SELF_RESET.test(commonFields.outcomeReason.text(event) ?? '') || actsOnOwnAccount(event);
}

export const userMfaFactorRemoved: SingleRule = {
  kind: 'single',
  id: 'okta-user-mfa-factor-removed',
  title: "User's MFA factor removed by someone else",
  description:
    "One of a user's factors was deactivated or suspended by another account (an admin, help desk or API token). " +
    'Removing the victim\'s factor is the usual step before enrolling the attacker\'s own.' +
    outcomeNote.attempts +
    ' Without outcome.reason and target, who acted on whose factor is unknown and the removal is reported here.',
  severity: attemptAware('medium'),
  severityNote: attemptAwareNote('medium'),
  attack: MFA_ATTACK,
  eventTypes: USER_FACTOR_TYPES,
  fields: [
    'eventType',
    'outcome.result',
    'outcome.reason',
    'actor.id',
    'actor.alternateId',
    'target[type=User].id',
    'target[type=User].alternateId',
    'target.displayName',
  ],
  runbook:
    'Ask the user whether they requested the factor removal from the help desk; if not, check for a new factor ' +
    'enrolment or sign-in on the account right after, and for other resets by the same actor.',
  dedupe: perTargetUser,
  enabled: true,
  subject: targetUser,
  match: (event) => isEventType(event, USER_FACTOR_TYPES) && !isSelfService(event),
};

const RESET_ALL = 'user.mfa.factor.reset_all';

export const userMfaResetAll: SingleRule = {
  kind: 'single',
  id: 'okta-user-mfa-reset-all',
  title: 'All MFA factors of a user reset',
  description:
    "Every factor of a user was reset, so the next sign-in enrols new ones. A routine help-desk action, and also the " +
    'step a social-engineered help desk or a hijacked admin takes before the attacker enrols their own factor.' +
    outcomeNote.attempts,
  // Help desks do this daily (the simulator's admins too): medium, never high on its own.
  severity: attemptAware('medium'),
  severityNote: attemptAwareNote('medium'),
  attack: { tactics: ['TA0003', 'TA0006', 'TA0005'], techniques: ['T1556.006', 'T1098'] },
  eventTypes: [RESET_ALL],
  fields: ['eventType', 'outcome.result', 'actor.id', 'actor.alternateId', 'target[type=User].id', 'target[type=User].alternateId'],
  runbook:
    'Check the help-desk ticket and how the caller was verified; watch the next factor enrolment and sign-in for the ' +
    'user (new device, new IP or country).',
  dedupe: perTargetUser,
  enabled: true,
  subject: targetUser,
  match: (event) => isEventType(event, [RESET_ALL]),
};

export const userMfaSelfReset: SingleRule = {
  kind: 'single',
  id: 'okta-user-mfa-self-reset',
  title: 'User reset one of their own MFA factors',
  description:
    'A user deactivated or suspended one of their own factors (new phone, lost key). Context for other detections ' +
    'about the same user, not an alert on its own.' +
    outcomeNote.carriedOutOnly('a refused self-service reset leaves the factor in place and is context for nothing.') +
    ' Self-service is read from outcome.reason ("User reset …") or from actor = target, so either one is enough.',
  // Info: kept for timelines and correlation; enabled because it costs nothing and is rare.
  severity: 'info',
  attack: MFA_ATTACK,
  eventTypes: USER_FACTOR_TYPES,
  fields: ['eventType', 'outcome.result', 'outcome.reason', 'actor.id', 'target[type=User].id', 'target.displayName'],
  runbook: 'No action alone; if the account has other detections, check that the user really replaced the factor.',
  dedupe: {
    periodMinutes: 60,
    key: (event) => groupKeys.user(commonFields.targetUserId.text(event)) ?? groupKeys.actor(event),
  },
  enabled: true,
  subject: (events) => targetUserSubject(events[0]) ?? actorSubject(events[0]),
  match: (event) => isEventType(event, USER_FACTOR_TYPES) && carriedOut(event) && isSelfService(event),
};

const BYPASS = 'user.mfa.attempt_bypass';

export const mfaBypassAttempt: SingleRule = {
  kind: 'single',
  id: 'okta-mfa-bypass-attempt',
  title: 'Attempt to bypass MFA',
  description:
    'Okta logged an attempt to bypass a user\'s MFA (for example with a one-time bypass code). Whatever the outcome, ' +
    'someone tried to get past the second factor.',
  severity: 'high',
  attack: { tactics: ['TA0006'], techniques: ['T1111', 'T1556.006'] },
  eventTypes: [BYPASS],
  fields: ['eventType', 'outcome.result', 'outcome.reason', 'actor.id', 'actor.alternateId', 'target[type=User].id', 'client.ipAddress'],
  runbook:
    'Find who issued the bypass and whether the user asked for it; if not, reset the user\'s password and factors and ' +
    'clear their sessions.',
  dedupe: {
    periodMinutes: 60,
    key: (event) => groupKeys.user(commonFields.targetUserId.text(event)) ?? groupKeys.actor(event),
  },
  enabled: true,
  subject: (events) => targetUserSubject(events[0]) ?? actorSubject(events[0]),
  // Any outcome: a failed bypass attempt is as telling as a successful one.
  match: (event) => isEventType(event, [BYPASS]),
};

/**
 * Catalogue A21 ("skeleton key"): an admin enrols MFA factors on other users' accounts, or weakens authentication
 * policies, more than that admin's own 90-day history explains. The first enrolment for someone else by an admin
 * alerts at once; later ones only when the day stands out (z-score) against the admin's active days.
 */
import { textIs } from '../../fields.js';
import { commonFields, groupKeys } from '../../log-event.js';
import type { AnomalyBucket, AnomalyRule, OktaLogEvent } from '../../types.js';
import { actsOnOwnAccount, carriedOut, isEventType, outcomeNote, weakensPolicy } from './helpers.js';

const ENROLLED = 'user.mfa.factor.activate';
const POLICY_UPDATES = ['policy.rule.update', 'policy.lifecycle.update'];

function enrolsForSomeoneElse(event: OktaLogEvent): boolean {
  return isEventType(event, [ENROLLED]) && carriedOut(event) && commonFields.targetUserId.text(event) !== undefined && !actsOnOwnAccount(event);
}

function weakensAuthentication(event: OktaLogEvent): boolean {
  return isEventType(event, POLICY_UPDATES) && carriedOut(event) && weakensPolicy(event);
}

const isUserActor = (event: OktaLogEvent) => textIs(commonFields.actorType.text(event), 'user');

/** Exported for its unit tests: the decision on one day of one admin. */
export function skeletonKeyDay(day: AnomalyBucket): boolean {
  const { enrolments = 0, weakenings = 0 } = day.values;
  const everEnrolled = day.history.some((h) => (h.values.enrolments ?? 0) > 0);
  if (enrolments > 0 && !everEnrolled) return true;
  if (day.learning) return enrolments >= 5 || weakenings >= 3;
  return (enrolments > 0 && day.z('enrolments') > 3) || (weakenings > 0 && day.z('weakenings') > 2);
}

export const adminEnrolsFactorsForOthers: AnomalyRule = {
  kind: 'anomaly',
  id: 'okta-admin-enrolls-factors-for-others',
  title: 'Admin enrolling MFA factors for other users (skeleton key)',
  description:
    "An administrator activated MFA factors on other users' accounts, or weakened authentication policy rules, on a " +
    "day that stands out against the admin's own last 90 days (the first enrolment for another user alerts at once). " +
    'An attacker holding an admin session enrols their own authenticator on target accounts to sign in as them.' +
    outcomeNote.carriedOutOnly('a refused enrolment gives nobody a factor, and counting it would skew the admin\'s history.') +
    ' Needs target for enrolments: only a User target says the factor is someone else\'s (self-enrolment is routine); ' +
    'policy weakenings need the change details (debugContext or target).',
  severity: 'high',
  attack: { tactics: ['TA0003', 'TA0006'], techniques: ['T1098.005', 'T1556.006'] },
  eventTypes: [ENROLLED, ...POLICY_UPDATES],
  fields: ['eventType', 'outcome.result', 'actor.id', 'actor.type', 'target[type=User].id', 'debugContext.debugData.changedAttributes'],
  runbook:
    'List the accounts the admin enrolled factors on (evidence) and ask the owners; remove factors nobody requested, ' +
    "clear those users' sessions and review the admin's own session and recent role grants.",
  dedupe: { periodMinutes: 1440, key: groupKeys.actor },
  enabled: true,
  filter: (event) => isUserActor(event) && (enrolsForSomeoneElse(event) || weakensAuthentication(event)),
  bucketMinutes: 1440,
  historyDays: 90,
  minHistoryBuckets: 5,
  measures: { enrolments: { count: enrolsForSomeoneElse }, weakenings: { count: weakensAuthentication } },
  decide: skeletonKeyDay,
};

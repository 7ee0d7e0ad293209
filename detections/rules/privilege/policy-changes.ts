/**
 * Catalogue A10–A12: sign-on, MFA, password and session policies (and their rules) changed or removed.
 * Routine for admins, so medium; high when the change details show a weakening (MFA off, endless sessions,
 * short passwords), which is what an attacker preparing a way back in does.
 */
import { groupKeys } from '../../log-event.js';
import type { OktaLogEvent, Severity, SingleRule } from '../../types.js';
import { attemptAware, attemptAwareNote, highestOf, isEventType, outcomeNote, weakensPolicy } from './helpers.js';

const POLICY_FIELDS = [
  'eventType',
  'outcome.result',
  'actor.id',
  'actor.alternateId',
  'target.id',
  'target.type',
  'target.displayName',
  'target.detailEntry.policyType',
  'target.changeDetails.to',
  'debugContext.debugData.changedAttributes',
];

const POLICY_ATTACK = { tactics: ['TA0005', 'TA0004', 'TA0003'], techniques: ['T1484', 'T1556'] } as const;

/** High when this event's change details show a weakening, else medium. */
const weakeningSeverity = attemptAware(highestOf((event: OktaLogEvent): Severity => (weakensPolicy(event) ? 'high' : 'medium')));
const WEAKENING_SEVERITY = attemptAwareNote({
  levels: ['medium', 'high'],
  how:
    'high when the change details of an event show a weakening (requireFactor → false, ' +
    'maxSessionLifetimeMinutes → 0, password minLength under 7), else medium',
});

/** One detection per admin and hour: a policy review touching ten rules is one thing to look at. */
const perAdmin = { periodMinutes: 60, key: groupKeys.actor } as const;

const APP_SIGN_ON_TYPES = ['application.policy.sign_on.update', 'application.policy.sign_on.rule.delete'];

export const appSignOnPolicyWeakened: SingleRule = {
  kind: 'single',
  id: 'okta-app-signon-policy-weakened',
  title: 'Application sign-on policy updated or rule deleted',
  description:
    "An app's sign-on policy was updated or one of its rules deleted. Removing an MFA or network condition for one " +
    'sensitive app is a quiet way to let stolen passwords in. High when the change details show MFA switched off.' +
    outcomeNote.attempts,
  severity: weakeningSeverity,
  severityNote: WEAKENING_SEVERITY,
  attack: POLICY_ATTACK,
  eventTypes: APP_SIGN_ON_TYPES,
  fields: POLICY_FIELDS,
  runbook:
    'Compare the app\'s sign-on rules with the last approved version (who may sign in, from where, with which ' +
    'factors) and confirm the change with the acting admin; restore the rule if unapproved.',
  dedupe: perAdmin,
  enabled: true,
  match: (event) => isEventType(event, APP_SIGN_ON_TYPES),
};

const POLICY_TYPES = ['policy.lifecycle.update', 'policy.lifecycle.deactivate', 'policy.lifecycle.delete'];

export const policyWeakened: SingleRule = {
  kind: 'single',
  id: 'okta-policy-weakened',
  title: 'Okta policy updated, deactivated or deleted',
  description:
    'An org policy (global session, authentication, MFA enrolment or password policy) was updated, deactivated or ' +
    'deleted. High when the change details show a weakening such as MFA no longer required, sessions without a ' +
    'lifetime limit or a minimum password length under 7.' +
    outcomeNote.attempts,
  severity: weakeningSeverity,
  severityNote: WEAKENING_SEVERITY,
  attack: POLICY_ATTACK,
  eventTypes: POLICY_TYPES,
  fields: POLICY_FIELDS,
  runbook:
    'Open the policy (target) in the Admin Console, compare it with the approved configuration and confirm the ' +
    'change with the acting admin; revert it and review that admin\'s session if unexplained.',
  dedupe: perAdmin,
  enabled: true,
  match: (event) => isEventType(event, POLICY_TYPES),
};

const POLICY_RULE_TYPES = ['policy.rule.update', 'policy.rule.deactivate', 'policy.rule.delete'];

export const policyRuleWeakened: SingleRule = {
  kind: 'single',
  id: 'okta-policy-rule-weakened',
  title: 'Okta policy rule updated, deactivated or deleted',
  description:
    'A rule of an org policy was updated, deactivated or deleted. Routine policy tuning is medium; high when the ' +
    'change details show requireFactor set to false, maxSessionLifetimeMinutes set to 0 or a password minLength ' +
    'under 7 (the "skeleton key" pattern of weakening authentication before abusing it).' +
    outcomeNote.attempts,
  severity: weakeningSeverity,
  severityNote: WEAKENING_SEVERITY,
  attack: POLICY_ATTACK,
  eventTypes: POLICY_RULE_TYPES,
  fields: POLICY_FIELDS,
  runbook:
    'Check what the rule now allows (factors, session lifetime, network zones) and whether the acting admin had a ' +
    'change request; restore the rule and look for sign-ins that relied on the weaker rule.',
  dedupe: perAdmin,
  enabled: true,
  match: (event) => isEventType(event, POLICY_RULE_TYPES),
};

/**
 * Catalogue A22–A23: Okta Support in the tenant. Session impersonation granted to or started by Okta Support (or an
 * admin), and passwords or factors reset by Okta Support itself.
 */
import { textIs } from '../../fields.js';
import { commonFields, groupKeys, targetUserSubject } from '../../log-event.js';
import type { OktaLogEvent, SingleRule } from '../../types.js';
import { actorIsOktaSystem, attemptAware, attemptAwareNote, isEventType, OKTA_SYSTEM_LOGIN, outcomeNote, privilegeFields } from './helpers.js';

/** `extend` prolongs an existing grant, which is as much a decision to let Support in as the grant itself. */
const IMPERSONATION_TYPES = ['user.session.impersonation.grant', 'user.session.impersonation.initiate', 'user.session.impersonation.extend'];

export const supportImpersonation: SingleRule = {
  kind: 'single',
  id: 'okta-support-impersonation',
  title: 'Okta Support impersonation granted or started',
  description:
    'Access for Okta Support to impersonate users was granted or extended, or an impersonation session started. ' +
    'Support access lets someone outside the org act as an admin; it should match an open support case.' +
    outcomeNote.attempts,
  severity: attemptAware('high'),
  severityNote: attemptAwareNote('high'),
  attack: { tactics: ['TA0001', 'TA0004'], techniques: ['T1199', 'T1078.004'] },
  eventTypes: IMPERSONATION_TYPES,
  fields: ['eventType', 'outcome.result', 'actor.id', 'actor.alternateId', 'target.alternateId', 'client.ipAddress'],
  runbook:
    'Match the grant to an open Okta support case and the admin who opened it; if there is none, revoke Okta Support ' +
    'access (Settings > Account) and review what the impersonation session did.',
  dedupe: { periodMinutes: 60, key: groupKeys.actor },
  enabled: true,
  // Okta's own system principal is excluded, as in Sigma; per-tenant allow-lists of trusted admins come with settings.
  match: (event) => isEventType(event, IMPERSONATION_TYPES) && !actorIsOktaSystem(event),
};

const SUPPORT_RESET_TYPES = [
  'user.account.reset_password',
  'user.mfa.factor.update',
  'system.mfa.factor.deactivate',
  'user.mfa.attempt_bypass',
];

/**
 * Okta Support works through the system principal with no client context at all: transaction id "unknown", no user
 * agent, no geolocation. An admin or an ordinary job always has one of these.
 */
function isOktaSupportAction(event: OktaLogEvent): boolean {
  if (!actorIsOktaSystem(event)) return false;
  if (!textIs(privilegeFields.transactionId.text(event), 'unknown')) return false;
  if (privilegeFields.rawUserAgent.text(event)?.trim()) return false;
  return !commonFields.country.text(event)?.trim();
}

export const supportCredentialReset: SingleRule = {
  kind: 'single',
  id: 'okta-support-credential-reset',
  title: 'Password or MFA reset by Okta Support',
  description:
    `A password reset, factor change, org factor deactivation or MFA bypass was performed by Okta Support ` +
    `(actor ${OKTA_SYSTEM_LOGIN}, no client context). Legitimate only during an account-recovery case the org opened.` +
    outcomeNote.attempts,
  severity: attemptAware('high'),
  severityNote: attemptAwareNote('high'),
  attack: { tactics: ['TA0001', 'TA0003'], techniques: ['T1199', 'T1098'] },
  eventTypes: SUPPORT_RESET_TYPES,
  fields: [
    'eventType',
    'outcome.result',
    'actor.alternateId',
    'transaction.id',
    'client.userAgent.rawUserAgent',
    'client.geographicalContext.country',
    'target[type=User].id',
  ],
  runbook:
    'Confirm with the admins that an Okta support case asked for this reset; if not, contact Okta, reset the ' +
    "affected user's credentials yourself and clear their sessions.",
  dedupe: { periodMinutes: 60, key: (event) => groupKeys.user(commonFields.targetUserId.text(event)) },
  enabled: true,
  subject: (events) => targetUserSubject(events[0]),
  match: (event) => isEventType(event, SUPPORT_RESET_TYPES) && isOktaSupportAction(event),
};

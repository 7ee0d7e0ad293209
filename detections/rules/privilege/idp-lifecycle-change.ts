/** Catalogue A6: an Identity Provider was created, activated, updated, deactivated or deleted (inbound federation). */
import { groupKeys } from '../../log-event.js';
import type { SingleRule } from '../../types.js';
import { attemptAware, attemptAwareNote, highestOf, isEventType, outcomeNote, severityByEventType, targetKey } from './helpers.js';

const CREATE = 'system.idp.lifecycle.create';
const EVENT_TYPES = [
  CREATE,
  'system.idp.lifecycle.activate',
  'system.idp.lifecycle.update',
  'system.idp.lifecycle.deactivate',
  'system.idp.lifecycle.delete',
];

/** A new IdP is how the 2023 cross-tenant impersonation attacks signed in as anyone: high. Other changes: medium. */
const idpSeverity = severityByEventType({ [CREATE]: 'high' }, 'medium');

export const idpLifecycleChange: SingleRule = {
  kind: 'single',
  id: 'okta-idp-lifecycle-change',
  title: 'Identity Provider created or changed',
  description:
    'An Identity Provider (inbound SAML/OIDC federation) was created, activated, updated, deactivated or deleted. An ' +
    'attacker with admin rights can add an IdP they control and sign in as any user it maps to, without their ' +
    'password or MFA. High for a new IdP, medium for other changes.' + outcomeNote.attempts,
  severity: attemptAware(highestOf(idpSeverity)),
  severityNote: attemptAwareNote({ levels: ['medium', 'high'], how: 'high when the match holds an IdP creation, else medium' }),
  attack: { tactics: ['TA0004', 'TA0005'], techniques: ['T1484.002'] },
  eventTypes: EVENT_TYPES,
  fields: ['eventType', 'outcome.result', 'actor.alternateId', 'target.id', 'target.displayName', 'client.ipAddress'],
  runbook:
    'Confirm the IdP change with the acting admin; for an unknown IdP, deactivate it, check its routing rules and ' +
    'account-link/JIT settings, and review every sign-in through it (user.authentication.auth_via_IDP).',
  // Keyed by the IdP, so its create → activate → update burst is one detection.
  dedupe: {
    periodMinutes: 60,
    key: (event) => targetKey('idp', event, ['IdentityProvider']) ?? targetKey('idp', event) ?? groupKeys.actor(event),
  },
  enabled: true,
  match: (event) => isEventType(event, EVENT_TYPES) ,
};

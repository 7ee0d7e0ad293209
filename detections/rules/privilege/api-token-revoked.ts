/** Catalogue A5: an SSWS API token was revoked (clean-up after abuse, or breaking an integration on purpose). */
import { groupKeys } from '../../log-event.js';
import type { SingleRule } from '../../types.js';
import { attemptAware, attemptAwareNote, isEventType, outcomeNote } from './helpers.js';

const EVENT_TYPES = ['system.api_token.revoke'];

export const apiTokenRevoked: SingleRule = {
  kind: 'single',
  id: 'okta-api-token-revoked',
  title: 'Okta API token revoked',
  description:
    'An API token was revoked. Usually routine rotation; after a compromise it can be an attacker removing the token ' +
    'they used, or cutting off a security or provisioning integration.' + outcomeNote.attempts,
  severity: attemptAware('low'),
  severityNote: attemptAwareNote('low'),
  attack: { tactics: ['TA0040'], techniques: ['T1531'] },
  eventTypes: EVENT_TYPES,
  fields: ['eventType', 'outcome.result', 'actor.id', 'actor.alternateId', 'target.displayName', 'client.ipAddress'],
  runbook:
    'Check which integration used the token (target name) and that the revoking admin meant to break it; look at what ' +
    'the token did before (transaction.detail.requestApiTokenId).',
  dedupe: { periodMinutes: 60, key: groupKeys.actor },
  enabled: true,
  match: (event) => isEventType(event, EVENT_TYPES),
};

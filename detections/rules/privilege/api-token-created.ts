/** Catalogue A4: an SSWS API token was created (long-lived, acts with its creator's admin rights). */
import { commonFields, groupKeys } from '../../log-event.js';
import type { SingleRule } from '../../types.js';
import { attemptAware, attemptAwareNote, outcomeNote } from '../outcome.js';

export const apiTokenCreated: SingleRule = {
  kind: 'single',
  id: 'okta-api-token-created',
  title: 'Okta API token created',
  description:
    'An API token was created. Tokens do not expire while used, bypass MFA and carry the permissions of the admin ' +
    'who created them, which makes them a favourite way to keep access after a session is revoked.' +
    outcomeNote.attempts,
  severity: attemptAware('medium'),
  severityNote: attemptAwareNote('medium'),
  attack: { tactics: ['TA0003'], techniques: ['T1098.001'] },
  eventTypes: ['system.api_token.create'],
  fields: ['eventType', 'outcome.result', 'actor.id', 'actor.alternateId', 'target.displayName', 'client.ipAddress'],
  runbook:
    'Ask the creating admin what the token (target name) is for and whether the source IP is theirs; revoke it ' +
    '(Security > API > Tokens) if nobody claims it.',
  dedupe: { periodMinutes: 60, key: groupKeys.actor },
  enabled: true,
  match: (event) => commonFields.eventType.text(event) === 'system.api_token.create',
};

/** Catalogue A3: a custom admin role was bound to principals through a resource set (IAM custom roles). */
import { groupKeys } from '../../log-event.js';
import type { SingleRule } from '../../types.js';
import { attemptAware, attemptAwareNote, isEventType, outcomeNote } from './helpers.js';

const EVENT_TYPES = ['iam.resourceset.bindings.add'];

export const customAdminBindingCreated: SingleRule = {
  kind: 'single',
  id: 'okta-custom-admin-binding-created',
  title: 'Custom admin role binding created',
  description:
    'A custom administrator role was bound to users or groups over a resource set. Custom roles can carry narrow but ' +
    'powerful permissions (reset MFA, manage apps) without showing up as a standard admin role grant.' +
    outcomeNote.attempts,
  severity: attemptAware('medium'),
  severityNote: attemptAwareNote('medium'),
  attack: { tactics: ['TA0003', 'TA0004'], techniques: ['T1098.003'] },
  eventTypes: EVENT_TYPES,
  fields: ['eventType', 'outcome.result', 'actor.id', 'actor.alternateId', 'target.id', 'target.type', 'target.displayName'],
  runbook:
    'Check which role, resource set and members the binding names (targets) and confirm the change with the acting ' +
    'admin; remove the binding if it was not requested.',
  // An admin setting up a role usually adds several bindings in a row: one detection per admin and hour.
  dedupe: { periodMinutes: 60, key: groupKeys.actor },
  enabled: true,
  match: (event) => isEventType(event, EVENT_TYPES),
};

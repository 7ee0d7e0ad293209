/** Catalogue A24: a user account was created or activated; medium for a name known from the 2023 support breach. */
import { groupKeys } from '../../log-event.js';
import type { OktaLogEvent, Severity, SingleRule } from '../../types.js';
import { carriedOut, highestOf, isEventType, outcomeNote, privilegeFields } from './helpers.js';

const EVENT_TYPES = ['user.lifecycle.create', 'user.lifecycle.activate'];

/** Account names used by the actor behind the 2023 Okta support-system breach. */
const IOC_ACCOUNT_NAMES = ['svc_network_backup'];

function hasIocName(event: OktaLogEvent): boolean {
  const names = [...privilegeFields.targetDisplayName.texts(event), ...privilegeFields.targetAlternateId.texts(event)];
  return names.some((name) => IOC_ACCOUNT_NAMES.some((ioc) => name.toLowerCase().includes(ioc)));
}

export const userCreated: SingleRule = {
  kind: 'single',
  id: 'okta-user-created',
  title: 'User account created',
  description:
    'A user was created or activated. On its own an onboarding record (info), useful next to other detections about ' +
    'the creating admin; medium when the new account carries a name known from the 2023 Okta support-system breach ' +
    `(${IOC_ACCOUNT_NAMES.join(', ')}).` +
    outcomeNote.carriedOutOnly('a refused creation leaves no account behind.'),
  severity: highestOf((event): Severity => (hasIocName(event) ? 'medium' : 'info')),
  severityNote: {
    levels: ['info', 'medium'],
    how: 'medium when a new account carries a name known from the 2023 Okta support-system breach, else info',
  },
  attack: { tactics: ['TA0003'], techniques: ['T1136.003'] },
  eventTypes: EVENT_TYPES,
  fields: ['eventType', 'outcome.result', 'actor.id', 'actor.alternateId', 'target.displayName', 'target.alternateId'],
  runbook:
    'Check the new account against HR or the provisioning source; for an IOC name, disable it at once and review ' +
    'what the creating account did.',
  // Per creating actor, so a bulk import or an HR sync run is one (info) detection rather than one per new user.
  // Enabled: info-level context costs little; the per-actor grouping keeps volume down.
  dedupe: { periodMinutes: 60, key: groupKeys.actor },
  enabled: true,
  match: (event) => isEventType(event, EVENT_TYPES) && carriedOut(event),
};

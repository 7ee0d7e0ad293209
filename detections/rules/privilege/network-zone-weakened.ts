/** Catalogue A13: network zones (IP allow/block lists) loosened: updated, deactivated, deleted or unblocked. */
import { groupKeys } from '../../log-event.js';
import type { SingleRule } from '../../types.js';
import { attemptAware, attemptAwareNote, isEventType, outcomeNote } from './helpers.js';

const EVENT_TYPES = ['zone.update', 'zone.deactivate', 'zone.delete', 'zone.remove_blacklist', 'network_zone.rule.disabled'];

export const networkZoneWeakened: SingleRule = {
  kind: 'single',
  id: 'okta-network-zone-weakened',
  title: 'Network zone updated, deactivated or deleted',
  description:
    'A network zone was updated, deactivated or deleted, a blocklist zone was turned back into an ordinary zone, or ' +
    'a zone rule was disabled. Zones feed sign-on policies and blocklists, so loosening one can let an attacker\'s ' +
    'addresses through.' + outcomeNote.attempts,
  severity: attemptAware('medium'),
  severityNote: attemptAwareNote('medium'),
  attack: { tactics: ['TA0005'], techniques: ['T1562.007'] },
  eventTypes: EVENT_TYPES,
  fields: ['eventType', 'outcome.result', 'actor.id', 'actor.alternateId', 'target.id', 'target.displayName', 'client.ipAddress'],
  runbook:
    'Compare the zone\'s gateways/proxies and blocklist with the approved list and confirm the change with the acting ' +
    'admin; check for sign-ins from the newly allowed ranges.',
  dedupe: { periodMinutes: 60, key: groupKeys.actor },
  enabled: true,
  match: (event) => isEventType(event, EVENT_TYPES) ,
};

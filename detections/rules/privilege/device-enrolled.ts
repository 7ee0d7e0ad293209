/** Catalogue A20: a new device was enrolled (Okta Verify / FastPass), a possible persistence foothold. */
import { groupKeys } from '../../log-event.js';
import type { SingleRule } from '../../types.js';
import { carriedOut, isEventType, outcomeNote } from './helpers.js';

const EVENT_TYPES = ['device.enrollment.create'];

export const deviceEnrolled: SingleRule = {
  kind: 'single',
  id: 'okta-device-enrolled',
  title: 'New device enrolled',
  description:
    'A device was enrolled in Okta (Okta Verify registration). New laptops and phones do this every day, so it is ' +
    'low on its own; an attacker who reset a victim\'s factors enrols their own device the same way and keeps ' +
    'passwordless access through FastPass.' +
    outcomeNote.carriedOutOnly('a refused enrolment leaves no device behind, and users cancel enrolments every day.'),
  severity: 'low',
  attack: { tactics: ['TA0003', 'TA0004'], techniques: ['T1098.005'] },
  eventTypes: EVENT_TYPES,
  fields: ['eventType', 'outcome.result', 'actor.id', 'actor.alternateId', 'target.id', 'target.displayName', 'client.ipAddress'],
  runbook:
    'Check that the user recognises the device (target name, platform) and that it enrolled from their usual place; ' +
    'it matters most right after an MFA reset or a suspicious sign-in.',
  dedupe: { periodMinutes: 60, key: groupKeys.actor },
  enabled: true,
  match: (event) => isEventType(event, EVENT_TYPES) && carriedOut(event),
};

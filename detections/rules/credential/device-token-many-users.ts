/** Catalogue B42: one device token (dtHash) used to sign in as many accounts: one machine working through a list. */
import { commonFields, hasOutcome, isOneOf } from '../../log-event.js';
import type { OktaLogEvent, ThresholdRule } from '../../types.js';
import { FAILURES_NEED_OUTCOME, dtHashKey, dtHashOf, eventTypeOf, isOktaInternalActor, isProxied, noSubject } from './helpers.js';

const AUTH_TYPES = ['user.session.start', 'user.authentication.*'];
const FIELDS = [
  'eventType',
  'outcome.result',
  'outcome.reason',
  'actor.id',
  'actor.alternateId',
  'debugContext.debugData.dtHash',
  'securityContext.isProxy',
  'client.ipAddress',
];

function isWrongPassword(event: OktaLogEvent): boolean {
  return (
    hasOutcome(event, 'FAILURE') &&
    isOneOf(commonFields.outcomeReason.first(event), ['INVALID_CREDENTIALS']) &&
    dtHashOf(event) !== undefined
  );
}

export const deviceTokenManyUsers: ThresholdRule = {
  kind: 'threshold',
  id: 'okta-dthash-many-users',
  title: 'One device token failing for many accounts',
  description:
    'Wrong passwords for more than 20 different accounts came from the same device token (dtHash) within 9 minutes. ' +
    'A device token belongs to one browser profile: one machine is spraying or stuffing, whatever IPs it rotates ' +
    'through.' +
    FAILURES_NEED_OUTCOME +
    ' Needs debugContext: the device token is the entity.',
  severity: 'medium',
  attack: { tactics: ['TA0006'], techniques: ['T1110.003', 'T1110.004'] },
  eventTypes: AUTH_TYPES,
  fields: FIELDS,
  runbook:
    'List the IPs and accounts seen with the token, block the IPs, and check the accounts for a later successful ' +
    'sign-in; reset the passwords of any that succeeded.',
  dedupe: { periodMinutes: 60, key: dtHashKey },
  enabled: true,
  subject: noSubject,
  filter: isWrongPassword,
  window: 9,
  threshold: 21,
  distinct: 'actor.alternateId',
};

/**
 * Behind an anonymising proxy the bar is much lower: any user.authentication.* event (success or failure) for 3+
 * accounts from one device token. Okta's own actors are left out.
 */
export const deviceTokenManyUsersBehindProxy: ThresholdRule = {
  kind: 'threshold',
  id: 'okta-dthash-many-users-proxy',
  title: 'One device token signing in as several accounts behind a proxy',
  description:
    'Authentication events for at least 3 different accounts came from one device token (dtHash) through an ' +
    'anonymising proxy within 9 minutes. Shared kiosks exist, but rarely behind a VPN or Tor exit; more often one ' +
    'attacker is testing stolen credentials. Any outcome counts. Needs securityContext and debugContext: the proxy flag and ' +
    'the device token are the signal.',
  severity: 'medium',
  attack: { tactics: ['TA0006', 'TA0011'], techniques: ['T1110.003', 'T1110.004', 'T1090'] },
  eventTypes: ['user.authentication.*'],
  fields: FIELDS,
  runbook:
    'Check which accounts the token touched and whether any sign-in succeeded; for those, clear sessions and reset ' +
    'passwords. Consider blocking anonymisers with an enhanced dynamic zone.',
  dedupe: { periodMinutes: 60, key: dtHashKey },
  enabled: true,
  subject: noSubject,
  filter: (event) =>
    (eventTypeOf(event) ?? '').startsWith('user.authentication.') &&
    isProxied(event) &&
    dtHashOf(event) !== undefined &&
    !isOktaInternalActor(event),
  window: 9,
  threshold: 3,
  distinct: 'actor.alternateId',
};

/** Catalogue C54: one user starting many distinct Okta sessions in a short time. */
import { commonFields, groupKeys } from '../../log-event.js';
import type { OktaLogEvent, ThresholdRule } from '../../types.js';
import { eventTypeOf, isOktaInternalActor, sessionIdOf, startedSession } from '../credential/helpers.js';

const isNewSession = (event: OktaLogEvent): boolean =>
  eventTypeOf(event) === 'user.session.start' &&
  startedSession(event) &&
  sessionIdOf(event) !== undefined &&
  !isOktaInternalActor(event);

export const manySessionsForUser: ThresholdRule = {
  kind: 'threshold',
  id: 'okta-many-sessions-user',
  title: 'Many Okta sessions for one user',
  description:
    'One user started at least 3 distinct Okta sessions within 35 minutes. A laptop and a phone make two; more ' +
    'usually means the credentials (or a stolen session) are being used from somewhere else at the same time. A ' +
    'session start without an outcome counts: it names the session it started.',
  severity: 'medium',
  attack: { tactics: ['TA0008', 'TA0001'], techniques: ['T1550.004', 'T1078.004'] },
  eventTypes: ['user.session.start'],
  fields: [
    'eventType',
    'outcome.result',
    'actor.id',
    'actor.displayName',
    'authenticationContext.externalSessionId',
    'client.ipAddress',
    'client.userAgent.rawUserAgent',
  ],
  runbook:
    "List the sessions' IPs, user agents and devices: if one is not the user's, clear all sessions and reset the " +
    'password and factors.',
  dedupe: { periodMinutes: 60, key: (event) => groupKeys.user(commonFields.actorId.text(event)) },
  enabled: true,
  filter: isNewSession,
  window: 35,
  threshold: 3,
  distinct: 'authenticationContext.externalSessionId',
};

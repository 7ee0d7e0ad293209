/** Catalogue C56 (window variant): one user signing in from two countries within an hour. */
import { commonFields, groupKeys, hasOutcome } from '../../log-event.js';
import type { ThresholdRule } from '../../types.js';

export const signInsFromTwoCountries: ThresholdRule = {
  kind: 'threshold',
  id: 'okta-impossible-travel',
  title: 'Sign-ins from two countries within an hour',
  description:
    'One user started Okta sessions from at least two different countries within 60 minutes, which nobody can ' +
    'travel. Usually a stolen password or session used from abroad; sometimes a VPN or a mobile carrier egress.',
  severity: 'high',
  attack: { tactics: ['TA0001'], techniques: ['T1078.004'] },
  eventTypes: ['user.session.start'],
  fields: ['eventType', 'outcome.result', 'actor.id', 'client.geographicalContext.country', 'client.ipAddress', 'securityContext.isProxy'],
  runbook:
    "Compare the sessions' IPs, devices and ISPs (securityContext) with the user's usual ones; if one is unknown, " +
    'clear sessions and reset the password and factors.',
  dedupe: { periodMinutes: 60, key: (event) => groupKeys.user(commonFields.actorId.text(event)) },
  enabled: true,
  filter: (event) => commonFields.eventType.text(event) === 'user.session.start' && hasOutcome(event, 'SUCCESS'),
  window: 60,
  threshold: 2,
  distinct: 'client.geographicalContext.country',
};

/** Catalogue C56 (window variant): one user signing in from two countries within an hour. */
import { field, isTrue } from '../../fields.js';
import { commonFields, groupKeys } from '../../log-event.js';
import { startedSession } from '../credential/helpers.js';
import type { GeoVelocityRule, ThresholdRule } from '../../types.js';

const proxied = field('securityContext.isProxy');

export const signInsFromTwoCountries: ThresholdRule = {
  kind: 'threshold',
  id: 'okta-impossible-travel',
  title: 'Sign-ins from two countries within an hour',
  description:
    'One user started Okta sessions from at least two different countries within 60 minutes, which nobody can ' +
    'travel. Usually a stolen password or session used from abroad; sometimes a VPN or a mobile carrier egress. A ' +
    'session start without an outcome counts when it names its session. Needs client: the countries are the signal.',
  severity: 'high',
  attack: { tactics: ['TA0001'], techniques: ['T1078.004'] },
  eventTypes: ['user.session.start'],
  fields: ['eventType', 'outcome.result', 'actor.id', 'client.geographicalContext.country', 'client.ipAddress', 'securityContext.isProxy'],
  runbook:
    "Compare the sessions' IPs, devices and ISPs (securityContext) with the user's usual ones; if one is unknown, " +
    'clear sessions and reset the password and factors.',
  dedupe: { periodMinutes: 60, key: (event) => groupKeys.user(commonFields.actorId.text(event)) },
  enabled: true,
  filter: (event) => commonFields.eventType.text(event) === 'user.session.start' && startedSession(event),
  window: 60,
  threshold: 2,
  distinct: 'client.geographicalContext.country',
};

/**
 * Catalogue C56 (velocity variant): consecutive successful sign-ins of one user further apart than a jet could fly
 * in the time between them. Anonymised sign-ins are left out (their location is the exit node's), and the same IP
 * never counts, so a VPN the user keeps does not alert.
 */
export const impossibleTravelVelocity: GeoVelocityRule = {
  kind: 'geo',
  id: 'okta-impossible-travel-velocity',
  title: 'Impossible travel between consecutive sign-ins',
  description:
    "Two consecutive successful Okta sign-ins of one user are so far apart that reaching the second from the first " +
    'would take more than 900 km/h. One of the two sessions is not the user: a stolen password or session cookie. A ' +
    'session start without an outcome counts when it names its session; without securityContext the sign-in is not ' +
    'known to be anonymised and is judged. Needs client: the geolocation is the signal.',
  severity: 'high',
  attack: { tactics: ['TA0001'], techniques: ['T1078.004'] },
  eventTypes: ['user.session.start'],
  fields: ['eventType', 'outcome.result', 'actor.id', 'client.ipAddress', 'client.geographicalContext.geolocation', 'securityContext.isProxy'],
  runbook:
    'Details give both places and the speed: ask the user which sign-in was theirs, then clear the sessions and reset ' +
    'the password and factors; check the other place for a VPN or carrier egress before closing as benign.',
  dedupe: { periodMinutes: 180, key: (event) => groupKeys.user(commonFields.actorId.text(event)) },
  enabled: true,
  filter: (event) =>
    commonFields.eventType.text(event) === 'user.session.start' && startedSession(event) && !isTrue(proxied.first(event)),
  maxSpeedKmh: 900,
  minDistanceKm: 500,
};

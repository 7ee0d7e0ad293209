/** Catalogue C57 (single-event form): a session started through an anonymising proxy, VPN or Tor. */
import type { OktaLogEvent, Severity, SingleRule } from '../../types.js';
import { F, eventTypeOf, isProxied, startedSession, textsAt, userKey } from '../credential/helpers.js';

const SERVICE_CATEGORIES = ['securityContext.ipDetails.ipServiceCategories', 'request.ipChain.ipDetails.ipServiceCategories'];

function networkLabels(event: OktaLogEvent): string[] {
  return [
    ...SERVICE_CATEGORIES.flatMap((path) => textsAt(event, path)),
    ...[F.isp, F.asOrg, F.domain].map((f) => f.text(event)?.toLowerCase() ?? ''),
  ];
}

const PRIVATE_RELAY = /icloud|private[\s_-]*relay/;
const TOR = /(^|[^a-z])tor([^a-z]|$)/;

/**
 * Apple iCloud Private Relay is on by default on many iPhones and Macs: info. Tor: high, as proposed. Other
 * anonymisers (commercial VPNs, residential proxies): high as proposed too; tenants whose staff use a VPN that Okta
 * flags should allow-list it rather than lower the rule.
 */
function anonymizerSeverity(events: readonly OktaLogEvent[]): Severity {
  const labels = events.flatMap(networkLabels);
  if (labels.some((label) => TOR.test(label))) return 'high';
  if (labels.some((label) => PRIVATE_RELAY.test(label))) return 'info';
  return 'high';
}

export const sessionViaAnonymizer: SingleRule = {
  kind: 'single',
  id: 'okta-session-via-anonymizer',
  title: 'Okta session started through an anonymising proxy',
  description:
    'A user signed in to Okta from an IP address Okta flags as an anonymising proxy (VPN exit, Tor, open or ' +
    'residential proxy). Attackers using stolen credentials hide behind these; employees rarely need to. ' +
    'Info for Apple iCloud Private Relay. A session start without an outcome counts when it names its session; failed ' +
    'sign-ins are left to the brute-force and spray rules, which count them whatever the network. Needs ' +
    'securityContext: the proxy flag is the signal.',
  severity: anonymizerSeverity,
  severityNote: {
    levels: ['info', 'high'],
    how:
      'info when the network (ISP, AS organisation, domain) is Apple iCloud Private Relay and not Tor; ' +
      'high otherwise (Tor, VPNs, proxies)',
  },
  attack: { tactics: ['TA0001', 'TA0011'], techniques: ['T1078.004', 'T1090.003'] },
  eventTypes: ['user.session.start'],
  fields: [
    'eventType',
    'outcome.result',
    'securityContext.isProxy',
    'securityContext.isp',
    'securityContext.asOrg',
    'securityContext.domain',
    'securityContext.ipDetails.ipServiceCategories',
    'client.ipAddress',
    'actor.id',
  ],
  runbook:
    'Ask the user whether they use a VPN or privacy service; if not, clear their sessions and reset the password, ' +
    'and consider blocking anonymisers with an enhanced dynamic network zone.',
  dedupe: { periodMinutes: 360, key: userKey },
  enabled: true,
  match: (event) => eventTypeOf(event) === 'user.session.start' && startedSession(event) && isProxied(event),
};

/**
 * Catalogue C58: a session through an anonymising proxy, followed within 30 minutes by another medium-or-worse Okta
 * detection for the same user. Either alone may be noise; together they are an intruder at work.
 */
import type { SequenceRule } from '../../types.js';
import { userKey } from '../credential/helpers.js';

export const proxyLoginThenAlerts: SequenceRule = {
  kind: 'sequence',
  id: 'okta-proxy-login-then-alerts',
  title: 'Anonymised sign-in followed by other detections for the user',
  description:
    'A user signed in through an anonymising proxy, VPN or Tor, and within 30 minutes another detection of medium ' +
    'severity or higher fired for the same user. Needs securityContext: the first step is okta-session-via-anonymizer, ' +
    'which reads the proxy flag there.',
  severity: 'high',
  attack: { tactics: ['TA0001', 'TA0011'], techniques: ['T1078.004', 'T1090.003'] },
  // Both steps are detections: the rule reads no events of its own.
  eventTypes: [],
  fields: ['actor.id', 'target[type=User].id'],
  runbook:
    'Read the follow-up detections first: they say what the anonymised session did. Clear the sessions, reset the ' +
    'password and factors unless the user confirms both.',
  dedupe: { periodMinutes: 60, key: userKey },
  enabled: true,
  within: 30,
  // iCloud Private Relay sessions are info: not a hiding intruder.
  first: { alerts: ['okta-session-via-anonymizer'], minSeverity: 'low' },
  then: { alerts: '*', minSeverity: 'medium' },
};

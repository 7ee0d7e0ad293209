/**
 * Catalogue C51 (window variant) and C53: a device token (dtHash) identifies one browser profile, so one session
 * carrying several tokens, or one token showing up on several operating systems, means a stolen cookie replayed
 * elsewhere.
 */
import { commonFields } from '../../log-event.js';
import { carriedOut } from '../outcome.js';
import type { OktaLogEvent, Severity, ThresholdRule } from '../../types.js';
import { F, distinctValues, dtHashKey, dtHashOf, eventTypeOf, present, sessionIdOf, sessionKey } from '../credential/helpers.js';

// --- C51 ------------------------------------------------------------------------------------------------------

/** Sign-in events legitimately see the token change while the session is being set up. */
const SIGN_IN_TYPES = new Set(['policy.evaluate_sign_on', 'user.session.start', 'user.authentication.sso']);
const PERSON_LOGIN = /^[^@\s]+@[^@\s]+$/;

function isInSessionActivity(event: OktaLogEvent): boolean {
  if (SIGN_IN_TYPES.has(eventTypeOf(event) ?? '')) return false;
  const login = commonFields.actorAlternateId.text(event)?.toLowerCase();
  if (!login || login === 'system@okta.com' || !PERSON_LOGIN.test(login)) return false;
  return sessionIdOf(event) !== undefined && dtHashOf(event) !== undefined;
}

const HIJACK = { tokens: 4, ips: 2 } as const;

/**
 * The catalogue's full condition is ≥ 4 tokens and ≥ 2 IPs; a window counts one distinct field, so the IP spread sets
 * the severity: high when met, medium when every token came through one address (still abnormal).
 */
const hijackSeverity = (events: readonly OktaLogEvent[]): Severity =>
  distinctValues(events, (event) => commonFields.clientIp.text(event)).size >= HIJACK.ips ? 'high' : 'medium';

export const sessionHijackMultiDevice: ThresholdRule = {
  kind: 'threshold',
  id: 'okta-session-hijack-multi-device',
  title: 'One Okta session used by several devices',
  description:
    'At least 4 different device tokens (dtHash) appeared in activity of one Okta session (externalSessionId) within ' +
    '9 minutes. A device token does not change once a session is established, so the session cookie is being ' +
    'replayed from other browsers. High when the tokens also came from 2 or more IP addresses (medium when the events ' +
    'carry none). Needs debugContext: the device tokens are the signal.',
  severity: hijackSeverity,
  severityNote: { levels: ['medium', 'high'], how: `high when the tokens came through ${HIJACK.ips} or more IP addresses, else medium` },
  attack: { tactics: ['TA0006', 'TA0005'], techniques: ['T1539', 'T1550.004'] },
  // Any in-session activity can carry the session and token.
  eventTypes: ['*'],
  fields: [
    'eventType',
    'actor.alternateId',
    'authenticationContext.externalSessionId',
    'debugContext.debugData.dtHash',
    'client.ipAddress',
    'client.userAgent.rawUserAgent',
  ],
  runbook:
    "Clear the user's sessions (Okta: Clear user sessions), then compare the IPs and user agents of the session's " +
    'events with the user\'s devices and review everything the session did after the first foreign token.',
  dedupe: { periodMinutes: 60, key: sessionKey },
  enabled: true,
  filter: isInSessionActivity,
  window: 9,
  threshold: HIJACK.tokens,
  distinct: 'debugContext.debugData.dtHash',
};

// --- C53 ------------------------------------------------------------------------------------------------------

const VERIFICATION_TYPES = ['user.authentication.verify', 'user.authentication.auth_via_mfa'];
const POLICY_EVALUATION = 'policy.evaluate_sign_on';

function isTokenWithClient(event: OktaLogEvent): boolean {
  if (dtHashOf(event) === undefined || present(F.os.text(event)) === undefined) return false;
  // Policy evaluations count only when access was granted (the cookie was accepted).
  return eventTypeOf(event) !== POLICY_EVALUATION || carriedOut(event);
}

export const deviceTokenMultiClient: ThresholdRule = {
  kind: 'threshold',
  id: 'okta-dthash-multi-client',
  title: 'One device token seen on different operating systems',
  description:
    'The same device token (dtHash) authenticated from at least two different operating systems within an hour. A ' +
    'token lives in one browser on one machine; on a second OS it has been copied, typically with a stolen session ' +
    'cookie or an infostealer dump. Policy evaluations count when access was granted or the outcome is unknown. Needs ' +
    'debugContext and client: the device token and the operating systems are the signal.',
  severity: 'high',
  attack: { tactics: ['TA0006', 'TA0005'], techniques: ['T1539', 'T1550.004'] },
  eventTypes: [...VERIFICATION_TYPES, POLICY_EVALUATION],
  fields: [
    'eventType',
    'outcome.result',
    'debugContext.debugData.dtHash',
    'client.userAgent.os',
    'client.userAgent.browser',
    'client.ipAddress',
    'actor.id',
  ],
  runbook:
    "Clear the user's sessions, reset the password and factors, and check the machine whose OS matches the user's " +
    'for malware (cookie theft).',
  dedupe: { periodMinutes: 60, key: dtHashKey },
  enabled: true,
  filter: isTokenWithClient,
  window: 60,
  threshold: 2,
  distinct: 'client.userAgent.os',
};

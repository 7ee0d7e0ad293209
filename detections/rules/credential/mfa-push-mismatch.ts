/**
 * Catalogue B46: in one Okta session, Okta Verify pushes were requested and answered from more than one IP address,
 * with rejections or mostly unanswered pushes: someone else's sign-in is asking the user to approve.
 */
import { commonFields, hasOutcome } from '../../log-event.js';
import type { OktaLogEvent, Severity, ThresholdRule } from '../../types.js';
import { PUSH_SENT, eventTypeOf, isPushRejected, isPushResponse, sessionIdOf, sessionKey } from './helpers.js';

const isPushEvent = (event: OktaLogEvent): boolean => eventTypeOf(event) === PUSH_SENT || isPushResponse(event);

/**
 * The catalogue's second condition (a rejection, or more than one push with under half approved) needs outcomes next
 * to the IP count, so it sets the severity: high when met. Pushes that were all approved from two addresses (a
 * laptop moving between Wi-Fi and tethering) stay low.
 */
function mismatchSeverity(events: readonly OktaLogEvent[]): Severity {
  const sent = events.filter((event) => eventTypeOf(event) === PUSH_SENT).length;
  const approved = events.filter((event) => isPushResponse(event) && hasOutcome(event, 'SUCCESS')).length;
  const rejected = events.some(isPushRejected);
  return rejected || (sent > 1 && approved / sent < 0.5) ? 'high' : 'low';
}

export const pushSourceResponseMismatch: ThresholdRule = {
  kind: 'threshold',
  id: 'okta-push-source-response-mismatch',
  title: 'Okta Verify pushes of one session from several IP addresses',
  description:
    'Within one Okta session (externalSessionId), Okta Verify push requests and answers came from at least two IP ' +
    'addresses within 30 minutes. High when a push was rejected or more than one push was sent and fewer than half ' +
    'were approved: the push was most likely started by an attacker holding the password (answers without an outcome ' +
    'do not count as approvals). Low otherwise. Needs client: the distinct IP addresses are the signal.',
  severity: mismatchSeverity,
  severityNote: {
    levels: ['low', 'high'],
    how: 'high when a push was rejected, or more than one push was sent and fewer than half were approved; else low',
  },
  attack: { tactics: ['TA0006'], techniques: ['T1621'] },
  eventTypes: [PUSH_SENT, 'user.authentication.auth_via_mfa', 'user.mfa.okta_verify.deny_push'],
  fields: [
    'eventType',
    'outcome.result',
    'authenticationContext.externalSessionId',
    'client.ipAddress',
    'debugContext.debugData.factor',
    'target[type=AuthenticatorEnrollment].detailEntry.methodTypeUsed',
    'debugContext.debugData.behaviors',
  ],
  runbook:
    'Ask the user whether they started the sign-in from each IP; if not, the password is known to someone else: ' +
    'reset it, clear sessions and check what any approved session did.',
  dedupe: { periodMinutes: 60, key: sessionKey },
  enabled: true,
  filter: (event) => isPushEvent(event) && sessionIdOf(event) !== undefined && commonFields.clientIp.text(event) !== undefined,
  window: 30,
  threshold: 2,
  distinct: 'client.ipAddress',
};

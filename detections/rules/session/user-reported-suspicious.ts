/** Catalogue C69: a user clicked "report suspicious activity" in an Okta notification email. */
import { commonFields, groupKeys } from '../../log-event.js';
import type { SingleRule } from '../../types.js';

export const userReportedSuspicious: SingleRule = {
  kind: 'single',
  id: 'okta-user-reported-suspicious',
  title: 'User reported suspicious activity on their account',
  description:
    'A user told Okta that a sign-in, factor enrolment or password change notified by email was not them. ' +
    'One of the most reliable signals of account takeover there is.',
  severity: 'high',
  attack: { tactics: ['TA0001'], techniques: ['T1078.004'] },
  eventTypes: ['user.account.report_suspicious_activity_by_enduser'],
  fields: ['eventType', 'actor.id', 'actor.alternateId', 'debugContext.debugData.suspiciousActivityEventType'],
  runbook:
    "Find the reported event (debugData.suspiciousActivityEventType) in the user's activity, then contain: clear " +
    'sessions, reset the password and factors, and review what the session touched.',
  dedupe: { periodMinutes: 60, key: (event) => groupKeys.user(commonFields.actorId.text(event)) },
  enabled: true,
  match: (event) => commonFields.eventType.text(event) === 'user.account.report_suspicious_activity_by_enduser',
};

/**
 * Catalogue C59–C60: Okta's behaviour flags (New Device, New IP, New Geo-Location, Velocity, …) on the Admin Console
 * (C59), and on any sign-in as context (C60). Flags are read from `debugData.behaviors`, `logOnlySecurityData` or
 * `securityContext.userBehaviors`, whichever the org's events carry.
 */
import { field } from '../../fields.js';
import type { OktaLogEvent, Severity, SingleRule } from '../../types.js';
import { TARGET_NAMES, anyTextIs, eventTypeOf, hasPositiveBehavior, positiveBehaviors, userKey } from '../credential/helpers.js';

const BEHAVIOR_FIELDS = [
  'debugContext.debugData.behaviors',
  'debugContext.debugData.logOnlySecurityData',
  'securityContext.userBehaviors',
];

// --- C59 ------------------------------------------------------------------------------------------------------

const ADMIN_CONSOLE = 'okta admin console';
const POLICY_EVALUATION = 'policy.evaluate_sign_on';
const ADMIN_APP_ACCESS = 'user.session.access_admin_app';

function reachesAdminConsole(event: OktaLogEvent): boolean {
  const eventType = eventTypeOf(event);
  if (eventType === ADMIN_APP_ACCESS) return true;
  if (eventType !== POLICY_EVALUATION) return false;
  return anyTextIs(event, TARGET_NAMES, ADMIN_CONSOLE);
}

/** Both New Device and New IP (Panther's condition): high. Any other flag alone (Sigma's condition): medium. */
function adminConsoleSeverity(events: readonly OktaLogEvent[]): Severity {
  const newDeviceAndIp = events.some((event) => hasPositiveBehavior(event, 'New Device') && hasPositiveBehavior(event, 'New IP'));
  return newDeviceAndIp ? 'high' : 'medium';
}

export const newBehaviorAdminConsole: SingleRule = {
  kind: 'single',
  id: 'okta-new-behavior-admin-console',
  title: 'Admin Console reached with new-behaviour flags',
  description:
    'The Okta Admin Console was accessed while Okta rated the sign-in context as new for this admin (New Device, New ' +
    'IP, new location, velocity). High when both New Device and New IP are set: the usual sign of a stolen admin ' +
    'session or credentials. Medium for any other flag. Needs debugContext (or securityContext.userBehaviors where the ' +
    'org gets them) and, for policy evaluations, target: the flags are read there, and a policy evaluation names the ' +
    'Admin Console only in its target.',
  severity: adminConsoleSeverity,
  severityNote: { levels: ['medium', 'high'], how: 'high when one event shows both New Device and New IP, else medium' },
  attack: { tactics: ['TA0001', 'TA0004'], techniques: ['T1078.004'] },
  eventTypes: [POLICY_EVALUATION, ADMIN_APP_ACCESS],
  fields: ['eventType', 'target.displayName', 'target.alternateId', ...BEHAVIOR_FIELDS, 'client.ipAddress', 'actor.id'],
  runbook:
    'Confirm with the admin that they signed in from this device and IP; if not, clear their sessions, revoke their ' +
    'API tokens, reset password and factors, and review admin actions since the sign-in.',
  dedupe: { periodMinutes: 60, key: userKey },
  enabled: true,
  match: (event) => reachesAdminConsole(event) && positiveBehaviors(event).size > 0,
};

// --- C60 ------------------------------------------------------------------------------------------------------

const riskLevel = field('debugContext.debugData.risk.level');

export const newRiskBehavior: SingleRule = {
  kind: 'single',
  id: 'okta-new-risk-behavior',
  title: 'Okta flagged new sign-in behaviour',
  description:
    'Okta rated at least one behaviour of a sign-in as new for the user (New IP, New Device, New Geo-Location, ' +
    'Velocity, …). Frequent and mostly benign (travel, new phone): context for other detections, off by default. ' +
    'Medium when Okta also rated the sign-in risk HIGH. Needs debugContext (or securityContext.userBehaviors, where ' +
    'the org gets them): the flags are the signal.',
  severity: (events) => (events.some((event) => riskLevel.text(event)?.toUpperCase() === 'HIGH') ? 'medium' : 'low'),
  severityNote: { levels: ['low', 'medium'], how: 'medium when Okta rated the sign-in risk HIGH, else low' },
  attack: { tactics: ['TA0001'], techniques: ['T1078.004'] },
  eventTypes: ['user.session.start', POLICY_EVALUATION, 'user.authentication.*'],
  fields: ['eventType', ...BEHAVIOR_FIELDS, 'debugContext.debugData.risk', 'actor.id', 'client.ipAddress'],
  runbook: 'Use as context: look at the flagged behaviours next to any other detection for the same user.',
  dedupe: { periodMinutes: 60, key: userKey },
  // A building block: enable per tenant to alert on it.
  enabled: false,
  match: (event) => positiveBehaviors(event).size > 0,
};

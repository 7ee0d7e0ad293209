/**
 * Catalogue C66–C68 and C70: Okta's own verdicts, each a single event. An unassigned app opened (C66), FastPass
 * refusing a phishing origin (C67), ThreatInsight (C68) and rate-limit violations (C70).
 */
import { decodePackedString, field, textOf } from '../../fields.js';
import { commonFields, groupKeys, hasOutcome } from '../../log-event.js';
import type { OktaLogEvent, Severity, SingleRule } from '../../types.js';
import { F, eventTypeOf, ipKey, maxSeverity, severityFromOkta, userKey } from '../credential/helpers.js';

// --- C66 ------------------------------------------------------------------------------------------------------

const UNAUTHORIZED_APP_ACCESS = 'app.generic.unauth_app_access_attempt';
/** Panther's threshold: five attempts in the dedupe hour make it more than a stale bookmark. */
const REPEATED_ATTEMPTS = 5;

export const unauthorizedAppAccess: SingleRule = {
  kind: 'single',
  id: 'okta-unauthorized-app-access',
  title: 'Attempt to open an app the user is not assigned to',
  description:
    'A user tried to sign in to an application they are not assigned to. Usually an old bookmark; repeated attempts ' +
    'across apps suggest someone exploring what a stolen account can reach. Medium from 5 attempts within an hour.',
  severity: (events) => (events.length >= REPEATED_ATTEMPTS ? 'medium' : 'low'),
  severityNote: { levels: ['low', 'medium'], how: `medium from ${REPEATED_ATTEMPTS} attempts in the match, else low` },
  attack: { tactics: ['TA0001'], techniques: ['T1078.004'] },
  eventTypes: [UNAUTHORIZED_APP_ACCESS],
  fields: ['eventType', 'displayMessage', 'actor.id', 'target[type=AppInstance].displayName', 'client.ipAddress'],
  runbook: 'Check which apps were tried and from where; if the user did not try them, clear sessions and reset the password.',
  dedupe: { periodMinutes: 60, key: userKey },
  enabled: true,
  match: (event) => eventTypeOf(event) === UNAUTHORIZED_APP_ACCESS,
};

// --- C67 ------------------------------------------------------------------------------------------------------

const MFA_VERIFICATION = 'user.authentication.auth_via_mfa';
const FASTPASS_PHISHING = /fastpass declined phishing attempt/i;

export const fastPassPhishingBlocked: SingleRule = {
  kind: 'single',
  id: 'okta-fastpass-phishing-blocked',
  title: 'FastPass refused to sign in to a phishing site',
  description:
    'Okta FastPass declined to authenticate because the sign-in page was not the real Okta origin: the user typed ' +
    'their credentials into an adversary-in-the-middle phishing page. FastPass stopped the session theft, but the ' +
    'password entered on that page must be considered stolen. Needs outcome: Okta says so only in outcome.reason.',
  severity: 'high',
  attack: { tactics: ['TA0001', 'TA0006'], techniques: ['T1566.002', 'T1557'] },
  eventTypes: [MFA_VERIFICATION],
  fields: ['eventType', 'outcome.result', 'outcome.reason', 'actor.id', 'client.ipAddress', 'debugContext.debugData.url'],
  runbook:
    'Reset the user\'s password, find the phishing link (email or chat) and its other recipients, and block the ' +
    'phishing domain.',
  dedupe: { periodMinutes: 60, key: userKey },
  enabled: true,
  // Okta gives this reason only to the refusal, so the reason alone decides (whatever result, or none, is logged).
  match: (event) => FASTPASS_PHISHING.test(commonFields.outcomeReason.text(event) ?? ''),
};

// --- C68 ------------------------------------------------------------------------------------------------------

const THREAT_DETECTED = 'security.threat.detected';
const threatDetections = field('debugContext.debugData.threatDetections');

/** Highest severity listed in threatDetections, e.g. `{"Password Spray":"HIGH","Brute Force":"MEDIUM"}`. */
function threatSeverity(event: OktaLogEvent): Severity | undefined {
  const raw = threatDetections.first(event);
  const decoded = typeof raw === 'string' ? decodePackedString(raw) : raw;
  if (!decoded || typeof decoded !== 'object' || Array.isArray(decoded)) return undefined;
  let worst: Severity | undefined;
  for (const level of Object.values(decoded as Record<string, unknown>)) {
    const severity = severityFromOkta(textOf(level));
    if (severity) worst = worst ? maxSeverity(worst, severity) : severity;
  }
  return worst;
}

/**
 * The highest severity ThreatInsight reported; medium when it gave none (a suspected request). Info when every event
 * was already blocked (outcome DENY): Okta stopped it, nothing to respond to.
 */
function threatInsightSeverity(events: readonly OktaLogEvent[]): Severity {
  if (events.every((event) => hasOutcome(event, 'DENY'))) return 'info';
  let worst: Severity = 'low';
  for (const event of events) worst = maxSeverity(worst, threatSeverity(event) ?? 'medium');
  return worst;
}

const isThreatInsightVerdict = (event: OktaLogEvent): boolean =>
  eventTypeOf(event) === THREAT_DETECTED || F.threatSuspected.text(event)?.trim().toLowerCase() === 'true';

export const threatInsightDetection: SingleRule = {
  kind: 'single',
  id: 'okta-threatinsight-detection',
  title: 'Okta ThreatInsight flagged a request',
  description:
    'Okta ThreatInsight reported a threat (security.threat.detected) or marked a request as threatSuspected: the IP ' +
    'is spraying, brute-forcing or probing Okta tenants. Severity follows the levels ThreatInsight reports (medium ' +
    'when none); info when Okta already denied every request.',
  severity: threatInsightSeverity,
  severityNote: {
    levels: ['info', 'low', 'medium', 'high', 'critical'],
    how:
      'the highest level ThreatInsight listed in threatDetections (medium for an event without one), at least low; ' +
      'info when every event was already denied (outcome DENY)',
  },
  attack: { tactics: ['TA0006', 'TA0001'], techniques: ['T1110', 'T1078.004'] },
  // threatSuspected can ride on any event type.
  eventTypes: ['*'],
  fields: [
    'eventType',
    'outcome.result',
    'outcome.reason',
    'debugContext.debugData.threatSuspected',
    'debugContext.debugData.threatDetections',
    'client.ipAddress',
    'actor.alternateId',
  ],
  runbook:
    'Look at what else the IP did: if any sign-in from it succeeded, treat that account as compromised; otherwise ' +
    'make sure ThreatInsight is in block mode.',
  dedupe: { periodMinutes: 60, key: ipKey },
  enabled: true,
  match: isThreatInsightVerdict,
};

// --- C70 ------------------------------------------------------------------------------------------------------

const RATE_LIMIT_TYPES = [
  'system.client.rate_limit.*',
  'system.client.concurrency_rate_limit.*',
  'system.operation.rate_limit.*',
  'system.org.rate_limit.*',
  'core.concurrency.org.limit.violation',
  'application.integration.rate_limit_exceeded',
  'app.oauth2.client_id_rate_limit_warning',
];

/** Limits actually enforced (requests refused). */
const isViolation = (eventType: string): boolean =>
  eventType.includes('violation') || eventType === 'application.integration.rate_limit_exceeded';

export const rateLimitViolation: SingleRule = {
  kind: 'single',
  id: 'okta-rate-limit-violation',
  title: 'Okta rate limit violated',
  description:
    'An org, client or operation rate limit (or concurrency limit) was exceeded and requests were refused: scripted ' +
    'abuse such as enumeration or spraying, a denial-of-service attempt, or a runaway integration. Low for ' +
    'violations, info for warnings and bursts.',
  severity: (events) => (events.some((event) => isViolation(eventTypeOf(event)?.toLowerCase() ?? '')) ? 'low' : 'info'),
  severityNote: { levels: ['info', 'low'], how: 'low when requests were refused (a violation), info for warnings and bursts' },
  attack: { tactics: ['TA0040'], techniques: ['T1499'] },
  eventTypes: RATE_LIMIT_TYPES,
  fields: [
    'eventType',
    'actor.id',
    'client.ipAddress',
    'debugContext.debugData.rateLimitBucketUuid',
    'debugContext.debugData.threshold',
    'debugContext.debugData.requestUri',
  ],
  runbook:
    'Identify the client or token behind the requests (actor, transaction.detail.requestApiTokenId); throttle or ' +
    'revoke it if it is not a known integration.',
  dedupe: { periodMinutes: 1440, key: (event) => groupKeys.actor(event) ?? ipKey(event) },
  enabled: true,
  match: () => true,
};

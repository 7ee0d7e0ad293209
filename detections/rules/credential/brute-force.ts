/**
 * Catalogue B35–B38: brute force against one account (many failures for a user, from an IP, from rotating IPs) and
 * the marks automated tooling leaves (a new device token per attempt, none at all, or many user agents).
 */
import { commonFields } from '../../log-event.js';
import type { OktaLogEvent, Severity, SeverityNote, ThresholdRule } from '../../types.js';
import {
  F,
  FAILED_SIGN_IN_TYPES,
  FAILURES_NEED_OUTCOME,
  actorUserOrLoginKey,
  distinctValues,
  dtHashOf,
  hasDebugData,
  ipAndUserKey,
  ipKey,
  isFailedPasswordAttempt,
  noSubject,
} from './helpers.js';

const FAILURE_FIELDS = [
  'eventType',
  'outcome.result',
  'outcome.reason',
  'actor.id',
  'actor.alternateId',
  'client.ipAddress',
  'debugContext.debugData.factor',
  'transaction.id',
];

/** A sustained attack (a hundred guesses an hour) is worth waking someone for. */
const SUSTAINED_ATTEMPTS = 100;
const bySustainedVolume = (events: readonly OktaLogEvent[]): Severity => (events.length >= SUSTAINED_ATTEMPTS ? 'high' : 'medium');
const SUSTAINED_VOLUME: SeverityNote = {
  levels: ['medium', 'high'],
  how: `high from ${SUSTAINED_ATTEMPTS} attempts in the match, else medium`,
};

export const bruteForceByUser: ThresholdRule = {
  kind: 'threshold',
  id: 'okta-brute-force-by-user',
  title: 'Many failed sign-ins for one account',
  description:
    'At least 20 failed password attempts for one account within an hour, from any number of sources. High from ' +
    '100 attempts. Unknown logins count too (grouped by the login typed).' + FAILURES_NEED_OUTCOME,
  severity: bySustainedVolume,
  severityNote: SUSTAINED_VOLUME,
  attack: { tactics: ['TA0006'], techniques: ['T1110.001'] },
  eventTypes: FAILED_SIGN_IN_TYPES,
  fields: FAILURE_FIELDS,
  runbook:
    'Check the source IPs against the user\'s usual ones; if they are foreign, make sure the account is locked or ' +
    'the IPs blocked, and look for a successful sign-in during or right after the burst.',
  dedupe: { periodMinutes: 60, key: actorUserOrLoginKey },
  enabled: true,
  filter: isFailedPasswordAttempt,
  window: 60,
  threshold: 20,
  countOnceBy: 'transaction.id',
};

export const bruteForceByIp: ThresholdRule = {
  kind: 'threshold',
  id: 'okta-brute-force-by-ip',
  title: 'Many failed sign-ins from one IP address',
  description:
    'At least 20 failed password attempts from one IP address within an hour, whatever the accounts. High from 100 ' +
    'attempts. A large office behind one NAT address can reach this on a bad morning; an unknown hosting IP should not.' +
    FAILURES_NEED_OUTCOME +
    ' Needs client: the group is the source IP, and lumping every failure without one together would make a ' +
    "tenant-wide failure count (any large org's normal morning); the per-account rules still count those failures.",
  severity: bySustainedVolume,
  severityNote: SUSTAINED_VOLUME,
  attack: { tactics: ['TA0006'], techniques: ['T1110'] },
  eventTypes: FAILED_SIGN_IN_TYPES,
  fields: FAILURE_FIELDS,
  runbook:
    'Identify the IP (securityContext ISP/ASN, network zone): if it is not a known office or VPN egress, block it ' +
    'and review every account it targeted for a later successful sign-in.',
  dedupe: { periodMinutes: 60, key: ipKey },
  enabled: true,
  subject: noSubject,
  filter: isFailedPasswordAttempt,
  window: 60,
  threshold: 20,
  countOnceBy: 'transaction.id',
};

const MULTI_SOURCE = { ips: 5, attempts: 10, countries: 2, asns: 3, manyIps: 8, userAgents: 3 } as const;

/**
 * The rule fires on ≥ 5 IPs and ≥ 10 attempts; the catalogue's diversity test (≥ 2 countries, ≥ 3 ASNs, ≥ 8 IPs or
 * ≥ 3 user agents) needs several distinct counts at once, so it sets the severity: medium when met, low otherwise
 * (e.g. a phone hopping between a few carrier addresses).
 */
function multiSourceSeverity(events: readonly OktaLogEvent[]): Severity {
  const diverse =
    distinctValues(events, (event) => commonFields.country.text(event)).size >= MULTI_SOURCE.countries ||
    distinctValues(events, (event) => F.asNumber.text(event)).size >= MULTI_SOURCE.asns ||
    distinctValues(events, (event) => commonFields.clientIp.text(event)).size >= MULTI_SOURCE.manyIps ||
    distinctValues(events, (event) => F.userAgent.text(event)).size >= MULTI_SOURCE.userAgents;
  return diverse ? 'medium' : 'low';
}

const MULTI_SOURCE_SEVERITY: SeverityNote = {
  levels: ['low', 'medium'],
  how:
    `medium when the attempts come from at least ${MULTI_SOURCE.countries} countries, ${MULTI_SOURCE.asns} ASNs, ` +
    `${MULTI_SOURCE.manyIps} IP addresses or ${MULTI_SOURCE.userAgents} user agents, else low`,
};

export const bruteForceMultiSource: ThresholdRule = {
  kind: 'threshold',
  id: 'okta-brute-force-multi-source',
  title: 'One account attacked from many rotating IP addresses',
  description:
    'At least 10 failed password attempts against one account from at least 5 different IP addresses within 30 ' +
    'minutes: a brute force rotated through proxies to dodge per-IP limits. Medium when the sources also span ' +
    'several countries, ASNs, user agents or 8+ IPs; low otherwise.' +
    FAILURES_NEED_OUTCOME +
    ' Needs client: the distinct source IPs are the signal.',
  severity: multiSourceSeverity,
  severityNote: MULTI_SOURCE_SEVERITY,
  attack: { tactics: ['TA0006', 'TA0011'], techniques: ['T1110.001', 'T1090'] },
  eventTypes: FAILED_SIGN_IN_TYPES,
  fields: [
    ...FAILURE_FIELDS,
    'client.geographicalContext.country',
    'securityContext.asNumber',
    'client.userAgent.rawUserAgent',
  ],
  runbook:
    'The account is targeted, not the IPs: keep it locked, reset its password if any attempt succeeded, and block ' +
    'the proxy ASNs seen (enhanced dynamic zone).',
  dedupe: { periodMinutes: 60, key: actorUserOrLoginKey },
  enabled: true,
  filter: isFailedPasswordAttempt,
  window: 30,
  threshold: MULTI_SOURCE.ips,
  distinct: 'client.ipAddress',
  countOnceBy: 'transaction.id',
  having: (stats) => stats.count >= MULTI_SOURCE.attempts,
};

// --- B38: tooling fingerprints, per source IP and account ---------------------------------------------------

const TOOLING_FIELDS = [...FAILURE_FIELDS, 'debugContext.debugData.dtHash', 'debugContext.debugData.requestUri', 'client.userAgent.rawUserAgent'];
const TOOLING_ATTACK = { tactics: ['TA0006'], techniques: ['T1110.001'] } as const;
const TOOLING_RUNBOOK =
  'A script, not a person, is guessing this password: block the IP, keep the account locked, and check for a ' +
  'successful sign-in from the IP.';
/** Low on its own (tooling is also used by testers); medium once the attempts pile up. */
const TOOLING_PILED_UP = 20;
const byToolingVolume = (events: readonly OktaLogEvent[]): Severity => (events.length >= TOOLING_PILED_UP ? 'medium' : 'low');
const TOOLING_VOLUME: SeverityNote = {
  levels: ['low', 'medium'],
  how: `medium from ${TOOLING_PILED_UP} attempts in the match, else low`,
};

const DT_ROTATION = { tokens: 7, attempts: 10, tokensPerAttempt: 0.5 } as const;

export const bruteForceDeviceTokenRotation: ThresholdRule = {
  kind: 'threshold',
  id: 'okta-brute-force-dt-rotation',
  title: 'Brute force with a new device token per attempt',
  description:
    'One IP failed at least 10 times against one account within 30 minutes, presenting at least 7 different device ' +
    'tokens (dtHash) at a rate of one per two attempts or more. A browser keeps its device token; tools that drop ' +
    'cookies get a new one every time. Low, medium from 20 attempts. Attempts without a client IP form one unknown ' +
    'source per account.' +
    FAILURES_NEED_OUTCOME +
    ' Needs debugContext: the device tokens are the signal.',
  severity: byToolingVolume,
  severityNote: TOOLING_VOLUME,
  attack: TOOLING_ATTACK,
  eventTypes: FAILED_SIGN_IN_TYPES,
  fields: TOOLING_FIELDS,
  runbook: TOOLING_RUNBOOK,
  dedupe: { periodMinutes: 60, key: ipAndUserKey },
  enabled: true,
  filter: (event) => isFailedPasswordAttempt(event) && dtHashOf(event) !== undefined,
  window: 30,
  threshold: DT_ROTATION.tokens,
  distinct: 'debugContext.debugData.dtHash',
  countOnceBy: 'transaction.id',
  // Attempts without a device token are the next rule's; this ratio is over attempts that carry one.
  having: (stats) => stats.count >= DT_ROTATION.attempts && stats.distinct / stats.count >= DT_ROTATION.tokensPerAttempt,
};

export const bruteForceNoDeviceToken: ThresholdRule = {
  kind: 'threshold',
  id: 'okta-brute-force-no-device-token',
  title: 'Brute force without any device token',
  description:
    'One IP failed at least 12 times against one account within 30 minutes without presenting a device token ' +
    '(dtHash) on any of those attempts: a script calling the authentication API directly rather than a browser. Low, ' +
    'medium from 20 attempts. Attempts without a client IP form one unknown source per account.' +
    FAILURES_NEED_OUTCOME +
    ' Needs debugContext: only an event that carries debug data can show that no device token was sent.',
  severity: byToolingVolume,
  severityNote: TOOLING_VOLUME,
  attack: TOOLING_ATTACK,
  eventTypes: FAILED_SIGN_IN_TYPES,
  fields: TOOLING_FIELDS,
  runbook: TOOLING_RUNBOOK,
  dedupe: { periodMinutes: 60, key: ipAndUserKey },
  enabled: true,
  filter: (event) => isFailedPasswordAttempt(event) && hasDebugData(event) && dtHashOf(event) === undefined,
  window: 30,
  threshold: 12,
  countOnceBy: 'transaction.id',
};

export const bruteForceUserAgentRotation: ThresholdRule = {
  kind: 'threshold',
  id: 'okta-brute-force-ua-rotation',
  title: 'Brute force rotating user agents',
  description:
    'One IP failed at least 10 times against one account within 30 minutes with at least 5 different user agents: ' +
    'tooling that randomises its browser fingerprint. Low, medium from 20 attempts. Attempts without a client IP form ' +
    'one unknown source per account.' +
    FAILURES_NEED_OUTCOME +
    ' Needs client: the distinct user agents are the signal.',
  severity: byToolingVolume,
  severityNote: TOOLING_VOLUME,
  attack: TOOLING_ATTACK,
  eventTypes: FAILED_SIGN_IN_TYPES,
  fields: TOOLING_FIELDS,
  runbook: TOOLING_RUNBOOK,
  dedupe: { periodMinutes: 60, key: ipAndUserKey },
  enabled: true,
  filter: isFailedPasswordAttempt,
  window: 30,
  threshold: 5,
  distinct: 'client.userAgent.rawUserAgent',
  countOnceBy: 'transaction.id',
  having: (stats) => stats.count >= 10,
};

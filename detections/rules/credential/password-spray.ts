/**
 * Catalogue B39–B40: password spraying, a few passwords tried against many accounts, paced to stay under the
 * lockout policy. B39 from one source IP; B40 spread over many IPs, visible only tenant-wide.
 */
import { commonFields, groupKeys } from '../../log-event.js';
import { scaledToTenant, withSettingsBinder } from '../../settings.js';
import type { DetectionSettings, OktaLogEvent, Rule, Severity, ThresholdRule } from '../../types.js';
import { FAILED_SIGN_IN_TYPES, FAILURES_NEED_OUTCOME, TENANT_KEY, distinctValues, isFailedPasswordAttempt, noSubject } from './helpers.js';

const MIN_ATTEMPTS = 10;
/** Above this, one account is being brute-forced rather than sprayed (a separate rule). */
const MAX_ATTEMPTS_PER_USER = 8;

export const passwordSpraySingleSource: ThresholdRule = {
  kind: 'threshold',
  id: 'okta-password-spray-single-source',
  title: 'Password spray from one IP address',
  description:
    'One IP address failed to sign in as at least 5 different users with at least 10 attempts within an hour, with ' +
    'no more than 8 attempts for any one user: a few common passwords tried across many accounts, paced to stay ' +
    'under the lockout policy.' +
    FAILURES_NEED_OUTCOME +
    ' Needs client: the group is the source IP; failures without one are judged tenant-wide by ' +
    'okta-password-spray-distributed.',
  severity: 'medium',
  attack: { tactics: ['TA0006'], techniques: ['T1110.003'] },
  eventTypes: FAILED_SIGN_IN_TYPES,
  fields: [
    'eventType',
    'outcome.result',
    'outcome.reason',
    'client.ipAddress',
    'actor.alternateId',
    'debugContext.debugData.factor',
    'transaction.id',
  ],
  runbook:
    'Block the IP (network zone or ThreatInsight), then look for a successful sign-in from it or for the targeted ' +
    'users afterwards; reset passwords of any account that signed in.',
  dedupe: { periodMinutes: 60, key: (event) => groupKeys.ip(commonFields.clientIp.text(event)) },
  enabled: true,
  filter: isFailedPasswordAttempt,
  window: 60,
  threshold: 5,
  distinct: 'actor.alternateId',
  // One failed sign-in can be logged as user.session.start plus user.authentication.* in the same request.
  countOnceBy: 'transaction.id',
  having: (stats) => stats.count >= MIN_ATTEMPTS && stats.maxPerValue <= MAX_ATTEMPTS_PER_USER,
};

const DISTRIBUTED = { users: 8, attempts: 25, maxPerUser: 5, ips: 5 } as const;

/**
 * The catalogue also asks for ≥ 5 source IPs, which a threshold window cannot count next to the users: the rule fires
 * on the user/attempt shape and the IP spread sets the severity (one IP → low: the single-source rules own that case).
 */
function distributedSpraySeverity(events: readonly OktaLogEvent[]): Severity {
  return distinctValues(events, (event) => commonFields.clientIp.text(event)).size >= DISTRIBUTED.ips ? 'medium' : 'low';
}

/** At least `attempts` failures in the window, none of the accounts failing more than the spray's own few times. */
function sprayOf(attempts: number): NonNullable<ThresholdRule['having']> {
  return (stats) => stats.count >= attempts && stats.maxPerValue <= DISTRIBUTED.maxPerUser;
}

/** The counts for this tenant's size (a tenant's own `threshold` override still sets the accounts). */
function distributedForTenant(rule: Rule, settings: DetectionSettings | undefined): Rule {
  if (rule.kind !== 'threshold') return rule;
  const attempts = scaledToTenant(DISTRIBUTED.attempts, settings);
  const accounts = scaledToTenant(DISTRIBUTED.users, settings);
  if (attempts === DISTRIBUTED.attempts && accounts === DISTRIBUTED.users) return rule;
  return {
    ...rule,
    threshold: accounts,
    having: sprayOf(attempts),
  };
}

export const passwordSprayDistributed: ThresholdRule = withSettingsBinder({
  kind: 'threshold',
  id: 'okta-password-spray-distributed',
  title: 'Password spray across the tenant',
  description:
    'At least 25 failed sign-ins against at least 8 different accounts within 15 minutes, tenant-wide, with no ' +
    'account failing more than 5 times: a spray spread over many IP addresses (residential proxies, botnets) so ' +
    'that no single address stands out. Medium when the failures come from 5 or more IPs, low otherwise (also when ' +
    'the events carry no client IP). These counts are for an org of up to 5,000 people; above that, both grow in ' +
    'proportion to the directory (500 attempts on 160 accounts for 100,000 people), because everyday mistyped ' +
    'passwords do: a smaller spray of a large org is left to the per-IP and per-account rules.' +
    FAILURES_NEED_OUTCOME,
  severity: distributedSpraySeverity,
  severityNote: {
    levels: ['low', 'medium'],
    how: `medium when the failures come from ${DISTRIBUTED.ips} or more IP addresses, else low (also when they carry no client IP)`,
  },
  attack: { tactics: ['TA0006'], techniques: ['T1110.003'] },
  eventTypes: FAILED_SIGN_IN_TYPES,
  fields: [
    'eventType',
    'outcome.result',
    'outcome.reason',
    'actor.alternateId',
    'client.ipAddress',
    'debugContext.debugData.factor',
    'transaction.id',
  ],
  runbook:
    'List the source IPs and their ASNs: block hosting/proxy ranges (enhanced dynamic zone), enable ThreatInsight ' +
    'blocking, and check whether any targeted account signed in successfully afterwards.',
  dedupe: { periodMinutes: 60, key: () => TENANT_KEY },
  enabled: true,
  subject: noSubject,
  filter: isFailedPasswordAttempt,
  window: 15,
  threshold: DISTRIBUTED.users,
  distinct: 'actor.alternateId',
  countOnceBy: 'transaction.id',
  having: sprayOf(DISTRIBUTED.attempts),
}, distributedForTenant);

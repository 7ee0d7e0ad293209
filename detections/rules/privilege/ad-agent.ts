/**
 * Catalogue A28–A29: abuse of the Okta Active Directory agent. A28: agent tokens, agent registrations and agent
 * configuration changes from an address or user agent the acting account has not used for them in 90 days. A29: a
 * user's AD-delegated authentications spike in volume and in source diversity at once (a stolen agent token
 * authenticating on the user's behalf from elsewhere).
 */
import { field } from '../../fields.js';
import { commonFields, groupKeys } from '../../log-event.js';
import type { AnomalyBucket, AnomalyRule, BaselineRule, OktaLogEvent, Severity } from '../../types.js';
import { carriedOut, isEventType, outcomeNote, privilegeFields } from './helpers.js';

const TOKEN_CREATED = 'system.api_token.create';
const AGENT_ADDED = 'system.agent.ad.agent_instance_added';
const AGENT_CONFIG = 'system.agent.ad.config_change_detected';
const AGENT_AUTH = ['user.authentication.auth_via_AD_agent', 'user.authentication.auth_via_LDAP_agent'];

const tokenName = field('target.displayName');

/** Tokens the AD agent creates for itself are named after the agent. */
function isAgentActivity(event: OktaLogEvent): boolean {
  if (isEventType(event, [AGENT_ADDED, AGENT_CONFIG])) return true;
  return isEventType(event, [TOKEN_CREATED]) && tokenName.texts(event).some((name) => /\bagent\b/i.test(name));
}

/**
 * Sources per kind of agent operation: the first agent registration from a host is new even when a token was just
 * created from it (an install does both within seconds, and the registration is the one that matters most).
 */
function sourceTerms(event: OktaLogEvent): string[] {
  const operation = isEventType(event, [AGENT_ADDED]) ? 'register' : isEventType(event, [AGENT_CONFIG]) ? 'config' : 'token';
  const terms: string[] = [];
  const ip = commonFields.clientIp.text(event)?.trim().toLowerCase();
  if (ip) terms.push(`${operation}:ip:${ip}`);
  const agent = privilegeFields.rawUserAgent.text(event)?.trim();
  if (agent) terms.push(`${operation}:ua:${agent}`);
  // No client at all: the source is unknown, which is itself a source to judge (once per 90 days), not a reason to
  // let the operation pass unseen.
  if (terms.length === 0) terms.push(`${operation}:source:unknown`);
  return terms;
}

function agentActivitySeverity(events: readonly OktaLogEvent[]): Severity {
  // A new agent instance can authenticate every AD user: the worst case of the three.
  return events.some((event) => isEventType(event, [AGENT_ADDED])) ? 'critical' : 'high';
}

export const adAgentActivityNewSource: BaselineRule = {
  kind: 'baseline',
  id: 'okta-ad-agent-activity-new-source',
  title: 'AD agent token, registration or configuration change from a new source',
  description:
    'An AD agent token was created, an AD agent instance registered, or an agent configuration change detected, from ' +
    'an IP address or user agent the acting account has not used for agent operations in 90 days. A rogue agent ' +
    'can authenticate any AD-mastered user. An operation whose event carries no client (no IP, no user agent) counts ' +
    'as coming from an unknown source, itself new the first time in 90 days.' +
    outcomeNote.carriedOutOnly("a refused operation must not teach the baseline the attacker's source."),
  severity: agentActivitySeverity,
  severityNote: { levels: ['high', 'critical'], how: `critical when the match holds a new agent instance (${AGENT_ADDED}), else high` },
  attack: { tactics: ['TA0003', 'TA0006'], techniques: ['T1556.007', 'T1098'] },
  eventTypes: [TOKEN_CREATED, AGENT_ADDED, AGENT_CONFIG],
  fields: ['eventType', 'outcome.result', 'actor.id', 'client.ipAddress', 'client.userAgent.rawUserAgent', 'target.displayName'],
  runbook:
    'Confirm with the AD team that an agent was installed or reconfigured from that host; if not, deactivate the ' +
    'agent (Directory Integrations > Active Directory > Agents), revoke its token and review delegated sign-ins.',
  dedupe: { periodMinutes: 1440, key: groupKeys.actor },
  enabled: true,
  // Agent operations are rare: the first one from a source is worth a look, so there is no learning period.
  observe: (event) => isAgentActivity(event) && carriedOut(event),
  terms: sourceTerms,
  historyDays: 90,
  minHistoryDays: 0,
};

/** Exported for its unit tests: one hour of one user's AD-delegated authentications. */
export function agentAuthSpike(hour: AnomalyBucket): boolean {
  if (hour.learning || (hour.values.count ?? 0) < 10) return false;
  if (hour.z('count') <= 3) return false;
  // No event of the hour carried a source (client absent): the spread cannot be judged, so the volume decides alone.
  if ((hour.values.ips ?? 0) === 0) return true;
  return Math.max(hour.z('ips'), hour.z('countries')) > 2;
}

export const adAgentAuthAnomaly: AnomalyRule = {
  kind: 'anomaly',
  id: 'okta-ad-agent-auth-anomaly',
  title: "Spike in a user's AD-agent authentications from more places",
  description:
    "In one hour a user's authentications through the AD agent rose far above that user's usual hours (z > 3) while " +
    'the number of source IPs or countries rose too (z > 2): a stolen agent token or password replay through the agent. ' +
    'When none of the hour\'s events carries a client IP the spread is unknown and the volume spike alone decides.',
  severity: 'medium',
  attack: { tactics: ['TA0006', 'TA0001'], techniques: ['T1110', 'T1078.002'] },
  eventTypes: AGENT_AUTH,
  fields: ['eventType', 'actor.id', 'client.ipAddress', 'client.geographicalContext.country'],
  runbook:
    "Compare the hour's source IPs with the user's usual ones; if they are foreign, reset the AD password, clear Okta " +
    'sessions and check the AD agent hosts for compromise.',
  dedupe: { periodMinutes: 180, key: (event) => groupKeys.user(commonFields.actorId.text(event)) },
  enabled: true,
  filter: (event) => isEventType(event, AGENT_AUTH),
  bucketMinutes: 60,
  historyDays: 90,
  minHistoryBuckets: 10,
  measures: { ips: { distinct: 'client.ipAddress' }, countries: { distinct: 'client.geographicalContext.country' } },
  decide: agentAuthSpike,
};

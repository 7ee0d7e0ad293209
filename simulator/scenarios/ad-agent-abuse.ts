/**
 * Abuse of the Okta Active Directory agent (delegated authentication).
 * - 'rogue-agent': a hijacked super-admin account installs an AD agent on a server the attacker
 *   rents: the installer creates the agent's API token and registers a new agent instance, which
 *   can then answer "password correct" for any AD-mastered user.
 * - 'delegated-auth-spike': a user whose sign-ins Okta delegates to AD has an ordinary rhythm of a
 *   few authentications a workday from home (built over `historyDays`); then their AD password,
 *   stolen, is replayed through the agent from a proxy pool: dozens of authentications in one hour
 *   from several countries.
 */
import { userActor, type RequestSource } from '../events.js';
import { foreignOrigin } from '../geo.js';
import { ID_PREFIX, oktaId, stableOktaId } from '../ids.js';
import { newSession, type Session } from '../sign-in.js';
import { DAY, MINUTE, SECOND, addMs } from '../time.js';
import type { BrowserAgent, OktaLogEvent, OktaUser, Origin } from '../types.js';
import {
  ATTACKER_AGENTS, chooseAdmin, chooseVictim, defineScenario, directForeignOrigin, homeSource, openAdminConsole, type ScenarioContext,
} from './context.js';
import { scenarioEvent } from './log-events.js';
import { workdayMoments } from './routine.js';

export type AdAgentAbuseStyle = 'rogue-agent' | 'delegated-auth-spike';

export interface AdAgentAbuseOptions {
  /** Default 'rogue-agent'. */
  style?: AdAgentAbuseStyle;
  /** The admin (rogue-agent) or the user (delegated-auth-spike). */
  userId?: string;
  /** delegated-auth-spike: days of the user's ordinary AD sign-ins before the spike (default 0: no history). */
  historyDays?: number;
  /** delegated-auth-spike: authentications in the spike hour (default 30; at least 10). */
  spikeAuthentications?: number;
}

export interface AdAgentAbuseSubjects {
  style: AdAgentAbuseStyle;
  /** The admin who registered the agent, or the user authenticated through it. */
  accountId: string;
  /** Where the attack came from. */
  attackerIps: string[];
  /** When the attack itself began (after any history). */
  attackAt: string;
}

/** What the agent installer and the agent's own calls send. */
const AGENT_CLIENT: BrowserAgent = {
  rawUserAgent: 'Okta AD Agent/3.18.0 (Microsoft Windows NT 10.0.17763.0; .NET CLR 4.0.30319.42000; 64-bit OS; 64-bit Process)',
  os: 'Windows Server 2019', browser: 'UNKNOWN', device: 'Unknown',
};
const DELEGATED = { authenticationProvider: 'ACTIVE_DIRECTORY', credentialType: 'PASSWORD' };

export const adAgentAbuse = defineScenario<AdAgentAbuseOptions, AdAgentAbuseSubjects>({
  description: 'A rogue AD agent registered from a rented server (agent token + system.agent.ad.agent_instance_added), or a spike of one user\'s auth_via_AD_agent from many countries',
  build(context, options) {
    const style = options.style ?? 'rogue-agent';
    return style === 'rogue-agent' ? rogueAgent(context, options) : delegatedAuthSpike(context, options);
  },
});

function rogueAgent(context: ScenarioContext, options: AdAgentAbuseOptions) {
  const { org, rng, at } = context;
  const admin = chooseAdmin(context, options.userId);
  const server = directForeignOrigin(rng, org.personas[admin.id]?.home.place.countryCode);
  const browser: RequestSource = { origin: server, agent: ATTACKER_AGENTS.windowsChrome, device: null };
  const installer: RequestSource = { origin: server, agent: AGENT_CLIENT, device: null };
  const session = newSession(rng);
  const domain = `corp.${org.domain}`;
  const directory = { id: stableOktaId(ID_PREFIX.app, `${org.orgName}:app:active_directory`), type: 'AppInstance', alternateId: domain, displayName: 'Active Directory', detailEntry: null };
  const hostName = `WIN-${rng.chars('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789', 11)}`;
  const agent = { id: oktaId(rng, 'a53'), type: 'AgentInstance', alternateId: hostName, displayName: hostName, detailEntry: null };
  const token = { id: oktaId(rng, ID_PREFIX.apiToken), type: 'Token', alternateId: 'unknown', displayName: `Okta AD Agent ${hostName}`, detailEntry: null };

  const events: OktaLogEvent[] = [openAdminConsole(context, admin, browser, at, session)];
  let t = addMs(at, rng.int(3, 8) * MINUTE);
  // The installer asks the admin to authorise it in the browser, then mints the agent's token.
  events.push(scenarioEvent(rng, {
    eventType: 'system.api_token.create', published: t, actor: userActor(admin), source: installer, session,
    target: [token], requestUri: '/api/internal/v1/agents/tokens',
  }));
  t = addMs(t, rng.int(5, 30) * SECOND);
  events.push(scenarioEvent(rng, {
    eventType: 'system.agent.ad.agent_instance_added', published: t, actor: userActor(admin), source: installer, session,
    target: [directory, agent], requestUri: `/api/internal/v1/agents/${agent.id}`,
  }));
  return { events, subjects: { style: 'rogue-agent' as const, accountId: admin.id, attackerIps: [server.ip], attackAt: at.toISOString() } };
}

function delegatedAuthSpike(context: ScenarioContext, options: AdAgentAbuseOptions) {
  const { org, rng, at } = context;
  const user = chooseVictim(context, options.userId);
  const persona = org.personas[user.id];
  if (!persona) throw new Error(`User ${user.id} has no persona`);
  const attackAt = addMs(at, Math.max(0, options.historyDays ?? 0) * DAY);
  const home = homeSource(context, user);
  const events: OktaLogEvent[] = [];

  // The user's own sign-ins: first thing, after lunch and late afternoon, on workdays.
  for (const moment of workdayMoments(rng, persona, at, attackAt, [0.1, 4.5, 7.5])) {
    events.push(delegatedAuth(context, user, home, moment, newSession(rng)));
  }

  // The replay: a pool of proxies in three countries far from home, one tool.
  const origins = proxyPool(context, persona.home.place.countryCode);
  const count = Math.max(10, options.spikeAuthentications ?? 30);
  for (let i = 0; i < count; i++) {
    const source: RequestSource = { origin: origins[i % origins.length], agent: ATTACKER_AGENTS.pythonRequests, device: null };
    events.push(delegatedAuth(context, user, source, addMs(attackAt, (i / count) * 45 * MINUTE + rng.int(0, 20_000)), newSession(rng)));
  }
  return {
    events,
    subjects: { style: 'delegated-auth-spike' as const, accountId: user.id, attackerIps: origins.map((o) => o.ip), attackAt: attackAt.toISOString() },
  };
}

function delegatedAuth(context: ScenarioContext, user: OktaUser, source: RequestSource, at: Date, session: Session): OktaLogEvent {
  return scenarioEvent(context.rng, {
    eventType: 'user.authentication.auth_via_AD_agent', published: at, actor: userActor(user), source, session,
    authentication: DELEGATED, requestUri: '/idp/idx/challenge/answer',
  });
}

/** Six addresses in three different countries, none of them the user's. */
function proxyPool(context: ScenarioContext, homeCountry: string): Origin[] {
  const byCountry = new Map<string, Origin[]>();
  for (let tries = 0; tries < 200 && [...byCountry.values()].flat().length < 6; tries++) {
    const origin = foreignOrigin(context.rng, homeCountry);
    const list = byCountry.get(origin.place.countryCode) ?? [];
    if (!byCountry.has(origin.place.countryCode) && byCountry.size >= 3) continue;
    if (list.length >= 2 || list.some((o) => o.ip === origin.ip)) continue;
    list.push(origin);
    byCountry.set(origin.place.countryCode, list);
  }
  return [...byCountry.values()].flat();
}

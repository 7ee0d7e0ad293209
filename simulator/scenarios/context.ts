/** What every scenario builder receives, and helpers to pick its cast, where they connect from and with what. */
import { DESKTOP_BROWSERS } from '../catalog.js';
import { buildEvent, userActor, type RequestSource } from '../events.js';
import { FOREIGN_ORIGINS, addressIn, foreignOrigin } from '../geo.js';
import type { Random } from '../random.js';
import type { Session } from '../sign-in.js';
import type { AdminRole, BrowserAgent, LogTarget, OktaLogEvent, OktaUser, Origin, SimulatedOrg } from '../types.js';

export interface ScenarioContext {
  org: SimulatedOrg;
  rng: Random;
  /** When the scenario begins. */
  at: Date;
}

/** A scenario's output: the events it adds and what a detection should point at. */
export interface ScenarioOutcome<Subjects> {
  events: OktaLogEvent[];
  subjects: Subjects;
}

export interface ScenarioDefinition<Options, Subjects> {
  description: string;
  build(context: ScenarioContext, options: Options): ScenarioOutcome<Subjects>;
}

/** Keeps option and subject types precise in the registry while checking the shape. */
export function defineScenario<Options, Subjects>(definition: ScenarioDefinition<Options, Subjects>): ScenarioDefinition<Options, Subjects> {
  return definition;
}

/** The requested user, or a random ACTIVE non-admin who satisfies `eligible`. */
export function chooseVictim(context: ScenarioContext, userId: string | undefined, eligible: (u: OktaUser) => boolean = () => true): OktaUser {
  const { org, rng } = context;
  if (userId) {
    const user = org.users.find((u) => u.id === userId);
    if (!user) throw new Error(`Scenario user ${userId} is not in the org`);
    return user;
  }
  const admins = new Set(org.admins.map((a) => a.userId));
  const candidates = org.users.filter((u) => u.status === 'ACTIVE' && !admins.has(u.id) && org.personas[u.id] && eligible(u));
  if (candidates.length === 0) throw new Error('No eligible user for the scenario');
  return rng.pick(candidates);
}

/** The requested admin, or the org's super admin (falling back to any admin). */
export function chooseAdmin(context: ScenarioContext, userId: string | undefined): OktaUser {
  const { org } = context;
  const assignment = org.admins.find((a) => a.userId === userId) ?? org.admins.find((a) => a.role === 'SUPER_ADMIN') ?? org.admins[0];
  const user = org.users.find((u) => u.id === (userId ?? assignment?.userId));
  if (!user) throw new Error('The org has no admin for the scenario');
  return user;
}

/** Someone at home on their usual laptop browser. */
export function homeSource(context: ScenarioContext, user: OktaUser): RequestSource {
  const persona = context.org.personas[user.id];
  if (!persona) throw new Error(`User ${user.id} has no persona`);
  return { origin: persona.home, agent: persona.browser, device: null };
}

/** The user's session driven from an anonymising proxy outside the user's home country (a stolen session, a VPN exit). */
export function proxiedSource(context: ScenarioContext, user: OktaUser, agent: BrowserAgent = ATTACKER_AGENTS.linuxChrome): RequestSource {
  return { origin: anonymizedOrigin(context.rng, context.org.personas[user.id]?.home.place.countryCode), agent, device: null };
}

/** An attacker abroad (never in `avoidCountryCode`) with an ordinary desktop browser. */
export function attackerSource(rng: Random, avoidCountryCode?: string, agent?: BrowserAgent): RequestSource {
  return {
    origin: foreignOrigin(rng, avoidCountryCode),
    agent: agent ?? rng.weighted(DESKTOP_BROWSERS.WINDOWS),
    device: null,
  };
}

/**
 * The requested admin, or the first admin holding `role`, falling back to the super admin. Scenarios
 * about a hijacked admin pick a role whose everyday work does not already look like the attack.
 */
export function chooseAdminWithRole(context: ScenarioContext, userId: string | undefined, role: AdminRole): OktaUser {
  if (userId) return chooseAdmin(context, userId);
  const assignment = context.org.admins.find((a) => a.role === role);
  return chooseAdmin(context, assignment?.userId);
}

/** An address abroad that Okta flags as an anonymiser (VPN exits and hosting behind `isProxy`). */
export function anonymizedOrigin(rng: Random, avoidCountryCode?: string): Origin {
  const candidates = FOREIGN_ORIGINS.filter((o) => o.network.isProxy && o.place.countryCode !== avoidCountryCode);
  const chosen = rng.pick(candidates);
  return { ip: addressIn(rng, chosen.network), place: chosen.place, network: chosen.network };
}

/** An address abroad on an ordinary consumer network (no proxy flag). */
export function directForeignOrigin(rng: Random, avoidCountryCode?: string): Origin {
  const candidates = FOREIGN_ORIGINS.filter((o) => !o.network.isProxy && o.place.countryCode !== avoidCountryCode);
  const chosen = rng.pick(candidates);
  return { ip: addressIn(rng, chosen.network), place: chosen.place, network: chosen.network };
}

/** A browser's device token as Okta logs it (`debugData.dtHash`, sha256 hex). */
export function browserDeviceToken(rng: Random): string {
  return rng.hex(64);
}

/** The Okta Admin Console app as a log target. */
export function adminConsoleTarget(org: SimulatedOrg): LogTarget {
  const app = org.apps.find((a) => a.name === 'saasure');
  if (!app) throw new Error('The org has no Admin Console app');
  return { id: app.id, type: 'AppInstance', alternateId: 'Okta Admin Console', displayName: 'Okta Admin Console', detailEntry: null };
}

/** Up to `count` ACTIVE org users other than `exclude`, in random order. */
export function otherActiveUsers(context: ScenarioContext, exclude: readonly string[], count: number): OktaUser[] {
  const skip = new Set(exclude);
  return context.rng.sample(context.org.users.filter((u) => u.status === 'ACTIVE' && !skip.has(u.id)), count);
}

/** The admin opening the Admin Console: how every configuration change by hand begins. */
export function openAdminConsole(context: ScenarioContext, admin: OktaUser, source: RequestSource, at: Date, session: Session): OktaLogEvent {
  return buildEvent(context.rng, {
    eventType: 'user.session.access_admin_app', published: at, actor: userActor(admin), source, session,
    target: [adminConsoleTarget(context.org)], requestUri: '/admin/sso/callback',
  });
}

const agent = (rawUserAgent: string, os: string, browser: string, device: BrowserAgent['device']): BrowserAgent =>
  ({ rawUserAgent, os, browser, device });

/** Clients attackers bring that the org's own people never use. */
export const ATTACKER_AGENTS = {
  headlessChrome: agent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.6367.60 Safari/537.36', 'Windows 10', 'CHROME', 'Computer'),
  linuxChrome: agent('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'Linux', 'CHROME', 'Computer'),
  windowsChrome: agent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36', 'Windows 10', 'CHROME', 'Computer'),
  pythonRequests: agent('python-requests/2.32.3', 'Unknown', 'UNKNOWN', 'Unknown'),
  goClient: agent('Go-http-client/2.0', 'Unknown', 'UNKNOWN', 'Unknown'),
  curl: agent('curl/8.7.1', 'Unknown', 'UNKNOWN', 'Unknown'),
} as const;

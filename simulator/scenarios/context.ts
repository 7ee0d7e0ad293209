/** What every scenario builder receives, and helpers to pick its cast. */
import { DESKTOP_BROWSERS } from '../catalog.js';
import type { RequestSource } from '../events.js';
import { foreignOrigin } from '../geo.js';
import type { Random } from '../random.js';
import type { BrowserAgent, OktaLogEvent, OktaUser, SimulatedOrg } from '../types.js';

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

/** An attacker abroad (never in `avoidCountryCode`) with an ordinary desktop browser. */
export function attackerSource(rng: Random, avoidCountryCode?: string, agent?: BrowserAgent): RequestSource {
  return {
    origin: foreignOrigin(rng, avoidCountryCode),
    agent: agent ?? rng.weighted(DESKTOP_BROWSERS.WINDOWS),
    device: null,
  };
}

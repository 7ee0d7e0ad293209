/**
 * Attack and audit scenarios injected into an activity stream. Each injection is labelled and
 * reports its subjects (user, IP, …) so a test knows exactly which detection to expect.
 *
 * To add a scenario: write `scenarios/<name>.ts` with `defineScenario(...)` and register it in
 * `SCENARIOS` below; its options and subjects types flow through `injectScenario`.
 */
import { sortByPublished } from './activity.js';
import { Random, type Seed } from './random.js';
import { adAgentAbuse } from './scenarios/ad-agent-abuse.js';
import { adminConsoleViaProxy } from './scenarios/admin-console-via-proxy.js';
import { adminRoleGranted } from './scenarios/admin-role-granted.js';
import { aitmPhishing } from './scenarios/aitm-phishing.js';
import { apiTokenCreated } from './scenarios/api-token-created.js';
import { appIntegrationBackdoor } from './scenarios/app-integration-backdoor.js';
import { appPasswordHarvest } from './scenarios/app-password-harvest.js';
import { backdoorAccount } from './scenarios/backdoor-account.js';
import { bruteForce } from './scenarios/brute-force.js';
import { concurrentSessions } from './scenarios/concurrent-sessions.js';
import type { ScenarioDefinition } from './scenarios/context.js';
import { credentialStuffing } from './scenarios/credential-stuffing.js';
import { defensesDisabled } from './scenarios/defenses-disabled.js';
import { helpDeskTakeover } from './scenarios/help-desk-takeover.js';
import { lockoutStorm } from './scenarios/lockout-storm.js';
import { mfaPushBombing } from './scenarios/mfa-push-bombing.js';
import { mfaWeakened } from './scenarios/mfa-weakened.js';
import { oauthTokenAbuse } from './scenarios/oauth-token-abuse.js';
import { passwordInUsername } from './scenarios/password-in-username.js';
import { passwordResetAbuse } from './scenarios/password-reset-abuse.js';
import { passwordSpray } from './scenarios/password-spray.js';
import { policyWeakened } from './scenarios/policy-weakened.js';
import { pushFromRotatingProxies } from './scenarios/push-from-rotating-proxies.js';
import { rateLimitFlood } from './scenarios/rate-limit-flood.js';
import { rogueIdentityProvider } from './scenarios/rogue-identity-provider.js';
import { skeletonKeyEnrolment } from './scenarios/skeleton-key-enrolment.js';
import { stolenSessionReplay } from './scenarios/stolen-session-replay.js';
import { supportAccess } from './scenarios/support-access.js';
import { twoCountriesWithinHour } from './scenarios/two-countries-within-hour.js';
import { userReportedSuspicious } from './scenarios/user-reported-suspicious.js';
import { vaultedAppHarvest } from './scenarios/vaulted-app-harvest.js';
import { vpnCredentialTesting } from './scenarios/vpn-credential-testing.js';
import { DAY, isoSeconds } from './time.js';
import type { OktaLogEvent, SimulatedOrg } from './types.js';

export const SCENARIOS = {
  passwordSpray,
  mfaPushBombing,
  adminRoleGranted,
  twoCountriesWithinHour,
  apiTokenCreated,
  userReportedSuspicious,
  // Credential attacks (catalogue section B).
  bruteForce,
  credentialStuffing,
  passwordResetAbuse,
  pushFromRotatingProxies,
  passwordInUsername,
  vpnCredentialTesting,
  lockoutStorm,
  // Session theft and risky sign-in context (section C).
  aitmPhishing,
  stolenSessionReplay,
  concurrentSessions,
  adminConsoleViaProxy,
  oauthTokenAbuse,
  rateLimitFlood,
  // Privilege, persistence and tenant configuration (section A).
  policyWeakened,
  mfaWeakened,
  helpDeskTakeover,
  defensesDisabled,
  supportAccess,
  rogueIdentityProvider,
  appIntegrationBackdoor,
  backdoorAccount,
  appPasswordHarvest,
  skeletonKeyEnrolment,
  adAgentAbuse,
  vaultedAppHarvest,
} as const;

export type ScenarioName = keyof typeof SCENARIOS;
export type ScenarioOptions<N extends ScenarioName> = (typeof SCENARIOS)[N] extends ScenarioDefinition<infer O, unknown> ? O : never;
export type ScenarioSubjects<N extends ScenarioName> = (typeof SCENARIOS)[N] extends ScenarioDefinition<never, infer S> ? S : never;

export type InjectOptions<N extends ScenarioName> = ScenarioOptions<N> & {
  seed: Seed;
  /** When the scenario begins (unless it would then end after `now`: see there). */
  at: Date;
  /**
   * The generation time (default: the clock). No event is dated after it: a scenario that would run
   * past it starts earlier instead, so that its last event is at `now` — the same scenario (same seed,
   * same draws), only moved back in time.
   */
  now?: Date;
};

export interface ScenarioInjection<N extends ScenarioName = ScenarioName> {
  scenario: N;
  /** Unique, readable label, e.g. `passwordSpray@2026-01-06T14:00:00Z`. */
  label: string;
  /** published of the first and last added event. */
  start: string;
  end: string;
  /** The events added, sorted by published. */
  events: OktaLogEvent[];
  subjects: ScenarioSubjects<N>;
}

/** Builds a scenario's events without touching any event list (e.g. to `addEvents` to a live simulator). */
export function buildScenario<N extends ScenarioName>(org: SimulatedOrg, scenario: N, options: InjectOptions<N>): ScenarioInjection<N> {
  const { seed, at: requested, now: nowOption, ...scenarioOptions } = options;
  const now = (nowOption ?? new Date()).getTime();
  const definition = SCENARIOS[scenario] as unknown as ScenarioDefinition<ScenarioOptions<N>, ScenarioSubjects<N>>;
  // The draws depend on the requested start only, so a scenario moved back is the same scenario.
  const build = (at: Date) =>
    definition.build({ org, rng: new Random(seed).fork('scenario', scenario, requested.toISOString()), at }, scenarioOptions as unknown as ScenarioOptions<N>);
  let at = requested;
  let built = build(at);
  // Most scenarios only shift with their start; a few follow the clock (a workday, a night), so re-check.
  for (let attempt = 0; attempt < 5; attempt++) {
    const overshoot = Math.max(...built.events.map((e) => Date.parse(e.published))) - now;
    if (!(overshoot > 0)) break;
    at = new Date(at.getTime() - Math.ceil(overshoot) - (attempt > 2 ? 60_000 * attempt : 0));
    built = build(at);
  }
  // One that waits for an hour of the day (the next 03:00) stays put until its start passes the previous
  // such hour: step back whole days.
  const latestEvent = () => Math.max(...built.events.map((e) => Date.parse(e.published)));
  for (let days = 1; days <= 3 && latestEvent() > now; days++) {
    const earlier = new Date(at.getTime() - days * DAY);
    built = build(earlier);
    if (!(latestEvent() > now)) at = earlier;
  }
  const { events, subjects } = built;
  if (events.some((e) => Date.parse(e.published) > now)) {
    throw new Error(`Scenario ${scenario} could not be placed to end by ${new Date(now).toISOString()}`);
  }
  const sorted = sortByPublished([...events]);
  return {
    scenario,
    label: `${scenario}@${isoSeconds(at)}`,
    start: sorted[0]?.published ?? at.toISOString(),
    end: sorted[sorted.length - 1]?.published ?? at.toISOString(),
    events: sorted,
    subjects,
  };
}

/** Builds a scenario and merges its events into `events` (kept sorted by published, in place). */
export function injectScenario<N extends ScenarioName>(
  org: SimulatedOrg, events: OktaLogEvent[], scenario: N, options: InjectOptions<N>,
): ScenarioInjection<N> {
  const injection = buildScenario(org, scenario, options);
  for (const event of injection.events) events.push(event);
  sortByPublished(events);
  return injection;
}

export function describeScenarios(): Record<ScenarioName, string> {
  return Object.fromEntries(Object.entries(SCENARIOS).map(([name, s]) => [name, s.description])) as Record<ScenarioName, string>;
}

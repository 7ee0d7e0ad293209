// Traffic for the detection benchmark: one simulated org, its everyday activity, and every registered
// attack scenario injected several times at spread-out moments. Deterministic for a given seed.
import type { OktaLogEvent as RawEvent } from '../detections/index.js';
import {
  SCENARIOS,
  SCENARIO_EXPECTATIONS,
  buildScenario,
  generateActivity,
  generateOrg,
  sortByPublished,
  type OktaLogEvent,
  type ScenarioCase,
  type ScenarioName,
  type SimulatedOrg,
} from '../simulator/index.js';

export const DAY_MS = 86_400_000;
/** A Monday, so a week's columns read Mon … Sun. */
export const START = new Date('2026-03-02T00:00:00Z');

export interface Injection {
  scenario: string;
  /** The expectation case, e.g. `bruteForce/rotating-proxies` (the scenario name when it has none). */
  label: string;
  at: string;
  events: number;
  uuids: ReadonlySet<string>;
  /** Dedupe keys (`${ruleId}:${groupKey}`) the case must raise, from simulator/scenario-expectations.ts. */
  expected: readonly string[];
}

export interface InjectionFailure {
  scenario: string;
  at: string;
  message: string;
}

export function benchOrg(seed: string, users: number): SimulatedOrg {
  return generateOrg({ seed, users, orgName: 'initech', domain: 'initech.example', logStream: false });
}

/**
 * The first `count` everyday events from START on, generated a week at a time. Activity is derived per
 * (user, local day), so consecutive windows concatenate to exactly what one long window would give,
 * without generating more days than needed.
 */
export function backgroundEvents(org: SimulatedOrg, seed: string, count: number): OktaLogEvent[] {
  const events: OktaLogEvent[] = [];
  let empty = 0;
  for (let from = START; events.length < count; from = new Date(from.getTime() + 7 * DAY_MS)) {
    const week = generateActivity(org, { seed, start: from, end: new Date(from.getTime() + 7 * DAY_MS) });
    if (week.length === 0 && ++empty > 3) throw new Error('The org generates no activity; use more users.');
    // push in a loop: spreading 300k arguments would overflow the stack
    for (const e of week) events.push(e);
  }
  events.length = count;
  return events;
}

/** Everyday activity only (no scenarios) in [START − warmupDays, START + 7 days). */
export function benignDays(org: SimulatedOrg, seed: string, warmupDays: number): OktaLogEvent[] {
  return generateActivity(org, { seed, start: new Date(START.getTime() - warmupDays * DAY_MS), end: new Date(START.getTime() + 7 * DAY_MS) });
}

/**
 * `perScenario` injections of every case of every scenario in the registry (read at run time, so scenarios
 * added to the simulator are included; a scenario without expectations is injected with its defaults),
 * interleaved over [from, to): slot k of S·K sits at (k + ½)/(S·K) of the span. A case that cannot be
 * built is reported, not fatal.
 */
export function buildInjections(
  org: SimulatedOrg,
  seed: string,
  from: number,
  to: number,
  perScenario: number,
): { injections: Injection[]; events: OktaLogEvent[]; failures: InjectionFailure[] } {
  const cases: Array<{ scenario: ScenarioName; label: string; options: object; expectation?: ScenarioCase }> = [];
  for (const scenario of Object.keys(SCENARIOS) as ScenarioName[]) {
    const known = (SCENARIO_EXPECTATIONS[scenario] ?? []) as readonly ScenarioCase[];
    if (known.length === 0) cases.push({ scenario, label: scenario, options: {} });
    for (const c of known) cases.push({ scenario, label: c.label, options: c.options as object, expectation: c });
  }
  const slots = cases.length * perScenario;
  const injections: Injection[] = [];
  const failures: InjectionFailure[] = [];
  const events: OktaLogEvent[] = [];
  for (let round = 0; round < perScenario; round++) {
    cases.forEach((c, i) => {
      const slot = round * cases.length + i;
      // whole minutes keep the labels readable
      const at = new Date(Math.floor((from + ((slot + 0.5) / slots) * (to - from)) / 60_000) * 60_000);
      try {
        const built = buildScenario(org, c.scenario, { ...c.options, seed: `${seed}:${c.label}:${round}`, at } as never);
        const expected = c.expectation?.detections(built.subjects as never).map((d) => `${d.ruleId}:${d.groupKey}`) ?? [];
        injections.push({ scenario: c.scenario, label: c.label, at: at.toISOString(), events: built.events.length, uuids: new Set(built.events.map((e) => e.uuid)), expected });
        for (const e of built.events) events.push(e);
      } catch (err) {
        failures.push({ scenario: c.label, at: at.toISOString(), message: err instanceof Error ? err.message : String(err) });
      }
    });
  }
  return { injections, events, failures };
}

/** background ∪ injected, sorted as the hourly run loads them (`order by published`). */
export function mixIn(background: OktaLogEvent[], injected: readonly OktaLogEvent[]): OktaLogEvent[] {
  for (const e of injected) background.push(e);
  return sortByPublished(background);
}

/**
 * Replaces every event by a JSON.parse of its JSON, in place (no second array of a million events): the
 * hourly run evaluates events parsed from `events.raw`, which share no objects, unlike the generator's
 * output. Returns the same array, now of raw events as the engine types them, the mean JSON size, and the
 * time JSON.parse alone took (the engine's floor: the hourly run parses every event it evaluates). Batches of
 * 10,000 are stringified first, then parsed under the timer, so the figure holds no stringify and few timer calls.
 */
export function roundTripJson(events: OktaLogEvent[]): { events: RawEvent[]; meanBytes: number; parseSeconds: number } {
  const raw = events as unknown as RawEvent[];
  const BATCH = 10_000;
  let bytes = 0;
  let parseMs = 0;
  const texts: string[] = [];
  for (let start = 0; start < raw.length; start += BATCH) {
    const end = Math.min(raw.length, start + BATCH);
    texts.length = 0;
    for (let i = start; i < end; i++) {
      const json = JSON.stringify(raw[i]);
      bytes += json.length;
      texts.push(json);
    }
    const t0 = performance.now();
    for (let i = start; i < end; i++) raw[i] = JSON.parse(texts[i - start]) as RawEvent;
    parseMs += performance.now() - t0;
  }
  texts.length = 0;
  return { events: raw, meanBytes: raw.length > 0 ? bytes / raw.length : 0, parseSeconds: parseMs / 1000 };
}

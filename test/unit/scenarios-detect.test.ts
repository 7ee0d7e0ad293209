// Every attack scenario case, mixed into an org's benign traffic and run through hourly detection runs,
// raises the detections its expectations name, each exactly once, and the same benign traffic alone
// raises none of them. The rules are the hourly run's rule set: the catalogue plus the Sigma rules shipped
// in sigma-rules (loadRuleSet). The runs are test/support/memory-runs.ts: the product's detection pass (its
// chunks, look-back and clock, the newest delivered event), rule state kept between runs and matches
// merged as the detection step merges them. Cases that need days of ordinary traffic first (a tenant's
// learning period, a history the scenario builds) run in a longer world. Also: every rule family and
// every stateful rule has a case that raises it.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalogue, findRule, type OktaLogEvent as DetectionEvent, type Rule } from '../../detections/index.js';
import type { MergedDetection } from '../../detections/run/merge.js';
import { loadRuleSet } from '../../detections/run/rule-set.js';
import {
  SCENARIOS, buildScenario, generateActivity, generateOrg, scenarioCases, sortByPublished,
  type InjectOptions, type OktaLogEvent, type ScenarioCase, type ScenarioName,
} from '../../simulator/index.js';
import { memoryRuns } from '../support/memory-runs.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Absences are decided by the clock 12 hours on (A18): every case is followed by at least that much traffic. */
const SETTLE = 12 * HOUR;

const org = generateOrg({ seed: 'scenario-detections', users: 60 });
/** What the hourly run judges events by when SIGMA_RULES_DIR points at the shipped examples. */
const ruleSet = loadRuleSet(fileURLToPath(new URL('../../sigma-rules/', import.meta.url)));
const hourlyRules = ruleSet.rules;
const ruleById = (id: string): Rule | undefined => hourlyRules.find((rule) => rule.id === id);

interface World {
  start: number;
  end: number;
  benign: OktaLogEvent[];
  /** What the benign traffic alone raises, computed once per world on first use. */
  benignDetections: () => Promise<MergedDetection[]>;
}

function world(start: string, days: number): World {
  const from = new Date(start);
  const to = new Date(from.getTime() + days * DAY);
  const benign = generateActivity(org, { seed: 'scenario-detections', start: from, end: to });
  let alone: Promise<MergedDetection[]> | undefined;
  return { start: from.getTime(), end: to.getTime(), benign, benignDetections: () => (alone ??= hourlyDetections(benign)) };
}

// A Tuesday: two full workdays. A Monday and ten more days: room for a week of history, then a day to act and settle.
const SHORT = world('2026-01-06T00:00:00.000Z', 2);
const LONG = world('2026-01-05T00:00:00.000Z', 11);

/** One hourly run per UTC hour that delivered events, each over that hour's events, as the queue holds them. */
async function hourlyDetections(events: readonly OktaLogEvent[]): Promise<MergedDetection[]> {
  const runs = memoryRuns(hourlyRules);
  let batch: OktaLogEvent[] = [];
  let hour = Number.NaN;
  for (const event of sortByPublished([...events])) {
    const eventHour = Math.floor(Date.parse(event.published) / HOUR);
    if (batch.length > 0 && eventHour !== hour) {
      await runs.run(batch as unknown as DetectionEvent[]);
      batch = [];
    }
    hour = eventHour;
    batch.push(event);
  }
  if (batch.length > 0) await runs.run(batch as unknown as DetectionEvent[]);
  return runs.detections();
}

const cases = scenarioCases();
const shortCases = cases.filter((c) => !c.benignDaysBefore);
const longCases = cases.filter((c) => c.benignDaysBefore);

/**
 * Where a case sits: spread over the world's working hours, always ten minutes before an hour so most
 * attacks straddle two runs, after the benign days it needs and early enough to settle.
 */
function placement(scenarioCase: ScenarioCase): { world: World; at: Date } {
  const days = scenarioCase.benignDaysBefore ?? 0;
  const [target, i, spread] = days > 0 ? [LONG, longCases.indexOf(scenarioCase), 12] : [SHORT, shortCases.indexOf(scenarioCase), 24];
  const hours = 8 + ((i * 7) % spread);
  return { world: target, at: new Date(target.start + days * DAY + hours * HOUR + 50 * 60_000) };
}

describe('attack scenarios in hourly detection runs', () => {
  it('loads every shipped Sigma rule', () => {
    expect(ruleSet.sigmaErrors.map((e) => e.message)).toEqual([]);
    expect(hourlyRules.length).toBeGreaterThan(catalogue.length);
  });

  it('has a case for every registered scenario', () => {
    expect(new Set(cases.map((c) => c.scenario))).toEqual(new Set(Object.keys(SCENARIOS)));
  });

  it.each(cases.map((c) => [c.label, c] as const))('%s raises its detections once', async (_label, scenarioCase) => {
    const { world: target, at } = placement(scenarioCase);
    const options = { ...scenarioCase.options, seed: scenarioCase.label, at } as InjectOptions<ScenarioName>;
    const injection = buildScenario(org, scenarioCase.scenario, options);
    expect(injection.events.length).toBeGreaterThan(0);
    expect(Date.parse(injection.start)).toBeGreaterThanOrEqual(target.start);
    expect(Date.parse(injection.end) + SETTLE, 'the case ends early enough for its world').toBeLessThanOrEqual(target.end);

    const expected = scenarioCase.detections(injection.subjects as never);
    expect(new Set(expected.map((d) => d.ruleId))).toEqual(new Set(scenarioCase.ruleIds));
    for (const { ruleId } of expected) expect(ruleById(ruleId)?.enabled, `${ruleId} is an enabled rule of the rule set`).toBe(true);

    const detections = await hourlyDetections([...target.benign, ...injection.events]);
    const benignDetections = await target.benignDetections();
    const injected = new Set(injection.events.map((e) => e.uuid));
    for (const want of expected) {
      const dedupeKey = `${want.ruleId}:${want.groupKey}`;
      const raised = detections.filter((d) => d.dedupeKey === dedupeKey);
      expect(raised, `${dedupeKey} raised once; the scenario raised ${summary(detections, injected)}`).toHaveLength(1);
      expect(raised[0].evidenceUuids.some((uuid) => injected.has(uuid)), `${dedupeKey} rests on the scenario's events`).toBe(true);
      if (want.subjectUserId) expect(raised[0].subjectUserId, `${dedupeKey} names its subject`).toBe(want.subjectUserId);
      expect(benignDetections.filter((d) => d.dedupeKey === dedupeKey), `${dedupeKey} without the scenario`).toHaveLength(0);
    }
  });

  const expectedRules = new Set(cases.flatMap((c) => c.ruleIds));

  it('covers every rule family: each rule file has a scenario raising one of its rules', async () => {
    const uncovered: string[] = [];
    for (const section of ['privilege', 'credential', 'session']) {
      const dir = fileURLToPath(new URL(`../../detections/rules/${section}/`, import.meta.url));
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'helpers.ts' && f !== 'index.ts')) {
        const module = (await import(`${dir}${file}`)) as Record<string, unknown>;
        const rules = Object.values(module)
          .filter((value): value is Rule => typeof value === 'object' && value !== null && 'id' in value && 'kind' in value)
          .filter((rule) => findRule(rule.id));
        if (rules.length > 0 && !rules.some((rule) => expectedRules.has(rule.id))) uncovered.push(`${section}/${file}`);
      }
    }
    expect(uncovered).toEqual([]);
  });

  it('covers every stateful rule: each sequence, baseline, geo and anomaly rule has a case raising it', () => {
    const stateful = catalogue.filter((rule) => rule.enabled && rule.kind !== 'single' && rule.kind !== 'threshold');
    expect(stateful.map((rule) => rule.id).filter((id) => !expectedRules.has(id))).toEqual([]);
  });
});

/** What a run raised from the scenario's events, for failure messages. */
function summary(detections: readonly MergedDetection[], injected: ReadonlySet<string>): string {
  const keys = detections.filter((d) => d.evidenceUuids.some((uuid) => injected.has(uuid))).map((d) => d.dedupeKey);
  return keys.length ? keys.join(', ') : 'nothing';
}

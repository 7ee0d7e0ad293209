// Every attack scenario, mixed into two days of an org's benign traffic and run through hourly
// detection runs (look-back, rule state carried between runs, matches merged as the detection step
// merges them), raises the detections its expectations name, each exactly once, and the same benign
// traffic alone raises none of them. Also: every rule family has a scenario that raises one of its rules.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  catalogue, evaluateRun, findRule, lookbackMinutes, mergeStateRows, stateKeys,
  type DetectionMatch, type OktaLogEvent as DetectionEvent, type Rule, type StateRow,
} from '../../detections/index.js';
import { mergeMatches, type MergedDetection } from '../../pipeline/detection-merge.js';
import {
  SCENARIOS, buildScenario, generateActivity, generateOrg, scenarioCases,
  type InjectOptions, type OktaLogEvent, type ScenarioName,
} from '../../simulator/index.js';

const HOUR = 3_600_000;
const START = new Date('2026-01-06T00:00:00.000Z'); // a Tuesday: two full workdays follow
const END = new Date(START.getTime() + 48 * HOUR);

/** One detection run per UTC hour, as the hourly Schedule runs them, over everything delivered by then. */
function hourlyDetections(events: readonly OktaLogEvent[]): MergedDetection[] {
  const timed = events.map((event) => ({ event: event as unknown as DetectionEvent, at: Date.parse(event.published) })).sort((a, b) => a.at - b.at);
  const lookback = lookbackMinutes(catalogue) * 60_000;
  let state: StateRow[] = [];
  const matches: DetectionMatch[] = [];
  for (let hour = Math.floor(timed[0].at / HOUR) * HOUR; hour <= timed[timed.length - 1].at; hour += HOUR) {
    if (!timed.some(({ at }) => at >= hour && at < hour + HOUR)) continue;
    const loaded = timed.filter(({ at }) => at >= hour - lookback && at < hour + HOUR).map(({ event }) => event);
    const opts = { isNew: (e: DetectionEvent) => Date.parse(e.published) >= hour, now: new Date(hour + HOUR) };
    const wanted = new Set(stateKeys(catalogue, loaded, opts).map((k) => `${k.ruleId}\u0000${k.entity}\u0000${k.value}`));
    const rows = state.filter((r) => wanted.has(`${r.ruleId}\u0000${r.entity}\u0000${r.value}`));
    const run = evaluateRun(catalogue, loaded, { ...opts, state: rows });
    state = mergeStateRows(state, run.stateChanges);
    matches.push(...run.matches);
  }
  return mergeMatches(matches);
}

const org = generateOrg({ seed: 'scenario-detections', users: 60 });
const benign = generateActivity(org, { seed: 'scenario-detections', start: START, end: END });
const benignDetections = hourlyDetections(benign);
const cases = scenarioCases();

describe('attack scenarios in hourly detection runs', () => {
  it('has a case for every registered scenario', () => {
    expect(new Set(cases.map((c) => c.scenario))).toEqual(new Set(Object.keys(SCENARIOS)));
  });

  it.each(cases.map((c, i) => [c.label, c, i] as const))('%s raises its detections once', (_label, scenarioCase, i) => {
    // Spread over both days, always starting ten minutes before an hour so most attacks straddle two runs.
    const at = new Date(START.getTime() + (8 + ((i * 7) % 32)) * HOUR + 50 * 60_000);
    const options = { ...scenarioCase.options, seed: scenarioCase.label, at } as InjectOptions<ScenarioName>;
    const injection = buildScenario(org, scenarioCase.scenario, options);
    expect(injection.events.length).toBeGreaterThan(0);
    expect(injection.end < END.toISOString()).toBe(true);

    const expected = scenarioCase.detections(injection.subjects as never);
    expect(new Set(expected.map((d) => d.ruleId))).toEqual(new Set(scenarioCase.ruleIds));
    for (const { ruleId } of expected) expect(findRule(ruleId)?.enabled, `${ruleId} is an enabled catalogue rule`).toBe(true);

    const detections = hourlyDetections([...benign, ...injection.events]);
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

  it('covers every rule family: each rule file has a scenario raising one of its rules', async () => {
    const expectedRules = new Set(cases.flatMap((c) => c.ruleIds));
    const uncovered: string[] = [];
    for (const section of ['privilege', 'credential', 'session']) {
      const dir = fileURLToPath(new URL(`../../detections/rules/${section}/`, import.meta.url));
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'helpers.ts' && f !== 'index.ts')) {
        const module = (await import(`${dir}${file}`)) as Record<string, unknown>;
        // Sequence, baseline and geo rules need state and history a single scenario does not build yet.
        const rules = Object.values(module)
          .filter((value): value is Rule => typeof value === 'object' && value !== null && 'id' in value && 'kind' in value)
          .filter((rule) => findRule(rule.id) && (rule.kind === 'single' || rule.kind === 'threshold'));
        if (rules.length > 0 && !rules.some((rule) => expectedRules.has(rule.id))) uncovered.push(`${section}/${file}`);
      }
    }
    expect(uncovered).toEqual([]);
  });
});

/** What a run raised from the scenario's events, for failure messages. */
function summary(detections: readonly MergedDetection[], injected: ReadonlySet<string>): string {
  const keys = detections.filter((d) => d.evidenceUuids.some((uuid) => injected.has(uuid))).map((d) => d.dedupeKey);
  return keys.length ? keys.join(', ') : 'nothing';
}

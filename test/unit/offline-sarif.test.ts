// `detect --format sarif`: SARIF 2.1.0's required fields, levels from severity, rule metadata from the rules, logical
// locations for the subject, fingerprints from the dedupe key, the run's summary in the run's properties.
import { describe, expect, it } from 'vitest';
import { catalogue, type Rule } from '../../detections/index.js';
import type { MergedDetection } from '../../detections/run/merge.js';
import type { OfflineSummary, SkippedEntry } from '../../detections/run/offline.js';
import { SARIF_NOTIFICATIONS_CAP, sarifLevel, toSarif } from '../../detections/run/sarif.js';

const fixed = catalogue.find((r) => typeof r.severity === 'string')!;
const varies = catalogue.find((r) => typeof r.severity === 'function')!;

function detection(rule: Rule, over: Partial<MergedDetection> = {}): MergedDetection {
  return {
    ruleId: rule.id,
    dedupeKey: `${rule.id}:user:00u1`,
    dedupePeriodMinutes: 60,
    severity: 'high',
    title: rule.title,
    subjectUserId: '00u1',
    subjectUser: 'alice@acme.example',
    firstEventAt: '2026-11-09T08:00:00.000Z',
    lastEventAt: '2026-11-09T08:05:00.000Z',
    count: 2,
    evidenceUuids: ['e1', 'e2'],
    tactics: [...rule.attack.tactics],
    techniques: [...rule.attack.techniques],
    runbook: rule.runbook,
    ...over,
  };
}

const summary: OfflineSummary = {
  entries_read: 5,
  events_used: 3,
  skipped: 2,
  skipped_by_reason: { not_json: 1, published_without_offset: 1 },
  rules: 2,
  catalogue: true,
  sigma_dirs: [],
  detections: 2,
};
const skipped: SkippedEntry[] = [
  { where: 'line 2', reason: 'not_json', detail: 'not valid JSON' },
  { where: 'line 4', reason: 'published_without_offset', detail: 'no offset' },
];

describe('SARIF output', () => {
  it('maps severities to SARIF levels', () => {
    expect(['critical', 'high', 'medium', 'low', 'info'].map((s) => sarifLevel(s as never))).toEqual(['error', 'error', 'warning', 'note', 'note']);
  });

  it('has the required fields, the rules run and one result per detection', () => {
    const detections = [detection(fixed), detection(varies, { severity: 'medium', subjectUser: null, subjectUserId: null, dedupeKey: `${varies.id}:ip:203.0.113.9` })];
    const log = toSarif({ toolVersion: '1.2.3', rules: [fixed, varies], detections, summary, skipped });
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0];
    expect(run.tool.driver).toMatchObject({ name: 'oort-okta', version: '1.2.3' });

    const [fixedRule, variesRule] = run.tool.driver.rules;
    expect(fixedRule).toMatchObject({
      id: fixed.id,
      shortDescription: { text: fixed.title },
      fullDescription: { text: fixed.description.trim() },
      help: { text: fixed.runbook },
      defaultConfiguration: { enabled: fixed.enabled, level: sarifLevel(fixed.severity as never) },
      properties: { severity: fixed.severity, kind: fixed.kind },
    });
    expect(fixedRule.name).toMatch(/^[A-Za-z0-9]+$/);
    expect(fixedRule.properties.tags).toEqual(
      expect.arrayContaining([...fixed.attack.tactics, ...fixed.attack.techniques].map((t) => `attack.${t.toLowerCase()}`)),
    );
    expect(variesRule.properties.severity).toBe('varies');
    expect(variesRule.defaultConfiguration).not.toHaveProperty('level');

    const [first, second] = run.results;
    expect(first).toMatchObject({
      ruleId: fixed.id,
      ruleIndex: 0,
      level: 'error',
      partialFingerprints: { 'dedupeKey/v1': `${fixed.id}:user:00u1` },
      properties: { firstSeen: '2026-11-09T08:00:00.000Z', lastSeen: '2026-11-09T08:05:00.000Z', evidenceUuids: ['e1', 'e2'], count: 2 },
    });
    expect(first.message.text).toContain('alice@acme.example');
    // The subject user is the location; its group key (user:00u1) names the same user, so it is not repeated.
    expect(first.locations).toEqual([{ logicalLocations: [{ name: 'alice@acme.example', fullyQualifiedName: 'user:alice@acme.example', kind: 'resource' }] }]);
    expect(second).toMatchObject({ ruleId: varies.id, ruleIndex: 1, level: 'warning' });
    expect(second.locations[0].logicalLocations).toEqual([{ name: '203.0.113.9', fullyQualifiedName: 'ip:203.0.113.9', kind: 'resource' }]);
    for (const r of run.results) {
      expect(typeof r.message.text).toBe('string');
      expect(run.tool.driver.rules[r.ruleIndex!].id).toBe(r.ruleId);
    }

    expect(run.properties.summary).toEqual(summary);
    expect(run.invocations[0].executionSuccessful).toBe(true);
    expect(run.invocations[0].toolExecutionNotifications.map((n) => n.descriptor.id)).toEqual(['not_json', 'published_without_offset']);
  });

  it('caps the skipped entries it lists (the summary counts them all)', () => {
    const many = Array.from({ length: SARIF_NOTIFICATIONS_CAP + 5 }, (_, i) => ({ where: `line ${i + 1}`, reason: 'not_json' as const, detail: 'x' }));
    const log = toSarif({ toolVersion: '0', rules: [], detections: [], summary, skipped: many });
    expect(log.runs[0].invocations[0].toolExecutionNotifications).toHaveLength(SARIF_NOTIFICATIONS_CAP);
    expect(log.runs[0].results).toEqual([]);
  });
});

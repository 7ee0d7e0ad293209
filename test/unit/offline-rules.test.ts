// The rules of `detect`: the catalogue and the configured Sigma rules, plus added directories; a replacing directory
// instead of the configured one; two rules with one id an error, never a silent override.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalogue, type Rule } from '../../detections/index.js';
import { detectOffline, loadOfflineRules, RulesDirectoryError } from '../../detections/run/offline.js';
import { loadRuleSet } from '../../detections/run/rule-set.js';

const SHIPPED = fileURLToPath(new URL('../../sigma-rules', import.meta.url));
const CUSTOM_ID = '7b0c5f4e-0d7e-4c55-9d51-2c1f0a1e9a01';

function customDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'oort-offline-rules-'));
  writeFileSync(
    join(dir, 'custom.yml'),
    `title: Lab admin added a group member
id: ${CUSTOM_ID}
status: experimental
logsource:
    product: okta
    service: okta
detection:
    selection:
        eventType: group.user_membership.add
        actor.alternateId: lab.admin@acme.example
    condition: selection
level: low
`,
  );
  return dir;
}

/** What a rule is, without its compiled functions (compiled twice, they are different objects). */
const shape = (r: Rule) => ({ id: r.id, kind: r.kind, title: r.title, severity: typeof r.severity, eventTypes: r.eventTypes, enabled: r.enabled });
const sigmaIds = (rules: readonly { id: string }[]) => rules.map((r) => r.id).filter((id) => id.startsWith('sigma-'));

describe('loadOfflineRules', () => {
  it('adds a directory to the catalogue and the shipped Sigma rules, loading them together', () => {
    const shipped = loadOfflineRules({ catalogue: true, sigmaDirs: [SHIPPED] });
    const added = loadOfflineRules({ catalogue: true, sigmaDirs: [SHIPPED, customDir()] });
    expect(shipped.errors).toEqual([]);
    expect(added.errors).toEqual([]);
    expect(added.rules.slice(0, shipped.rules.length).map(shape)).toEqual(shipped.rules.map(shape));
    expect(added.rules.map((r) => r.id)).toEqual([...shipped.rules.map((r) => r.id), `sigma-${CUSTOM_ID}`]);
    expect(sigmaIds(shipped.rules).length).toBeGreaterThan(0);
    // With the shipped directory alone, the hourly run's rule set.
    expect(shipped.rules.map(shape)).toEqual(loadRuleSet(SHIPPED).rules.map(shape));
  });

  it('lets a filter in an added directory name a shipped rule', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oort-offline-rules-'));
    writeFileSync(
      join(dir, 'exclusion.yml'),
      `title: Planned policy clean-up by the change account
id: 3f0d8a6c-1b2e-4d5f-8a9b-0c1d2e3f4a5b
logsource:
    product: okta
    service: okta
filter:
    rules:
        - 9d0cec1e-28e2-408d-a917-8295f9bb3418
    selection:
        actor.alternateId: change.bot@acme.example
    condition: not selection
`,
    );
    const loaded = loadOfflineRules({ catalogue: false, sigmaDirs: [SHIPPED, dir] });
    expect(loaded.errors).toEqual([]);
    expect(sigmaIds(loaded.rules)).toEqual(sigmaIds(loadOfflineRules({ catalogue: false, sigmaDirs: [SHIPPED] }).rules));
    const deactivation = (n: number, login: string) => ({
      uuid: `33333333-0000-4000-8000-00000000000${n}`,
      published: '2026-11-09T08:00:00.000Z',
      eventType: 'policy.lifecycle.deactivate',
      actor: { id: `00u${n}`, type: 'User', alternateId: login },
      outcome: { result: 'SUCCESS' },
    });
    const found = await detectOffline(loaded.rules, [deactivation(1, 'change.bot@acme.example'), deactivation(2, 'bob@acme.example')]);
    expect(found.map((d) => [d.ruleId, d.subjectUser])).toEqual([['sigma-9d0cec1e-28e2-408d-a917-8295f9bb3418', 'bob@acme.example']]);
  });

  it('replaces the shipped Sigma rules with another directory, and leaves the catalogue out on request', () => {
    const dir = customDir();
    const replaced = loadOfflineRules({ catalogue: true, sigmaDirs: [dir] });
    expect(sigmaIds(replaced.rules)).toEqual([`sigma-${CUSTOM_ID}`]);
    expect(replaced.rules.length).toBe(catalogue.length + 1);
    const only = loadOfflineRules({ catalogue: false, sigmaDirs: [dir] });
    expect(only.rules.map((r) => r.id)).toEqual([`sigma-${CUSTOM_ID}`]);
    expect(loadOfflineRules({ catalogue: true, sigmaDirs: [] }).rules).toEqual([...catalogue]);
  });

  it('loads a directory named twice once', () => {
    const dir = customDir();
    const twice = loadOfflineRules({ catalogue: false, sigmaDirs: [dir, `${dir}/`] });
    expect(twice.sigmaDirs).toHaveLength(1);
    expect(twice.errors).toEqual([]);
  });

  it('reports a rule with the id of a loaded one, and a file that does not load', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oort-offline-rules-'));
    cpSync(join(SHIPPED, 'okta_session_impersonation.yml'), join(dir, 'copy.yml'));
    mkdirSync(join(dir, 'broken'));
    writeFileSync(join(dir, 'broken', 'bad.yml'), 'title: no detection\nid: 0c7c6d0e-9a9b-4e55-8d8b-5f1d2c3b4a59\nlogsource:\n    product: okta\n');
    const clash = loadOfflineRules({ catalogue: true, sigmaDirs: [SHIPPED, dir] });
    expect(clash.errors.some((e) => e.includes('copy.yml') && e.includes('has the same id as the rule in') && e.includes('okta_session_impersonation.yml'))).toBe(true);
    expect(clash.errors.some((e) => e.includes('bad.yml'))).toBe(true);
    // The first definition is kept, once.
    expect(clash.rules.filter((r) => r.id === 'sigma-cf30db41-c010-48ce-81ba-714f0a0a5812')).toHaveLength(1);
  });

  it('refuses a directory that does not exist', () => {
    expect(() => loadOfflineRules({ catalogue: true, sigmaDirs: ['/nonexistent/oort-sigma'] })).toThrow(RulesDirectoryError);
  });
});

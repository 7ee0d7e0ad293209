// A Sigma rule file that does not load is a visible failure of the hourly run, not a silent gap: the detection step
// fails at once with a named failure, the run's events wait in the detection backlog, and once the rules are fixed
// (a worker with the corrected directory) the next run raises their detections.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { buildScenario, generateOrg, publishEnvelopes, toEventBridgeEnvelopes } from '../../simulator/index.js';
import { createWorld, type World } from '../support/world.js';
import { runHourly, streamingIntegration } from '../support/fixtures.js';
import { SIGMA_RULES_INVALID } from '../../temporal/shared/failures.js';

const shipped = join(process.cwd(), 'sigma-rules');
const brokenDir = mkdtempSync(join(tmpdir(), 'oort-sigma-broken-'));
const fixedDir = mkdtempSync(join(tmpdir(), 'oort-sigma-fixed-'));
cpSync(shipped, brokenDir, { recursive: true });
cpSync(shipped, fixedDir, { recursive: true });
writeFileSync(join(brokenDir, 'typo.yml'), [
  'title: A rule with a typo',
  'id: 5b8e2d1c-3f4a-4b6c-9d8e-7f6a5b4c3d2e',
  'logsource: { product: okta, service: okta }',
  'detection:',
  '  sel: { eventType|startwith: user.session }',
  '  condition: sel',
  'level: low',
  '',
].join('\n'));

let broken: World;
let fixed: World;

beforeAll(async () => {
  broken = await createWorld({ SIGMA_RULES_DIR: brokenDir });
  fixed = await createWorld({ SIGMA_RULES_DIR: fixedDir });
  await broken.startWorker();
  await fixed.startWorker();
});

afterAll(async () => {
  await broken?.close();
  await fixed?.close();
});

describe('a Sigma rule that does not load', () => {
  it('fails the hourly run once, by name, keeps its events for the run after the fix, and is logged at start', async () => {
    const org = generateOrg({ seed: 'sigma-errors', users: 20, orgName: 'initrode', logStream: false });
    const attack = buildScenario(org, 'passwordSpray', { seed: 5, at: new Date(Date.now() - 2 * 3_600_000) }).events;
    const integration = await streamingIntegration(broken, { oktaDomain: 'http://127.0.0.1:9', oktaOrg: 'initrode', apiToken: 'unused' });
    await publishEnvelopes(broken.sqs, integration.queueUrl, toEventBridgeEnvelopes(attack, integration.destination, 'sigma-errors'));

    const failure = await runHourly(broken, integration.integrationId).then(() => null, (e: unknown) => e);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const app = ((failure as WorkflowFailedError).cause as ActivityFailure).cause as ApplicationFailure;
    expect(app.type).toBe(SIGMA_RULES_INVALID);
    expect(app.nonRetryable).toBe(true);
    expect(app.message).toMatch(/typo\.yml.*startwith/s);

    // Stored, not analysed: everything waits in the backlog.
    const [{ stored }] = await broken.db.$client<{ stored: number }[]>`select count(*)::int as stored from events where integration_id = ${integration.integrationId}`;
    const [{ waiting }] = await broken.db.$client<{ waiting: number }[]>`select count(*)::int as waiting from detection_backlog where integration_id = ${integration.integrationId}`;
    expect(stored).toBe(attack.length);
    expect(waiting).toBe(attack.length);
    const logged = broken.logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'Sigma rule not loaded: detection steps fail until it is fixed');
    expect(String(logged?.file)).toContain('typo.yml');

    // The operator fixes the rules (here: a worker whose directory has no broken file): the next run analyses them.
    const result = await runHourly(fixed, integration.integrationId);
    expect(result.detections).toBeGreaterThan(0);
    const [{ left }] = await fixed.db.$client<{ left: number }[]>`select count(*)::int as left from detection_backlog where integration_id = ${integration.integrationId}`;
    expect(left).toBe(0);
    const rules = await fixed.db.$client<{ rule_id: string }[]>`select distinct rule_id from detections where integration_id = ${integration.integrationId}`;
    expect(rules.map((r) => r.rule_id)).toContain('okta-password-spray-single-source');
  });
});

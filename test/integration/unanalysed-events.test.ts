// Nothing stored is left unanalysed: a run that stored its events and then stopped before its
// detection step leaves them in the integration's detection backlog; the next run evaluates them and
// raises their detections, once, exactly as one uninterrupted run would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildScenario, generateActivity, generateOrg, publishEnvelopes, toEventBridgeEnvelopes } from '../../simulator/index.js';
import { createWorld, type World } from '../support/world.js';
import { runHourly, streamingIntegration, type StreamingIntegration } from '../support/fixtures.js';
import { waitFor } from '../support/wait.js';

let broken: World; // its worker cannot load its rules: every detection attempt fails
let healthy: World;

beforeAll(async () => {
  broken = await createWorld({ SIGMA_RULES_DIR: '/nonexistent/oort-okta-sigma' });
  healthy = await createWorld();
  await broken.startWorker();
  await healthy.startWorker();
});

afterAll(async () => {
  await broken?.close();
  await healthy?.close();
});

const org = generateOrg({ seed: 'unanalysed', users: 120, orgName: 'hooli', logStream: false });
const start = new Date('2026-11-20T00:00:00Z');
const events = [
  ...generateActivity(org, { seed: 'unanalysed', start, end: new Date(start.getTime() + 2 * 86_400_000) }).slice(0, 1500),
  ...buildScenario(org, 'passwordSpray', { seed: 3, at: new Date(start.getTime() + 10 * 3_600_000) }).events,
  ...buildScenario(org, 'mfaPushBombing', { seed: 4, at: new Date(start.getTime() + 20 * 3_600_000) }).events,
];

async function fill(integration: StreamingIntegration) {
  const res = await publishEnvelopes(healthy.sqs, integration.queueUrl, toEventBridgeEnvelopes(events, integration.destination, 'unanalysed'), { concurrency: 8 });
  expect(res.failed).toEqual([]);
}

async function detectionsOf(integrationId: string) {
  return healthy.db.$client<{ rule_id: string; group_key: string; first_event_at: Date; last_event_at: Date; count: number }[]>`
    select rule_id, split_part(dedupe_key, ':', 2) || ':' || split_part(dedupe_key, ':', 3) as group_key, first_event_at, last_event_at, count
    from detections where integration_id = ${integrationId} order by rule_id, dedupe_key, first_event_at`;
}

async function backlogOf(integrationId: string): Promise<number> {
  const [{ n }] = await healthy.db.$client<{ n: number }[]>`select count(*)::int as n from detection_backlog where integration_id = ${integrationId}`;
  return n;
}

describe('a run stopped after storing and before detecting', () => {
  it('leaves its events to the next run, which raises their detections once', async () => {
    const stopped = await streamingIntegration(healthy, { oktaDomain: 'http://127.0.0.1:9', oktaOrg: 'hooli', apiToken: 'unused' });
    const control = await streamingIntegration(healthy, { oktaDomain: 'http://127.0.0.1:9', oktaOrg: 'hooli', apiToken: 'unused' });
    await fill(stopped);
    await fill(control);

    const handle = await broken.client.workflow.start('hourlyAnalysis', {
      taskQueue: broken.config.TEMPORAL_TASK_QUEUE,
      workflowId: `okta-hourly:${stopped.integrationId}:stopped`,
      args: [{ integrationId: stopped.integrationId }],
    });
    // The drain has stored everything and the detection step is failing: stop the run there.
    await waitFor('the detection step to fail', async () => {
      const { raw } = await handle.describe();
      return raw.pendingActivities?.some((a) => a.activityType?.name === 'detectForRun' && (a.attempt ?? 0) >= 2);
    }, 90_000, 200);
    await handle.terminate('stopped between storing and detecting (test)');
    expect(await backlogOf(stopped.integrationId)).toBe(events.length);
    expect(await detectionsOf(stopped.integrationId)).toEqual([]);

    const next = await runHourly(healthy, stopped.integrationId);
    expect(next.received).toBe(0);
    // The stopped run no longer shows as running: the next run found its workflow ended and closed it.
    const [stoppedRun] = await healthy.db.$client<{ status: string }[]>`
      select status::text as status from ingest_runs where workflow_id = ${`okta-hourly:${stopped.integrationId}:stopped`}`;
    expect(stoppedRun.status).toBe('failed');
    expect(next.detections).toBeGreaterThan(0);
    expect(await backlogOf(stopped.integrationId)).toBe(0);

    const again = await runHourly(healthy, stopped.integrationId);
    expect(again.detections).toBe(0);

    const uninterrupted = await runHourly(healthy, control.integrationId);
    expect(uninterrupted.stored).toBe(events.length);
    const found = await detectionsOf(stopped.integrationId);
    expect(found.length).toBeGreaterThan(0);
    expect(found).toEqual(await detectionsOf(control.integrationId));
    expect(next.detections).toBe(uninterrupted.detections);
  });
});

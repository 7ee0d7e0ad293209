// Effectively once under crashes: the worker process is killed with SIGKILL in the middle of a
// drain, then twice more at random moments of the rest of the run, and started again each time; the stored events and detections equal those of an uninterrupted run
// of the same deliveries — nothing lost, nothing doubled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildScenario, duplicateDeliveries, generateActivity, generateOrg, publishEnvelopes, toEventBridgeEnvelopes } from '../../simulator/index.js';
import { approximateDepth } from '../../aws/queues.js';
import { createWorld, type World } from '../support/world.js';
import { streamingIntegration, type StreamingIntegration } from '../support/fixtures.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { waitFor } from '../support/wait.js';

let world: World;
let worker: WorkerProcess | undefined;
/** Kills after the first, mid-drain one (bench/faults kills ten times, at larger sizes). */
const EXTRA_KILLS = 2;

beforeAll(async () => {
  // Short visibility: messages taken by the killed worker come back within seconds.
  world = await createWorld({ SQS_VISIBILITY_TIMEOUT_SECONDS: '5' });
});

afterAll(async () => {
  await worker?.kill();
  await world?.close();
});

const org = generateOrg({ seed: 'crash', users: 200, orgName: 'umbrella', logStream: false });
const start = new Date('2026-11-16T00:00:00Z');
const events = [
  ...generateActivity(org, { seed: 'crash', start, end: new Date(start.getTime() + 4 * 86_400_000) }).slice(0, 9000),
  ...buildScenario(org, 'passwordSpray', { seed: 7, at: new Date(start.getTime() + 30 * 3_600_000) }).events,
  ...buildScenario(org, 'mfaPushBombing', { seed: 8, at: new Date(start.getTime() + 50 * 3_600_000) }).events,
];

async function fill(integration: StreamingIntegration) {
  const envelopes = toEventBridgeEnvelopes(events, integration.destination, 'crash');
  const res = await publishEnvelopes(world.sqs, integration.queueUrl, [...envelopes, ...duplicateDeliveries(envelopes, 300, 'crash-dups')], { concurrency: 8 });
  expect(res.failed).toEqual([]);
}

const startHourly = (integrationId: string) =>
  world.client.workflow.start('hourlyAnalysis', {
    taskQueue: world.config.TEMPORAL_TASK_QUEUE,
    workflowId: `okta-hourly:${integrationId}:crash-test`,
    args: [{ integrationId }],
  });

async function snapshot(integrationId: string) {
  const sql = world.db.$client;
  const rows = await sql<{ uuid: string; raw: string }[]>`select uuid, raw::text as raw from events where integration_id = ${integrationId} order by uuid`;
  const detections = await sql<{ rule_id: string; group_key: string; first_event_at: Date; last_event_at: Date; count: number }[]>`
    select rule_id, split_part(dedupe_key, ':', 2) || ':' || split_part(dedupe_key, ':', 3) as group_key, first_event_at, last_event_at, count
    from detections where integration_id = ${integrationId} order by rule_id, dedupe_key, first_event_at`;
  return { uuids: rows.map((r) => r.uuid), raws: rows.map((r) => r.raw), detections };
}

describe('a worker killed mid-drain and at random moments after', () => {
  it('leaves the same rows as an uninterrupted run', async () => {
    const killed = await streamingIntegration(world, { oktaDomain: 'http://127.0.0.1:9', oktaOrg: 'umbrella', apiToken: 'unused' });
    const clean = await streamingIntegration(world, { oktaDomain: 'http://127.0.0.1:9', oktaOrg: 'umbrella', apiToken: 'unused' });
    await fill(killed);
    await fill(clean);

    worker = await startWorkerProcess(world.env);
    const handle = await startHourly(killed.integrationId);
    await waitFor('the drain to be under way', async () => {
      const [{ n }] = await world.db.$client`select count(*)::int as n from events where integration_id = ${killed.integrationId}`;
      return n > 1500;
    }, 120_000, 50);
    await worker.kill('SIGKILL');
    const [{ n: storedAtKill }] = await world.db.$client`select count(*)::int as n from events where integration_id = ${killed.integrationId}`;
    expect(storedAtKill).toBeLessThan(events.length);
    // Then again at random moments of what is left of the run (the rest of the drain, or the detection step).
    for (let k = 0; k < EXTRA_KILLS; k++) {
      worker = await startWorkerProcess(world.env);
      await new Promise((r) => setTimeout(r, Math.random() * 2_000));
      await worker.kill('SIGKILL');
    }

    worker = await startWorkerProcess(world.env);
    const afterCrash = await handle.result();
    expect(afterCrash.stored).toBe(events.length);
    expect(await approximateDepth(world.sqs, killed.queueUrl)).toBe(0);
    const [{ backlog }] = await world.db.$client`select count(*)::int as backlog from detection_backlog where integration_id = ${killed.integrationId}`;
    expect(backlog).toBe(0);

    const uninterrupted = await (await startHourly(clean.integrationId)).result();
    expect(uninterrupted.stored).toBe(events.length);

    const a = await snapshot(killed.integrationId);
    const b = await snapshot(clean.integrationId);
    expect(a.uuids).toHaveLength(events.length);
    expect(a.uuids).toEqual(b.uuids);
    expect(a.raws).toEqual(b.raws);
    expect(a.detections.length).toBeGreaterThan(0);
    expect(a.detections).toEqual(b.detections);
  }, 480_000); // a kill that lands in the detection step costs its 2-minute heartbeat timeout before the retry
});

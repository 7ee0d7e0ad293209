// A batch whose transaction fails hands its messages back at once (visibility 0), so the retried
// drain sees them instead of finding the queue's visible part empty and calling the run complete
// while they are still hidden. The queue's visibility timeout here is 300 s: only a release lets the
// run finish with every event within a minute or so.
//
// The fault: the test holds an exclusive lock on ingest_runs for a few seconds while the worker
// (its own process, connecting as a role with a 1 s lock_timeout) commits batches, so commits fail
// with PostgreSQL's lock_not_available — a transient error, as a database failover would give.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approximateDepth } from '../../aws/queues.js';
import { generateActivity, generateOrg, publishEnvelopes, toEventBridgeEnvelopes } from '../../simulator/index.js';
import { createWorld, type World } from '../support/world.js';
import { runHourly, streamingIntegration, storedEventCount } from '../support/fixtures.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { waitFor } from '../support/wait.js';

const ROLE = `oort_lock_${randomBytes(3).toString('hex')}`;
const LOCK_HELD_MS = 5_000;

let world: World;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  world = await createWorld({ SQS_VISIBILITY_TIMEOUT_SECONDS: '300' });
  const sql = world.db.$client;
  await sql.unsafe(`create role ${ROLE} login superuser`);
  await sql.unsafe(`alter role ${ROLE} set lock_timeout = '1s'`);
  const url = new URL(world.env.DATABASE_URL);
  url.username = ROLE;
  worker = await startWorkerProcess({ ...world.env, DATABASE_URL: url.toString() });
});

afterAll(async () => {
  await worker?.kill();
  if (world) {
    await world.db.$client.unsafe(`drop role if exists ${ROLE}`).catch(() => {});
    await world.close();
  }
});

const org = generateOrg({ seed: 'failed-commit', users: 120, orgName: 'kramerica', logStream: false });
const start = new Date('2026-11-24T00:00:00Z');
const events = generateActivity(org, { seed: 'failed-commit', start, end: new Date(start.getTime() + 12 * 86_400_000) }).slice(0, 12_000);


describe('a batch whose commit fails', () => {
  it('is released for the retry, so the run completes with every event although the visibility timeout is 300 s', async () => {
    expect(events).toHaveLength(12_000);
    const integration = await streamingIntegration(world, { oktaDomain: 'http://127.0.0.1:9', oktaOrg: 'kramerica', apiToken: 'unused' });
    const res = await publishEnvelopes(world.sqs, integration.queueUrl, toEventBridgeEnvelopes(events, integration.destination, 'failed-commit'), { concurrency: 8 });
    expect(res.failed).toEqual([]);

    const started = Date.now();
    const running = runHourly(world, integration.integrationId);
    await waitFor('the drain to be under way', async () => (await storedEventCount(world, integration.integrationId)) > 0, 60_000, 25);
    await world.db.$client.begin(async (tx) => {
      await tx`lock table ingest_runs in access exclusive mode`;
      await new Promise((r) => setTimeout(r, LOCK_HELD_MS));
    });
    const result = await running;

    // Well before the visibility timeout: the failed batch's messages came back because they were released.
    expect(Date.now() - started).toBeLessThan(240_000);
    expect(worker!.output.join('\n')).toMatch(/lock timeout|lock_not_available|55P03/i);
    expect(result.stoppedBy).toBe('empty');
    expect(result.stored).toBe(events.length);
    expect(await storedEventCount(world, integration.integrationId)).toBe(events.length);
    // Nothing left waiting or hidden in the queue.
    expect(await approximateDepth(world.sqs, integration.queueUrl)).toBe(0);
  }, 300_000);
});

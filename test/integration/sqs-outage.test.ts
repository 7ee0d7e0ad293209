// The SQS endpoint unreachable for 20 s in the middle of a drain: the run completes (or fails with a
// clear reason) and the next run catches up, with nothing lost and nothing stored twice. The worker
// runs as its own process and reaches SQS through a loopback proxy that the test cuts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateActivity, generateOrg, publishEnvelopes, toEventBridgeEnvelopes } from '../../simulator/index.js';
import { approximateDepth } from '../../aws/queues.js';
import { createWorld, type World } from '../support/world.js';
import { runHourly, streamingIntegration, storedEventCount } from '../support/fixtures.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { waitFor } from '../support/wait.js';

const OUTAGE_MS = 20_000;

let world: World;
let worker: WorkerProcess | undefined;
let proxy: TcpProxy;

beforeAll(async () => {
  world = await createWorld({ SQS_VISIBILITY_TIMEOUT_SECONDS: '15' });
  proxy = await startTcpProxy(Number(new URL(world.config.SQS_ENDPOINT!).port));
  worker = await startWorkerProcess({ ...world.env, SQS_ENDPOINT: proxy.url });
});

afterAll(async () => {
  await worker?.kill();
  await proxy?.close();
  await world?.close();
});

const org = generateOrg({ seed: 'sqs-outage', users: 150, orgName: 'vandelay', logStream: false });
const start = new Date('2026-11-22T00:00:00Z');
const events = generateActivity(org, { seed: 'sqs-outage', start, end: new Date(start.getTime() + 12 * 86_400_000) }).slice(0, 15_000);


describe('the SQS endpoint unreachable for 20 s mid-drain', () => {
  it('ends the run completed or failed with a clear reason, and the next run catches up with nothing lost', async () => {
    expect(events).toHaveLength(15_000);
    const integration = await streamingIntegration(world, { oktaDomain: 'http://127.0.0.1:9', oktaOrg: 'vandelay', apiToken: 'unused' });
    const res = await publishEnvelopes(world.sqs, integration.queueUrl, toEventBridgeEnvelopes(events, integration.destination, 'sqs-outage'), { concurrency: 8 });
    expect(res.failed).toEqual([]);

    const running = runHourly(world, integration.integrationId).then(
      (result) => ({ ok: true as const, result }),
      (error: Error) => ({ ok: false as const, error }),
    );
    await waitFor('the drain to be under way', async () => (await storedEventCount(world, integration.integrationId)) > 0, 60_000, 25);
    proxy.down();
    const storedAtCut = await storedEventCount(world, integration.integrationId);
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    proxy.up();
    expect(proxy.refused).toBeGreaterThan(0);
    expect(storedAtCut).toBeLessThan(events.length);

    const first = await running;
    if (!first.ok) {
      // A failure must say what happened, not just "activity failed".
      const cause = (first.error as { cause?: { cause?: Error; message?: string } }).cause;
      expect(`${first.error.message} ${cause?.message ?? ''} ${cause?.cause?.message ?? ''}`).toMatch(/ECONNRESET|ECONNREFUSED|socket|connect/i);
    }
    const next = await runHourly(world, integration.integrationId);
    expect(next.stoppedBy).toBe('empty');

    expect(await storedEventCount(world, integration.integrationId)).toBe(events.length);
    const [{ runs_stored }] = await world.db.$client<{ runs_stored: number }[]>`
      select sum(stored)::int as runs_stored from ingest_runs where integration_id = ${integration.integrationId}`;
    expect(runs_stored).toBe(events.length);
    // Nothing left waiting or hidden in the queue (the depth counts both).
    expect(await approximateDepth(world.sqs, integration.queueUrl)).toBe(0);
    expect(worker!.child.exitCode).toBeNull();
  });
});

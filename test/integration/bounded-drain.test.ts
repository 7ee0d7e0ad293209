// A busy queue: envelopes keep arriving for the whole run, so the queue is never empty. The hourly
// run takes what arrives until its drain deadline, commits batches on time rather than on count,
// heartbeats to the server every few seconds as it goes, completes, and the next run picks up the rest. An empty
// queue still ends after one empty poll.
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { WorkflowHandle } from '@temporalio/client';
import { msToNumber, optionalTsToMs } from '@temporalio/common/lib/time.js';
import { HEARTBEAT_THROTTLE } from '../../workers/worker.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOrg, toEventBridgeEnvelopes } from '../../simulator/index.js';
import { approximateDepth } from '../../aws/queues.js';
import { DEFAULT_DRAIN_OPTIONS } from '../../ingest/drain.js';
import { createWorld, type World } from '../support/world.js';
import { runHourly, startHourly, streamingIntegration, storedEventCount } from '../support/fixtures.js';
import { recentTraffic } from '../support/traffic.js';
import { waitFor } from '../support/wait.js';

const DEADLINE_S = 12;
const RATE_PER_S = 50;

let world: World;

beforeAll(async () => {
  world = await createWorld({ DRAIN_DEADLINE: `${DEADLINE_S}s`, SQS_VISIBILITY_TIMEOUT_SECONDS: '20' });
  await world.startWorker();
});

afterAll(async () => {
  await world?.close();
});

const org = generateOrg({ seed: 'busy', users: 100, orgName: 'initech', logStream: false });

/** Sends `bodies` at `perSecond`, ten per request, until they are all sent; returns how many were sent. */
async function publishSteadily(queueUrl: string, bodies: string[], perSecond: number): Promise<number> {
  const started = Date.now();
  let sent = 0;
  while (sent < bodies.length) {
    const chunk = bodies.slice(sent, sent + 10);
    await world.sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: chunk.map((b, i) => ({ Id: String(i), MessageBody: b })) }));
    sent += chunk.length;
    const due = started + (sent / perSecond) * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
  }
  return sent;
}


/** The distinct last-heartbeat times the server recorded for the run's pending `activity`, sampled until `until` settles. */
async function heartbeatsHeard(run: WorkflowHandle, activity: string, until: Promise<unknown>): Promise<number[]> {
  let settled = false;
  void until.finally(() => (settled = true)).catch(() => {});
  const heard = new Set<number>();
  while (!settled) {
    const { raw } = await run.describe();
    for (const pending of raw.pendingActivities ?? []) {
      const at = optionalTsToMs(pending.lastHeartbeatTime);
      if (pending.activityType?.name === activity && at !== undefined) heard.add(at);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return [...heard].sort((a, b) => a - b);
}

describe('an hourly run on a queue that never empties', () => {
  it('stops at its deadline with everything it received stored and deleted, and the next run continues', async () => {
    const integration = await streamingIntegration(world, { oktaDomain: 'http://127.0.0.1:9', oktaOrg: 'initech', apiToken: 'unused' });
    // Enough for the whole run and beyond: arrivals go on after the deadline.
    const total = RATE_PER_S * (DEADLINE_S + 14);
    const bodies = toEventBridgeEnvelopes(recentTraffic(org, 'busy', total, 50, 1), integration.destination, 'busy').map((e) => JSON.stringify(e));
    const publishing = publishSteadily(integration.queueUrl, bodies, RATE_PER_S);

    const started = Date.now();
    const run = await startHourly(world, integration.integrationId);
    const running = run.result();
    const heartbeats = heartbeatsHeard(run, 'drainQueue', running);
    // Batches go out on time, not on count: the first commit holds far fewer than a full batch (500 messages).
    const firstStored = await waitFor('the first batch to be committed', async () => {
      const n = await storedEventCount(world, integration.integrationId);
      return n > 0 ? n : undefined;
    }, 60_000, 100);
    expect(firstStored).toBeLessThan(DEFAULT_DRAIN_OPTIONS.batchSize);

    const first = await running;
    const took = Date.now() - started;
    expect(first.stoppedBy).toBe('deadline');
    expect(took).toBeLessThan((DEADLINE_S + 60) * 1000);
    expect(first.received).toBeGreaterThan(RATE_PER_S * (DEADLINE_S - 4));
    expect(first.deleted).toBe(first.received);
    expect(first.stored).toBe(first.received);
    expect(await storedEventCount(world, integration.integrationId)).toBe(first.stored);
    // The server heard from the live drain every few seconds (the worker's heartbeat throttle), not only every
    // 0.8 × its 30-s heartbeat timeout: a 12-s drain would otherwise reach it once.
    const heard = await heartbeats;
    expect(heard.length).toBeGreaterThanOrEqual(2);
    // Twice the throttle: room for a late send on a busy machine, far below the 24 s it would otherwise be.
    for (let i = 1; i < heard.length; i++) expect(heard[i] - heard[i - 1]).toBeLessThan(2 * msToNumber(HEARTBEAT_THROTTLE));

    expect(await publishing).toBe(total);
    const second = await runHourly(world, integration.integrationId);
    expect(second.stoppedBy).toBe('empty');
    expect(first.stored + second.stored).toBe(total);
    expect(second.duplicates).toBe(0);
    expect(await storedEventCount(world, integration.integrationId)).toBe(total);
    expect(await approximateDepth(world.sqs, integration.queueUrl)).toBe(0);
  });

  it('ends after one empty poll when the queue is empty', async () => {
    const integration = await streamingIntegration(world, { oktaDomain: 'http://127.0.0.1:9', oktaOrg: 'initech', apiToken: 'unused' });
    const started = Date.now();
    const result = await runHourly(world, integration.integrationId);
    expect(result.stoppedBy).toBe('empty');
    expect(result.received).toBe(0);
    // One long poll (DEFAULT_DRAIN_OPTIONS.waitTimeSeconds) plus the run's other steps; far from the deadline.
    expect(Date.now() - started).toBeLessThan(DEADLINE_S * 1000);
  });
});

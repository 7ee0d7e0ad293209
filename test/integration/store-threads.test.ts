// The drains' batches are parsed and committed on store threads (ingest/batch-store.ts), with their own PostgreSQL
// connections. What users rely on: the rows, the counts and the metrics are those of a commit on the activity's own
// thread; a thread deletes the messages it stored; and a store that cannot reach PostgreSQL fails its batch, whose
// messages go back to the queue for the retry.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { startStoreThreads, storeOnThisThread, type BatchStore } from '../../ingest/batch-store.js';
import { DEFAULT_DRAIN_OPTIONS, drainQueue, type ReceivedMessage } from '../../ingest/drain.js';
import { openRun } from '../../ingest/runs.js';
import { registry } from '../../lib/metrics.js';
import { freeLoopbackPort } from '../../lib/ports.js';
import { generateOrg, publishEnvelopes, toEventBridgeEnvelopes } from '../../simulator/index.js';
import { streamingIntegration, type StreamingIntegration } from '../support/fixtures.js';
import { byLabel, parseExposition, value } from '../support/prometheus.js';
import { recentTraffic } from '../support/traffic.js';
import { createWorld, type World } from '../support/world.js';

let world: World;
let threads: BatchStore;

beforeAll(async () => {
  world = await createWorld();
  threads = startStoreThreads({ databaseUrl: world.config.DATABASE_URL, threads: 2, connections: 2 });
});

afterAll(async () => {
  await threads?.close();
  await world?.close();
});

type Expectation = Parameters<BatchStore['commit']>[0];

async function tenant(tenantId: string, events: number): Promise<{ integration: StreamingIntegration; bodies: string[]; expect: Expectation; runId: number }> {
  const integration = await streamingIntegration(world, { oktaDomain: 'initech.okta.com', oktaOrg: 'initech', apiToken: 'ssws-unused', tenantId });
  const org = generateOrg({ seed: tenantId, users: 100, orgName: 'initech', logStream: false });
  const bodies = toEventBridgeEnvelopes(recentTraffic(org, tenantId, events, 2 * 24 * 60, 1), integration.destination, tenantId).map((e) => JSON.stringify(e));
  const { destination } = integration;
  const runId = await openRun(world.db, { integrationId: integration.integrationId, workflowId: `store-${tenantId}`, workflowRunId: randomBytes(8).toString('hex') }, 'hourly');
  const expectation = { oktaOrg: destination.oktaOrg, eventSourceName: destination.eventSourceName, awsAccountId: destination.account, awsRegion: destination.region, integrationId: integration.integrationId };
  return { integration, bodies, expect: expectation, runId };
}

/** Every stored column of the integration's events and quarantine rows, in one comparable list. */
async function storedRows(integrationId: string): Promise<{ events: string[]; quarantine: string[] }> {
  const events = await world.db.$client<{ row: string }[]>`
    select concat_ws('|', uuid, published::text, event_type, severity, actor_id, actor_alternate_id, actor_type, target_ids::text,
      target_user_ids::text, outcome_result, outcome_reason, client_ip, country, city, session_id, root_session_id, raw::text) as row
    from events where integration_id = ${integrationId} order by uuid`;
  const quarantine = await world.db.$client<{ row: string }[]>`
    select concat_ws('|', message_id, reason_code, body) as row from quarantine where integration_id = ${integrationId} order by message_id`;
  return { events: events.map((r) => r.row), quarantine: quarantine.map((r) => r.row) };
}

const messages = (prefix: string, bodies: string[]): ReceivedMessage[] => bodies.map((body, i) => ({ messageId: `${prefix}-${i}`, receiptHandle: `${prefix}-${i}`, body }));

describe('store threads', () => {
  it('commit a batch on a thread: its counts come back, and its metrics are recorded on the activity\'s thread', async () => {
    const { integration, bodies, expect: expectation, runId } = await tenant('store-counts', 300);
    const batch = [...messages('m', bodies), { messageId: 'garbage', receiptHandle: 'garbage', body: 'not json at all' }];
    const first = await threads.commit(expectation, runId, batch);
    const again = await threads.commit(expectation, runId, batch);
    const newest = bodies.map((b) => new Date((JSON.parse(b) as { detail: { published: string } }).detail.published).toISOString()).sort().at(-1);
    expect(first).toEqual({ received: 301, stored: 300, duplicates: 0, quarantined: 1, quarantinedByReason: { not_json: 1 }, newestPublished: newest });
    expect(again).toEqual({ received: 301, stored: 0, duplicates: 300, quarantined: 0, quarantinedByReason: {}, newestPublished: newest });
    const s = parseExposition(await registry.metrics());
    const id = { integration_id: integration.integrationId };
    expect(value(s, 'oort_okta_events_stored_total', id)).toBe(300);
    expect(value(s, 'oort_okta_events_duplicate_total', id)).toBe(300);
    expect(byLabel(s, 'oort_okta_events_quarantined_total', 'reason', id)).toEqual({ not_json: 1 });
  });

  it('store the same rows as the activity thread for the same messages', async () => {
    const { integration, bodies, expect: expectation, runId } = await tenant('store-same-rows', 400);
    const batch = messages('s', bodies);
    await threads.commit(expectation, runId, batch);
    const viaThreads = await storedRows(integration.integrationId);
    await world.db.$client`delete from detection_backlog where integration_id = ${integration.integrationId}`;
    await world.db.$client`delete from events where integration_id = ${integration.integrationId}`;
    await storeOnThisThread(world.db).commit(expectation, runId, batch);
    expect(await storedRows(integration.integrationId)).toEqual(viaThreads);
    expect(viaThreads.events).toHaveLength(400);
  });

  it('a store that cannot reach PostgreSQL fails its batches; the drain hands every message back, and the next drain stores them once', async () => {
    const { integration, bodies, expect: expectation, runId } = await tenant('store-unreachable', 600);
    await publishEnvelopes(world.sqs, integration.queueUrl, bodies);
    const closedPort = await freeLoopbackPort();
    const unreachable = startStoreThreads({ databaseUrl: `postgres://postgres@127.0.0.1:${closedPort}/nowhere`, threads: 1, connections: 2 });
    const options = { ...DEFAULT_DRAIN_OPTIONS, batchSize: 100, waitTimeSeconds: 1 };
    try {
      const failed = drainQueue(world.sqs, integration.queueUrl, (batch) => unreachable.commit(expectation, runId, batch).then(() => {}), options);
      await expect(failed).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await unreachable.close();
    }
    const outcome = await drainQueue(world.sqs, integration.queueUrl, (batch) => threads.commit(expectation, runId, batch).then(() => {}), options);
    expect(outcome).toMatchObject({ received: bodies.length, deleted: bodies.length, stoppedBy: 'empty' });
    expect(await storedCounts(integration.integrationId)).toEqual({ n: bodies.length, distinct: bodies.length });
  });

  it('a store thread deletes the messages it stored: the queue is left empty and every event is stored once', async () => {
    const { integration, bodies, expect: expectation, runId } = await tenant('store-deletes', 700);
    await publishEnvelopes(world.sqs, integration.queueUrl, bodies);
    const deleting = startStoreThreads({ databaseUrl: world.config.DATABASE_URL, threads: 1, connections: 2, sqs: world.config });
    const deleter = deleting.deleterFor(integration.queueUrl);
    expect(deleter).toBeDefined();
    let deletedByThread = 0;
    try {
      const outcome = await drainQueue(world.sqs, integration.queueUrl, (batch) => deleting.commit(expectation, runId, batch).then(() => {}), {
        ...DEFAULT_DRAIN_OPTIONS,
        batchSize: 100,
        waitTimeSeconds: 1,
        deleteStored: async (batch) => {
          const n = await deleter!(batch);
          deletedByThread += n;
          return n;
        },
      });
      expect(outcome).toMatchObject({ received: bodies.length, deleted: bodies.length, released: 0, stoppedBy: 'empty' });
    } finally {
      await deleting.close();
    }
    expect(deletedByThread).toBe(bodies.length);
    expect(await queueCounts(integration.queueUrl)).toEqual({ visible: 0, hidden: 0 });
    expect(threads.deleterFor(integration.queueUrl)).toBeUndefined(); // no SQS settings: the drain deletes
    expect(await storedCounts(integration.integrationId)).toEqual({ n: bodies.length, distinct: bodies.length });
  });

  it('a thread that stores a batch but cannot delete it fails the drain, and keeps the stored rows', async () => {
    const { integration, bodies, expect: expectation, runId } = await tenant('store-no-delete', 200);
    await publishEnvelopes(world.sqs, integration.queueUrl, bodies);
    const closedPort = await freeLoopbackPort();
    const cannotDelete = startStoreThreads({
      databaseUrl: world.config.DATABASE_URL,
      threads: 1,
      connections: 2,
      sqs: { SQS_ENDPOINT: `http://127.0.0.1:${closedPort}`, AWS_REGION: world.config.AWS_REGION },
    });
    try {
      const drained = drainQueue(world.sqs, integration.queueUrl, (batch) => cannotDelete.commit(expectation, runId, batch).then(() => {}), {
        ...DEFAULT_DRAIN_OPTIONS,
        batchSize: 100,
        waitTimeSeconds: 1,
        deleteStored: cannotDelete.deleterFor(integration.queueUrl),
      });
      await expect(drained).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await cannotDelete.close();
    }
    const [{ n }] = await world.db.$client<{ n: number }[]>`select count(*)::int as n from events where integration_id = ${integration.integrationId}`;
    expect(n).toBeGreaterThan(0);
    // Not released: stored messages come back only after their visibility timeout, and then dedupe on uuid.
    expect((await queueCounts(integration.queueUrl)).hidden).toBeGreaterThanOrEqual(n);
  });
});

/** The integration's stored events, and how many distinct uuids they hold. */
async function storedCounts(integrationId: string): Promise<{ n: number; distinct: number }> {
  const [counts] = await world.db.$client<{ n: number; distinct: number }[]>`
    select count(*)::int as n, count(distinct uuid)::int as distinct from events where integration_id = ${integrationId}`;
  return counts;
}

async function queueCounts(queueUrl: string): Promise<{ visible: number; hidden: number }> {
  const res = await world.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return { visible: Number(res.Attributes?.ApproximateNumberOfMessages), hidden: Number(res.Attributes?.ApproximateNumberOfMessagesNotVisible) };
}

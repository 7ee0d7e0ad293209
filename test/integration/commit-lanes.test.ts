// The drain commits a few batches at once, each in its own transaction (DrainOptions.commitsInFlight): parsing and
// binding one batch overlap the database's work on another. What users rely on: every message is stored once and
// deleted, no more batches are written at once than allowed, and two transactions sharing redelivered events wait for
// each other instead of deadlocking (a deadlock would fail the batch and the run).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DRAIN_OPTIONS, drainQueue, type ReceivedMessage } from '../../ingest/drain.js';
import { openRun } from '../../ingest/runs.js';
import { commitBatch } from '../../ingest/store-batch.js';
import { generateOrg, publishEnvelopes, toEventBridgeEnvelopes } from '../../simulator/index.js';
import { streamingIntegration, type StreamingIntegration } from '../support/fixtures.js';
import { recentTraffic } from '../support/traffic.js';
import { createWorld, type World } from '../support/world.js';

let world: World;

beforeAll(async () => {
  world = await createWorld();
});

afterAll(async () => {
  await world?.close();
});

async function tenantWithTraffic(tenantId: string, events: number): Promise<{ integration: StreamingIntegration; bodies: string[]; expect: Parameters<typeof commitBatch>[1]; runId: number }> {
  const integration = await streamingIntegration(world, { oktaDomain: 'initech.okta.com', oktaOrg: 'initech', apiToken: 'ssws-unused', tenantId });
  // Enough people that even a weekend's traffic holds `events` (the generator follows a workday rhythm), re-timed into
  // the last three days.
  const org = generateOrg({ seed: tenantId, users: 200, orgName: 'initech', logStream: false });
  const traffic = recentTraffic(org, tenantId, events, 3 * 24 * 60, 1);
  const bodies = toEventBridgeEnvelopes(traffic, integration.destination, tenantId).map((e) => JSON.stringify(e));
  const { destination } = integration;
  const runId = await openRun(world.db, { integrationId: integration.integrationId, workflowId: `lanes-${tenantId}`, workflowRunId: randomBytes(8).toString('hex') }, 'hourly');
  const expectation = { oktaOrg: destination.oktaOrg, eventSourceName: destination.eventSourceName, awsAccountId: destination.account, awsRegion: destination.region, integrationId: integration.integrationId };
  return { integration, bodies, expect: expectation, runId };
}

async function storedOnce(integrationId: string): Promise<{ rows: number; distinct: number; backlog: number }> {
  const [r] = await world.db.$client<{ rows: number; distinct: number; backlog: number }[]>`
    select count(*)::int as rows, count(distinct uuid)::int as distinct,
           (select count(*)::int from detection_backlog where integration_id = ${integrationId}) as backlog
    from events where integration_id = ${integrationId}`;
  return r;
}

describe('commit lanes', () => {
  it('two batches holding the same events in opposite orders commit at once without a deadlock, each event stored once', async () => {
    const { integration, bodies, expect: expectation, runId } = await tenantWithTraffic('lanes-overlap', 1_200);
    const messages = (prefix: string): ReceivedMessage[] => bodies.map((body, i) => ({ messageId: `${prefix}-${i}`, receiptHandle: `${prefix}-${i}`, body }));
    // A redelivery of the whole batch in the other order, committed beside the first delivery, three times over.
    for (let round = 0; round < 3; round++) {
      const [a, b] = await Promise.all([
        commitBatch(world.db, expectation, runId, messages(`a${round}`)),
        commitBatch(world.db, expectation, runId, messages(`b${round}`).reverse()),
      ]);
      expect(a.received + b.received).toBe(2 * bodies.length);
      expect(a.stored + b.stored).toBe(round === 0 ? bodies.length : 0);
      expect(a.duplicates + b.duplicates).toBe(round === 0 ? bodies.length : 2 * bodies.length);
    }
    expect(await storedOnce(integration.integrationId)).toEqual({ rows: bodies.length, distinct: bodies.length, backlog: bodies.length });
  });

  it('the drain writes at most commitsInFlight batches at once, reaches that many, and stores and deletes every message', async () => {
    expect(DEFAULT_DRAIN_OPTIONS.commitsInFlight).toBe(2);
    const { integration, bodies, expect: expectation, runId } = await tenantWithTraffic('lanes-drain', 1_500);
    await publishEnvelopes(world.sqs, integration.queueUrl, bodies);
    let writing = 0;
    let most = 0;
    const outcome = await drainQueue(world.sqs, integration.queueUrl, async (batch) => {
      writing++;
      most = Math.max(most, writing);
      try {
        await commitBatch(world.db, expectation, runId, batch);
      } finally {
        writing--;
      }
    }, { ...DEFAULT_DRAIN_OPTIONS, batchSize: 100, waitTimeSeconds: 1 });
    expect(most).toBe(2);
    expect(outcome).toMatchObject({ received: bodies.length, deleted: bodies.length, released: 0, stoppedBy: 'empty' });
    expect(await storedOnce(integration.integrationId)).toEqual({ rows: bodies.length, distinct: bodies.length, backlog: bodies.length });
  });

  it('an event re-dated under a stored uuid waits in the backlog as its own row, and the backlog goes with the integration', async () => {
    const { integration, bodies, expect: expectation, runId } = await tenantWithTraffic('lanes-backlog', 40);
    const first = await commitBatch(world.db, expectation, runId, bodies.map((body, i) => ({ messageId: `m-${i}`, receiptHandle: `m-${i}`, body })));
    expect(first.stored).toBe(bodies.length);
    // The same uuid, a minute earlier: another row of events, so it must be analysed too.
    const envelope = JSON.parse(bodies[0]) as { detail: { published: string } };
    envelope.detail.published = new Date(Date.parse(envelope.detail.published) - 60_000).toISOString();
    const redated = await commitBatch(world.db, expectation, runId, [{ messageId: 'redated', receiptHandle: 'redated', body: JSON.stringify(envelope) }]);
    expect(redated).toMatchObject({ stored: 1, duplicates: 0, quarantined: 0 });
    expect(await storedOnce(integration.integrationId)).toEqual({ rows: bodies.length + 1, distinct: bodies.length, backlog: bodies.length + 1 });

    // The backlog has no foreign key (a check per stored event): its rows are deleted with the integration by a trigger.
    await world.db.$client`delete from integrations where id = ${integration.integrationId}`;
    const [{ left }] = await world.db.$client<{ left: number }[]>`
      select count(*)::int as left from detection_backlog where integration_id = ${integration.integrationId}`;
    expect(left).toBe(0);
  });
});

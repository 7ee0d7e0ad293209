// Nothing a customer's Okta sends can stop its own pipeline. Bad messages of every kind, mixed with
// valid deliveries in one queue: every bad one is quarantined with its reason, every valid one is
// stored, the run completes and the queue ends empty — nothing waits for the dead-letter queue.
import { randomBytes } from 'node:crypto';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { generateOrg, toEventBridgeEnvelopes } from '../../simulator/index.js';
import { approximateDepth } from '../../aws/queues.js';
import { envelopeExpectation, getIntegration } from '../../integrations/repository.js';
import { badMessages } from '../support/bad-messages.js';
import { createWorld, type World } from '../support/world.js';
import { runHourly, streamingIntegration, type StreamingIntegration } from '../support/fixtures.js';
import { recentTraffic } from '../support/traffic.js';

let world: World;

beforeAll(async () => {
  world = await createWorld();
  await world.startWorker();
});

afterAll(async () => {
  await world?.close();
});

const org = generateOrg({ seed: 'poison', users: 80, orgName: 'pied', logStream: false });

async function send(queueUrl: string, bodies: string[]) {
  for (let i = 0; i < bodies.length; i += 10) {
    const res = await world.sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: bodies.slice(i, i + 10).map((b, j) => ({ Id: String(j), MessageBody: b })) }),
    );
    expect(res.Failed ?? []).toEqual([]);
  }
}

/** Valid envelopes of recent traffic, one JSON body each. */
function validBodies(integration: StreamingIntegration, seed: string, n: number): string[] {
  return toEventBridgeEnvelopes(recentTraffic(org, seed, n, 120, 5), integration.destination, seed).map((e) => JSON.stringify(e));
}

async function rowsOf(integrationId: string) {
  const sql = world.db.$client;
  const [{ events }] = await sql<{ events: number }[]>`select count(*)::int as events from events where integration_id = ${integrationId}`;
  const quarantined = await sql<{ reason_code: string; n: number }[]>`
    select reason_code, count(*)::int as n from quarantine where integration_id = ${integrationId} group by 1 order by 1`;
  return { events, quarantined: Object.fromEntries(quarantined.map((q) => [q.reason_code, q.n])) as Record<string, number> };
}

describe('poison messages mixed with valid ones', () => {
  it('quarantines a message PostgreSQL refuses (an indexed field too large) and stores the rest of its batch', async () => {
    const integration = await streamingIntegration(world, { oktaDomain: 'http://127.0.0.1:9', oktaOrg: 'pied', apiToken: 'unused' });
    // The product indexes no free-text column of events, but an operator may add an index of their own for their
    // queries: one on the actor id, for this integration's rows only (other test files share the table).
    const sql = world.db.$client;
    const operatorIndex = `events_actor_${integration.integrationId.replace(/\W/g, '_')}`;
    await sql`create index ${sql(operatorIndex)} on events (actor_id) where integration_id = ${sql.unsafe(`'${integration.integrationId}'`)}`;
    onTestFinished(async () => {
      await sql`drop index ${sql(operatorIndex)}`;
    });
    const valid = validBodies(integration, 'poison-split', 300);
    // Passes every envelope rule, but its actor id (8 KB, incompressible) cannot go into that index.
    const poison = JSON.parse(valid[150]) as { detail: { uuid: string; actor: { id: string } } };
    poison.detail.uuid = '0f0f0f0f-1111-4222-8333-444455556666';
    poison.detail.actor.id = randomBytes(4096).toString('hex');
    const bodies = [...valid.slice(0, 150), JSON.stringify(poison), ...valid.slice(150)];
    await send(integration.queueUrl, bodies);

    const result = await runHourly(world, integration.integrationId);
    expect(result.received).toBe(bodies.length);
    expect(result.stored).toBe(valid.length);
    expect(result.quarantined).toBe(1);
    expect(await rowsOf(integration.integrationId)).toEqual({ events: valid.length, quarantined: { rejected_by_database: 1 } });
    const [q] = await world.db.$client<{ reason: string }[]>`select reason from quarantine where integration_id = ${integration.integrationId}`;
    expect(q.reason).toMatch(/PostgreSQL refused the event \(54000/);
    expect(await approximateDepth(world.sqs, integration.queueUrl)).toBe(0);
  });

  it('quarantines every kind of bad message with its reason, stores every valid one, and empties the queue', async () => {
    const integration = await streamingIntegration(world, { oktaDomain: 'http://127.0.0.1:9', oktaOrg: 'pied', apiToken: 'unused' });
    const expect_ = envelopeExpectation(await getIntegration(world.db, integration.integrationId));
    // SQS refuses some bodies (empty, raw NUL or lone surrogates, raw gzip bytes): those cannot reach a queue.
    const corpus = badMessages(expect_).filter((m) => m.sqsDeliverable);
    expect(new Set(corpus.map((m) => m.kind)).size).toBeGreaterThanOrEqual(40);
    const valid = validBodies(integration, 'poison-corpus', 400);
    // Interleaved, so that bad ones sit inside batches of valid ones.
    const bodies: string[] = [];
    const step = Math.floor(valid.length / corpus.length);
    corpus.forEach((m, i) => bodies.push(...valid.slice(i * step, (i + 1) * step), m.body));
    bodies.push(...valid.slice(corpus.length * step));

    await send(integration.queueUrl, bodies);
    const run = await runHourly(world, integration.integrationId);
    expect(run.received).toBe(bodies.length);
    expect(run.stored).toBe(valid.length);
    expect(run.quarantined).toBe(corpus.length);

    const expected: Record<string, number> = {};
    for (const m of corpus) expected[m.expectedCode] = (expected[m.expectedCode] ?? 0) + 1;
    expect(await rowsOf(integration.integrationId)).toEqual({ events: valid.length, quarantined: expected });
    expect(await approximateDepth(world.sqs, integration.queueUrl)).toBe(0);
    // Every quarantine row names its reason.
    const unnamed = await world.db.$client`select id from quarantine where integration_id = ${integration.integrationId} and (reason = '' or reason_code = '')`;
    expect(unnamed).toHaveLength(0);
  });
});

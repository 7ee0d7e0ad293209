// Stream health on the real stack: a streaming tenant's onboarding backfill overlaps what the stream
// then delivers (stored once); a stream that goes silent, and one Okta reports INACTIVE, each turn the
// integration `degraded` with a notification to the tenant while the gap is filled from the Okta
// API; when the stream delivers again the integration is `streaming` and the API is let go.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateOrg,
  makeEventBridgeLogStream,
  publishEnvelopes,
  startOktaSimulator,
  toEventBridgeEnvelopes,
  type EventBridgeDestination,
  type OktaLogEvent,
  type OktaSimulator,
} from '../../simulator/index.js';
import { createIntegration } from '../../integrations/create.js';
import { getIntegration } from '../../integrations/repository.js';
import { onboardingStatus, signalEventBridgeInPlace, startOnboarding } from '../../temporal/client.js';
import { verifySignature } from '../../notify/webhook.js';
import { oktaEventBridge } from '../support/aws.js';
import { createWorld, type World } from '../support/world.js';
import { pauseSchedules, runHourly } from '../support/fixtures.js';
import { recentTraffic } from '../support/traffic.js';
import { waitFor } from '../support/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const TOKEN = 'ssws-stream-health-77';
const SECRET = 'whsec-stream-health';
const SILENCE_MS = 3_000;
let world: World;
let sim: OktaSimulator;
let webhook: WebhookReceiver;
let integrationId: string;
let queueUrl: string;
let destination: EventBridgeDestination;

beforeAll(async () => {
  // A stream silent for 3 s counts as silent, so the test need not wait hours.
  world = await createWorld({ STREAM_SILENCE_ALERT_AFTER: '3s', OKTA_LOG_PAGE_LIMIT: '100' });
  await world.startWorker();
  webhook = await startWebhookReceiver();
  sim = await startOktaSimulator({ token: TOKEN, org: generateOrg({ seed: 'stream-health', users: 30, orgName: 'tailspin', logStream: false }), eventBridge: oktaEventBridge() });
  ({ integrationId } = await createIntegration(world.db, world.secretKey, {
    tenantId: 'tailspin',
    name: 'Tailspin Okta',
    oktaDomain: sim.url,
    oktaOrg: 'tailspin',
    apiToken: TOKEN,
    awsAccountId: world.config.awsAccountId,
    backfillDays: 2,
    webhook: { url: webhook.url, secret: SECRET },
  }));
});

afterAll(async () => {
  await sim?.close();
  await webhook?.close();
  await world?.close();
});


/** Okta logs the events; the stream (when working) also delivers them to the queue. */
async function happen(events: OktaLogEvent[], label: string, streamed: boolean) {
  sim.addEvents(events);
  if (!streamed) return;
  const sent = await publishEnvelopes(world.sqs, queueUrl, toEventBridgeEnvelopes(events, destination, label));
  expect(sent.failed).toEqual([]);
}

async function storedUuids(): Promise<string[]> {
  return (await world.db.$client<{ uuid: string }[]>`select uuid from events where integration_id = ${integrationId} order by uuid`).map((r) => r.uuid);
}
const uuidsOf = (events: readonly OktaLogEvent[]) => [...new Set(events.map((e) => e.uuid))].sort();
const notices = (type: string) =>
  webhook.deliveries.filter((d) => JSON.parse(d.body).type === type && verifySignature(d.body, SECRET, d.headers['x-oort-signature'] as string));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('stream health', () => {
  const everything: OktaLogEvent[] = [];

  it('backfills at onboarding, and the stream’s copies of backfilled events are stored once', async () => {
    // Re-timed into the last 30 hours: the generator's own last 30 hours hold nothing early on a Monday.
    const past = recentTraffic(sim.org, 'health-past', 60, 30 * 60, 60);
    await happen(past, 'past', false);
    everything.push(...past);
    const handle = await startOnboarding(world.client, world.db, world.config.TEMPORAL_TASK_QUEUE, { integrationId, firstEventPollInterval: '1 second' });
    const waiting = await waitFor('the backfill and the wait for the signal', async () => {
      const s = await onboardingStatus(world.client, integrationId);
      return s?.status === 'awaiting_log_stream' && s.backfill?.done ? s : undefined;
    });
    expect(waiting.backfill?.eventsStored).toBe(past.length);
    const row = await getIntegration(world.db, integrationId);
    queueUrl = row.queueUrl!;
    destination = { oktaOrg: 'tailspin', eventSourceName: integrationId, account: row.awsAccountId, region: row.awsRegion };

    // The customer's stream starts: its first deliveries repeat the newest backfilled events (the newest
    // 20, not "the last hours": the generator follows office hours, and at night those hours are empty).
    await sim.setLogStreams([makeEventBridgeLogStream({ eventSourceName: integrationId, accountId: row.awsAccountId, region: row.awsRegion })]);
    const overlap = [...past].sort((a, b) => Date.parse(a.published) - Date.parse(b.published)).slice(-20);
    expect(overlap).toHaveLength(20);
    await publishEnvelopes(world.sqs, queueUrl, toEventBridgeEnvelopes(overlap, destination, 'overlap'));
    const fresh = recentTraffic(sim.org, 'health-fresh', 50, 50);
    await happen(fresh, 'fresh', true);
    everything.push(...fresh);
    await signalEventBridgeInPlace(world.client, integrationId);
    await handle.result();
    await pauseSchedules(world, integrationId);

    const run = await runHourly(world, integrationId);
    expect(run.received).toBe(overlap.length + fresh.length);
    expect(run.duplicates).toBeGreaterThanOrEqual(overlap.length);
    expect(await storedUuids()).toEqual(uuidsOf(everything));
    // The stream delivered and the API read caught up: only the stream is read from now on.
    expect(await getIntegration(world.db, integrationId)).toMatchObject({ status: 'streaming', pollCursor: null });
  });

  it('a silent stream degrades the integration, notifies the tenant, and the gap is filled from the API', async () => {
    await sleep(SILENCE_MS + 500);
    const lost = recentTraffic(sim.org, 'health-lost', 40, 20);
    await happen(lost, 'lost', false); // an unassociated event source: Okta sends, nothing arrives
    everything.push(...lost);
    const run = await runHourly(world, integrationId);
    expect(run.received).toBe(0);
    expect(run.polled).toBeGreaterThanOrEqual(lost.length);
    const row = await getIntegration(world.db, integrationId);
    expect(row.status).toBe('degraded');
    expect(row.statusDetail).toMatch(/No events arrived through the log stream/);
    expect(notices('log_stream_degraded')).toHaveLength(1);
    expect(await storedUuids()).toEqual(uuidsOf(everything));

    const back = recentTraffic(sim.org, 'health-back', 30, 5);
    await happen(back, 'back', true);
    everything.push(...back);
    await runHourly(world, integrationId);
    expect(await getIntegration(world.db, integrationId)).toMatchObject({ status: 'streaming', pollCursor: null });
    expect(notices('log_stream_recovered')).toHaveLength(1);
    expect(await storedUuids()).toEqual(uuidsOf(everything));
  });

  it('an INACTIVE stream found by the daily check degrades the integration and the gap is filled', async () => {
    const row = await getIntegration(world.db, integrationId);
    await sim.setLogStreams([makeEventBridgeLogStream({ eventSourceName: integrationId, accountId: row.awsAccountId, region: row.awsRegion, status: 'INACTIVE' })]);
    const daily = await world.client.workflow.execute('directorySync', {
      taskQueue: world.config.TEMPORAL_TASK_QUEUE,
      workflowId: `okta-directory-sync:${integrationId}:test`,
      args: [{ integrationId }],
    });
    expect(daily).toMatchObject({ logStreamOk: false });
    const degraded = await getIntegration(world.db, integrationId);
    expect(degraded.status).toBe('degraded');
    expect(degraded.statusDetail).toMatch(/is INACTIVE, expected ACTIVE/);
    expect(notices('log_stream_degraded')).toHaveLength(2);

    const missed = recentTraffic(sim.org, 'health-missed', 40, 4);
    await happen(missed, 'missed', false);
    everything.push(...missed);
    const run = await runHourly(world, integrationId);
    expect(run.polled).toBeGreaterThanOrEqual(missed.length);
    expect(await storedUuids()).toEqual(uuidsOf(everything));

    await sim.setLogStreams([makeEventBridgeLogStream({ eventSourceName: integrationId, accountId: row.awsAccountId, region: row.awsRegion })]);
    const again = recentTraffic(sim.org, 'health-again', 30, 2);
    await happen(again, 'again', true);
    everything.push(...again);
    await runHourly(world, integrationId);
    expect(await getIntegration(world.db, integrationId)).toMatchObject({ status: 'streaming', pollCursor: null });
    expect(await storedUuids()).toEqual(uuidsOf(everything));
  });
});

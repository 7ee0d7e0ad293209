// Onboarding on the real stack: Temporal dev server, PostgreSQL, the SQS emulator and the Okta
// simulator through the real Okta SDK.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { oktaEventBridge } from '../support/aws.js';
import { createWorld, type World } from '../support/world.js';
import { waitFor } from '../support/wait.js';
import { generateOrg, makeEventBridgeLogStream, startOktaSimulator, toEventBridgeEnvelope, publishEnvelopes, type OktaSimulator } from '../../simulator/index.js';
import { createIntegration, rotateToken } from '../../integrations/create.js';
import { getIntegration } from '../../integrations/repository.js';
import { onboardingStatus, signalCredentialsUpdated, signalEventBridgeInPlace, startOnboarding } from '../../temporal/client.js';
import { SCHEDULE_KINDS, scheduleId } from '../../temporal/shared/ids.js';

let world: World;
let sim: OktaSimulator;
const ORG = 'northwind';

beforeAll(async () => {
  world = await createWorld();
  await world.startWorker();
  sim = await startOktaSimulator({ token: 'ssws-good-token-1', org: generateOrg({ seed: 'onboarding', users: 40, orgName: ORG, logStream: false }), eventBridge: oktaEventBridge() });
});

afterAll(async () => {
  await sim?.close();
  await world?.close();
});

async function newIntegration(apiToken = 'ssws-good-token-1') {
  const { integrationId } = await createIntegration(world.db, world.secretKey, {
    tenantId: 'northwind',
    name: 'Northwind Okta',
    oktaDomain: sim.url,
    oktaOrg: ORG,
    apiToken,
    awsAccountId: world.config.awsAccountId,
  });
  const handle = await startOnboarding(world.client, world.db, world.config.TEMPORAL_TASK_QUEUE, {
    integrationId,
    reminderAfter: '1 hour',
    firstEventPollInterval: '1 second',
  });
  return { integrationId, handle };
}

const statusOf = async (integrationId: string) => (await onboardingStatus(world.client, integrationId))?.status;

async function signalAndWaitForVerdict(integrationId: string) {
  const before = (await onboardingStatus(world.client, integrationId))!.streamChecks;
  await signalEventBridgeInPlace(world.client, integrationId);
  return waitFor('the log stream verdict', async () => {
    const s = await onboardingStatus(world.client, integrationId);
    if (!s || s.streamChecks <= before) return undefined;
    // After a good verdict onboarding creates the Schedules before it moves on.
    return s.lastStreamCheck?.ok === false || s.status === 'awaiting_first_event' ? s : undefined;
  });
}

describe('onboarding', () => {
  it('validates the token, syncs the directory, waits for the signal, verifies the stream, creates the Schedules and streams', async () => {
    const { integrationId, handle } = await newIntegration();

    const waiting = await waitFor('awaiting_log_stream', async () => {
      const s = await onboardingStatus(world.client, integrationId);
      return s?.status === 'awaiting_log_stream' ? s : undefined;
    });
    expect(waiting.setup).toEqual({
      eventSourceName: integrationId,
      awsAccountId: '909617834444',
      awsRegion: 'us-east-2',
      awsRegionLabel: 'US East (Ohio)',
    });
    const listedUsers = sim.org.users.filter((u) => u.status !== 'DEPROVISIONED');
    const [{ users }] = await world.db.$client`select count(*)::int as users from okta_users where integration_id = ${integrationId}`;
    expect(users).toBe(listedUsers.length);
    const [{ factors }] = await world.db.$client`select count(*)::int as factors from okta_factors where integration_id = ${integrationId}`;
    expect(factors).toBe(listedUsers.reduce((n, u) => n + (sim.org.factors[u.id]?.length ?? 0), 0));
    const row = await getIntegration(world.db, integrationId);
    expect(row.status).toBe('awaiting_log_stream');
    expect(row.queueUrl).toMatch(/oort|t[0-9a-f]+-okta-/);
    // Nothing is scheduled before the stream is verified.
    await expect(world.client.schedule.getHandle(scheduleId('hourly', integrationId)).describe()).rejects.toThrow();

    await sim.setLogStreams([makeEventBridgeLogStream({ eventSourceName: integrationId, accountId: '909617834444', region: 'us-east-2' })]);
    const verdict = await signalAndWaitForVerdict(integrationId);
    expect(verdict.status).toBe('awaiting_first_event');

    const hourly = await world.client.schedule.getHandle(scheduleId('hourly', integrationId)).describe();
    expect(hourly.spec.intervals?.[0]?.every).toBe(3_600_000);
    expect(hourly.spec.jitter).toBe(240_000);
    expect(hourly.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
    expect(hourly.policies.catchupWindow).toBe(3_600_000);
    expect(hourly.action).toMatchObject({ type: 'startWorkflow', workflowType: 'hourlyAnalysis', args: [{ integrationId }] });
    const daily = await world.client.schedule.getHandle(scheduleId('daily-activity', integrationId)).describe();
    expect(daily.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 0, end: 0, step: 1 }], minute: [{ start: 30, end: 30, step: 1 }] });
    expect(daily.policies.overlap).toBe(ScheduleOverlapPolicy.BUFFER_ONE);
    const sync = await world.client.schedule.getHandle(scheduleId('directory-sync', integrationId)).describe();
    expect(sync.action).toMatchObject({ workflowType: 'directorySync' });
    for (const kind of SCHEDULE_KINDS) {
      const d = await world.client.schedule.getHandle(scheduleId(kind, integrationId)).describe();
      expect(d.searchAttributes).toMatchObject({ TenantId: ['northwind'], IntegrationId: [integrationId] });
    }

    // The first streamed event lands in the queue: onboarding sees it and the integration streams.
    const event = sim.org.events[0] ?? { uuid: '0f7e2d10-a1b2-11f1-8c3d-1e2f3a4b5c6d', published: new Date().toISOString(), eventType: 'user.session.start' };
    const body = JSON.stringify(toEventBridgeEnvelope(event, { oktaOrg: ORG, eventSourceName: integrationId, account: '909617834444', region: 'us-east-2' }));
    await publishEnvelopes(world.sqs, row.queueUrl!, [body]);
    await handle.result();
    expect((await getIntegration(world.db, integrationId)).status).toBe('streaming');
  });

  it('names each log stream mistake precisely, keeps waiting, and succeeds after the fix', async () => {
    const { integrationId, handle } = await newIntegration();
    await waitFor('awaiting_log_stream', async () => (await statusOf(integrationId)) === 'awaiting_log_stream');
    const right = { eventSourceName: integrationId, accountId: '909617834444', region: 'us-east-2' };

    const cases: Array<[string, Parameters<typeof makeEventBridgeLogStream>[0] | null, RegExp]> = [
      ['no stream', null, /No AWS EventBridge log stream exists/],
      ['wrong account', { ...right, name: 'Oort', accountId: '111122223333' }, /stream "Oort" uses account 111122223333, expected 909617834444/],
      ['wrong region', { ...right, name: 'Oort', region: 'us-west-2' }, /stream "Oort" uses region us-west-2, expected us-east-2/],
      ['wrong source name', { ...right, name: 'Oort', eventSourceName: 'oort-okta' }, new RegExp(`stream "Oort" uses event source name "oort-okta", expected "${integrationId}"`)],
      ['inactive', { ...right, name: 'Oort', status: 'INACTIVE' }, /stream "Oort" is INACTIVE, expected ACTIVE/],
    ];
    for (const [, stream, message] of cases) {
      await sim.setLogStreams(stream ? [makeEventBridgeLogStream(stream)] : []);
      const verdict = await signalAndWaitForVerdict(integrationId);
      expect(verdict.status).toBe('log_stream_misconfigured');
      expect(verdict.detail).toMatch(message);
      const row = await getIntegration(world.db, integrationId);
      expect(row.statusDetail).toMatch(message);
      const { status } = await handle.describe();
      expect(status.name).toBe('RUNNING');
    }

    await sim.setLogStreams([makeEventBridgeLogStream({ ...right, name: 'Oort' })]);
    const fixed = await signalAndWaitForVerdict(integrationId);
    expect(fixed.status).toBe('awaiting_first_event');
    expect(fixed.detail).toBeNull();
    await handle.terminate('test done');
  });

  it('puts a bad token into a clear error state without a crash loop, and resumes after the token is corrected', async () => {
    const { integrationId, handle } = await newIntegration('ssws-revoked-token');
    const state = await waitFor('credentials_invalid', async () => {
      const s = await onboardingStatus(world.client, integrationId);
      return s?.status === 'credentials_invalid' ? s : undefined;
    });
    expect(state.detail).toMatch(/Okta rejected the API token \(Okta answered 401 E0000011/);
    expect(state.detail).toMatch(/rotate-token/);
    expect((await getIntegration(world.db, integrationId)).status).toBe('credentials_invalid');

    // No crash loop: the workflow waits quietly; Okta is not asked again.
    const asked = sim.requests.length;
    await new Promise((r) => setTimeout(r, 3000));
    expect(sim.requests.length).toBe(asked);
    const { status, historyLength } = await handle.describe();
    expect(status.name).toBe('RUNNING');
    expect(historyLength).toBeLessThan(40);

    await rotateToken(world.db, world.secretKey, integrationId, 'ssws-good-token-1');
    expect(await signalCredentialsUpdated(world.client, integrationId)).toBe(true);
    await waitFor('awaiting_log_stream', async () => (await statusOf(integrationId)) === 'awaiting_log_stream');
    await handle.terminate('test done');
  });
});

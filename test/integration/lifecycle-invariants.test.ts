// One integration's whole life on the real stack — onboarding, an hourly run, the daily jobs, a
// user refresh, pause, resume and removal — and the invariants over everything it recorded:
// every workflow history replays deterministically, and the Okta token appears in no history,
// search attribute, memo, Schedule or log line.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { WorkflowHandle } from '@temporalio/client';
import {
  buildScenario,
  generateActivity,
  generateOrg,
  makeEventBridgeLogStream,
  publishEnvelopes,
  startOktaSimulator,
  toEventBridgeEnvelopes,
  type OktaSimulator,
} from '../../simulator/index.js';
import { createIntegration } from '../../integrations/create.js';
import { getIntegration } from '../../integrations/repository.js';
import {
  signalEventBridgeInPlace,
  startOnboarding,
  startRefreshUser,
} from '../../temporal/client.js';
import { pauseIntegration, removeIntegration, resumeIntegration } from '../../operations/lifecycle.js';
import { SCHEDULE_KINDS, scheduleId } from '../../temporal/shared/ids.js';
import { oktaEventBridge } from '../support/aws.js';
import { createWorld, workflowBundle, type World } from '../support/world.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { waitFor } from '../support/wait.js';

const TOKEN = 'ssws-00TOPSECRET-7f3a9c1e5b2d8046';
const FIXTURES = fileURLToPath(new URL('../fixtures/histories', import.meta.url));

let world: World;
let sim: OktaSimulator;
let webhook: WebhookReceiver;
let integrationId: string;
const handles: WorkflowHandle[] = [];
const scheduleDescriptions: string[] = [];

beforeAll(async () => {
  world = await createWorld({ LOG_LEVEL: 'debug' });
  await world.startWorker();
  webhook = await startWebhookReceiver();
  const org = generateOrg({ seed: 'lifecycle', users: 30, orgName: 'hooli', logStream: false });
  sim = await startOktaSimulator({ token: TOKEN, org, eventBridge: oktaEventBridge() });
});

afterAll(async () => {
  await sim?.close();
  await webhook?.close();
  await world?.close();
});

const execute = async (workflowType: string, workflowId: string, args: unknown[]) => {
  const handle = await world.client.workflow.start(workflowType, { taskQueue: world.config.TEMPORAL_TASK_QUEUE, workflowId, args });
  handles.push(handle);
  return handle.result();
};

describe('an integration from onboarding to removal', () => {
  it('onboards, streams, analyses, writes Activity, syncs and refreshes', async () => {
    ({ integrationId } = await createIntegration(world.db, world.secretKey, {
      tenantId: 'hooli',
      tenantName: 'Hooli',
      name: 'Hooli Okta',
      oktaDomain: sim.url,
      oktaOrg: 'hooli',
      apiToken: TOKEN,
      awsAccountId: world.config.awsAccountId,
      webhook: { url: webhook.url, secret: 'whsec-hooli' },
    }));
    const onboarding = await startOnboarding(world.client, world.db, world.config.TEMPORAL_TASK_QUEUE, {
      integrationId,
      reminderAfter: '2 seconds',
      firstEventPollInterval: '1 second',
    });
    handles.push(onboarding);
    // Without the signal, reminders go to the tenant's channel and to the log.
    await waitFor('a reminder', async () => webhook.deliveries.length >= 1 && world.logLines.some((l) => l.includes('waiting for the EventBridge-in-place signal')));
    expect(((await onboarding.query('status')) as { remindersSent: number }).remindersSent).toBeGreaterThanOrEqual(1);
    const reminder = JSON.parse(webhook.deliveries[0].body);
    expect(reminder).toMatchObject({ type: 'onboarding_reminder', integration_id: integrationId, okta_log_stream: { event_source_name: integrationId, aws_account_id: '909617834444', aws_region: 'us-east-2' } });

    await sim.setLogStreams([makeEventBridgeLogStream({ eventSourceName: integrationId, accountId: world.config.awsAccountId, region: 'us-east-2' })]);
    await signalEventBridgeInPlace(world.client, integrationId);
    await waitFor('awaiting_first_event', async () => (await getIntegration(world.db, integrationId)).status === 'awaiting_first_event');

    const row = await getIntegration(world.db, integrationId);
    const destination = { oktaOrg: 'hooli', eventSourceName: integrationId, account: world.config.awsAccountId, region: 'us-east-2' };
    const day = new Date('2026-11-18T00:00:00Z');
    const events = [
      ...generateActivity(sim.org, { seed: 'lifecycle', start: day, end: new Date(day.getTime() + 86_400_000) }),
      ...buildScenario(sim.org, 'apiTokenCreated', { seed: 1, at: new Date(day.getTime() + 10 * 3_600_000) }).events,
    ];
    await publishEnvelopes(world.sqs, row.queueUrl!, toEventBridgeEnvelopes(events, destination, 'lifecycle'));
    await onboarding.result();
    expect((await getIntegration(world.db, integrationId)).status).toBe('streaming');

    const hourly = await execute('hourlyAnalysis', `okta-hourly:${integrationId}:manual`, [{ integrationId }]);
    expect(hourly).toMatchObject({ stored: events.length, quarantined: 0 });
    expect(hourly.detections).toBeGreaterThan(0);
    const detectionNotices = webhook.deliveries.filter((d) => JSON.parse(d.body).type === 'detection');
    expect(detectionNotices.length).toBe(hourly.notificationsSent);

    const daily = await execute('dailyActivity', `okta-daily-activity:${integrationId}:manual`, [{ integrationId, day: '2026-11-18' }]);
    expect(daily.rowsWritten).toBeGreaterThan(0);
    const sync = await execute('directorySync', `okta-directory-sync:${integrationId}:manual`, [{ integrationId }]);
    expect(sync.users).toBe(sim.org.users.filter((u) => u.status !== 'DEPROVISIONED').length);
    const refresh = await startRefreshUser(world.client, world.db, world.config.TEMPORAL_TASK_QUEUE, integrationId, sim.org.users[0].id);
    handles.push(refresh);
    expect((await refresh.result()).userId).toBe(sim.org.users[0].id);
  });

  it('pauses, resumes and removes the integration with its Schedules', async () => {
    const describeAll = () => Promise.all(SCHEDULE_KINDS.map((k) => world.client.schedule.getHandle(scheduleId(k, integrationId)).describe()));
    const described = await describeAll();
    expect(described.map((d) => d.state.paused)).toEqual([false, false, false]);
    scheduleDescriptions.push(...described.map((d) => JSON.stringify(d)));

    await pauseIntegration(world.client, world.db, integrationId, 'customer asked');
    expect((await describeAll()).map((d) => [d.state.paused, d.state.note])).toEqual(Array(3).fill([true, 'customer asked']));
    expect((await getIntegration(world.db, integrationId)).status).toBe('paused');

    await resumeIntegration(world.client, world.db, integrationId);
    expect((await describeAll()).map((d) => d.state.paused)).toEqual([false, false, false]);
    expect((await getIntegration(world.db, integrationId)).status).toBe('streaming');

    await removeIntegration(world.client, world.db, integrationId);
    for (const kind of SCHEDULE_KINDS) {
      await expect(world.client.schedule.getHandle(scheduleId(kind, integrationId)).describe()).rejects.toThrow(/not found/i);
    }
    expect((await getIntegration(world.db, integrationId)).status).toBe('removed');
  });

  it('replays every recorded workflow history without determinism errors', async () => {
    const types = new Set<string>();
    const histories = [];
    for (const h of handles) {
      const history = await h.fetchHistory();
      const start = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      types.add(start?.workflowType?.name ?? '?');
      histories.push({ workflowId: h.workflowId, history });
    }
    expect([...types].sort()).toEqual(['dailyActivity', 'directorySync', 'hourlyAnalysis', 'onboarding', 'refreshUser']);
    const { code } = await workflowBundle();
    const failures: string[] = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle: { code } }, histories)) {
      if (r.error) failures.push(`${r.workflowId}: ${r.error}`);
    }
    expect(failures).toEqual([]);
    // Keep these histories as replay fixtures for future changes (`UPDATE_HISTORY_FIXTURES=1`): they become
    // `<type>.latest.json`; older fixtures stay, since runs started by older code may still be open.
    if (process.env.UPDATE_HISTORY_FIXTURES === '1') {
      mkdirSync(FIXTURES, { recursive: true });
      for (const { history } of histories) {
        const type = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
        writeFileSync(`${FIXTURES}/${type}.latest.json`, historyToJSON(history));
      }
    }
  });

  it('replays the committed history fixtures of every workflow', async () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
    // At least one fixture per workflow type; histories of earlier code versions are kept beside the latest.
    expect([...new Set(files.map((f) => f.split('.')[0]))].sort()).toEqual(['dailyActivity', 'directorySync', 'hourlyAnalysis', 'onboarding', 'refreshUser']);
    const { code } = await workflowBundle();
    for (const f of files) {
      const history = historyFromJSON(JSON.parse(readFileSync(`${FIXTURES}/${f}`, 'utf8')));
      const workflowId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowId ?? undefined;
      await Worker.runReplayHistory({ workflowBundle: { code } }, history, workflowId ?? f);
    }
  });

  it('keeps the Okta token out of histories, search attributes, memos, Schedules and logs', async () => {
    const haystacks: string[] = [];
    for (const h of handles) {
      const json = historyToJSON(await h.fetchHistory());
      // Payloads are base64 in proto JSON: decode them so an argument or result is searched too.
      const decoded = [...json.matchAll(/"data":\s*"([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1], 'base64').toString('utf8'));
      const description = await h.describe();
      haystacks.push(json, ...decoded, JSON.stringify(description.searchAttributes), JSON.stringify(description.memo));
    }
    haystacks.push(...scheduleDescriptions);
    const all = haystacks.join('\n');
    // The scan sees real content (so it could find the token if it were there)…
    expect(all).toContain(integrationId);
    expect(all).toContain('"rowsWritten"');
    // …and the token is not in it, nor in any log line of this run.
    expect(all).not.toContain(TOKEN);
    expect(world.logLines.length).toBeGreaterThan(5);
    expect(world.logLines.join('\n')).not.toContain(TOKEN);
    const [sealed] = await world.db.$client`select api_token_encrypted from integrations where id = ${integrationId}`;
    expect(sealed.api_token_encrypted).not.toContain(TOKEN);
  });
});

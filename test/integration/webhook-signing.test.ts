// Webhooks signed the way receivers expect (Standard Webhooks), secrets rotated with two valid at once,
// Slack reminders posted to the real incoming-webhook URL, and one channel's failure never stopping
// another's — on the real stack, with receivers on loopback that verify every delivery with the
// `standardwebhooks` package and refuse replayed ids.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { buildScenario, generateOrg, publishEnvelopes, startOktaSimulator, toEventBridgeEnvelopes, type OktaSimulator } from '../../simulator/index.js';
import { createIntegration } from '../../integrations/create.js';
import { startOnboarding } from '../../temporal/client.js';
import { encryptSecret } from '../../lib/secrets.js';
import { sendReminder } from '../../notify/reminder.js';
import { sendStreamHealthNotice } from '../../notify/stream-health.js';
import { receiverSecret, WebhookDeliveryError } from '../../notify/webhook.js';
import type { HourlyAnalysisResult } from '../../workflows/types.js';
import { createWorld, type World } from '../support/world.js';
import { streamingIntegration } from '../support/fixtures.js';
import { jsonOf, runCli } from '../support/cli.js';
import { startWebhookReceiver, verifyDelivery, type WebhookReceiver } from '../support/webhook-receiver.js';
import { waitFor } from '../support/wait.js';

/** Notices go to loopback receivers, allowed in the test environment only. */
const TO = { environment: 'test' } as const;

const TOKEN = 'ssws-00SIGNING-5e1c7a9b3d2f4608';
let world: World;
let sim: OktaSimulator;
const receivers: WebhookReceiver[] = [];
const handles: WorkflowHandle[] = [];

beforeAll(async () => {
  world = await createWorld();
  await world.startWorker();
  sim = await startOktaSimulator({ token: TOKEN, org: generateOrg({ seed: 'signing', users: 20, orgName: 'acme', logStream: false }) });
});

afterAll(async () => {
  for (const h of handles) await h.terminate('test over').catch(() => undefined);
  for (const r of receivers) await r.close();
  await sim?.close();
  await world?.close();
});

async function receiver(opts: Parameters<typeof startWebhookReceiver>[0]): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver(opts);
  receivers.push(r);
  return r;
}

/** A second webhook channel on the integration (createIntegration makes at most one of each kind). */
async function addWebhookChannel(integrationId: string, url: string, secret: string): Promise<number> {
  const [row] = await world.db.$client<{ id: number }[]>`
    insert into notification_channels (integration_id, kind, url, secret_encrypted, min_severity)
    values (${integrationId}, 'webhook', ${url}, ${encryptSecret(secret, world.secretKey, `channel:${integrationId}`)}, 'low') returning id`;
  return Number(row.id);
}

const org = generateOrg({ seed: 'signing-hourly', users: 40, orgName: 'acme', logStream: false });
const at = (h: number) => new Date(Date.UTC(2026, 10, 21, h));

describe('detections: Standard Webhooks and independent channels', () => {
  it('verifies every delivery; a channel answering 500 neither stops the others nor makes them receive twice', async () => {
    const failing = await receiver({ secrets: [receiverSecret('whsec-acme-failing')] });
    const good = await receiver({ secrets: [receiverSecret('whsec-acme-good')] });
    const slack = await receiver({ slack: true });
    const integration = await streamingIntegration(world, {
      oktaDomain: 'http://127.0.0.1:9',
      oktaOrg: 'acme',
      apiToken: 'unused',
      tenantId: 'acme',
      // Created first among the webhooks (lower channel id): it is tried before the good one.
      webhook: { url: failing.url, secret: 'whsec-acme-failing', minSeverity: 'low' },
      slack: { webhookUrl: `${slack.url}/services/T0ACME/B0DETECT/realsecret`, minSeverity: 'low' },
    });
    await addWebhookChannel(integration.integrationId, good.url, 'whsec-acme-good');
    const events = [
      ...buildScenario(org, 'apiTokenCreated', { seed: 1, at: at(9) }).events,
      ...buildScenario(org, 'adminRoleGranted', { seed: 3, at: at(11) }).events,
    ];
    await publishEnvelopes(world.sqs, integration.queueUrl, toEventBridgeEnvelopes(events, integration.destination, 's1'));

    failing.failWith(500);
    const run = await world.client.workflow.start('hourlyAnalysis', {
      taskQueue: world.config.TEMPORAL_TASK_QUEUE,
      workflowId: `okta-hourly:${integration.integrationId}:signing`,
      args: [{ integrationId: integration.integrationId }],
    });
    handles.push(run);
    // The failing channel is retried (several attempts) while the others already have everything.
    const detectionsNow = () => world.db.$client<{ id: number }[]>`select id from detections where integration_id = ${integration.integrationId}`;
    await waitFor(
      'the other channels delivered while the failing one is retried',
      async () => {
        const n = (await detectionsNow()).length;
        return n > 0 && good.deliveries.length === n && slack.deliveries.length === n && failing.rejected.length >= 2 * n;
      },
      90_000,
    );
    const detections = await detectionsNow();
    expect(good.deliveries).toHaveLength(detections.length);
    expect(slack.deliveries).toHaveLength(detections.length);
    failing.failWith(null);
    const result = (await run.result()) as HourlyAnalysisResult;

    const ids = detections.map((d) => Number(d.id)).sort();
    for (const r of [good, failing]) {
      expect(r.deliveries.map((d) => JSON.parse(d.body).detection_id).sort()).toEqual(ids);
      for (const d of r.deliveries) {
        expect(d.headers['webhook-id']).toBe(d.headers['idempotency-key']);
        expect(d.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      }
    }
    // Retries re-sent nothing to the good channel (a replayed id would show up as a rejection).
    expect(good.rejected).toEqual([]);
    expect(failing.rejected.every((r) => r.status === 500)).toBe(true);
    expect(slack.deliveries).toHaveLength(detections.length);
    expect(slack.rejected).toEqual([]);
    expect(slack.deliveries.every((d) => d.path === '/hooks/oort/services/T0ACME/B0DETECT/realsecret')).toBe(true);
    expect(result.notificationsSent).toBe(detections.length * 3);
    const [{ retried }] = await world.db.$client`
      select count(*)::int as retried from notifications n join notification_channels c on c.id = n.channel_id
      where c.integration_id = ${integration.integrationId} and c.url = ${failing.url} and n.attempts >= 2 and n.status = 'sent'`;
    expect(retried).toBe(detections.length);
  }, 180_000);
});

describe('secret rotation', () => {
  it('rotates a webhook secret from the CLI with both secrets valid until the rotation is finished', async () => {
    const hook = await receiver({ secrets: [receiverSecret('whsec-rot-old')] });
    const slack = await receiver({ slack: true });
    const integration = await streamingIntegration(world, {
      oktaDomain: 'http://127.0.0.1:9',
      oktaOrg: 'acme',
      apiToken: 'unused',
      tenantId: 'acme',
      webhook: { url: hook.url, secret: 'whsec-rot-old', minSeverity: 'low' },
      slack: { webhookUrl: `${slack.url}/services/T0ACME/B0ROT/realsecret`, minSeverity: 'low' },
    });
    const id = integration.integrationId;
    const cli = (args: string[], stdin?: string) => runCli(world.env, args, stdin === undefined ? {} : { stdin });
    const channels = jsonOf<{ channels: { id: number; kind: string; url: string; rotating: boolean }[] }>(await cli(['integrations', 'channel', 'list', id, '--json'])).channels;
    const webhookChannel = channels.find((c) => c.kind === 'webhook')!;
    const slackChannel = channels.find((c) => c.kind === 'slack')!;
    expect(slackChannel.url).not.toContain('realsecret');

    const rotated = jsonOf<{ secret: string; rotating: boolean }>(await cli(['integrations', 'channel', 'rotate-secret', id, String(webhookChannel.id), '--json']));
    expect(rotated.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const newSecret = rotated.secret;
    const notice = (n: number) => sendStreamHealthNotice(world.db, world.secretKey, { integrationId: id, kind: n % 2 ? 'degraded' : 'recovered', detail: `notice ${n}`, at: new Date(Date.now() + n).toISOString() }, TO);

    // During the rotation: a receiver with the old secret verifies, and one with the new secret too.
    await notice(1);
    hook.setSecrets([newSecret]);
    await notice(2);
    expect(hook.rejected).toEqual([]);
    expect(hook.deliveries).toHaveLength(2);
    for (const d of hook.deliveries) {
      expect(String(d.headers['webhook-signature']).split(' ')).toHaveLength(2);
      expect(verifyDelivery(d.body, d.headers, [receiverSecret('whsec-rot-old')])).toBeTruthy();
    }

    // A second rotation waits for the first to be finished; a Slack channel has no signing secret.
    const again = await cli(['integrations', 'channel', 'rotate-secret', id, String(webhookChannel.id)]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('finish-rotation');
    const ofSlack = await cli(['integrations', 'channel', 'rotate-secret', id, String(slackChannel.id)]);
    expect(ofSlack.code).not.toBe(0);
    expect(ofSlack.stderr).toMatch(/only a webhook channel/);
    expect(jsonOf<{ channels: { id: number; rotating: boolean }[] }>(await cli(['integrations', 'channel', 'list', id, '--json'])).channels.find((c) => c.id === webhookChannel.id)?.rotating).toBe(true);

    const finished = jsonOf<{ finished: boolean }>(await cli(['integrations', 'channel', 'finish-rotation', id, String(webhookChannel.id), '--json']));
    expect(finished.finished).toBe(true);
    await notice(3);
    const last = hook.deliveries.at(-1)!;
    expect(String(last.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(() => verifyDelivery(last.body, last.headers, [receiverSecret('whsec-rot-old')])).toThrow(/No matching signature/);

    // The old secret no longer verifies anything: a receiver still on it refuses.
    hook.setSecrets([receiverSecret('whsec-rot-old')]);
    await expect(notice(4)).rejects.toThrow(WebhookDeliveryError);
    expect(hook.rejected.at(-1)?.status).toBe(401);

    // A secret of the operator's choosing comes from a file or stdin, never argv, and is not printed.
    hook.setSecrets([newSecret]);
    const chosen = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const fromStdin = await cli(['integrations', 'channel', 'rotate-secret', id, String(webhookChannel.id), '--secret-file', '-', '--json'], chosen);
    const out = jsonOf<{ secret?: string; rotating: boolean }>(fromStdin);
    expect(out.secret).toBeUndefined();
    expect(fromStdin.stdout).not.toContain(chosen);
    hook.setSecrets([chosen]);
    const rejectedBefore = hook.rejected.length;
    await notice(5);
    expect(hook.rejected).toHaveLength(rejectedBefore);
    expect(JSON.parse(hook.deliveries.at(-1)!.body).message).toBe('notice 5');
    expect(String(hook.deliveries.at(-1)!.headers['webhook-signature']).split(' ')).toHaveLength(2);
  }, 120_000);
});

describe('onboarding reminders', () => {
  it('reach Slack at its real incoming-webhook URL and the webhook signed, through the onboarding workflow', async () => {
    const hook = await receiver({ secrets: [receiverSecret('whsec-remind')] });
    const slack = await receiver({ slack: true });
    const { integrationId } = await createIntegration(world.db, world.secretKey, {
      tenantId: 'acme',
      name: 'Acme Okta',
      oktaDomain: sim.url,
      oktaOrg: 'acme',
      apiToken: TOKEN,
      awsAccountId: world.config.awsAccountId,
      webhook: { url: hook.url, secret: 'whsec-remind' },
      slack: { webhookUrl: `${slack.url}/services/T0ACME/B0REMIND/realsecret` },
    });
    const handle = await startOnboarding(world.client, world.db, world.config.TEMPORAL_TASK_QUEUE, { integrationId, reminderAfter: '2 seconds', firstEventPollInterval: '1 second' });
    handles.push(handle);
    await waitFor('a reminder on both channels', async () => hook.deliveries.length >= 1 && slack.deliveries.length >= 1, 120_000);
    await handle.terminate('test over');

    expect(slack.rejected).toEqual([]); // nothing went to the redacted URL
    expect(slack.deliveries[0].path).toBe('/hooks/oort/services/T0ACME/B0REMIND/realsecret');
    const text = JSON.parse(slack.deliveries[0].body).text as string;
    expect(text).toContain('not confirmed yet');
    expect(text).toContain(integrationId);
    expect(text).toContain(world.config.awsAccountId);
    expect(hook.rejected).toEqual([]);
    expect(JSON.parse(hook.deliveries[0].body)).toMatchObject({ type: 'onboarding_reminder', integration_id: integrationId, reminder_number: 1 });
    expect(hook.deliveries[0].headers['webhook-id']).toMatch(new RegExp(`^oort-onboarding-reminder-${integrationId}-1-channel-\\d+$`));
  }, 180_000);

  it('one failing channel does not stop the others, and a retry sends only to the channel that failed', async () => {
    const failing = await receiver({ secrets: [receiverSecret('whsec-ind-failing')] });
    const good = await receiver({ secrets: [receiverSecret('whsec-ind-good')] });
    const slack = await receiver({ slack: true });
    const integration = await streamingIntegration(world, {
      oktaDomain: 'http://127.0.0.1:9',
      oktaOrg: 'acme',
      apiToken: 'unused',
      tenantId: 'acme',
      webhook: { url: failing.url, secret: 'whsec-ind-failing', minSeverity: 'low' },
      slack: { webhookUrl: `${slack.url}/services/T0ACME/B0IND/realsecret`, minSeverity: 'low' },
    });
    const id = integration.integrationId;
    await addWebhookChannel(id, good.url, 'whsec-ind-good');
    const reminder = { integrationId: id, reminderNumber: 1, eventSourceName: id, awsAccountId: world.config.awsAccountId, awsRegion: 'us-east-2' };

    failing.failWith(500);
    await expect(sendReminder(world.db, world.secretKey, reminder, TO)).rejects.toThrow(/1 channel\(s\) failed .*2 delivered/);
    await expect(sendReminder(world.db, world.secretKey, reminder, TO)).rejects.toThrow(WebhookDeliveryError);
    expect(good.deliveries).toHaveLength(1);
    expect(slack.deliveries).toHaveLength(1);
    failing.failWith(null);
    expect(await sendReminder(world.db, world.secretKey, reminder, TO)).toBe(3);
    expect(failing.deliveries).toHaveLength(1);
    expect(good.deliveries).toHaveLength(1);
    expect(slack.deliveries).toHaveLength(1);
    expect(good.rejected).toEqual([]);
    const rows = await world.db.$client<{ url: string; status: string; attempts: number }[]>`
      select c.url, n.status::text as status, n.attempts from channel_notices n join notification_channels c on c.id = n.channel_id
      where n.integration_id = ${id} and n.topic = 'onboarding_reminder' and n.episode = '1' order by c.id`;
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ['sent', 1],
      ['sent', 3],
      ['sent', 1],
    ]);

    // Stream-health notices the same way; the retry keeps the first attempt's time, though its caller computed a new one.
    failing.failWith(500);
    const first = '2026-12-01T10:00:00.000Z';
    await expect(sendStreamHealthNotice(world.db, world.secretKey, { integrationId: id, kind: 'degraded', detail: 'quiet', at: first }, TO)).rejects.toThrow(WebhookDeliveryError);
    expect(good.deliveries).toHaveLength(2);
    expect(slack.deliveries).toHaveLength(2);
    failing.failWith(null);
    expect(await sendStreamHealthNotice(world.db, world.secretKey, { integrationId: id, kind: 'degraded', detail: 'quiet', at: '2026-12-01T10:05:00.000Z' }, TO)).toBe(3);
    expect(good.deliveries).toHaveLength(2);
    expect(slack.deliveries).toHaveLength(2);
    expect(failing.deliveries).toHaveLength(2);
    expect(JSON.parse(failing.deliveries[1].body)).toMatchObject({ type: 'log_stream_degraded', at: first });
    expect(JSON.parse(good.deliveries[1].body)).toMatchObject({ type: 'log_stream_degraded', at: first });
    // The next transitions are new notices for everyone.
    expect(await sendStreamHealthNotice(world.db, world.secretKey, { integrationId: id, kind: 'recovered', detail: 'back', at: '2026-12-01T11:00:00.000Z' }, TO)).toBe(3);
    expect(await sendStreamHealthNotice(world.db, world.secretKey, { integrationId: id, kind: 'degraded', detail: 'quiet again', at: '2026-12-01T12:00:00.000Z' }, TO)).toBe(3);
    for (const r of [failing, good, slack]) expect(r.deliveries).toHaveLength(4);
    expect(good.rejected).toEqual([]);
  }, 60_000);
});

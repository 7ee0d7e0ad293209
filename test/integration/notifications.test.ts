// Notifications people rely on, on the real stack: a signed webhook and a Slack channel with their
// own severity thresholds, each detection delivered once per channel, the run's notification step only when something
// waits to be sent; and one digest per channel when an hourly run finds more detections than the tenant's digest
// threshold.
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildScenario, generateOrg, publishEnvelopes, toEventBridgeEnvelopes, type OktaLogEvent } from '../../simulator/index.js';
import { receiverSecret, verifySignature } from '../../notify/webhook.js';
import { createWorld, type World } from '../support/world.js';
import { runHourly, startHourly, streamingIntegration } from '../support/fixtures.js';
import { startWebhookReceiver, verifyDelivery, type WebhookReceiver } from '../support/webhook-receiver.js';

let world: World;
let webhook: WebhookReceiver;
let slack: WebhookReceiver;

beforeAll(async () => {
  world = await createWorld();
  await world.startWorker();
  // The tenant's endpoint verifies every delivery (Standard Webhooks) and refuses replayed ids; the
  // Slack one answers like Slack (404 for a hook URL that is not real, e.g. the redacted one).
  webhook = await startWebhookReceiver({ secrets: [receiverSecret('whsec-stark'), receiverSecret('whsec-stark-2')] });
  slack = await startWebhookReceiver({ slack: true });
});

afterAll(async () => {
  await webhook?.close();
  await slack?.close();
  await world?.close();
});

const org = generateOrg({ seed: 'notify', users: 60, orgName: 'stark', logStream: false });
const at = (h: number) => new Date(Date.UTC(2026, 10, 20, h));
/** Medium (API token, spray) and high/critical (admin grant, push bombing, report) detections. */
const attackEvents: OktaLogEvent[] = [
  ...buildScenario(org, 'apiTokenCreated', { seed: 1, at: at(9) }).events,
  ...buildScenario(org, 'passwordSpray', { seed: 2, at: at(10) }).events,
  ...buildScenario(org, 'adminRoleGranted', { seed: 3, at: at(11) }).events,
  ...buildScenario(org, 'mfaPushBombing', { seed: 4, at: at(12) }).events,
  ...buildScenario(org, 'userReportedSuspicious', { seed: 5, at: at(13) }).events,
];

/** The queued steps a run scheduled, from its history. */
async function stepsOf(run: WorkflowHandle): Promise<string[]> {
  const { events } = await run.fetchHistory();
  return (events ?? []).flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
}

async function detectionsOf(integrationId: string) {
  return world.db.$client<{ id: number; severity: string; rule_id: string }[]>`
    select id, severity::text as severity, rule_id from detections where integration_id = ${integrationId} order by id`;
}

describe('notification channels', () => {
  it('sends every detection to the webhook and only high and critical ones to Slack, once each', async () => {
    const slackUrl = `${slack.url}/services/T0STARK/B0OORT/s3cr3tpath`;
    const integration = await streamingIntegration(world, {
      oktaDomain: 'http://127.0.0.1:9',
      oktaOrg: 'stark',
      apiToken: 'unused',
      webhook: { url: webhook.url, secret: 'whsec-stark', minSeverity: 'low' },
      slack: { webhookUrl: slackUrl, minSeverity: 'high' },
    });
    const [channel] = await world.db.$client`select url from notification_channels where integration_id = ${integration.integrationId} and kind = 'slack'`;
    expect(channel.url).not.toContain('s3cr3tpath');

    await publishEnvelopes(world.sqs, integration.queueUrl, toEventBridgeEnvelopes(attackEvents, integration.destination, 'n1'));
    slack.failNext(1); // Slack is down for the first message: retried, sent once
    const first = await startHourly(world, integration.integrationId);
    const run = await first.result();
    expect(await stepsOf(first)).toContain('notifyForRun');
    const detections = await detectionsOf(integration.integrationId);
    const severe = detections.filter((d) => d.severity === 'high' || d.severity === 'critical');
    expect(severe.length).toBeGreaterThan(0);
    expect(severe.length).toBeLessThan(detections.length);

    const webhookIds = webhook.deliveries.filter((d) => JSON.parse(d.body).integration_id === integration.integrationId).map((d) => JSON.parse(d.body).detection_id);
    expect(webhookIds.sort()).toEqual(detections.map((d) => Number(d.id)).sort());

    const slackMessages = slack.deliveries.map((d) => JSON.parse(d.body));
    expect(slackMessages).toHaveLength(severe.length);
    const admin = slackMessages.find((m) => m.text.includes('dministrator'));
    expect(admin, 'a Slack message for the admin role grant').toBeDefined();
    const rendered = JSON.stringify(admin.blocks);
    for (const part of ['*Who:*', '*Where:*', '*When:*', 'UTC', 'okta-admin-role-granted-user', ':mag:']) expect(rendered).toContain(part);
    expect(run.notificationsSent).toBe(detections.length + severe.length);
    expect(webhook.rejected).toEqual([]);
    expect(slack.rejected.map((r) => r.reason)).toEqual(['failNext']);
    expect(slack.deliveries.every((d) => d.path === '/hooks/oort/services/T0STARK/B0OORT/s3cr3tpath')).toBe(true);

    const [{ retried }] = await world.db.$client`
      select count(*)::int as retried from notifications n join notification_channels c on c.id = n.channel_id
      where c.integration_id = ${integration.integrationId} and c.kind = 'slack' and n.attempts = 2 and n.status = 'sent'`;
    expect(retried).toBe(1);

    // Nothing waits to be sent: the run has no notification step at all.
    const quiet = await startHourly(world, integration.integrationId);
    expect((await quiet.result()).notificationsSent).toBe(0);
    expect(await stepsOf(quiet)).not.toContain('notifyForRun');
    expect(slack.deliveries).toHaveLength(severe.length);

    // A delivery an earlier run gave up on (Slack down through every attempt) is still waiting: the next run has the
    // step again and sends it.
    const [lost] = await world.db.$client<{ detection_id: number }[]>`
      update notifications n set status = 'failed', sent_at = null, last_error = 'Slack answered 503'
      from notification_channels c where c.id = n.channel_id and c.integration_id = ${integration.integrationId} and c.kind = 'slack'
        and n.detection_id = (select min(detection_id) from notifications where channel_id = c.id)
      returning n.detection_id`;
    const next = await startHourly(world, integration.integrationId);
    expect((await next.result()).notificationsSent).toBe(1);
    expect(await stepsOf(next)).toContain('notifyForRun');
    expect(slack.deliveries).toHaveLength(severe.length + 1);
    const [{ status }] = await world.db.$client`
      select n.status::text as status from notifications n join notification_channels c on c.id = n.channel_id
      where c.integration_id = ${integration.integrationId} and c.kind = 'slack' and n.detection_id = ${lost.detection_id}`;
    expect(status).toBe('sent');
  });

  it('sends one digest per channel when a run finds more detections than the threshold', async () => {
    const before = { webhook: webhook.deliveries.length, slack: slack.deliveries.length };
    const integration = await streamingIntegration(world, {
      oktaDomain: 'http://127.0.0.1:9',
      oktaOrg: 'stark',
      apiToken: 'unused',
      webhook: { url: webhook.url, secret: 'whsec-stark-2', minSeverity: 'low' },
      slack: { webhookUrl: `${slack.url}/services/T0STARK/B0DIGEST/x`, minSeverity: 'low' },
      digestAfter: 2,
    });
    await publishEnvelopes(world.sqs, integration.queueUrl, toEventBridgeEnvelopes(attackEvents, integration.destination, 'n2'));
    await runHourly(world, integration.integrationId);
    const detections = await detectionsOf(integration.integrationId);
    expect(detections.length).toBeGreaterThan(2);

    const hooks = webhook.deliveries.slice(before.webhook);
    expect(hooks).toHaveLength(1);
    const digest = JSON.parse(hooks[0].body);
    expect(verifyDelivery(hooks[0].body, hooks[0].headers, [receiverSecret('whsec-stark-2')])).toMatchObject({ type: 'digest' });
    expect(() => verifyDelivery(hooks[0].body, hooks[0].headers, [receiverSecret('whsec-stark')])).toThrow(/No matching signature/);
    expect(hooks[0].headers['webhook-id']).toMatch(/^oort-digest-run-\d+-channel-\d+$/);
    // The deprecated body-only signature is still sent for one release.
    expect(verifySignature(hooks[0].body, 'whsec-stark-2', hooks[0].headers['x-oort-signature'] as string)).toBe(true);
    expect(digest).toMatchObject({ type: 'digest', integration_id: integration.integrationId, detection_count: detections.length });
    expect(digest.detections.map((d: { detection_id: number }) => d.detection_id).sort()).toEqual(detections.map((d) => Number(d.id)).sort());

    const slacks = slack.deliveries.slice(before.slack);
    expect(slacks).toHaveLength(1);
    expect(JSON.parse(slacks[0].body).text).toContain(`${detections.length} detections`);

    const [{ sent, digests }] = await world.db.$client`
      select count(*)::int as sent, count(distinct n.digest_id)::int as digests from notifications n
      join detections d on d.id = n.detection_id where d.integration_id = ${integration.integrationId} and n.status = 'sent'`;
    expect(sent).toBe(detections.length * 2);
    expect(digests).toBe(2);

    await runHourly(world, integration.integrationId);
    expect(webhook.rejected).toEqual([]);
    expect(webhook.deliveries.length - before.webhook).toBe(1);
    expect(slack.deliveries.length - before.slack).toBe(1);
  });
});

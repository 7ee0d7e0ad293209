// The hourly run on the real stack: a queue of simulated Okta deliveries with duplicates, malformed
// bodies and other integrations' envelopes is drained, stored once, quarantined with reasons,
// analysed, and each detection is sent once to a signed webhook.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approximateDepth } from '../../aws/queues.js';
import { verifySignature } from '../../notify/webhook.js';
import {
  buildScenario,
  duplicateDeliveries,
  foreignEnvelopes,
  generateActivity,
  generateOrg,
  malformedBodies,
  publishEnvelopes,
  toEventBridgeEnvelopes,
  type OktaLogEvent,
  type ScenarioInjection,
} from '../../simulator/index.js';
import { createWorld, type World } from '../support/world.js';
import { runHourly, streamingIntegration, type StreamingIntegration } from '../support/fixtures.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const WEBHOOK_SECRET = 'whsec-globex-7d1f0c';
let world: World;
let webhook: WebhookReceiver;

beforeAll(async () => {
  world = await createWorld();
  await world.startWorker();
  webhook = await startWebhookReceiver();
});

afterAll(async () => {
  await webhook?.close();
  await world?.close();
});

/** 5,000 unique events: a benign org's traffic with each attack scenario mixed in. */
function buildStream() {
  const org = generateOrg({ seed: 'hourly-5000', users: 150, orgName: 'globex', logStream: false });
  const day = new Date('2026-11-03T00:00:00Z');
  const benign = generateActivity(org, { seed: 'hourly-5000', start: day, end: new Date(day.getTime() + 4 * 86_400_000) });
  const at = (h: number) => new Date(day.getTime() + h * 3_600_000);
  const scenarios: ScenarioInjection[] = [
    buildScenario(org, 'passwordSpray', { seed: 1, at: at(10) }),
    buildScenario(org, 'mfaPushBombing', { seed: 2, at: at(14) }),
    buildScenario(org, 'adminRoleGranted', { seed: 3, at: at(16), privilege: 'Super administrator' } as never),
    buildScenario(org, 'twoCountriesWithinHour', { seed: 4, at: at(20) }),
    buildScenario(org, 'apiTokenCreated', { seed: 5, at: at(22) }),
    buildScenario(org, 'userReportedSuspicious', { seed: 6, at: at(26) }),
  ];
  const attack = scenarios.flatMap((s) => s.events);
  const events: OktaLogEvent[] = [...benign.slice(0, 5000 - attack.length), ...attack];
  expect(new Set(events.map((e) => e.uuid)).size).toBe(5000);
  return { events, scenarios };
}

describe('hourlyAnalysis', () => {
  let integration: StreamingIntegration;
  let scenarios: ScenarioInjection[];
  let result: Awaited<ReturnType<typeof runHourly>>;

  beforeAll(async () => {
    integration = await streamingIntegration(world, {
      oktaDomain: 'http://127.0.0.1:9',
      oktaOrg: 'globex',
      apiToken: 'ssws-unused-here',
      webhook: { url: webhook.url, secret: WEBHOOK_SECRET },
      // Each detection on its own: digests are tested in notifications.test.ts.
      digestAfter: 1000,
    });
    const stream = buildStream();
    scenarios = stream.scenarios;
    const envelopes = toEventBridgeEnvelopes(stream.events, integration.destination, 'hourly-5000');
    const duplicates = duplicateDeliveries(envelopes, 500, 'dups');
    const malformed = [0, 1, 2, 3].flatMap((i) => malformedBodies(envelopes[100 + i])).slice(0, 20);
    expect(new Set(malformed.map((m) => m.kind)).size).toBe(6);
    const foreign = [0, 1].flatMap((i) => foreignEnvelopes(stream.events[200 + i], integration.destination, `foreign-${i}`));
    expect(foreign).toHaveLength(10);
    // Redeliveries arrive interleaved with the originals, as at-least-once delivery does.
    const bodies = [...envelopes, ...duplicates, ...foreign.map((f) => f.envelope)].map((e) => JSON.stringify(e));
    for (let i = 0; i < duplicates.length; i++) bodies.splice(1000 + i * 7, 0, bodies.pop()!);
    bodies.push(...malformed.map((m) => m.body));
    const published = await publishEnvelopes(world.sqs, integration.queueUrl, bodies, { concurrency: 8 });
    expect(published.failed).toEqual([]);
    expect(published.sent).toBe(5530);

    // The tenant's endpoint is down for the first deliveries: Temporal retries the step.
    webhook.failNext(2);
    result = await runHourly(world, integration.integrationId);
  });

  it('stores exactly the valid unique events and empties the queue', async () => {
    expect(result).toMatchObject({ received: 5530, stored: 5000, duplicates: 500, quarantined: 30, deleted: 5530 });
    const [{ n, distinct }] = await world.db.$client`
      select count(*)::int as n, count(distinct uuid)::int as distinct from events where integration_id = ${integration.integrationId}`;
    expect(n).toBe(5000);
    expect(distinct).toBe(5000);
    expect(await approximateDepth(world.sqs, integration.queueUrl)).toBe(0);
    const [run] = await world.db.$client`select status, received, stored, duplicates, quarantined, deleted from ingest_runs where id = ${result.ingestRunId}`;
    expect(run).toMatchObject({ status: 'completed', received: 5530, stored: 5000, duplicates: 500, quarantined: 30, deleted: 5530 });
  });

  it('quarantines every malformed and foreign message with its reason', async () => {
    const rows = await world.db.$client<{ reason_code: string; reason: string }[]>`
      select reason_code, reason from quarantine where integration_id = ${integration.integrationId}`;
    expect(rows).toHaveLength(30);
    const byCode = new Map<string, number>();
    for (const r of rows) byCode.set(r.reason_code, (byCode.get(r.reason_code) ?? 0) + 1);
    // 20 malformed: the six kinds of the simulator, repeated; 10 foreign: five kinds, twice.
    expect(Object.fromEntries(byCode)).toEqual({
      not_json: 4,
      not_an_object: 4,
      missing_detail: 3,
      missing_uuid: 3,
      wrong_detail_type: 3,
      oversize: 3,
      foreign_source: 6,
      foreign_account: 2,
      foreign_region: 2,
    });
    for (const r of rows) {
      expect(r.reason.length).toBeGreaterThan(15);
      if (r.reason_code.startsWith('foreign_')) expect(r.reason).toMatch(/ is ".*", expected "/);
    }
  });

  it('raises a detection for each injected scenario', async () => {
    const detections = await world.db.$client<{ rule_id: string; subject_user_id: string | null; evidence_uuids: string[] }[]>`
      select rule_id, subject_user_id, evidence_uuids from detections where integration_id = ${integration.integrationId}`;
    const ruleFor: Record<string, string> = {
      passwordSpray: 'okta-password-spray-single-source',
      mfaPushBombing: 'okta-mfa-push-bombing',
      adminRoleGranted: 'okta-admin-role-granted-user',
      twoCountriesWithinHour: 'okta-impossible-travel',
      apiTokenCreated: 'okta-api-token-created',
      userReportedSuspicious: 'okta-user-reported-suspicious',
    };
    for (const s of scenarios) {
      const scenarioUuids = new Set(s.events.map((e) => e.uuid));
      const hits = detections.filter((d) => d.rule_id === ruleFor[s.scenario] && d.evidence_uuids.some((u) => scenarioUuids.has(u)));
      expect(hits, `${s.label} → ${ruleFor[s.scenario]}`).toHaveLength(1);
    }
    expect(result.detections).toBe(detections.length);
  });

  it('sends each detection to the webhook once, signed', async () => {
    const ids = (await world.db.$client<{ id: number }[]>`select id from detections where integration_id = ${integration.integrationId}`).map((r) =>
      Number(r.id),
    );
    expect(webhook.deliveries).toHaveLength(ids.length);
    const delivered = webhook.deliveries.map((d) => {
      expect(verifySignature(d.body, WEBHOOK_SECRET, d.headers['x-oort-signature'] as string)).toBe(true);
      expect(d.headers['idempotency-key']).toMatch(/^oort-detection-\d+-channel-\d+$/);
      const body = JSON.parse(d.body);
      expect(body).toMatchObject({ integration_id: integration.integrationId, severity: expect.any(String), title: expect.any(String) });
      expect(body.evidence_event_uuids.length).toBeGreaterThan(0);
      return body.detection_id as number;
    });
    expect(delivered.sort()).toEqual(ids.sort());
    const [{ sent }] = await world.db.$client`
      select count(*)::int as sent from notifications n join detections d on d.id = n.detection_id
      where d.integration_id = ${integration.integrationId} and n.status = 'sent'`;
    expect(sent).toBe(ids.length);
    const [{ retried }] = await world.db.$client`
      select count(*)::int as retried from notifications n join detections d on d.id = n.detection_id
      where d.integration_id = ${integration.integrationId} and n.attempts > 1`;
    expect(retried).toBeGreaterThan(0);
  });

  it('changes nothing when the hour is run again', async () => {
    const before = await world.db.$client`select count(*)::int as n from detections where integration_id = ${integration.integrationId}`;
    const again = await runHourly(world, integration.integrationId);
    expect(again).toMatchObject({ received: 0, stored: 0, detections: 0, notificationsSent: 0 });
    const after = await world.db.$client`select count(*)::int as n from detections where integration_id = ${integration.integrationId}`;
    expect(after[0].n).toBe(before[0].n);
  });
});

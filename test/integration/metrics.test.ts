// The worker's Prometheus endpoint on the real stack: after one hourly run over a small queue (with
// redeliveries, malformed and foreign messages, two attacks and a webhook that fails twice), one
// scrape shows the pipeline's metrics for that integration, equal to the rows the run wrote, and
// the Temporal runtime's own metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildScenario,
  duplicateDeliveries,
  foreignEnvelopes,
  generateOrg,
  malformedBodies,
  publishEnvelopes,
  toEventBridgeEnvelopes,
  type OktaLogEvent,
} from '../../simulator/index.js';
import { recentTraffic } from '../support/traffic.js';
import { createWorld, type World } from '../support/world.js';
import { runHourly, streamingIntegration, type StreamingIntegration } from '../support/fixtures.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { byLabel, parseExposition, select, value, type Sample } from '../support/prometheus.js';

const DUPLICATES = 7;
let world: World;
let webhook: WebhookReceiver;

beforeAll(async () => {
  world = await createWorld({}, { metrics: true });
  await world.startWorker();
  webhook = await startWebhookReceiver();
});

afterAll(async () => {
  await webhook?.close();
  await world?.close();
});

/** A day of an org's traffic ending 20 minutes ago (re-timed: the generator is quiet on weekend nights), with an API token and a Super administrator grant. */
function buildStream(): OktaLogEvent[] {
  const now = Date.now();
  const org = generateOrg({ seed: 'metrics', users: 25, orgName: 'initech', logStream: false, asOf: new Date(now) });
  const benign = recentTraffic(org, 'metrics', 60, 24 * 60, 20);
  const attacks = [
    buildScenario(org, 'apiTokenCreated', { seed: 1, at: new Date(now - 2 * 3_600_000) }),
    buildScenario(org, 'adminRoleGranted', { seed: 2, at: new Date(now - 3_600_000), privilege: 'Super administrator' } as never),
  ].flatMap((s) => s.events);
  return [...benign, ...attacks];
}

describe('metrics endpoint', () => {
  let integration: StreamingIntegration;
  let events: OktaLogEvent[];
  let samples: Sample[];
  let scrapedFrom: number;
  let scrapedTo: number;

  beforeAll(async () => {
    integration = await streamingIntegration(world, {
      oktaDomain: 'http://127.0.0.1:9',
      oktaOrg: 'initech',
      apiToken: 'ssws-unused-here',
      webhook: { url: webhook.url, secret: 'whsec-initech' },
      digestAfter: 1000,
    });
    events = buildStream();
    const envelopes = toEventBridgeEnvelopes(events, integration.destination, 'metrics');
    const bodies = [
      ...envelopes,
      ...duplicateDeliveries(envelopes, DUPLICATES, 'metrics-dups'),
      ...foreignEnvelopes(events[10], integration.destination, 'metrics-foreign').map((f) => f.envelope),
    ].map((e) => JSON.stringify(e));
    bodies.push(...malformedBodies(envelopes[20]).map((m) => m.body));
    const published = await publishEnvelopes(world.sqs, integration.queueUrl, bodies, { concurrency: 4 });
    expect(published.failed).toEqual([]);

    webhook.failNext(2);
    const result = await runHourly(world, integration.integrationId);
    expect(result).toMatchObject({ stored: events.length, duplicates: DUPLICATES });
    expect(result.detections).toBeGreaterThanOrEqual(2);

    scrapedFrom = Date.now();
    const res = await fetch(world.worker!.metricsUrl!);
    scrapedTo = Date.now();
    expect(res.status).toBe(200);
    samples = parseExposition(await res.text());
  });

  const ours = () => ({ integration_id: integration.integrationId });

  it('counts the stored and duplicate events of the integration', () => {
    expect(value(samples, 'oort_okta_events_stored_total', ours())).toBe(events.length);
    expect(value(samples, 'oort_okta_events_duplicate_total', ours())).toBe(DUPLICATES);
  });

  it('counts quarantined messages per reason, as the quarantine table has them', async () => {
    const rows = await world.db.$client<{ reason_code: string; n: number }[]>`
      select reason_code, count(*)::int as n from quarantine where integration_id = ${integration.integrationId} group by 1`;
    const expected = Object.fromEntries(rows.map((r) => [r.reason_code, r.n]));
    // Six malformed kinds and five foreign envelopes.
    expect(Object.values(expected).reduce((a, b) => a + b, 0)).toBe(11);
    expect(byLabel(samples, 'oort_okta_events_quarantined_total', 'reason', ours())).toEqual(expected);
  });

  it('counts the detections created per severity, as the detections table has them', async () => {
    const rows = await world.db.$client<{ severity: string; n: number }[]>`
      select severity::text as severity, count(*)::int as n from detections where integration_id = ${integration.integrationId} group by 1`;
    const bySeverity = byLabel(samples, 'oort_okta_detections_created_total', 'severity', ours());
    expect(bySeverity).toEqual(Object.fromEntries(rows.map((r) => [r.severity, r.n])));
    expect(bySeverity.medium).toBeGreaterThanOrEqual(1);
    expect(bySeverity.critical).toBeGreaterThanOrEqual(1);
  });

  it('counts the failed webhook deliveries', async () => {
    expect(byLabel(samples, 'oort_okta_notification_failures_total', 'channel', ours())).toEqual({ webhook: 2 });
    const [{ failures }] = await world.db.$client<{ failures: number }[]>`
      select coalesce(sum(n.attempts - 1), 0)::int as failures from notifications n join detections d on d.id = n.detection_id
      where d.integration_id = ${integration.integrationId} and n.status = 'sent'`;
    expect(failures).toBe(2);
  });

  it('reports the ingest lag from the newest stored event', () => {
    const newest = Math.max(...events.map((e) => Date.parse(e.published)));
    const lag = value(samples, 'oort_okta_ingest_lag_seconds', ours());
    expect(lag).toBeGreaterThanOrEqual((scrapedFrom - newest) / 1000);
    expect(lag).toBeLessThanOrEqual((scrapedTo - newest) / 1000);
  });

  it("includes the Temporal runtime's metrics for this worker's task queue", () => {
    const taskQueue = { task_queue: world.config.TEMPORAL_TASK_QUEUE };
    expect(select(samples, 'temporal_worker_task_slots_available', { ...taskQueue, worker_type: 'ActivityWorker' }).length).toBe(1);
    // The run's one hourlyAnalysis workflow completed on this worker.
    expect(value(samples, 'temporal_workflow_completed', { ...taskQueue, workflow_type: 'hourlyAnalysis' })).toBe(1);
  });
});

// The pipeline's metrics after the record* calls, and the /metrics endpoint joining them with a
// Temporal runtime exporter (here a plain HTTP server speaking the exposition format).
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.js';
import {
  recordBatch,
  recordDetections,
  recordDeadLetterDepth,
  recordDrain,
  recordNotificationFailure,
  registry,
  startMetricsServer,
} from '../../lib/metrics.js';
import { freeLoopbackPort } from '../../lib/ports.js';
import { byLabel, parseExposition, value } from '../support/prometheus.js';

const log = createLogger('silent');
const newId = () => `int-${randomBytes(4).toString('hex')}`;
const scrape = async () => parseExposition(await registry.metrics());

describe('pipeline metrics', () => {
  it('adds up the batches of an integration, per quarantine reason', async () => {
    const id = newId();
    recordBatch(id, { stored: 40, duplicates: 3, quarantinedByReason: { not_json: 2, foreign_source: 1 } });
    recordBatch(id, { stored: 10, duplicates: 0, quarantinedByReason: { not_json: 1, oversize: 0 } });
    recordBatch(newId(), { stored: 7, duplicates: 7, quarantinedByReason: { not_json: 9 } });
    const s = await scrape();
    expect(value(s, 'oort_okta_events_stored_total', { integration_id: id })).toBe(50);
    expect(value(s, 'oort_okta_events_duplicate_total', { integration_id: id })).toBe(3);
    // A reason with no messages has no series.
    expect(byLabel(s, 'oort_okta_events_quarantined_total', 'reason', { integration_id: id })).toEqual({ not_json: 3, foreign_source: 1 });
  });

  it('has the stored and duplicate series at 0 after an empty batch', async () => {
    const id = newId();
    recordBatch(id, { stored: 0, duplicates: 0, quarantinedByReason: {} });
    const s = await scrape();
    expect(value(s, 'oort_okta_events_stored_total', { integration_id: id })).toBe(0);
    expect(value(s, 'oort_okta_events_duplicate_total', { integration_id: id })).toBe(0);
  });

  it('counts detections per severity and notification failures per channel kind', async () => {
    const id = newId();
    recordDetections(id, [{ severity: 'high', n: 2 }, { severity: 'critical', n: 1 }, { severity: 'low', n: 0 }]);
    recordDetections(id, [{ severity: 'high', n: 1 }]);
    recordNotificationFailure(id, 'webhook');
    recordNotificationFailure(id, 'webhook');
    recordNotificationFailure(id, 'slack');
    const s = await scrape();
    expect(byLabel(s, 'oort_okta_detections_created_total', 'severity', { integration_id: id })).toEqual({ high: 3, critical: 1 });
    expect(byLabel(s, 'oort_okta_notification_failures_total', 'channel', { integration_id: id })).toEqual({ webhook: 2, slack: 1 });
  });

  it('measures the ingest lag from the newest stored event at scrape time', async () => {
    const id = newId();
    const newest = new Date(Date.now() - 90_000);
    recordDrain(id, new Date(Date.now() - 3_600_000));
    // Only stored events move it: a batch of duplicates says nothing about what arrived.
    recordBatch(id, { stored: 0, duplicates: 5, quarantinedByReason: {}, newestPublished: new Date() });
    recordBatch(id, { stored: 1, duplicates: 0, quarantinedByReason: {}, newestPublished: newest.toISOString() });
    // An older value read from the database never moves it back.
    recordDrain(id, new Date(Date.now() - 7_200_000));
    const before = Date.now();
    const first = value(await scrape(), 'oort_okta_ingest_lag_seconds', { integration_id: id })!;
    expect(first).toBeGreaterThanOrEqual((before - newest.getTime()) / 1000);
    expect(first).toBeLessThan((Date.now() - newest.getTime()) / 1000 + 0.001);
    await new Promise((r) => setTimeout(r, 1_100));
    expect(value(await scrape(), 'oort_okta_ingest_lag_seconds', { integration_id: id })! - first).toBeGreaterThanOrEqual(1);
  });

  it('never reports a negative lag: an event dated in the future counts as arriving now, and the lag grows from there', async () => {
    const id = newId();
    recordBatch(id, { stored: 1, duplicates: 0, quarantinedByReason: {}, newestPublished: new Date(Date.now() + 3_600_000) });
    recordDrain(id, new Date(Date.now() + 86_400_000).toISOString());
    const first = value(await scrape(), 'oort_okta_ingest_lag_seconds', { integration_id: id })!;
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(1);
    await new Promise((r) => setTimeout(r, 1_100));
    expect(value(await scrape(), 'oort_okta_ingest_lag_seconds', { integration_id: id })!).toBeGreaterThanOrEqual(1);
  });

  it('sets the dead-letter depth per integration to the latest measurement', async () => {
    const id = newId();
    recordDeadLetterDepth(id, 4);
    expect(value(await scrape(), 'oort_okta_dead_letter_messages', { integration_id: id })).toBe(4);
    recordDeadLetterDepth(id, 0);
    expect(value(await scrape(), 'oort_okta_dead_letter_messages', { integration_id: id })).toBe(0);
  });

  it('has no lag for an integration it knows nothing about', async () => {
    const id = newId();
    recordDrain(id, null);
    expect(value(await scrape(), 'oort_okta_ingest_lag_seconds', { integration_id: id })).toBeUndefined();
  });
});

describe('metrics endpoint', () => {
  const servers: Array<{ close(): Promise<void> | void }> = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  async function fakeCore(body: string): Promise<string> {
    const server: Server = createServer((req, res) => {
      if (req.url === '/metrics') res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push({ close: () => new Promise<void>((r) => server.close(() => r())) });
    const addr = server.address();
    return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/metrics`;
  }

  it('serves the registry followed by the Temporal runtime metrics in one scrape', async () => {
    const id = newId();
    recordBatch(id, { stored: 12, duplicates: 1, quarantinedByReason: { missing_uuid: 2 } });
    const coreMetricsUrl = await fakeCore(
      '# HELP temporal_worker_task_slots_available x\n# TYPE temporal_worker_task_slots_available gauge\ntemporal_worker_task_slots_available{task_queue="q"} 20\n',
    );
    const server = await startMetricsServer({ host: '127.0.0.1', port: await freeLoopbackPort(), coreMetricsUrl, log });
    servers.push(server);
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const s = parseExposition(await res.text());
    expect(value(s, 'oort_okta_events_stored_total', { integration_id: id })).toBe(12);
    expect(value(s, 'oort_okta_events_quarantined_total', { integration_id: id, reason: 'missing_uuid' })).toBe(2);
    expect(value(s, 'temporal_worker_task_slots_available', { task_queue: 'q' })).toBe(20);
    // Node.js process metrics come with the endpoint.
    expect(s.some((x) => x.name === 'process_resident_memory_bytes')).toBe(true);
    expect((await fetch(server.url.replace('/metrics', '/other'))).status).toBe(404);
  });

  it("still serves the pipeline's metrics when the runtime exporter does not answer", async () => {
    const id = newId();
    recordNotificationFailure(id, 'slack');
    const server = await startMetricsServer({
      host: '127.0.0.1',
      port: await freeLoopbackPort(),
      coreMetricsUrl: `http://127.0.0.1:${await freeLoopbackPort()}/metrics`,
      log,
    });
    servers.push(server);
    const text = await (await fetch(server.url)).text();
    expect(text).toMatch(/^# Temporal runtime metrics unavailable: /m);
    expect(value(parseExposition(text), 'oort_okta_notification_failures_total', { integration_id: id, channel: 'slack' })).toBe(1);
  });

  it('refuses to start on a port that is taken', async () => {
    const first = await startMetricsServer({ host: '127.0.0.1', port: await freeLoopbackPort(), log });
    servers.push(first);
    const port = Number(new URL(first.url).port);
    await expect(startMetricsServer({ host: '127.0.0.1', port, log })).rejects.toThrow(/EADDRINUSE/);
  });
});

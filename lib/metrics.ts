// The pipeline's Prometheus metrics and the worker's /metrics endpoint. One registry per process:
// domain modules call the record* functions whether or not an endpoint serves them, so a CLI or a
// test that runs the pipeline without an endpoint behaves the same. The endpoint appends the
// Temporal runtime's (Core's) own exporter output, so one scrape gets both.
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from './logger.js';

export const registry = new Registry();

const eventsStored = new Counter({
  name: 'oort_okta_events_stored_total',
  help: 'System Log events stored for the first time (deduplicated on the Okta uuid).',
  labelNames: ['integration_id'],
  registers: [registry],
});

const eventsDuplicate = new Counter({
  name: 'oort_okta_events_duplicate_total',
  help: 'Valid deliveries of an event the integration already had (SQS/EventBridge redeliveries).',
  labelNames: ['integration_id'],
  registers: [registry],
});

const eventsQuarantined = new Counter({
  name: 'oort_okta_events_quarantined_total',
  help: 'Queue messages quarantined instead of stored, by quarantine reason code.',
  labelNames: ['integration_id', 'reason'],
  registers: [registry],
});

const detectionsCreated = new Counter({
  name: 'oort_okta_detections_created_total',
  help: 'Detections opened by hourly runs (matches merged into an open detection are not counted).',
  labelNames: ['integration_id', 'severity'],
  registers: [registry],
});

const notificationFailures = new Counter({
  name: 'oort_okta_notification_failures_total',
  help: 'Failed notification attempts (a single detection or a digest), by channel kind; Temporal retries them.',
  labelNames: ['integration_id', 'channel'],
  registers: [registry],
});

const activityFailures = new Counter({
  name: 'oort_okta_activity_failures_total',
  help: 'Failed activity attempts, by activity and failure type (NonRetryable types end the step; others are retried).',
  labelNames: ['integration_id', 'activity', 'failure', 'retryable'],
  registers: [registry],
});

/** Newest `published` of an event the integration has stored, as known to this process (ms). */
const newestEventAt = new Map<string, number>();

new Gauge({
  name: 'oort_okta_ingest_lag_seconds',
  help:
    'Seconds from the newest stored event\'s Okta `published` time to now (0 when that time is in the future), per integration drained by this process. ' +
    'Grows while no event arrives, whether the org is quiet or the stream is broken; take min by (integration_id) across workers.',
  labelNames: ['integration_id'],
  registers: [registry],
  // Computed at scrape time, so the lag keeps growing between hourly drains.
  collect() {
    const now = Date.now();
    // Never negative: an event dated ahead of this clock (Okta's or this host's clock skew) means no lag.
    for (const [integrationId, at] of newestEventAt) this.set({ integration_id: integrationId }, Math.max(0, (now - at) / 1000));
  },
});

const deadLetterMessages = new Gauge({
  name: 'oort_okta_dead_letter_messages',
  help:
    "Messages in the integration's dead-letter queue (visible and in flight), measured after every hourly drain. " +
    'Non-zero means messages were received 10 times without being stored; see `npx oort-okta dlq list <integrationId>`.',
  labelNames: ['integration_id'],
  registers: [registry],
});

export interface BatchFacts {
  stored: number;
  duplicates: number;
  /** Newly quarantined messages per reason code (re-deliveries of a quarantined message excluded). */
  quarantinedByReason: Record<string, number>;
  /** Newest `published` among the batch's valid events, when it has any. */
  newestPublished?: string | Date;
}

/** After a batch is committed (ingest/store-batch.ts). */
export function recordBatch(integrationId: string, facts: BatchFacts): void {
  // Incremented even by 0 so the series exist from the first batch on (rate() needs a start).
  eventsStored.inc({ integration_id: integrationId }, facts.stored);
  eventsDuplicate.inc({ integration_id: integrationId }, facts.duplicates);
  for (const [reason, n] of Object.entries(facts.quarantinedByReason)) {
    if (n > 0) eventsQuarantined.inc({ integration_id: integrationId, reason }, n);
  }
  if (facts.stored > 0 && facts.newestPublished) noteNewestEvent(integrationId, facts.newestPublished);
}

/**
 * After a drain: the newest event the integration had before it (from the database), so the lag is
 * known even when this process stored nothing (a quiet hour, or the first drain after a restart).
 */
export function recordDrain(integrationId: string, newestStoredAt: string | Date | null | undefined): void {
  if (newestStoredAt) noteNewestEvent(integrationId, newestStoredAt);
}

function noteNewestEvent(integrationId: string, at: string | Date): void {
  let ms = new Date(at).getTime();
  if (Number.isNaN(ms)) return;
  // An event dated in the future (clock skew, a bogus `published`) counts as arriving now, so it cannot
  // hold the lag at 0 until that date: the lag then grows from now as for any other event.
  ms = Math.min(ms, Date.now());
  newestEventAt.set(integrationId, Math.max(ms, newestEventAt.get(integrationId) ?? ms));
}

/** Whenever the dead-letter queue's depth is measured (after an hourly drain). */
export function recordDeadLetterDepth(integrationId: string, depth: number): void {
  deadLetterMessages.set({ integration_id: integrationId }, depth);
}

/** After the detection step, with the detections it created per severity. */
export function recordDetections(integrationId: string, created: ReadonlyArray<{ severity: string; n: number }>): void {
  for (const { severity, n } of created) {
    if (n > 0) detectionsCreated.inc({ integration_id: integrationId, severity }, n);
  }
}

/** When one delivery to a channel fails (notify/deliver.ts). */
export function recordNotificationFailure(integrationId: string, channel: string): void {
  notificationFailures.inc({ integration_id: integrationId, channel });
}

/** When an activity attempt fails (workers/activity-interceptor.ts). */
export function recordActivityFailure(integrationId: string, activity: string, failure: string, retryable: boolean): void {
  activityFailures.inc({ integration_id: integrationId, activity, failure, retryable: String(retryable) });
}

export interface MetricsServer {
  /** `http://host:port/metrics` */
  url: string;
  close(): Promise<void>;
}

let defaultMetricsOn = false;

/**
 * Serves GET /metrics: this process's registry (pipeline and Node.js process metrics) followed by
 * Core's Prometheus output fetched from `coreMetricsUrl`. If Core does not answer, the scrape still
 * succeeds with the pipeline's metrics and says why in a comment line.
 */
export async function startMetricsServer(opts: { host: string; port: number; coreMetricsUrl?: string; log: Logger }): Promise<MetricsServer> {
  if (!defaultMetricsOn) {
    defaultMetricsOn = true;
    collectDefaultMetrics({ register: registry });
  }
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || new URL(req.url ?? '/', 'http://metrics').pathname !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('GET /metrics\n');
      return;
    }
    scrape(opts.coreMetricsUrl, opts.log).then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (err: Error) => {
        opts.log.error({ err: err.message }, 'metrics scrape failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(opts.port, opts.host, resolve));
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : opts.port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  opts.log.info({ port, host: opts.host, temporalMetrics: Boolean(opts.coreMetricsUrl) }, 'metrics endpoint listening');
  return {
    url: `http://${host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Scrapers keep connections alive; without this close() waits for them to time out.
        server.closeAllConnections();
      }),
  };
}

async function scrape(coreMetricsUrl: string | undefined, log: Logger): Promise<string> {
  const own = await registry.metrics();
  if (!coreMetricsUrl) return own;
  try {
    const res = await fetch(coreMetricsUrl, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const core = await res.text();
    return `${own.endsWith('\n') ? own : `${own}\n`}${core}`;
  } catch (err) {
    log.warn({ err: (err as Error).message, coreMetricsUrl }, 'Temporal runtime metrics unavailable for this scrape');
    return `${own}\n# Temporal runtime metrics unavailable: ${(err as Error).message.replace(/\s+/g, ' ')}\n`;
  }
}

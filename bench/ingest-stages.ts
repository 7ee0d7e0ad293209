// The measured stages of the ingest benchmark, each returning its figures: (a) envelope bodies to committed
// rows, commitBatch against a raw COPY of the same rows; (b) draining the SQS emulator through drainQueue
// against a bare receive-and-delete loop; (c) whole hourlyAnalysis runs through Temporal. Also the traffic
// they share: deterministic simulated events and their EventBridge envelope bodies.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { parseEnvelope } from '../okta/envelope.js';
import { DEFAULT_DRAIN_OPTIONS, drainQueue, type ReceivedMessage } from '../ingest/drain.js';
import { EVENT_COLUMNS, toEventRow, type EventRow } from '../ingest/store-batch.js';
import type { Database } from '../schema/db.js';
import { ensurePartitions } from '../schema/partitions.js';
import {
  generateActivity,
  generateOrg,
  publishEnvelopes,
  toEventBridgeEnvelopes,
  type EventBridgeDestination,
  type OktaLogEvent,
} from '../simulator/index.js';
import type { HourlyAnalysisResult } from '../workflows/types.js';
import { historyFigures } from './ingest-history.js';
import { rate, stage, threadCpuSecondsSince, timed } from './ingest-measure.js';
import { ORG, ensureTemporal, eventsChecksum, openRun, resetEvents, streamingIntegration, type BenchIntegration, type Stack } from './stack.js';

export const SEED = 'bench-ingest';
export const COMMIT_BATCH = 500;
const START = new Date('2026-03-02T00:00:00Z');
export const DAYS = 14;

// ---------------------------------------------------------------------------------------------
// Simulated traffic

/** N events of one simulated org over two weeks (about 8 per user per day), deterministic. */
export function generateEvents(n: number): { events: OktaLogEvent[]; users: number } {
  let users = Math.max(20, Math.ceil((n / (DAYS * 8)) * 1.1));
  for (;;) {
    const org = generateOrg({ seed: SEED, users, orgName: ORG, domain: `${ORG}.example`, logStream: false });
    const events = generateActivity(org, { seed: SEED, start: START, end: new Date(START.getTime() + DAYS * 86_400_000) });
    if (events.length >= n) return { events: events.slice(0, n), users };
    users = Math.ceil(users * 1.25);
  }
}

export function bodiesFor(events: readonly OktaLogEvent[], destination: EventBridgeDestination, seed: string): string[] {
  return toEventBridgeEnvelopes(events, destination, seed).map((e) => JSON.stringify(e));
}

// ---------------------------------------------------------------------------------------------
// COPY text format

/** COPY text-format field: backslash, newline, carriage return and tab escaped; null as \N. */
function copyField(value: string | null): string {
  if (value === null) return '\\N';
  return value.replace(/[\\\n\r\t]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));
}

/** A text[] literal with every element quoted. */
function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

function copyLine(r: EventRow): string {
  const fields = EVENT_COLUMNS.map((col) => {
    const v = r[col];
    if (v === null || v === undefined) return copyField(null);
    if (Array.isArray(v)) return copyField(arrayLiteral(v));
    return copyField(String(v));
  });
  return `${fields.join('\t')}\n`;
}

async function copyRows(db: Database, rows: readonly EventRow[]): Promise<void> {
  const sql = db.$client;
  const writable = await sql`copy events (${sql(EVENT_COLUMNS as unknown as string[])}) from stdin`.writable();
  function* lines() {
    for (let i = 0; i < rows.length; i += 500) {
      let chunk = '';
      const end = Math.min(rows.length, i + 500);
      for (let j = i; j < end; j++) chunk += copyLine(rows[j]);
      yield chunk;
    }
  }
  await pipeline(Readable.from(lines()), writable);
}

// ---------------------------------------------------------------------------------------------
// Bare SQS receive + delete (the emulator's own rate)

async function bareReceiveDelete(sqs: SQSClient, queueUrl: string, receivers: number, waitTimeSeconds: number) {
  let received = 0;
  let lastDeleteAt = performance.now();
  const loop = async () => {
    for (;;) {
      const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitTimeSeconds }));
      const messages = res.Messages ?? [];
      if (messages.length === 0) return;
      received += messages.length;
      const del = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
      if (del.Failed?.length) throw new Error(`DeleteMessageBatch failed for ${del.Failed.length} entries`);
      lastDeleteAt = performance.now();
    }
  };
  await Promise.all(Array.from({ length: receivers }, loop));
  return { received, lastDeleteAt };
}

async function publish(sqs: SQSClient, queueUrl: string, bodies: readonly string[]) {
  const { value, seconds } = await timed(() => publishEnvelopes(sqs, queueUrl, bodies, { concurrency: 8 }));
  if (value.failed.length > 0 || value.sent !== bodies.length) {
    throw new Error(`publish: sent ${value.sent} of ${bodies.length}, ${value.failed.length} failed (${value.failed[0]?.message ?? ''})`);
  }
  return { sent: value.sent, seconds };
}

// ---------------------------------------------------------------------------------------------
// One hourlyAnalysis run through Temporal

/**
 * One hourlyAnalysis run of `events`. With `arriving`, only half is queued before the run starts; the other half is
 * published while it drains (continuous arrival), so the history can be compared with a run of a full queue.
 */
async function hourlyRun(stack: Stack, events: readonly OktaLogEvent[], label: string, arriving = false) {
  const client = await ensureTemporal(stack);
  const integration = await streamingIntegration(stack, `bench ${label}`);
  const bodies = bodiesFor(events, integration.destination, `${SEED}-${label}`);
  const before = arriving ? bodies.slice(0, Math.floor(bodies.length / 2)) : bodies;
  const during = arriving ? bodies.slice(before.length) : [];
  const published = await publish(stack.sqs, integration.queueUrl, before);
  bodies.length = 0;
  const { value: result, seconds } = await timed(async () => {
    const handle = await client.workflow.start('hourlyAnalysis', {
      taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
      workflowId: `okta-hourly:${integration.integrationId}:bench-${label}`,
      args: [{ integrationId: integration.integrationId }],
    });
    const [res] = await Promise.all([handle.result() as Promise<HourlyAnalysisResult>, during.length ? publish(stack.sqs, integration.queueUrl, during) : undefined]);
    return { res, handle };
  });
  const history = historyFigures(await result.handle.fetchHistory());
  return { events: events.length, publishSeconds: published.seconds, runSeconds: seconds, result: result.res, history };
}

// ---------------------------------------------------------------------------------------------
// The stages

export type ProcessingResult = Awaited<ReturnType<typeof processingStage>>;
export type DrainFigures = Awaited<ReturnType<typeof drainStage>>;
export type HourlyFigures = Awaited<ReturnType<typeof hourlyStage>>[number];

/** (a) `bodies` → committed rows with no SQS: parsing alone, commitBatch, and a raw COPY of the same rows. */
export async function processingStage(stack: Stack, a: BenchIntegration, bodies: readonly string[]) {
  const { db } = stack;
  const messages: ReceivedMessage[] = bodies.map((body, i) => ({ messageId: `bench-${i}`, receiptHandle: `rh-${i}`, body }));
  // The simulated weeks get their partitions, as the daily maintenance gives the weeks of the retention window (the
  // traffic is dated in the past, older than the window: it would otherwise all go to the DEFAULT partition).
  await ensurePartitions(db.$client, 'events', START, new Date(START.getTime() + DAYS * 86_400_000));

  const parseOnly = await timed(async () => {
    let rows = 0;
    for (const m of messages) {
      const p = parseEnvelope(m.body, a.expect);
      if (p.ok) {
        toEventRow(a.integrationId, p.event, JSON.stringify(p.event), 1);
        rows++;
      }
    }
    return rows;
  });

  await resetEvents(db);
  const runA = await openRun(db, a.integrationId, 'a');
  const commit = await stage('a.commitBatch', () =>
    timed(async () => {
      const totals = { received: 0, stored: 0, duplicates: 0, quarantined: 0 };
      // Batches committed as the drain commits them: each in its own transaction, commitsInFlight at once.
      let next = 0;
      const lane = async () => {
        while (next < messages.length) {
          const i = next;
          next += COMMIT_BATCH;
          const c = await stack.batchStore.commit(a.expect, runA, messages.slice(i, i + COMMIT_BATCH));
          totals.received += c.received;
          totals.stored += c.stored;
          totals.duplicates += c.duplicates;
          totals.quarantined += c.quarantined;
        }
      };
      await Promise.all(Array.from({ length: DEFAULT_DRAIN_OPTIONS.commitsInFlight }, lane));
      return totals;
    }),
  );
  const commitSum = await eventsChecksum(db, a.integrationId);

  // The same rows, built outside the timing, then COPY'd into the emptied table.
  const rows: EventRow[] = [];
  for (const m of messages) {
    const p = parseEnvelope(m.body, a.expect);
    if (p.ok) rows.push(toEventRow(a.integrationId, p.event, JSON.stringify(p.event), runA));
  }
  await resetEvents(db);
  const copy = await stage('a.copy', () => timed(() => copyRows(db, rows)));
  rows.length = 0;
  const copySum = await eventsChecksum(db, a.integrationId);
  const sameRows = copySum.n === commitSum.n && copySum.sum === commitSum.sum;

  const commitRate = rate(commit.value.stored, commit.seconds);
  const copyRate = rate(copySum.n, copy.seconds);
  const aFigures = {
    parseRowsPerSec: rate(parseOnly.value, parseOnly.seconds),
    commitBatch: { stored: commit.value.stored, duplicates: commit.value.duplicates, quarantined: commit.value.quarantined, seconds: commit.seconds, eventsPerSec: commitRate },
    copy: { rows: copySum.n, seconds: copy.seconds, eventsPerSec: copyRate },
    ratio: copyRate > 0 ? commitRate / copyRate : 0,
    target: 0.7, // issue 10.4
    identicalRows: sameRows,
  };
  // commitRows is printed only when the checksums differ: it is not part of the JSON summary.
  return { figures: aFigures, commitRows: commitSum.n };
}

/** The integration's queue filled with the bodies and emptied by the bare loop once, untimed (bench/ingest.ts). */
export async function warmQueue(stack: Stack, a: BenchIntegration, bodies: readonly string[]): Promise<void> {
  await publish(stack.sqs, a.queueUrl, bodies);
  await bareReceiveDelete(stack.sqs, a.queueUrl, DEFAULT_DRAIN_OPTIONS.receivers, DEFAULT_DRAIN_OPTIONS.waitTimeSeconds);
}

/** (b) `bodies` published to the emulator, drained by drainQueue + commitBatch, then by a bare receive/delete loop. */
export async function drainStage(stack: Stack, a: BenchIntegration, bodies: readonly string[]) {
  const { db } = stack;
  const bFigures = await stage('b.drain', async () => {
    await resetEvents(db);
    const pub = await publish(stack.sqs, a.queueUrl, bodies);
    const runB = await openRun(db, a.integrationId, 'b');
    let lastDeleteAt = performance.now();
    let deletedSoFar = 0;
    const cpu0 = process.threadCpuUsage();
    const t0 = performance.now();
    const progress = await drainQueue(
      stack.sqs,
      a.queueUrl,
      async (batch) => {
        await stack.batchStore.commit(a.expect, runB, batch);
      },
      { ...DEFAULT_DRAIN_OPTIONS, deleteStored: stack.batchStore.deleterFor(a.queueUrl) },
      (p) => {
        // Progress is also reported after every receive, the final empty long poll included: time the last delete.
        if (p.deleted > deletedSoFar) lastDeleteAt = performance.now();
        deletedSoFar = p.deleted;
      },
    );
    const seconds = (performance.now() - t0) / 1000;
    const threadCpuSeconds = threadCpuSecondsSince(cpu0);
    const [{ n: stored }] = await db.$client<{ n: number }[]>`select count(*)::int as n from events where integration_id = ${a.integrationId}`;
    return { publishPerSec: rate(pub.sent, pub.seconds), received: progress.received, deleted: progress.deleted, stored, seconds, busySeconds: (lastDeleteAt - t0) / 1000, threadCpuSeconds };
  });
  const bare = await stage('b.bare', async () => {
    const pub = await publish(stack.sqs, a.queueUrl, bodies);
    const cpu0 = process.threadCpuUsage();
    const t0 = performance.now();
    const r = await bareReceiveDelete(stack.sqs, a.queueUrl, DEFAULT_DRAIN_OPTIONS.receivers, DEFAULT_DRAIN_OPTIONS.waitTimeSeconds);
    const seconds = (performance.now() - t0) / 1000;
    const threadCpuSeconds = threadCpuSecondsSince(cpu0);
    return { publishPerSec: rate(pub.sent, pub.seconds), received: r.received, seconds, busySeconds: (r.lastDeleteAt - t0) / 1000, threadCpuSeconds };
  });
  const drainRate = rate(bFigures.deleted, bFigures.seconds);
  const bareRate = rate(bare.received, bare.seconds);
  const drainBusyRate = rate(bFigures.deleted, bFigures.busySeconds);
  const bareBusyRate = rate(bare.received, bare.busySeconds);
  const b = {
    publishPerSec: bFigures.publishPerSec,
    drain: { ...bFigures, eventsPerSec: drainRate, eventsPerSecExclTail: drainBusyRate },
    bare: { ...bare, eventsPerSec: bareRate, eventsPerSecExclTail: bareBusyRate },
    ratio: bareRate > 0 ? drainRate / bareRate : 0,
    ratioExclTail: bareBusyRate > 0 ? drainBusyRate / bareBusyRate : 0,
    target: 0.9, // issue 10.4
  };
  return b;
}

/**
 * (c) Three hourlyAnalysis runs through Temporal, each on a fresh integration: a tenth of `events`, all of them, and all
 * of them with half arriving while the run drains.
 */
export async function hourlyStage(stack: Stack, events: readonly OktaLogEvent[]) {
  const small = Math.max(1, Math.floor(events.length / 10));
  const cSmall = await stage('c.hourly N/10', () => hourlyRun(stack, events.slice(0, small), 'small'));
  const cFull = await stage('c.hourly N', () => hourlyRun(stack, events, 'full'));
  const cArriving = await stage('c.hourly N arriving', () => hourlyRun(stack, events, 'arriving', true));
  const c = [cSmall, cFull, cArriving].map((r) => ({
    events: r.events,
    stored: r.result.stored,
    received: r.result.received,
    detections: r.result.detections,
    runSeconds: r.runSeconds,
    eventsPerSec: rate(r.result.received, r.runSeconds),
    historyEvents: r.history.events,
    largestPayloadBytes: r.history.largestPayloadBytes,
    largestPayloadAt: r.history.largestPayloadAt,
    totalPayloadBytes: r.history.totalPayloadBytes,
    historyJsonBytes: r.history.historyJsonBytes,
    activitySeconds: r.history.activitySeconds,
  }));
  return c;
}

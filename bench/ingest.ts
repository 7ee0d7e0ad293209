// Ingestion benchmark (prints figures; asserts nothing). Brings up its own stack like the tests do:
// a fresh PostgreSQL database (dropped at the end), the fauxqs SQS emulator in process, and for part
// (c) the Temporal dev server plus an in-process worker. See bench/README.md for what each figure means.
//
//   npm run bench:ingest -- --events 100000
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { createIntegration } from '../integrations/create.js';
import { envelopeExpectation, getIntegration } from '../integrations/repository.js';
import { loadConfig, type Config } from '../lib/config.js';
import { createLogger } from '../lib/logger.js';
import { generateSecretKey, parseSecretKey } from '../lib/secrets.js';
import { createSqsClient } from '../lib/sqs.js';
import { parseEnvelope, type EnvelopeExpectation } from '../okta/envelope.js';
import { DEFAULT_DRAIN_OPTIONS, drainQueue, type ReceivedMessage } from '../pipeline/drain.js';
import { createIntegrationQueues } from '../pipeline/queue.js';
import { commitBatch, EVENT_COLUMNS, toEventRow, type EventRow } from '../pipeline/store-batch.js';
import { closeDatabase, connectDatabase, type Database } from '../schema/db.js';
import { applyMigrations } from '../schema/migrate.js';
import {
  generateActivity,
  generateOrg,
  publishEnvelopes,
  toEventBridgeEnvelopes,
  type EventBridgeDestination,
  type OktaLogEvent,
} from '../simulator/index.js';
import { startWorker, type RunningWorker } from '../workers/worker.js';
import { dropDatabase, ensureDatabase } from '../workers/local-stack/postgres.js';
import { startSqsEmulator, type SqsEmulator } from '../workers/local-stack/sqs-emulator.js';
import { ensureTemporalCli, startTemporalDevServer, type TemporalDevServer } from '../workers/local-stack/temporal-cli.js';
import type { HourlyAnalysisResult } from '../workflows/types.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SEED = 'bench-ingest';
const ORG = 'initech';
const COMMIT_BATCH = 500;
const START = new Date('2026-03-02T00:00:00Z');
const DAYS = 14;

// ---------------------------------------------------------------------------------------------
// Arguments, output helpers, RSS sampling

function parseEventsArg(): number {
  const { values } = parseArgs({ options: { events: { type: 'string', short: 'n' } }, allowPositionals: true, strict: false });
  const raw = values.events;
  if (raw === undefined || raw === true) return 100_000;
  const n = Number(String(raw).replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 100) throw new Error(`--events must be an integer ≥ 100 (got ${String(raw)}).`);
  return n;
}

const log = (line = '') => process.stdout.write(`${line}\n`);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mb = (bytes: number) => Math.round(bytes / (1024 * 1024));
const row = (label: string, value: string, note = '') => log(`  ${label.padEnd(46)} ${value.padStart(16)}${note ? `  ${note}` : ''}`);

interface StageMemory {
  startMb: number;
  peakMb: number;
}
const memory: Record<string, StageMemory> = {};

/** CPU used during a stage, in % of one core: this process, PostgreSQL and Temporal server processes, everything else. */
interface StageCpu {
  bench: number;
  postgres: number;
  temporal: number;
  other: number;
}
const cpuByStage: Record<string, StageCpu> = {};
const TICK_MS = 10; // Linux USER_HZ = 100

interface CpuSnapshot {
  at: number;
  own: number;
  machineBusyMs: number | undefined;
  byName: Record<'postgres' | 'temporal', number>;
}

/** Machine-wide and per-process CPU from /proc (Linux); elsewhere only this process is measured. */
function cpuSnapshot(): CpuSnapshot {
  const own = process.cpuUsage();
  const snap: CpuSnapshot = { at: performance.now(), own: (own.user + own.system) / 1000, machineBusyMs: undefined, byName: { postgres: 0, temporal: 0 } };
  try {
    const [cpuLine] = readFileSync('/proc/stat', 'utf8').split('\n');
    const f = cpuLine.trim().split(/\s+/).slice(1).map(Number);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    snap.machineBusyMs = (total - f[3] - f[4]) * TICK_MS;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue;
      }
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const key = comm.startsWith('postgres') ? 'postgres' : comm === 'temporal' ? 'temporal' : undefined;
      if (!key) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      snap.byName[key] += (Number(fields[11]) + Number(fields[12])) * TICK_MS;
    }
  } catch {
    // not Linux
  }
  return snap;
}

function cpuBetween(a: CpuSnapshot, b: CpuSnapshot): StageCpu {
  const wall = b.at - a.at;
  const pct = (ms: number) => (wall > 0 ? Math.max(0, Math.round((ms / wall) * 100)) : 0);
  const own = b.own - a.own;
  const pg = b.byName.postgres - a.byName.postgres;
  const tp = b.byName.temporal - a.byName.temporal;
  const busy = a.machineBusyMs !== undefined && b.machineBusyMs !== undefined ? b.machineBusyMs - a.machineBusyMs : own + pg + tp;
  return { bench: pct(own), postgres: pct(pg), temporal: pct(tp), other: pct(busy - own - pg - tp) };
}
let currentStage: string | undefined;

function sampleRss(): void {
  if (!currentStage) return;
  const rss = mb(process.memoryUsage().rss);
  const m = memory[currentStage];
  if (rss > m.peakMb) m.peakMb = rss;
}
const sampler = setInterval(sampleRss, 200);
sampler.unref();

async function stage<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const rss = mb(process.memoryUsage().rss);
  memory[name] = { startMb: rss, peakMb: rss };
  currentStage = name;
  const cpu0 = cpuSnapshot();
  try {
    return await fn();
  } finally {
    sampleRss();
    cpuByStage[name] = cpuBetween(cpu0, cpuSnapshot());
    currentStage = undefined;
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

const rate = (n: number, seconds: number) => (seconds > 0 ? n / seconds : 0);

// ---------------------------------------------------------------------------------------------
// Simulated traffic

/** N events of one simulated org over two weeks (about 8 per user per day), deterministic. */
function generateEvents(n: number): { events: OktaLogEvent[]; users: number } {
  let users = Math.max(20, Math.ceil((n / (DAYS * 8)) * 1.1));
  for (;;) {
    const org = generateOrg({ seed: SEED, users, orgName: ORG, domain: `${ORG}.example`, logStream: false });
    const events = generateActivity(org, { seed: SEED, start: START, end: new Date(START.getTime() + DAYS * 86_400_000) });
    if (events.length >= n) return { events: events.slice(0, n), users };
    users = Math.ceil(users * 1.25);
  }
}

function bodiesFor(events: readonly OktaLogEvent[], destination: EventBridgeDestination, seed: string): string[] {
  return toEventBridgeEnvelopes(events, destination, seed).map((e) => JSON.stringify(e));
}

// ---------------------------------------------------------------------------------------------
// The stack

interface Stack {
  config: Config;
  databaseUrl: string;
  db: Database;
  sqs: SQSClient;
  emulator: SqsEmulator;
  secretKey: Buffer;
  temporal?: TemporalDevServer;
  worker?: RunningWorker;
  connection?: Connection;
}

interface BenchIntegration {
  integrationId: string;
  queueUrl: string;
  destination: EventBridgeDestination;
  expect: EnvelopeExpectation & { integrationId: string };
}

/** An integration that is already streaming, with its queues (as test/support/fixtures.ts does). */
async function streamingIntegration(stack: Stack, name: string): Promise<BenchIntegration> {
  const { integrationId } = await createIntegration(stack.db, stack.secretKey, {
    tenantId: 'bench',
    name,
    oktaDomain: `${ORG}.okta.com`,
    oktaOrg: ORG,
    apiToken: 'ssws-unused-in-bench',
    awsAccountId: stack.config.awsAccountId,
  });
  const { queueUrl, deadLetterQueueUrl } = await createIntegrationQueues(stack.sqs, integrationId, {
    prefix: stack.config.SQS_QUEUE_PREFIX,
    visibilityTimeoutSeconds: stack.config.SQS_VISIBILITY_TIMEOUT_SECONDS,
  });
  await stack.db.$client`
    update integrations set status = 'streaming', queue_url = ${queueUrl}, dead_letter_queue_url = ${deadLetterQueueUrl}
    where id = ${integrationId}`;
  const row = await getIntegration(stack.db, integrationId);
  return {
    integrationId,
    queueUrl,
    destination: { oktaOrg: ORG, eventSourceName: integrationId, account: stack.config.awsAccountId, region: stack.config.AWS_REGION },
    expect: { ...envelopeExpectation(row), integrationId },
  };
}

async function openRun(db: Database, integrationId: string, label: string): Promise<number> {
  const [r] = await db.$client<{ id: string }[]>`
    insert into ingest_runs (integration_id, workflow_id, workflow_run_id)
    values (${integrationId}, ${`bench:${label}`}, ${`bench:${label}:${randomBytes(4).toString('hex')}`})
    returning id`;
  return Number(r.id);
}

/** Empties `events` and checkpoints, so every timed insert starts from the same state. */
async function resetEvents(db: Database): Promise<void> {
  await db.$client`truncate events`;
  try {
    await db.$client`checkpoint`;
  } catch {
    // not allowed for this role: measurements are just noisier
  }
}

async function eventsChecksum(db: Database, integrationId: string): Promise<{ n: number; sum: string }> {
  const [r] = await db.$client<{ n: number; sum: string }[]>`
    select count(*)::int as n, coalesce(sum(hashtext(concat_ws('|', uuid, published::text, event_type, severity, actor_id,
      actor_alternate_id, actor_type, target_ids::text, target_user_ids::text, outcome_result, outcome_reason, client_ip,
      country, city, session_id, root_session_id, raw::text, ingest_run_id::text))::bigint), 0)::text as sum
    from events where integration_id = ${integrationId}`;
  return r;
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
// Temporal history

interface HistoryFigures {
  events: number;
  largestPayloadBytes: number;
  largestPayloadAt: string;
  totalPayloadBytes: number;
  historyJsonBytes: number;
  /** Scheduled → completed, per activity, in seconds. */
  activitySeconds: Record<string, number>;
}

function historyFigures(history: Parameters<typeof historyToJSON>[0]): HistoryFigures {
  const json = historyToJSON(history);
  const parsed = JSON.parse(json) as { events?: Array<Record<string, unknown>> };
  const figures: HistoryFigures = {
    events: parsed.events?.length ?? 0,
    largestPayloadBytes: 0,
    largestPayloadAt: '-',
    totalPayloadBytes: 0,
    historyJsonBytes: Buffer.byteLength(json),
    activitySeconds: {},
  };
  const scheduled = new Map<string, { name: string; at: number }>();
  for (const e of parsed.events ?? []) {
    const attrs = e.activityTaskScheduledEventAttributes as { activityType?: { name?: string } } | undefined;
    if (attrs) scheduled.set(String(e.eventId), { name: attrs.activityType?.name ?? '?', at: Date.parse(String(e.eventTime)) });
    const done = e.activityTaskCompletedEventAttributes as { scheduledEventId?: string } | undefined;
    const from = done && scheduled.get(String(done.scheduledEventId));
    if (from) figures.activitySeconds[from.name] = (Date.parse(String(e.eventTime)) - from.at) / 1000;
  }
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item, where);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const obj = node as Record<string, unknown>;
    // A Payload: { metadata: { encoding: … }, data: base64 }.
    if (typeof obj.metadata === 'object' && obj.metadata !== null && 'data' in obj) {
      const size = typeof obj.data === 'string' ? Buffer.from(obj.data, 'base64').length : 0;
      figures.totalPayloadBytes += size;
      if (size > figures.largestPayloadBytes) {
        figures.largestPayloadBytes = size;
        figures.largestPayloadAt = where;
      }
      return;
    }
    for (const value of Object.values(obj)) walk(value, where);
  };
  for (const event of parsed.events ?? []) {
    const kind = String(event.eventType ?? '?').replace(/^EVENT_TYPE_/, '');
    walk(event, `#${event.eventId ?? '?'} ${kind}`);
  }
  return figures;
}

async function ensureTemporal(stack: Stack): Promise<Client> {
  if (!stack.temporal) {
    const cliPath = await ensureTemporalCli(ROOT, (line) => log(`  ${line}`));
    stack.temporal = await startTemporalDevServer({ cliPath });
    stack.config = loadConfig({ ...benchEnv(stack), TEMPORAL_ADDRESS: stack.temporal.address });
    stack.worker = await startWorker(stack.config, createLogger('silent'));
    stack.connection = await Connection.connect({ address: stack.temporal.address });
  }
  return new Client({ connection: stack.connection! });
}

async function hourlyRun(stack: Stack, events: readonly OktaLogEvent[], label: string) {
  const client = await ensureTemporal(stack);
  const integration = await streamingIntegration(stack, `bench ${label}`);
  const bodies = bodiesFor(events, integration.destination, `${SEED}-${label}`);
  const published = await publish(stack.sqs, integration.queueUrl, bodies);
  bodies.length = 0;
  const { value: result, seconds } = await timed(async () => {
    const handle = await client.workflow.start('hourlyAnalysis', {
      taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
      workflowId: `okta-hourly:${integration.integrationId}:bench-${label}`,
      args: [{ integrationId: integration.integrationId }],
    });
    const res = (await handle.result()) as HourlyAnalysisResult;
    return { res, handle };
  });
  const history = historyFigures(await result.handle.fetchHistory());
  return { events: events.length, publishSeconds: published.seconds, runSeconds: seconds, result: result.res, history };
}

// ---------------------------------------------------------------------------------------------

let envBase: Record<string, string> = {};
function benchEnv(stack: Pick<Stack, 'databaseUrl' | 'emulator'>): Record<string, string> {
  return { ...envBase, DATABASE_URL: stack.databaseUrl, SQS_ENDPOINT: stack.emulator.endpoint };
}

async function main() {
  const n = parseEventsArg();
  const started = Date.now();
  const suffix = randomBytes(4).toString('hex');
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/oort_okta_bench_${suffix}`;
  const databaseUrl = base.toString();
  envBase = {
    TEMPORAL_TASK_QUEUE: `bench-${suffix}`,
    SQS_QUEUE_PREFIX: `bench-${suffix}-`,
    OORT_SECRET_KEY: generateSecretKey(),
    LOG_LEVEL: 'silent',
    // No metrics endpoint: it would collide with a running `npm start` on 9464.
    METRICS_PORT: '0',
  };

  const cpus = os.cpus();
  const machine = {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    postgres: '',
  };

  log(`oort-okta ingest benchmark: ${fmt(n)} events`);
  log(`  machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, ${machine.platform}, Node ${machine.node}`);
  log(`  load average at start: ${fmt(os.loadavg()[0], 2)} (1 min), ${fmt(os.loadavg()[1], 2)} (5 min)`);

  // --- stack ---
  const emulator = await startSqsEmulator();
  await ensureDatabase(databaseUrl);
  const partial = { databaseUrl, emulator };
  const config = loadConfig(benchEnv(partial));
  const db = connectDatabase(databaseUrl, { max: 10 });
  const stack: Stack = { config, databaseUrl, db, emulator, sqs: createSqsClient(config), secretKey: parseSecretKey(config.OORT_SECRET_KEY) };

  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    await stack.worker?.shutdown().catch(() => {});
    await stack.connection?.close().catch(() => {});
    await stack.temporal?.stop().catch(() => {});
    stack.sqs.destroy();
    await emulator.stop().catch(() => {});
    await closeDatabase(db).catch(() => {});
    await dropDatabase(databaseUrl).catch((err) => log(`  could not drop ${base.pathname.slice(1)}: ${String(err)}`));
  };
  process.once('SIGINT', () => {
    log('\ninterrupted: cleaning up…');
    void cleanup().finally(() => process.exit(130));
  });

  try {
    await applyMigrations(db);
    const [pg] = await db.$client<{ version: string; sc: string; sb: string; tc: string }[]>`
      select current_setting('server_version') as version, current_setting('synchronous_commit') as sc,
             current_setting('shared_buffers') as sb, current_setting('default_toast_compression') as tc`;
    const [raw] = await db.$client<{ c: string | null }[]>`
      select attcompression::text as c from pg_attribute where attrelid = 'events'::regclass and attname = 'raw'`;
    machine.postgres = pg.version;
    log(`  postgres ${pg.version}: synchronous_commit=${pg.sc}, shared_buffers=${pg.sb}, events.raw compression=${raw?.c === 'l' ? 'lz4' : raw?.c === 'p' ? 'pglz' : `default (${pg.tc})`}`);

    // --- generate ---
    const gen = await stage('generate', async () => timed(async () => generateEvents(n)));
    const events = gen.value.events;
    log(`  generated ${fmt(events.length)} events (${gen.value.users} users × ${DAYS} days, seed "${SEED}") in ${fmt(gen.seconds, 1)} s`);

    const a = await streamingIntegration(stack, 'bench A');
    let bodies = bodiesFor(events, a.destination, SEED);
    const avgBody = bodies.reduce((s, b) => s + b.length, 0) / bodies.length;
    log(`  average envelope body ${fmt(avgBody)} bytes`);

    // --- (a) processing stage: commitBatch vs raw COPY ---
    log('');
    log('(a) envelope bodies → committed rows (no SQS)');
    const messages: ReceivedMessage[] = bodies.map((body, i) => ({ messageId: `bench-${i}`, receiptHandle: `rh-${i}`, body }));

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
        for (let i = 0; i < messages.length; i += COMMIT_BATCH) {
          const c = await commitBatch(db, a.expect, runA, messages.slice(i, i + COMMIT_BATCH));
          totals.received += c.received;
          totals.stored += c.stored;
          totals.duplicates += c.duplicates;
          totals.quarantined += c.quarantined;
        }
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
      target: 0.5,
      identicalRows: sameRows,
    };
    row('parseEnvelope + toEventRow only (CPU)', `${fmt(aFigures.parseRowsPerSec)} ev/s`);
    row(`commitBatch, batches of ${COMMIT_BATCH}`, `${fmt(commitRate)} ev/s`, `${fmt(commit.value.stored)} stored in ${fmt(commit.seconds, 1)} s`);
    row('raw COPY (text format, one statement)', `${fmt(copyRate)} ev/s`, `${fmt(copySum.n)} rows in ${fmt(copy.seconds, 1)} s`);
    row('ratio commitBatch / COPY', fmt(aFigures.ratio, 2), `target ≥ 0.5 ${aFigures.ratio >= 0.5 ? '(met)' : '(NOT met)'}`);
    row('COPY rows identical to commitBatch rows', sameRows ? 'yes' : 'NO', sameRows ? '' : `${commitSum.n} vs ${copySum.n} rows, checksums differ`);
    messages.length = 0;

    // --- (b) end-to-end drain from the emulator ---
    log('');
    log(`(b) SQS emulator → drainQueue + commitBatch (receivers ${DEFAULT_DRAIN_OPTIONS.receivers}, batch ${DEFAULT_DRAIN_OPTIONS.batchSize}, long poll ${DEFAULT_DRAIN_OPTIONS.waitTimeSeconds} s)`);
    const bFigures = await stage('b.drain', async () => {
      await resetEvents(db);
      const pub = await publish(stack.sqs, a.queueUrl, bodies);
      const runB = await openRun(db, a.integrationId, 'b');
      let lastCommitAt = performance.now();
      const t0 = performance.now();
      const progress = await drainQueue(
        stack.sqs,
        a.queueUrl,
        async (batch) => {
          await commitBatch(db, a.expect, runB, batch);
        },
        DEFAULT_DRAIN_OPTIONS,
        () => {
          lastCommitAt = performance.now();
        },
      );
      const seconds = (performance.now() - t0) / 1000;
      const [{ n: stored }] = await db.$client<{ n: number }[]>`select count(*)::int as n from events where integration_id = ${a.integrationId}`;
      return { publishPerSec: rate(pub.sent, pub.seconds), received: progress.received, deleted: progress.deleted, stored, seconds, busySeconds: (lastCommitAt - t0) / 1000 };
    });
    const bare = await stage('b.bare', async () => {
      const pub = await publish(stack.sqs, a.queueUrl, bodies);
      const t0 = performance.now();
      const r = await bareReceiveDelete(stack.sqs, a.queueUrl, DEFAULT_DRAIN_OPTIONS.receivers, DEFAULT_DRAIN_OPTIONS.waitTimeSeconds);
      const seconds = (performance.now() - t0) / 1000;
      return { publishPerSec: rate(pub.sent, pub.seconds), received: r.received, seconds, busySeconds: (r.lastDeleteAt - t0) / 1000 };
    });
    bodies = [];
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
      target: 0.8,
    };
    row('publish (SendMessageBatch ×10, 8 in flight)', `${fmt(b.publishPerSec)} msg/s`);
    row('drainQueue + commitBatch', `${fmt(drainRate)} ev/s`, `${fmt(bFigures.stored)} stored, ${fmt(bFigures.deleted)} deleted in ${fmt(bFigures.seconds, 1)} s`);
    row('bare Receive(10) + DeleteMessageBatch', `${fmt(bareRate)} ev/s`, `${fmt(bare.received)} in ${fmt(bare.seconds, 1)} s`);
    row('ratio drain / bare', fmt(b.ratio, 2), `target ≥ 0.8 ${b.ratio >= 0.8 ? '(met)' : '(NOT met)'}`);
    row('  same, without the final empty long poll', `${fmt(drainBusyRate)} / ${fmt(bareBusyRate)}`, `ratio ${fmt(b.ratioExclTail, 2)}`);

    // --- (c) hourlyAnalysis through Temporal ---
    log('');
    log('(c) hourlyAnalysis workflow: Temporal history');
    const small = Math.max(1, Math.floor(n / 10));
    const cSmall = await stage('c.hourly N/10', () => hourlyRun(stack, events.slice(0, small), 'small'));
    const cFull = await stage('c.hourly N', () => hourlyRun(stack, events, 'full'));
    const c = [cSmall, cFull].map((r) => ({
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
    log(`  ${''.padEnd(24)} ${'N/10'.padStart(28)} ${'N'.padStart(28)}`);
    const line = (label: string, f: (x: (typeof c)[number]) => string) => log(`  ${label.padEnd(24)} ${f(c[0]).padStart(28)} ${f(c[1]).padStart(28)}`);
    line('events in queue', (x) => fmt(x.events));
    line('stored / detections', (x) => `${fmt(x.stored)} / ${fmt(x.detections)}`);
    line('workflow wall time', (x) => `${fmt(x.runSeconds, 1)} s`);
    line('events/s (whole run)', (x) => fmt(x.eventsPerSec));
    line('history events', (x) => fmt(x.historyEvents));
    line('largest payload', (x) => `${fmt(x.largestPayloadBytes)} B`);
    line('  in', (x) => x.largestPayloadAt);
    line('all payloads', (x) => `${fmt(x.totalPayloadBytes)} B`);
    line('history JSON', (x) => `${fmt(x.historyJsonBytes)} B`);
    for (const name of Object.keys(c[1].activitySeconds)) {
      line(`  ${name}`, (x) => `${fmt(x.activitySeconds[name] ?? 0, 1)} s`);
    }

    // --- memory ---
    log('');
    log('peak RSS of this process (bench + emulator + worker; sampled every 200 ms)');
    for (const [name, m] of Object.entries(memory)) row(name, `${fmt(m.peakMb)} MB`, `at start ${fmt(m.startMb)} MB`);
    log('');
    log(`CPU per stage, % of one core (${machine.cpus} cores = ${machine.cpus * 100} %); "other" = the rest of the machine`);
    log(`  ${'stage'.padEnd(16)} ${'bench'.padStart(7)} ${'postgres'.padStart(9)} ${'temporal'.padStart(9)} ${'other'.padStart(7)}`);
    for (const [name, u] of Object.entries(cpuByStage)) {
      log(`  ${name.padEnd(16)} ${`${u.bench}%`.padStart(7)} ${`${u.postgres}%`.padStart(9)} ${`${u.temporal}%`.padStart(9)} ${`${u.other}%`.padStart(7)}`);
    }
    const [load1, load5] = os.loadavg();
    log(`  load average now: ${fmt(load1, 2)} (1 min), ${fmt(load5, 2)} (5 min)`);
    const total = (Date.now() - started) / 1000;
    log('');
    log(`total ${fmt(total, 0)} s`);

    const summary = {
      bench: 'ingest',
      date: new Date().toISOString(),
      events: n,
      machine,
      a: aFigures,
      b,
      c: { small: c[0], full: c[1] },
      peakRssMb: Object.fromEntries(Object.entries(memory).map(([k, v]) => [k, v.peakMb])),
      cpuPercentOfOneCore: cpuByStage,
      totalSeconds: total,
    };
    log(JSON.stringify(summary));
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);

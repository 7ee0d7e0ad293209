// Fault benchmark (prints figures; asserts nothing): the hourly run under the faults real tenants
// bring, at sizes too large for the test suite. Each scenario runs the same deliveries twice, into
// two integrations — once with the fault, once without — and compares the rows: events (checksum of
// every column but the run id), detections, quarantine, and what is left in the queue.
//
//   npm run bench:faults                           # 30,000 events, 10 kills
//   npm run bench:faults -- --events 5000 --kills 3
//
// Scenarios:
//   kills   the worker process SIGKILLed at random moments of one drain, `--kills` times, restarted each time
//   outage  the SQS endpoint unreachable for 20 s in the middle of a drain (a loopback proxy cut)
//   poison  the bad-message corpus mixed with the valid deliveries in one queue
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Client } from '@temporalio/client';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { approximateDepth } from '../aws/queues.js';
import { generateSecretKey } from '../lib/secrets.js';
import { applyMigrations } from '../schema/migrate.js';
import { buildScenario, duplicateDeliveries, generateActivity, generateOrg, publishEnvelopes, toEventBridgeEnvelopes, type OktaLogEvent } from '../simulator/index.js';
import { startWorkerProcess, type WorkerProcess } from '../test/support/worker-process.js';
import { startTcpProxy } from '../test/support/tcp-proxy.js';
import { badMessages } from '../test/support/bad-messages.js';
import { ORG, ensureTemporal, startStack, stopStack, streamingIntegration, type BenchIntegration, type Stack } from './stack.js';

const { values } = parseArgs({
  options: { events: { type: 'string' }, kills: { type: 'string' }, only: { type: 'string' } },
  allowPositionals: true,
  strict: false,
});
const N = Number(String(values.events ?? '30000').replace(/_/g, ''));
const KILLS = Number(values.kills ?? 10);
const ONLY = typeof values.only === 'string' ? values.only.split(',') : ['kills', 'outage', 'poison'];
const log = (line: string) => process.stderr.write(`${line}\n`);

function traffic(): OktaLogEvent[] {
  const org = generateOrg({ seed: 'bench-faults', users: Math.max(200, Math.ceil(N / 60)), orgName: ORG, logStream: false });
  const start = new Date('2026-10-01T00:00:00Z');
  const activity = generateActivity(org, { seed: 'bench-faults', start, end: new Date(start.getTime() + 14 * 86_400_000) }).slice(0, N);
  return [
    ...activity,
    ...buildScenario(org, 'passwordSpray', { seed: 1, at: new Date(start.getTime() + 30 * 3_600_000) }).events,
    ...buildScenario(org, 'mfaPushBombing', { seed: 2, at: new Date(start.getTime() + 80 * 3_600_000) }).events,
  ];
}

async function fill(stack: Stack, integration: BenchIntegration, events: OktaLogEvent[]): Promise<number> {
  const envelopes = toEventBridgeEnvelopes(events, integration.destination, 'bench-faults');
  const dups = duplicateDeliveries(envelopes, Math.ceil(events.length / 20), 'bench-faults-dups');
  const res = await publishEnvelopes(stack.sqs, integration.queueUrl, [...envelopes, ...dups], { concurrency: 8 });
  if (res.failed.length) throw new Error(`${res.failed.length} envelopes were not published`);
  return envelopes.length + dups.length;
}

interface Rows {
  events: number;
  eventsSum: string;
  detections: string;
  quarantined: number;
  backlog: number;
  /** Messages still waiting or hidden in the queue. */
  leftInQueue: number;
}

async function rowsOf(stack: Stack, integration: BenchIntegration): Promise<Rows> {
  const sql = stack.db.$client;
  const [e] = await sql<{ n: number; sum: string }[]>`
    select count(*)::int as n, coalesce(sum(hashtext(uuid || raw::text)::bigint), 0)::text as sum from events where integration_id = ${integration.integrationId}`;
  const d = await sql<{ rule_id: string; k: string; c: number }[]>`
    select rule_id, split_part(dedupe_key, ':', 2) || ':' || split_part(dedupe_key, ':', 3) || '@' || first_event_at::text as k, count as c
    from detections where integration_id = ${integration.integrationId} order by 1, 2`;
  const [q] = await sql<{ n: number }[]>`select count(*)::int as n from quarantine where integration_id = ${integration.integrationId}`;
  const [b] = await sql<{ n: number }[]>`select count(*)::int as n from detection_backlog where integration_id = ${integration.integrationId}`;
  return { events: e.n, eventsSum: e.sum, detections: d.map((r) => `${r.rule_id}/${r.k}/${r.c}`).join(';'), quarantined: q.n, backlog: b.n, leftInQueue: await approximateDepth(stack.sqs, integration.queueUrl) };
}

const startHourly = (client: Client, stack: Stack, integrationId: string, label: string) =>
  client.workflow.start('hourlyAnalysis', {
    taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
    workflowId: `okta-hourly:${integrationId}:bench-${label}-${randomBytes(3).toString('hex')}`,
    args: [{ integrationId }],
  });

interface Outcome {
  scenario: string;
  faults: string;
  seconds: number;
  status: string;
  faulty: Rows;
  clean: Rows;
}

async function compare(
  stack: Stack,
  client: Client,
  scenario: string,
  events: OktaLogEvent[],
  withFault: (integration: BenchIntegration) => Promise<{ faults: string; status: string }>,
): Promise<Outcome> {
  const faulty = await streamingIntegration(stack, `${scenario}-faulty`);
  const clean = await streamingIntegration(stack, `${scenario}-clean`);
  await fill(stack, faulty, events);
  await fill(stack, clean, events);
  const started = Date.now();
  const fault = await withFault(faulty);
  const seconds = (Date.now() - started) / 1000;
  await (await startHourly(client, stack, clean.integrationId, `${scenario}-clean`)).result();
  return { scenario, ...fault, seconds, faulty: await rowsOf(stack, faulty), clean: await rowsOf(stack, clean) };
}

async function main() {
  const suffix = randomBytes(4).toString('hex');
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/oort_okta_bench_${suffix}`;
  const stack = await startStack(base.toString(), {
    TEMPORAL_TASK_QUEUE: `bench-faults-${suffix}`,
    SQS_QUEUE_PREFIX: `bf-${suffix}-`,
    OORT_SECRET_KEY: generateSecretKey(),
    SQS_VISIBILITY_TIMEOUT_SECONDS: '10',
    LOG_LEVEL: 'silent',
    METRICS_PORT: '0',
    FINDINGS_PORT: '0',
  }, log);
  const workers: WorkerProcess[] = [];
  try {
    await applyMigrations(stack.db);
    const client = await ensureTemporal(stack);
    // The scenarios run on worker processes of their own; the bench's in-process worker is not needed.
    await stack.worker?.shutdown();
    stack.worker = undefined;
    const env = { ...stack.env, DATABASE_URL: stack.databaseUrl, SQS_ENDPOINT: stack.emulator.endpoint, TEMPORAL_ADDRESS: stack.config.TEMPORAL_ADDRESS, LOG_LEVEL: 'warn' };
    const events = traffic();
    log(`${events.length} events (+5 % redeliveries) per integration`);
    const outcomes: Outcome[] = [];

    if (ONLY.includes('kills')) {
      let worker = await startWorkerProcess(env);
      workers.push(worker);
      outcomes.push(await compare(stack, client, 'kills', events, async (integration) => {
        const handle = await startHourly(client, stack, integration.integrationId, 'kills');
        for (let k = 0; k < KILLS; k++) {
          // A random moment of the drain: 0.5–4 s after the worker (re)started taking work.
          await new Promise((r) => setTimeout(r, 500 + Math.random() * 3_500));
          await worker.kill('SIGKILL');
          log(`kill ${k + 1}/${KILLS}`);
          worker = await startWorkerProcess(env);
          workers.push(worker);
        }
        const result = await handle.result().then(() => 'completed', (err: Error) => `failed: ${err.message}`);
        return { faults: `${KILLS} × SIGKILL`, status: result };
      }));
      await worker.kill('SIGTERM');
    }

    if (ONLY.includes('outage')) {
      const proxy = await startTcpProxy(Number(new URL(stack.emulator.endpoint).port));
      const worker = await startWorkerProcess({ ...env, SQS_ENDPOINT: proxy.url });
      workers.push(worker);
      outcomes.push(await compare(stack, client, 'outage', events, async (integration) => {
        const handle = await startHourly(client, stack, integration.integrationId, 'outage');
        await new Promise((r) => setTimeout(r, 2_000));
        proxy.down();
        await new Promise((r) => setTimeout(r, 20_000));
        proxy.up();
        const first = await handle.result().then(() => 'completed', (err: Error) => `failed: ${err.message}`);
        await (await startHourly(client, stack, integration.integrationId, 'outage-next')).result();
        return { faults: 'SQS unreachable 20 s', status: `${first}; next run completed` };
      }));
      await worker.kill('SIGTERM');
      await proxy.close();
    }

    if (ONLY.includes('poison')) {
      const worker = await startWorkerProcess(env);
      workers.push(worker);
      outcomes.push(await compare(stack, client, 'poison', events, async (integration) => {
        // The corpus is built for the integration it is sent to (its source, account and region); SQS refuses some of
        // its bodies (empty, raw NUL, raw gzip), so only the others can reach a queue.
        const corpus = badMessages(integration.expect).filter((m) => m.sqsDeliverable);
        for (let i = 0; i < corpus.length; i += 10) {
          await stack.sqs.send(new SendMessageBatchCommand({
            QueueUrl: integration.queueUrl,
            Entries: corpus.slice(i, i + 10).map((m, j) => ({ Id: String(j), MessageBody: m.body })),
          }));
        }
        const status = await (await startHourly(client, stack, integration.integrationId, 'poison')).result().then(() => 'completed', (err: Error) => `failed: ${err.message}`);
        return { faults: `${corpus.length} bad messages (every kind SQS carries)`, status };
      }));
      await worker.kill('SIGTERM');
    }

    process.stdout.write('\n| scenario | faults | time | run | events (faulty / clean) | same rows | detections same | quarantined | backlog | left in queue |\n|---|---|---|---|---|---|---|---|---|---|\n');
    for (const o of outcomes) {
      process.stdout.write(
        `| ${o.scenario} | ${o.faults} | ${o.seconds.toFixed(1)} s | ${o.status} | ${o.faulty.events} / ${o.clean.events} | ${o.faulty.eventsSum === o.clean.eventsSum ? 'yes' : 'NO'} | ` +
          `${o.faulty.detections === o.clean.detections ? 'yes' : 'NO'} | ${o.faulty.quarantined} / ${o.clean.quarantined} | ${o.faulty.backlog} | ${o.faulty.leftInQueue} |\n`,
      );
    }
  } finally {
    for (const w of workers) await w.kill('SIGKILL').catch(() => {});
    await stopStack(stack);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);

// One run of bench/tenants: its own stack (fresh database, fauxqs counting requests, Temporal dev server, K worker
// processes, the Okta simulator for one refreshUser), N tenants created through the product's code with their queues
// and Schedules, an hour of their traffic published, and one hour's slot of hourly runs triggered through the
// Schedules at the Schedules' jitter (scaled). Returns the figures; bench/tenants.ts prints them.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client, Connection, ScheduleOverlapPolicy, type WorkflowExecutionInfo } from '@temporalio/client';
import { createIntegration } from '../integrations/create.js';
import { createIntegrationQueues } from '../aws/queues.js';
import { loadConfig } from '../lib/config.js';
import { generateSecretKey, parseSecretKey } from '../lib/secrets.js';
import { createSqsClient } from '../lib/sqs.js';
import { closeDatabase, connectDatabase } from '../schema/db.js';
import { applyMigrations } from '../schema/migrate.js';
import { scheduleOptions } from '../temporal/schedules.js';
import { startRefreshUser } from '../temporal/client.js';
import { SCHEDULE_KINDS, scheduleId } from '../temporal/shared/ids.js';
import { Random, generateActivity, generateOrg, publishEnvelopes, startOktaSimulator, toEventBridgeEnvelopes } from '../simulator/index.js';
import { dropDatabase, ensureDatabase } from '../workers/local-stack/postgres.js';
import { ensureTemporalCli, startTemporalDevServer } from '../workers/local-stack/temporal-cli.js';
import { startWorkerProcess, type WorkerProcess } from '../test/support/worker-process.js';
import { cpuBetween, cpuSample, historyEvents, peakRssMb, percentile, retriedSteps, runActions, startCountingSqsEmulator, timeSpent, type RunActions, type TimeSpent } from './tenants-measure.js';
import { SEED, tenantHour, tenantSizes, trafficHour, trafficPool } from './tenants-traffic.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'ssws-bench-tenants';
/** Tenants below this many users are "small", at or above LARGE "large" (printed apart: large must not starve small). */
export const SMALL = 1_000;
export const LARGE = 5_000;

export interface RunOptions {
  tenants: number;
  workers: number;
  /**
   * `both`: every process serves both task queues. `split`: the first serves the main queue only (workflows, quick
   * steps, refreshUser), the others the heavy queue only (WORKER_TASK_QUEUES); needs 2 or more workers.
   */
  layout: 'both' | 'split';
  /** The hourly Schedule's jitter is multiplied by this (1 = the real window). */
  jitterScale: number;
  eventsPerUserPerDay: number;
  concurrency: number;
  log: (line: string) => void;
}

async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  }));
}

const seconds = (ms: number) => ms / 1000;
const durationMs = (d: string) => {
  const m = /^(\d+)(s|m|h)$/.exec(d);
  if (!m) throw new Error(`unreadable duration ${d}`);
  return Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'];
};

export async function runTenants(opts: RunOptions) {
  const { log } = opts;
  const suffix = randomBytes(4).toString('hex');
  const database = `oort_okta_bench_${suffix}`;
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/${database}`;
  const databaseUrl = base.toString();
  const emulator = await startCountingSqsEmulator();
  await ensureDatabase(databaseUrl);
  const db = connectDatabase(databaseUrl, { max: 10 });
  const cliPath = await ensureTemporalCli(ROOT, log);
  const temporal = await startTemporalDevServer({ cliPath });
  const sim = await startOktaSimulator({ token: TOKEN, org: generateOrg({ seed: SEED, users: 30, orgName: 'refresh', logStream: false }) });
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    SQS_ENDPOINT: emulator.endpoint,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: `bench-${suffix}`,
    SQS_QUEUE_PREFIX: `bench-${suffix}-`,
    OORT_SECRET_KEY: generateSecretKey(),
    // The Okta simulator listens on loopback over plain http: only development/test allow that.
    OORT_ENVIRONMENT: 'test',
    METRICS_PORT: '0',
    FINDINGS_PORT: '0',
  };
  const config = loadConfig(env);
  const secretKey = parseSecretKey(config.OORT_SECRET_KEY);
  const sqs = createSqsClient(config);
  const workers: WorkerProcess[] = [];
  let connection: Connection | undefined;
  const cleanup = async () => {
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
    await connection?.close().catch(() => {});
    await sim.close().catch(() => {});
    await temporal.stop().catch(() => {});
    sqs.destroy();
    await emulator.stop().catch(() => {});
    await closeDatabase(db).catch(() => {});
    await dropDatabase(databaseUrl).catch((err) => log(`could not drop ${database}: ${String(err)}`));
  };
  const interrupted = () => {
    log('interrupted: cleaning up…');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    await applyMigrations(db);
    for (let k = 0; k < opts.workers; k++) {
      const queues = opts.layout === 'split' ? (k === 0 ? 'main' : 'heavy') : 'both';
      workers.push(await startWorkerProcess({ ...env, WORKER_TASK_QUEUES: queues }));
    }
    connection = await Connection.connect({ address: temporal.address });
    const client = new Client({ connection });
    const sizes = tenantSizes(opts.tenants);

    // --- setup: integrations + queues, then Schedules (paused: only this bench's triggers start runs) ---
    const tenants: Array<{ integrationId: string; queueUrl: string; users: number; published: number }> = [];
    const t0 = performance.now();
    await pool(sizes, opts.concurrency, async (users, i) => {
      const { integrationId } = await createIntegration(db, secretKey, {
        tenantId: `tenant-${i}`, name: `Tenant ${i} Okta`, oktaDomain: 'initech.okta.com', oktaOrg: 'initech', apiToken: 'ssws-unused-in-bench', awsAccountId: config.awsAccountId,
      });
      const { queueUrl, deadLetterQueueUrl } = await createIntegrationQueues(sqs, integrationId, { prefix: config.SQS_QUEUE_PREFIX, visibilityTimeoutSeconds: config.SQS_VISIBILITY_TIMEOUT_SECONDS });
      await db.$client`update integrations set status = 'streaming', queue_url = ${queueUrl}, dead_letter_queue_url = ${deadLetterQueueUrl} where id = ${integrationId}`;
      tenants[i] = { integrationId, queueUrl, users, published: 0 };
    });
    const integrationsSeconds = seconds(performance.now() - t0);
    const t1 = performance.now();
    await pool(tenants, opts.concurrency, async (t, i) => {
      for (const kind of SCHEDULE_KINDS) {
        const o = scheduleOptions(kind, { integrationId: t.integrationId, tenantId: `tenant-${i}`, name: `Tenant ${i} Okta`, tenantName: `tenant-${i}` }, config.TEMPORAL_TASK_QUEUE);
        await client.schedule.create({ ...o, state: { paused: true, note: 'bench/tenants: runs are triggered by the bench' } });
      }
    });
    const schedulesSeconds = seconds(performance.now() - t1);
    log(`  setup: ${opts.tenants} integrations + queues ${integrationsSeconds.toFixed(1)} s, ${opts.tenants * SCHEDULE_KINDS.length} Schedules ${schedulesSeconds.toFixed(1)} s`);

    // --- traffic: one hour of each tenant, as EventBridge envelopes on its queue ---
    const hour = trafficHour();
    const trafficPoolOf = trafficPool(sizes[0], opts.eventsPerUserPerDay, hour);
    const t2 = performance.now();
    await pool(tenants, 4, async (t, i) => {
      // The tenant's directory, as its daily sync leaves it: the hourly run reads the tenant's size from it
      // (integrations/detection-settings.ts), and tenant-wide counts follow that size.
      const people = trafficPoolOf.people.slice(0, t.users);
      await db.$client`
        insert into okta_users (integration_id, id, status, raw)
        select ${t.integrationId}, id, 'ACTIVE', '{}'::jsonb from unnest(${people}::text[]) as id`;
      const events = tenantHour(trafficPoolOf, t.users);
      const destination = { oktaOrg: 'initech', eventSourceName: t.integrationId, account: config.awsAccountId, region: config.AWS_REGION };
      const bodies = toEventBridgeEnvelopes(events, destination, `${SEED}-${i}`).map((e) => JSON.stringify(e));
      const r = await publishEnvelopes(sqs, t.queueUrl, bodies, { concurrency: 4 });
      if (r.failed.length > 0 || r.sent !== bodies.length) throw new Error(`publish to tenant ${i}: sent ${r.sent} of ${bodies.length}`);
      t.published = r.sent;
    });
    const published = tenants.reduce((s, t) => s + t.published, 0);
    const publishSeconds = seconds(performance.now() - t2);
    log(`  traffic: ${published} events (hour from ${hour.toISOString()}, pool of ${trafficPoolOf.users} users generated in ${trafficPoolOf.seconds.toFixed(1)} s), published in ${publishSeconds.toFixed(1)} s`);

    // The refreshUser's user: a day of their org's events on the Okta simulator.
    const refresh = await createIntegration(db, secretKey, { tenantId: 'refresh', name: 'Refresh Okta', oktaDomain: sim.url, oktaOrg: 'refresh', apiToken: TOKEN, awsAccountId: config.awsAccountId });
    sim.addEvents(generateActivity(sim.org, { seed: SEED, start: new Date(Date.now() - 86_400_000), end: new Date(Date.now() - 60_000) }));
    const refreshUserId = sim.org.users[0].id;

    // --- the slot: each hourly Schedule triggered once, at a random offset within its (scaled) jitter ---
    const jitterMs = durationMs(String(scheduleOptions('hourly', { integrationId: 'x', tenantId: 'x', name: 'x', tenantName: 'x' }, 'x').spec.jitter)) * opts.jitterScale;
    const rng = new Random(`${SEED}-slot`);
    const offsets = tenants.map(() => Math.floor(rng.next() * jitterMs));
    const sqsBefore = new Map(emulator.requests);
    const pids = workers.map((w) => w.child.pid!);
    const cpu0 = cpuSample(pids, database);
    const slotStart = Date.now();
    // When each Schedule was asked to start its run: the run's start time minus this is the Schedules' lag.
    const triggeredAt = new Map<string, number>();
    // How long each trigger call took until the server accepted it: the start lag before that is the call's, after it
    // the scheduler's.
    const acceptLags: number[] = [];
    const triggers = tenants.map((t, i) => new Promise<void>((resolve, reject) => {
      setTimeout(() => {
        const sentAt = Date.now();
        triggeredAt.set(t.integrationId, sentAt);
        client.schedule.getHandle(scheduleId('hourly', t.integrationId)).trigger(ScheduleOverlapPolicy.SKIP).then(() => {
          acceptLags.push(seconds(Date.now() - sentAt));
          resolve();
        }, reject);
      }, offsets[i]);
    }));
    let refreshResult: { latencySeconds: number; runningAtStart: number; ok: boolean; error?: string; spent?: TimeSpent } | undefined;
    const countRunning = async () => (await client.workflow.count(`WorkflowType = 'hourlyAnalysis' AND ExecutionStatus = 'Running'`)).count;
    const countClosed = async () => (await client.workflow.count(`WorkflowType = 'hourlyAnalysis' AND ExecutionStatus != 'Running'`)).count;
    // refreshUser during the busiest part: three quarters into the jitter window, when most runs have started.
    const refreshDone = new Promise<void>((resolve) => setTimeout(() => {
      void (async () => {
        const runningAtStart = await countRunning();
        const r0 = performance.now();
        try {
          const handle = await startRefreshUser(client, db, config.TEMPORAL_TASK_QUEUE, refresh.integrationId, refreshUserId);
          await handle.result();
          refreshResult = { latencySeconds: seconds(performance.now() - r0), runningAtStart, ok: true, spent: timeSpent(historyEvents(await handle.fetchHistory())) };
        } catch (err) {
          refreshResult = { latencySeconds: seconds(performance.now() - r0), runningAtStart, ok: false, error: String(err) };
        }
        resolve();
      })();
    }, jitterMs * 0.75));
    await Promise.all(triggers);
    let peakRunning = 0;
    // A slot where no run closes for this long is stuck, not slow: say so rather than wait out the runs' 2-h timeout.
    const stallMs = 5 * 60_000;
    let lastClosed = -1;
    let lastProgressAt = Date.now();
    let lastPrintAt = Date.now();
    for (;;) {
      const [running, closed] = await Promise.all([countRunning(), countClosed()]);
      peakRunning = Math.max(peakRunning, running);
      if (closed >= tenants.length) break;
      if (closed !== lastClosed) [lastClosed, lastProgressAt] = [closed, Date.now()];
      if (Date.now() - lastProgressAt > stallMs) throw new Error(`slot stuck: no run closed for ${stallMs / 60_000} min (${closed} of ${tenants.length} closed, ${running} running)`);
      if (Date.now() - lastPrintAt > 30_000) {
        lastPrintAt = Date.now();
        log(`  ${seconds(Date.now() - slotStart).toFixed(0)} s: ${closed} of ${tenants.length} runs closed, ${running} running`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    const cpu1 = cpuSample(pids, database);
    await refreshDone;
    const sqsDuring: Record<string, number> = {};
    for (const [k, v] of emulator.requests) if (v - (sqsBefore.get(k) ?? 0) > 0) sqsDuring[k] = v - (sqsBefore.get(k) ?? 0);

    // --- what happened: every run, its time, its actions; every event stored once ---
    const runs: WorkflowExecutionInfo[] = [];
    for await (const w of client.workflow.list({ query: `WorkflowType = 'hourlyAnalysis'` })) runs.push(w);
    const byIntegration = new Map(tenants.map((t) => [t.integrationId, t] as const));
    const timed: Array<{ users: number; seconds: number; status: string }> = [];
    const actions: RunActions[] = [];
    const startLags: number[] = [];
    const startTimes: number[] = [];
    const spentInRuns: TimeSpent[] = [];
    const retried: ReturnType<typeof retriedSteps> = [];
    await pool(runs, 16, async (w) => {
      const integrationId = String(w.typedSearchAttributes.getAll().find((p) => p.key.name === 'IntegrationId')?.value ?? '');
      const t = byIntegration.get(integrationId);
      timed.push({ users: t?.users ?? 0, seconds: seconds((w.closeTime?.getTime() ?? Date.now()) - w.startTime.getTime()), status: w.status.name });
      const triggered = triggeredAt.get(integrationId);
      if (triggered !== undefined) startLags.push(seconds(w.startTime.getTime() - triggered));
      startTimes.push(w.startTime.getTime());
      const history = historyEvents(await client.workflow.getHandle(w.workflowId, w.runId).fetchHistory());
      actions.push(runActions(history));
      spentInRuns.push(timeSpent(history));
      retried.push(...retriedSteps(history));
    });
    const lastClose = Math.max(...runs.map((w) => w.closeTime?.getTime() ?? 0));
    const firstStart = Math.min(...runs.map((w) => w.startTime.getTime()));
    const stored = await db.$client<{ integration_id: string; n: number; distinct_n: number }[]>`
      select integration_id, count(*)::int as n, count(distinct uuid)::int as distinct_n from events group by integration_id`;
    const storedBy = new Map(stored.map((r) => [r.integration_id, r] as const));
    const storedOnce = tenants.filter((t) => storedBy.get(t.integrationId)?.n === t.published && storedBy.get(t.integrationId)?.distinct_n === t.published).length;
    const [size] = await db.$client<{ bytes: string; rows: string }[]>`
      select (select coalesce(sum(pg_total_relation_size(c.oid)), 0) from pg_class c
              where c.oid = 'events'::regclass or c.oid in (select inhrelid from pg_inherits where inhparent = 'events'::regclass))::text as bytes,
             (select count(*) from events)::text as rows`;

    // Benign traffic: every detection here is noise a tenant would be sent.
    const byRule = await db.$client<{ rule: string; severity: string; n: number; tenants: number }[]>`
      select rule_id as rule, severity::text, count(*)::int as n, count(distinct integration_id)::int as tenants
      from detections group by rule_id, severity order by n desc, rule_id`;

    const spread = (values: number[]) => {
      const s = [...values].sort((a, b) => a - b);
      return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), max: s.at(-1) ?? 0 };
    };
    const stats = (rows: typeof timed) => spread(rows.map((r) => r.seconds));
    const mean = (k: keyof RunActions) => actions.reduce((s, a) => s + a[k], 0) / Math.max(1, actions.length);
    const actionsPerRun = { scheduleAction: 1, start: mean('start'), activities: mean('activities'), localActivities: mean('localActivities'), timers: mean('timers'), signals: mean('signals'), workflowTasks: mean('workflowTasks') };
    return {
      tenants: opts.tenants,
      workers: opts.workers,
      layout: opts.layout,
      users: sizes.reduce((a, b) => a + b, 0),
      largestTenantUsers: sizes[0],
      medianTenantUsers: sizes[Math.floor(sizes.length / 2)],
      setup: { integrationsAndQueuesSeconds: integrationsSeconds, schedulesSeconds, schedules: opts.tenants * SCHEDULE_KINDS.length, publishSeconds },
      published,
      jitterSeconds: jitterMs / 1000,
      jitterScale: opts.jitterScale,
      slotCompleteSeconds: seconds(lastClose - slotStart),
      completed: timed.filter((r) => r.status === 'COMPLETED').length,
      runs: runs.length,
      storedOnce,
      startLag: spread(startLags),
      triggerAccepted: spread(acceptLags),
      // Runs started in each 15 s of the slot: when the Schedules let the runs in.
      startsPer15s: countPerWindow(startTimes.map((t) => t - slotStart), 15_000),
      runSpent: {
        workflowTaskWait: spread(spentInRuns.map((x) => x.workflowTaskWaitSeconds)),
        activityWait: spread(spentInRuns.map((x) => x.activityWaitSeconds)),
        activityRun: spread(spentInRuns.map((x) => x.activityRunSeconds)),
        // Slot-seconds each step held over the slot: where the workers' activity slots went.
        activityRunTotalByStep: Object.fromEntries(
          [...new Set(spentInRuns.flatMap((x) => Object.keys(x.activityRunSecondsByStep)))]
            .map((step) => [step, spentInRuns.reduce((sum, x) => sum + (x.activityRunSecondsByStep[step] ?? 0), 0)] as const)
            .sort((a, b) => b[1] - a[1]),
        ),
      },
      runTime: { all: stats(timed), small: stats(timed.filter((r) => r.users < SMALL)), large: stats(timed.filter((r) => r.users >= LARGE)) },
      peakRunning,
      eventsPerSec: published / Math.max(0.001, seconds(lastClose - firstStart)),
      cpu: cpuBetween(cpu0, cpu1),
      workerPeakRssMb: workers.map((w) => peakRssMb(w.child.pid!)),
      eventsTable: { bytes: Number(size.bytes), rows: Number(size.rows), bytesPerRow: Number(size.rows) > 0 ? Number(size.bytes) / Number(size.rows) : 0 },
      actionsPerRun,
      actionsPerTenantHour: actionsPerRun.scheduleAction + actionsPerRun.start + actionsPerRun.activities + actionsPerRun.localActivities + actionsPerRun.timers + actionsPerRun.signals,
      // Why steps were retried: by step and the cause of the attempt before the last.
      retriedSteps: countBy(retried.map((r) => `${r.step}: ${r.lastFailure}`)),
      sqsRequestsDuringSlot: sqsDuring,
      detectionsBySeverity: totalsBySeverity(byRule),
      detectionsByRule: byRule,
      refresh: refreshResult,
    };
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await cleanup();
  }
}

export type TenantsFigures = Awaited<ReturnType<typeof runTenants>>;

/** How many of the offsets (ms) fall in each window of `windowMs`, from 0 to the last. */
function countPerWindow(offsetsMs: readonly number[], windowMs: number): number[] {
  const counts: number[] = [];
  for (const t of offsetsMs) {
    const w = Math.max(0, Math.floor(t / windowMs));
    while (counts.length <= w) counts.push(0);
    counts[w]++;
  }
  return counts;
}

/** How many times each value occurs, most frequent first. */
function countBy(values: readonly string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]));
}

/** The slot's detections per severity, in severity order, from the counts per rule. */
function totalsBySeverity(byRule: ReadonlyArray<{ severity: string; n: number }>): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const { severity, n } of [...byRule].sort((a, b) => a.severity.localeCompare(b.severity))) totals[severity] = (totals[severity] ?? 0) + n;
  return totals;
}

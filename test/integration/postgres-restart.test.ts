// PostgreSQL restarted under a running worker (issue 7): a cluster of the test's own (never the shared server) is
// restarted with a fast shutdown twice while the hourly run drains the queue and once while it detects. The worker
// process lives through it (same pid), the run completes, and the rows equal those of an uninterrupted run over the
// same deliveries; an uncaught error, had there been one, is a fatal JSON line on the worker's stderr.
//
// Sizes (for a larger bench): PG_RESTART_EVENTS (default 6000), PG_RESTART_DRAIN_RESTARTS (2),
// PG_RESTART_DETECTION_RESTARTS (1).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { buildScenario, duplicateDeliveries, generateActivity, generateOrg, malformedBodies, publishEnvelopes, toEventBridgeEnvelopes } from '../../simulator/index.js';
import { approximateDepth } from '../../aws/queues.js';
import { applyMigrations } from '../../schema/migrate.js';
import { createWorld, type World } from '../support/world.js';
import { streamingIntegration, type StreamingIntegration } from '../support/fixtures.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/throwaway-postgres.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { waitFor } from '../support/wait.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EVENTS = Number(process.env.PG_RESTART_EVENTS ?? 6000);
const DRAIN_RESTARTS = Number(process.env.PG_RESTART_DRAIN_RESTARTS ?? 2);
const DETECTION_RESTARTS = Number(process.env.PG_RESTART_DETECTION_RESTARTS ?? 1);
/** temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED */
const STARTED = 2;

let pg: ThrowawayPostgres | undefined;
let world: World | undefined;
let worker: WorkerProcess | undefined;
const stderr: string[] = [];

beforeAll(async () => {
  pg = await startThrowawayPostgres();
  // Short visibility: messages a failed commit could not release come back within seconds.
  world = await createWorld({ DATABASE_URL: pg.url, SQS_VISIBILITY_TIMEOUT_SECONDS: '5' });
  await applyMigrations(world.db);
});

const t0 = Date.now();
/** Progress on the console (the restarts, the phases): what a slow or failed run needs to be read. */
const progress = (what: string) => console.log(`[postgres-restart +${((Date.now() - t0) / 1000).toFixed(1)}s] ${what}`);

afterAll(async () => {
  if (process.env.PG_RESTART_WORKER_LOG && worker) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(process.env.PG_RESTART_WORKER_LOG, `${worker.output.join('\n')}\n--- postgres log\n${pg?.logTail(200) ?? ''}\n`);
  }
  await worker?.kill();
  await world?.close();
  await pg?.destroy();
});

const org = generateOrg({ seed: 'pg-restart', users: 200, orgName: 'initech', logStream: false });
const start = new Date('2026-11-16T00:00:00Z');
const events = [
  ...generateActivity(org, { seed: 'pg-restart', start, end: new Date(start.getTime() + 4 * 86_400_000) }).slice(0, EVENTS),
  ...buildScenario(org, 'passwordSpray', { seed: 7, at: new Date(start.getTime() + 30 * 3_600_000) }).events,
  ...buildScenario(org, 'mfaPushBombing', { seed: 8, at: new Date(start.getTime() + 50 * 3_600_000) }).events,
];
const uniqueEvents = new Set(events.map((e) => e.uuid)).size;

/** The same deliveries to each integration's queue: the events, redeliveries of 200 of them, 5 malformed bodies. */
async function fill(integration: StreamingIntegration): Promise<number> {
  const envelopes = toEventBridgeEnvelopes(events, integration.destination, 'pg-restart');
  const malformed = malformedBodies(envelopes[0]).filter((m) => m.kind !== 'oversized');
  const res = await publishEnvelopes(world!.sqs, integration.queueUrl, [
    ...envelopes,
    ...duplicateDeliveries(envelopes, 200, 'pg-restart-dups'),
    ...malformed.map((m) => m.body),
  ], { concurrency: 8 });
  expect(res.failed).toEqual([]);
  return malformed.length;
}

const startHourly = (integrationId: string, tag: string) =>
  world!.client.workflow.start('hourlyAnalysis', {
    taskQueue: world!.config.TEMPORAL_TASK_QUEUE,
    workflowId: `okta-hourly:${integrationId}:pg-restart-${tag}`,
    args: [{ integrationId }],
  });

/** The run's activity being worked on right now (not waiting for a retry), with its attempt. */
async function startedActivity(handle: WorkflowHandle): Promise<{ type: string; attempt: number } | undefined> {
  const { raw } = await handle.describe();
  const a = raw.pendingActivities?.find((p) => p.state === STARTED);
  return a ? { type: a.activityType?.name ?? '', attempt: a.attempt ?? 0 } : undefined;
}

async function storedEvents(integrationId: string): Promise<number> {
  const [{ n }] = await world!.db.$client<{ n: number }[]>`select count(*)::int as n from events where integration_id = ${integrationId}`;
  return n;
}

async function snapshot(integrationId: string) {
  const sql = world!.db.$client;
  const rows = await sql<{ uuid: string; raw: string }[]>`select uuid, raw::text as raw from events where integration_id = ${integrationId} order by uuid`;
  const quarantine = await sql<{ reason_code: string; n: number; distinct_messages: number }[]>`
    select reason_code, count(*)::int as n, count(distinct message_id)::int as distinct_messages
    from quarantine where integration_id = ${integrationId} group by 1 order by 1`;
  const detections = await sql<{ rule_id: string; group_key: string; first_event_at: Date; last_event_at: Date; count: number }[]>`
    select rule_id, split_part(dedupe_key, ':', 2) || ':' || split_part(dedupe_key, ':', 3) as group_key, first_event_at, last_event_at, count
    from detections where integration_id = ${integrationId} order by rule_id, dedupe_key, first_event_at`;
  const [{ backlog }] = await sql<{ backlog: number }[]>`select count(*)::int as backlog from detection_backlog where integration_id = ${integrationId}`;
  const [run] = await sql<{ status: string; stored: number; quarantined: number; detections: number }[]>`
    select status::text as status, stored, quarantined, detections from ingest_runs where integration_id = ${integrationId} order by id desc limit 1`;
  return { uuids: rows.map((r) => r.uuid), raws: rows.map((r) => r.raw), quarantine, detections, backlog, run };
}

describe('PostgreSQL restarted under a running worker', () => {
  it('an uncaught error in the worker is one fatal JSON line on stderr, and the process exits non-zero', async () => {
    // What postgres.js 3.4.9 unpatched threw from a timer (porsager/postgres#1208), through the worker's handlers.
    const program = `
      const { installFatalHandlers } = await import('./workers/worker.ts');
      installFatalHandlers();
      setImmediate(function nextWrite() { const socket = null; socket.write('x'); });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(out).toBe('');
    const lines = err.trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]);
    expect(line).toMatchObject({ level: 60, event: 'uncaughtException', error: { name: 'TypeError', message: "Cannot read properties of null (reading 'write')" } });
    expect(line.error.stack).toContain('nextWrite');
  });

  it(`${DRAIN_RESTARTS} restarts during the drain and ${DETECTION_RESTARTS} during detection: the worker lives, the rows equal an uninterrupted run's`, async () => {
    const w = world!;
    const restarted = await streamingIntegration(w, { oktaDomain: 'http://127.0.0.1:9', oktaOrg: 'initech', apiToken: 'unused' });
    const clean = await streamingIntegration(w, { oktaDomain: 'http://127.0.0.1:9', oktaOrg: 'initech', apiToken: 'unused' });
    const malformedCount = await fill(restarted);
    await fill(clean);
    progress(`queues filled: ${uniqueEvents} events, 200 redeliveries, ${malformedCount} malformed bodies each`);

    worker = await startWorkerProcess(w.env);
    createInterface({ input: worker.child.stderr!, crlfDelay: Infinity }).on('line', (l) => l && stderr.push(l));
    const pid = worker.child.pid;
    progress(`worker started (pid ${pid})`);
    // Should the worker die, every wait below fails at once with its last words rather than at the test's timeout.
    const died = new Promise<never>((_, reject) =>
      worker!.child.once('exit', (code, signal) => reject(new Error(`the worker exited (${code ?? signal}); its stderr:\n${stderr.join('\n')}`))));
    died.catch(() => {});
    const alive = <T>(p: Promise<T>) => Promise.race([p, died]);
    const handle = await startHourly(restarted.integrationId, 'restarted');

    const restarts: { phase: string; attempt: number; storedBefore: number }[] = [];
    const restart = async (phase: string, attempt: number) => {
      const storedBefore = await storedEvents(restarted.integrationId);
      await pg!.restart('fast');
      restarts.push({ phase, attempt, storedBefore });
      progress(`PostgreSQL restarted during ${phase} (attempt ${attempt}, ${storedBefore} events stored)`);
    };
    for (let k = 1; k <= DRAIN_RESTARTS; k++) {
      // Spread over the drain: after 1/(n+1), 2/(n+1), … of the events are stored, while the drain is at work.
      const threshold = Math.floor((uniqueEvents * k) / (DRAIN_RESTARTS + 1));
      const running = await alive(waitFor(`drain restart ${k}: over ${threshold} events stored, the drain running`, async () => {
        const a = await startedActivity(handle);
        return a?.type === 'drainQueue' && (await storedEvents(restarted.integrationId)) > threshold ? a : undefined;
      }, 90_000, 25));
      await restart('drainQueue', running.attempt);
    }
    let lastAttempt = 0;
    for (let k = 1; k <= DETECTION_RESTARTS; k++) {
      const running = await alive(waitFor(`detection restart ${k}: the detection step running`, async () => {
        const a = await startedActivity(handle);
        return a?.type === 'detectForRun' && a.attempt > lastAttempt ? a : undefined;
      }, 90_000, 10));
      lastAttempt = running.attempt;
      await restart('detectForRun', running.attempt);
    }

    const result = await alive(handle.result());
    progress(`restarted run completed: ${JSON.stringify(result)}`);
    expect(restarts.map((r) => r.phase)).toEqual([...Array(DRAIN_RESTARTS).fill('drainQueue'), ...Array(DETECTION_RESTARTS).fill('detectForRun')]);
    expect(restarts.slice(0, DRAIN_RESTARTS).every((r) => r.storedBefore < uniqueEvents)).toBe(true);

    // The worker lived through it all: the same process, still running.
    expect(worker.child.pid).toBe(pid);
    expect(worker.child.exitCode).toBeNull();
    expect(worker.child.signalCode).toBeNull();

    expect(result.stored).toBe(uniqueEvents);
    expect(await approximateDepth(w.sqs, restarted.queueUrl)).toBe(0);

    const uninterrupted = await alive((await startHourly(clean.integrationId, 'clean')).result());
    progress(`uninterrupted run completed: ${JSON.stringify(uninterrupted)}`);
    expect(uninterrupted.stored).toBe(uniqueEvents);
    expect(worker.child.exitCode).toBeNull();

    const a = await snapshot(restarted.integrationId);
    const b = await snapshot(clean.integrationId);
    // Each event once (the table's key would refuse a second copy; the count says none was lost).
    expect(a.uuids).toHaveLength(uniqueEvents);
    expect(new Set(a.uuids).size).toBe(uniqueEvents);
    expect(a.uuids).toEqual(b.uuids);
    expect(a.raws).toEqual(b.raws);
    // Each malformed delivery quarantined once, for the same reasons.
    expect(a.quarantine.reduce((s, q) => s + q.n, 0)).toBe(malformedCount);
    expect(a.quarantine.every((q) => q.n === q.distinct_messages)).toBe(true);
    expect(a.quarantine.map((q) => [q.reason_code, q.n])).toEqual(b.quarantine.map((q) => [q.reason_code, q.n]));
    // The same detections, none twice, and nothing left unanalysed.
    expect(a.detections.length).toBeGreaterThan(0);
    expect(a.detections).toEqual(b.detections);
    expect(a.backlog).toBe(0);
    expect(a.run).toEqual({ status: 'completed', stored: uniqueEvents, quarantined: malformedCount, detections: b.run.detections });
    expect(b.run).toMatchObject({ status: 'completed', stored: uniqueEvents, quarantined: malformedCount });

    // Nothing uncaught: stderr holds JSON lines only, and no fatal one (the process would have exited).
    const notJson = stderr.filter((l) => {
      try {
        JSON.parse(l);
        return false;
      } catch {
        return true;
      }
    });
    expect(notJson, 'plain text on the worker\'s stderr').toEqual([]);
    expect(stderr.filter((l) => JSON.parse(l).level >= 60)).toEqual([]);
  });
});

// Scaling out: onboarding and refreshUser on one worker (WORKER_TASK_QUEUES=main), the Schedules' runs and every heavy
// step on processes that serve only the heavy task queue (WORKER_TASK_QUEUES=heavy), as an operator adds processes for
// a busy hour. The main queue never waits for the slot: with the slot's runs stuck (no heavy process yet) a refreshUser
// completes; once heavy processes start, the slot's runs complete and every tenant's events are stored exactly once,
// as on one worker (tenants-slot.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { generateActivity, generateOrg, startOktaSimulator, type OktaSimulator } from '../../simulator/index.js';
import { startRefreshUser } from '../../temporal/client.js';
import { scheduleId } from '../../temporal/shared/ids.js';
import { heavyTaskQueue } from '../../temporal/shared/task-queues.js';
import { streamingIntegration } from '../support/fixtures.js';
import { expectStoredOnce, runSlot, slotTenants } from '../support/slot.js';
import { waitFor } from '../support/wait.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { createWorld, type World } from '../support/world.js';

let world: World;
let okta: OktaSimulator;
const heavy: WorkerProcess[] = [];
const TOKEN = 'ssws-scaleco-5c1e';

beforeAll(async () => {
  world = await createWorld({ WORKER_TASK_QUEUES: 'main' });
  await world.startWorker();
  okta = await startOktaSimulator({ token: TOKEN, org: generateOrg({ seed: 'scale', users: 10, orgName: 'scaleco', logStream: false }) });
});

afterAll(async () => {
  for (const p of heavy) await p.kill('SIGTERM');
  await okta?.close();
  await world?.close();
});

/** Activities a worker's log says it completed, by type. */
function completed(lines: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) {
    if (!line.includes('"activity completed"')) continue;
    const { activity } = JSON.parse(line) as { activity: string };
    counts.set(activity, (counts.get(activity) ?? 0) + 1);
  }
  return counts;
}

describe('scale-out', () => {
  it('a refreshUser completes while the Schedules’ runs wait on the heavy queue with no process serving it', async () => {
    const [waiting] = await slotTenants(world, 'waiting', [20]);
    const schedule = world.client.schedule.getHandle(scheduleId('hourly', waiting.integrationId));
    await schedule.trigger(ScheduleOverlapPolicy.SKIP);
    const started = await waitFor('the triggered run', async () => (await schedule.describe()).info.recentActions[0]?.action, 30_000);
    const run = world.client.workflow.getHandle(started.workflow.workflowId, started.workflow.firstExecutionRunId);
    // The run's workflow task itself waits on the heavy queue: the main-only worker does not take it.
    expect((await run.describe()).taskQueue).toBe(heavyTaskQueue(world.config.TEMPORAL_TASK_QUEUE));
    expect((await run.fetchHistory()).events?.some((e) => e.workflowTaskCompletedEventAttributes)).toBe(false);

    const integration = await streamingIntegration(world, { oktaDomain: okta.url, oktaOrg: 'scaleco', apiToken: TOKEN, tenantId: 'scaleco' });
    const now = Date.now();
    const week = generateActivity(okta.org, { seed: 'scale-week', start: new Date(now - 7 * 86_400_000), end: new Date(now - 60_000) });
    okta.addEvents(week);
    const userId = week.map((e) => e.actor as { id: string; type: string }).find((a) => a.type === 'User')!.id;
    const summary = await (await startRefreshUser(world.client, world.db, world.config.TEMPORAL_TASK_QUEUE, integration.integrationId, userId)).result();
    expect(summary.eventsRead).toBeGreaterThan(0);
    expect((await run.describe()).status.name).toBe('RUNNING');
  });

  it('heavy-only worker processes take the slot’s runs and heavy work, and every tenant’s events are stored once', async () => {
    for (let i = 0; i < 2; i++) heavy.push(await startWorkerProcess({ ...world.env, WORKER_TASK_QUEUES: 'heavy', WORKER_HEAVY_ACTIVITY_SLOTS: '4' }));
    const tenants = await slotTenants(world, 'scale', [300, 80, 40, 20, 10, 10, 5, 5]);
    await expectStoredOnce(world, tenants, await runSlot(world, tenants));

    const byProcess = heavy.map((p) => completed(p.output));
    const total = (activity: string) => byProcess.reduce((sum, c) => sum + (c.get(activity) ?? 0), 0);
    // Every run's steps ran once each on the heavy processes (the run that waited above included); the main worker
    // ran refreshUser's steps and no step of the slot's runs.
    for (const activity of ['openIngestRun', 'drainQueue', 'detectForRun', 'closeIngestRun']) expect(total(activity), activity).toBe(tenants.length + 1);
    expect([...completed(world.logLines).keys()].sort()).toEqual(['refreshUserDirectory', 'refreshUserEvents']);
  });
});

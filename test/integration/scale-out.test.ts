// Scaling out: workflows and quick steps on one worker, the heavy work on two more processes that serve only the heavy
// task queue (WORKER_TASK_QUEUES=heavy), as an operator adds processes for a busy hour. The slot's runs complete and
// every tenant's events are stored exactly once, as on one worker (tenants-slot.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStoredOnce, runSlot, slotTenants } from '../support/slot.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { createWorld, type World } from '../support/world.js';

let world: World;
const heavy: WorkerProcess[] = [];

beforeAll(async () => {
  world = await createWorld({ WORKER_TASK_QUEUES: 'main' });
  await world.startWorker();
  for (let i = 0; i < 2; i++) heavy.push(await startWorkerProcess({ ...world.env, WORKER_TASK_QUEUES: 'heavy', WORKER_HEAVY_ACTIVITY_SLOTS: '4' }));
});

afterAll(async () => {
  for (const p of heavy) await p.kill('SIGTERM');
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
  it('heavy-only worker processes take the slot’s heavy work, and every tenant’s events are stored once', async () => {
    const tenants = await slotTenants(world, 'scale', [300, 80, 40, 20, 10, 10, 5, 5]);
    await expectStoredOnce(world, tenants, await runSlot(world, tenants));

    const byProcess = heavy.map((p) => completed(p.output));
    const total = (activity: string) => byProcess.reduce((sum, c) => sum + (c.get(activity) ?? 0), 0);
    // Every run's steps ran once each on the heavy processes; the main worker ran the workflows and no step of theirs.
    for (const activity of ['openIngestRun', 'drainQueue', 'detectForRun', 'closeIngestRun']) expect(total(activity), activity).toBe(tenants.length);
    expect([...completed(world.logLines).keys()]).toEqual([]);
  });
});

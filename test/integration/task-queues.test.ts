// The long work of an hour's slot (drains, System Log reads, detection passes, directory syncs) runs on the heavy
// task queue with its own activity slots (temporal/shared/task-queues.ts). With every heavy slot taken and more heavy
// work waiting, Refresh User Data — someone is waiting for it — still runs and completes at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateActivity, generateOrg, startOktaSimulator, type OktaSimulator } from '../../simulator/index.js';
import { startRefreshUser } from '../../temporal/client.js';
import { heavyTaskQueue } from '../../temporal/shared/task-queues.js';
import { streamingIntegration } from '../support/fixtures.js';
import { createWorld, type World } from '../support/world.js';
import { waitFor } from '../support/wait.js';

let world: World;
let slow: OktaSimulator;
let quick: OktaSimulator;
const SLOW_TOKEN = 'ssws-slowco-71ad';
const QUICK_TOKEN = 'ssws-quickco-2be4';

beforeAll(async () => {
  world = await createWorld({ WORKER_HEAVY_ACTIVITY_SLOTS: '1' });
  await world.startWorker();
  // Every answer of this org takes five seconds: its directory sync (40 users' factors, four reads at a time) holds the
  // one heavy slot for about a minute, until the test makes Okta quick again.
  slow = await startOktaSimulator({ token: SLOW_TOKEN, org: generateOrg({ seed: 'slow', users: 40, orgName: 'slowco', logStream: false }), latencyMs: 5000 });
  quick = await startOktaSimulator({ token: QUICK_TOKEN, org: generateOrg({ seed: 'quick', users: 10, orgName: 'quickco', logStream: false }) });
});

afterAll(async () => {
  await slow?.close();
  await quick?.close();
  await world?.close();
});

/** The state of a workflow's pending activity: 'SCHEDULED' (waiting for a slot) or 'STARTED'. */
async function pendingActivityStates(workflowId: string): Promise<string[]> {
  const { raw } = await world.client.workflow.getHandle(workflowId).describe();
  const states: Record<number, string> = { 1: 'SCHEDULED', 2: 'STARTED', 3: 'CANCEL_REQUESTED' };
  return (raw.pendingActivities ?? []).map((a) => states[Number(a.state)] ?? String(a.state));
}

describe('task queues', () => {
  it('a refreshUser completes while every heavy slot is taken and heavy work waits for one', async () => {
    const taskQueue = world.config.TEMPORAL_TASK_QUEUE;
    const syncIds: string[] = [];
    for (const tenantId of ['slow-a', 'slow-b']) {
      const { integrationId } = await streamingIntegration(world, { oktaDomain: slow.url, oktaOrg: 'slowco', apiToken: SLOW_TOKEN, tenantId });
      const workflowId = `okta-directory-sync:${integrationId}:test`;
      await world.client.workflow.start('directorySync', { taskQueue, workflowId, args: [{ integrationId }] });
      syncIds.push(workflowId);
    }
    // One sync holds the heavy slot, the other waits for it.
    await waitFor('one directory sync running, the other waiting for the heavy slot', async () => {
      const states = (await Promise.all(syncIds.map(pendingActivityStates))).flat().sort();
      return states.join() === 'SCHEDULED,STARTED' ? states : undefined;
    });

    const integration = await streamingIntegration(world, { oktaDomain: quick.url, oktaOrg: 'quickco', apiToken: QUICK_TOKEN, tenantId: 'quickco' });
    const now = Date.now();
    const week = generateActivity(quick.org, { seed: 'quick-week', start: new Date(now - 7 * 86_400_000), end: new Date(now - 60_000) });
    quick.addEvents(week);
    const userId = week.map((e) => (e.actor as { id: string; type: string })).find((a) => a.type === 'User')!.id;
    const refresh = await startRefreshUser(world.client, world.db, taskQueue, integration.integrationId, userId);
    const summary = await refresh.result();
    expect(summary.eventsRead).toBeGreaterThan(0);
    expect(summary.activityRowsWritten).toBe(summary.eventsRead);

    // The heavy work was still there: the same slot taken, the same sync still waiting.
    expect((await Promise.all(syncIds.map(pendingActivityStates))).flat().sort()).toEqual(['SCHEDULED', 'STARTED']);
    // And it completes once Okta answers quickly again, every user of the slow org stored.
    slow.setLatency(0);
    const results = await Promise.all(syncIds.map((id) => world.client.workflow.getHandle(id).result()));
    // Okta lists every user but the deprovisioned ones unless asked.
    const listed = slow.org.users.filter((u) => u.status !== 'DEPROVISIONED').length;
    for (const r of results) expect(r).toMatchObject({ users: listed });
    const taskQueues = await world.client.workflowService.describeTaskQueue({
      namespace: world.config.TEMPORAL_NAMESPACE, taskQueue: { name: heavyTaskQueue(taskQueue) }, taskQueueType: 2,
    });
    expect(taskQueues.pollers?.length).toBeGreaterThan(0);
  });
});

// A small hourly slot of many tenants (bench/tenants in miniature): tenants of different sizes, each with its queue
// and the product's Schedules, all triggered through their hourly Schedule at once. Every run completes and every
// tenant's events are stored exactly once, whatever the other tenants on the same worker do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { scheduleOptions } from '../../temporal/schedules.js';
import { SCHEDULE_KINDS, scheduleId } from '../../temporal/shared/ids.js';
import { publishEnvelopes, toEventBridgeEnvelopes } from '../../simulator/index.js';
import { tenantHour, trafficHour, trafficPool } from '../../bench/tenants-traffic.js';
import { streamingIntegration } from '../support/fixtures.js';
import { createWorld, type World } from '../support/world.js';
import { waitFor } from '../support/wait.js';

let world: World;

beforeAll(async () => {
  world = await createWorld();
  await world.startWorker();
});

afterAll(async () => {
  await world?.close();
});

describe('an hourly slot of many tenants', () => {
  it('completes every run and stores every tenant’s events once', async () => {
    const sizes = [600, 200, 80, 40, 20, 20, 10, 10, 5, 5, 5, 5];
    const pool = trafficPool(sizes[0], 12, trafficHour());
    const tenants = [];
    for (const [i, users] of sizes.entries()) {
      const integration = await streamingIntegration(world, { oktaDomain: 'initech.okta.com', oktaOrg: 'initech', apiToken: 'ssws-unused', tenantId: `slot-${i}` });
      for (const kind of SCHEDULE_KINDS) {
        const o = scheduleOptions(kind, { integrationId: integration.integrationId, tenantId: `slot-${i}`, name: `Slot ${i}`, tenantName: `slot-${i}` }, world.config.TEMPORAL_TASK_QUEUE);
        await world.client.schedule.create({ ...o, state: { paused: true, note: 'triggered by the test' } });
      }
      const bodies = toEventBridgeEnvelopes(tenantHour(pool, users), integration.destination, `slot-${i}`).map((e) => JSON.stringify(e));
      const { sent } = await publishEnvelopes(world.sqs, integration.queueUrl, bodies);
      expect(sent).toBe(bodies.length);
      tenants.push({ ...integration, published: sent });
    }
    expect(tenants[0].published).toBeGreaterThan(100);

    await Promise.all(tenants.map((t) => world.client.schedule.getHandle(scheduleId('hourly', t.integrationId)).trigger(ScheduleOverlapPolicy.SKIP)));
    const runs = await Promise.all(
      tenants.map(async (t) => {
        const handle = world.client.schedule.getHandle(scheduleId('hourly', t.integrationId));
        const started = await waitFor('the triggered run', async () => (await handle.describe()).info.recentActions[0]?.action, 30_000);
        return world.client.workflow.getHandle(started.workflow.workflowId, started.workflow.firstExecutionRunId);
      }),
    );
    const results = await Promise.all(runs.map((r) => r.result() as Promise<{ stored: number }>));

    const stored = await world.db.$client<{ integration_id: string; n: number; distinct_n: number }[]>`
      select integration_id, count(*)::int as n, count(distinct uuid)::int as distinct_n from events
      where integration_id in ${world.db.$client(tenants.map((t) => t.integrationId))} group by integration_id`;
    const byId = new Map(stored.map((r) => [r.integration_id, r] as const));
    for (const [i, t] of tenants.entries()) {
      expect(results[i].stored).toBe(t.published);
      expect(byId.get(t.integrationId)).toEqual({ integration_id: t.integrationId, n: t.published, distinct_n: t.published });
    }
  });
});

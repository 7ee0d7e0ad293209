// An hourly slot of many tenants (bench/tenants in miniature): integrations of different sizes created through the
// product's code, each with its queue and Schedules and an hour of traffic on its queue, then every hourly Schedule
// triggered at once, as the hour would.
import { expect } from 'vitest';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { scheduleOptions } from '../../temporal/schedules.js';
import { SCHEDULE_KINDS, scheduleId } from '../../temporal/shared/ids.js';
import { publishEnvelopes, toEventBridgeEnvelopes } from '../../simulator/index.js';
import { tenantHour, trafficHour, trafficPool } from '../../bench/tenants-traffic.js';
import { streamingIntegration, type StreamingIntegration } from './fixtures.js';
import { waitFor } from './wait.js';
import type { World } from './world.js';

export type SlotTenant = StreamingIntegration & { published: number };

/** Tenants of `sizes` users (prefix their ids), Schedules paused, an hour of their traffic on their queues. */
export async function slotTenants(world: World, prefix: string, sizes: readonly number[]): Promise<SlotTenant[]> {
  const pool = trafficPool(Math.max(...sizes), 12, trafficHour());
  const tenants: SlotTenant[] = [];
  for (const [i, users] of sizes.entries()) {
    const tenantId = `${prefix}-${i}`;
    const integration = await streamingIntegration(world, { oktaDomain: 'initech.okta.com', oktaOrg: 'initech', apiToken: 'ssws-unused', tenantId });
    for (const kind of SCHEDULE_KINDS) {
      const o = scheduleOptions(kind, { integrationId: integration.integrationId, tenantId, name: `Slot ${i}`, tenantName: tenantId }, world.config.TEMPORAL_TASK_QUEUE);
      await world.client.schedule.create({ ...o, state: { paused: true, note: 'triggered by the test' } });
    }
    const bodies = toEventBridgeEnvelopes(tenantHour(pool, users), integration.destination, tenantId).map((e) => JSON.stringify(e));
    const { sent } = await publishEnvelopes(world.sqs, integration.queueUrl, bodies);
    expect(sent).toBe(bodies.length);
    tenants.push({ ...integration, published: sent });
  }
  return tenants;
}

/** Triggers every tenant's hourly Schedule at once; the runs' results, in the tenants' order. */
export async function runSlot(world: World, tenants: readonly SlotTenant[]): Promise<Array<{ stored: number }>> {
  await Promise.all(tenants.map((t) => world.client.schedule.getHandle(scheduleId('hourly', t.integrationId)).trigger(ScheduleOverlapPolicy.SKIP)));
  const runs = await Promise.all(
    tenants.map(async (t) => {
      const handle = world.client.schedule.getHandle(scheduleId('hourly', t.integrationId));
      const started = await waitFor('the triggered run', async () => (await handle.describe()).info.recentActions[0]?.action, 30_000);
      return world.client.workflow.getHandle(started.workflow.workflowId, started.workflow.firstExecutionRunId);
    }),
  );
  return Promise.all(runs.map((r) => r.result() as Promise<{ stored: number }>));
}

/** Every tenant's events stored exactly once: as many rows as it published, as many distinct uuids. */
export async function expectStoredOnce(world: World, tenants: readonly SlotTenant[], results: ReadonlyArray<{ stored: number }>): Promise<void> {
  const stored = await world.db.$client<{ integration_id: string; n: number; distinct_n: number }[]>`
    select integration_id, count(*)::int as n, count(distinct uuid)::int as distinct_n from events
    where integration_id in ${world.db.$client(tenants.map((t) => t.integrationId))} group by integration_id`;
  const byId = new Map(stored.map((r) => [r.integration_id, r] as const));
  for (const [i, t] of tenants.entries()) {
    expect(results[i].stored).toBe(t.published);
    expect(byId.get(t.integrationId)).toEqual({ integration_id: t.integrationId, n: t.published, distinct_n: t.published });
  }
}

// A small hourly slot of many tenants (bench/tenants in miniature): tenants of different sizes, each with its queue
// and the product's Schedules, all triggered through their hourly Schedule at once. Every run completes and every
// tenant's events are stored exactly once, whatever the other tenants on the same worker do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStoredOnce, runSlot, slotTenants } from '../support/slot.js';
import { createWorld, type World } from '../support/world.js';

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
    const tenants = await slotTenants(world, 'slot', [600, 200, 80, 40, 20, 20, 10, 10, 5, 5, 5, 5]);
    expect(tenants[0].published).toBeGreaterThan(100);
    await expectStoredOnce(world, tenants, await runSlot(world, tenants));
  });
});

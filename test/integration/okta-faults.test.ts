// Okta misbehaving while the product reads it, on the real stack (the simulator through the real SDK, the
// real workflows): 429 storms and 20 % 5xx answers during the onboarding backfill and directory sync, an
// hourly polling read, Refresh User Data and the daily directory sync. Every read completes with the same
// rows as without faults, and the simulator's counters show the budget was kept: no window got more
// requests than its X-Rate-Limit-Limit, nothing was sent after a 429 before the reset it announced. A storm
// longer than the retries allowed fails the activity with a retryable error; Temporal retries it and the
// read resumes from its cursor, storing nothing twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOrg, startOktaSimulator, type FaultMode, type OktaLogEvent, type OktaSimulator } from '../../simulator/index.js';
import { createIntegration } from '../../integrations/create.js';
import { getIntegration } from '../../integrations/repository.js';
import { onboardingStatus, startOnboarding, startRefreshUser } from '../../temporal/client.js';
import { createWorld, type World } from '../support/world.js';
import { runHourly } from '../support/fixtures.js';
import { recentTraffic } from '../support/traffic.js';

const TOKEN = 'ssws-faults-77c1';
let world: World;
let sim: OktaSimulator;
/** Integration A reads everything under faults; B is the fault-free reference for the directory. */
let faulty: string;
let reference: string;
let history: OktaLogEvent[];

/** 20 % of requests answer 500/502/503, the same ones for the same order of requests. */
const serverErrors = (seed: string): FaultMode['serverErrors'] => ({ rate: 0.2, seed });

beforeAll(async () => {
  // Two 429 retries per request, so a storm of ~8 s outlasts them; 25-event pages so the reads span many pages.
  world = await createWorld({ OKTA_LOG_PAGE_LIMIT: '25', OKTA_MAX_RETRIES: '2', OKTA_REQUEST_TIMEOUT_MS: '5000' });
  await world.startWorker();
  const org = generateOrg({ seed: 'faults-tenant', users: 25, orgName: 'tailspin', logStream: false });
  // Small windows: the reads meet the budget many times over.
  sim = await startOktaSimulator({
    token: TOKEN,
    org,
    rateLimit: { logs: { limitPerWindow: 10, windowSeconds: 2 }, users: { limitPerWindow: 30, windowSeconds: 2 }, devices: { limitPerWindow: 10, windowSeconds: 2 } },
  });
  // Inside the one-day backfill window, so the backfill must store exactly these. As many on a Saturday night as on a
  // Tuesday morning (the generator follows a workday rhythm): 400 events re-timed over the last 20 hours, 16 pages.
  history = recentTraffic(sim.org, 'faults-history', 400, 20 * 60, 1);
  sim.addEvents(history);
  const create = async (tenantId: string) =>
    (
      await createIntegration(world.db, world.secretKey, {
        tenantId,
        name: `${tenantId} Okta`,
        oktaDomain: sim.url,
        oktaOrg: 'tailspin',
        apiToken: TOKEN,
        awsAccountId: world.config.awsAccountId,
        ingestMode: 'polling',
        backfillDays: 1,
      })
    ).integrationId;
  faulty = await create('tailspin');
  reference = await create('tailspin-reference');
});

afterAll(async () => {
  await sim?.close();
  await world?.close();
});

async function storedUuids(integrationId: string): Promise<string[]> {
  const rows = await world.db.$client<{ uuid: string }[]>`select uuid from events where integration_id = ${integrationId} order by uuid`;
  return rows.map((r) => r.uuid);
}
const uuidsOf = (events: readonly OktaLogEvent[]) => [...new Set(events.map((e) => e.uuid))].sort();

/** The directory as stored, without the integration id and sync times. */
async function directoryRows(integrationId: string) {
  const sql = world.db.$client;
  return {
    users: await sql`select id, status, login, email, display_name, last_login, raw from okta_users where integration_id = ${integrationId} order by id`,
    factors: await sql`select id, user_id, factor_type, provider, status, raw from okta_factors where integration_id = ${integrationId} order by id`,
    devices: await sql`select id, status, display_name, platform, raw from okta_devices where integration_id = ${integrationId} order by id`,
    links: await sql`select user_id, device_id, management_status, screen_lock_type from okta_user_devices where integration_id = ${integrationId} order by user_id, device_id`,
  };
}

function runDirectorySync(integrationId: string) {
  return world.client.workflow.execute('directorySync', {
    taskQueue: world.config.TEMPORAL_TASK_QUEUE,
    workflowId: `okta-directory-sync:${integrationId}:${Date.now()}`,
    args: [{ integrationId }],
  });
}

/** What the simulator saw since `since`: faults were met, and the budget was kept throughout. */
function expectBudgetKept(since: number, buckets: Array<'logs' | 'users' | 'devices'>) {
  const report = sim.budgetReport({ since });
  expect(report.overBudget).toEqual([]);
  expect(report.limiterRejections).toEqual([]);
  expect(report.earlyAfter429).toEqual([]);
  const faults = sim.requests.filter((r) => r.receivedAt >= since && buckets.includes(r.bucket as never));
  expect(faults.some((r) => r.fault === 'storm')).toBe(true);
  expect(faults.some((r) => r.fault === 'server-error')).toBe(true);
  return report;
}

/** Why Temporal had to retry activities of a workflow (the last failure before each successful attempt > 1). */
async function retriedFailures(workflowId: string): Promise<string[]> {
  const history = await world.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const started = e.activityTaskStartedEventAttributes;
    return started && (started.attempt ?? 1) > 1 ? [started.lastFailure?.message ?? ''] : [];
  });
}

describe('Okta under 429 storms and 20 % 5xx', () => {
  let reference_directory: Awaited<ReturnType<typeof directoryRows>>;

  it('(reference) the directory sync of a tenant without faults', async () => {
    const result = await runDirectorySync(reference);
    reference_directory = await directoryRows(reference);
    expect(result.users).toBe(reference_directory.users.length);
    expect(reference_directory.users.length).toBeGreaterThan(20);
    expect(reference_directory.factors.length).toBeGreaterThan(20);
    expect(reference_directory.devices.length).toBeGreaterThan(10);
  });

  it('onboarding syncs the directory and backfills the System Log: the same rows, the budget kept, a storm past the retries resumed from the cursor', async () => {
    const since = Date.now();
    sim.setFaults({
      storms: [
        // During the directory sync: within the retries, waited out request by request.
        { afterRequests: 12, durationMs: 3_000, buckets: ['users'] },
        // During the backfill: longer than two retries allow, so the read fails and is retried by Temporal.
        { afterRequests: 5, durationMs: 8_000, buckets: ['logs'] },
      ],
      serverErrors: serverErrors('onboarding'),
    });
    const handle = await startOnboarding(world.client, world.db, world.config.TEMPORAL_TASK_QUEUE, { integrationId: faulty, reminderAfter: '1 hour' });
    await handle.result();

    expect((await getIntegration(world.db, faulty)).status).toBe('polling');
    expect(await directoryRows(faulty)).toEqual(reference_directory);
    const stored = await storedUuids(faulty);
    expect(stored).toEqual(uuidsOf(history));
    expect((await onboardingStatus(world.client, faulty))?.backfill?.done).toBe(true);
    const [run] = await world.db.$client`select polled_pages, stored from ingest_runs where integration_id = ${faulty} and kind = 'backfill'`;
    expect(run.stored).toBe(history.length);
    // Every page read (more if a page was read again after the storm), and many of them.
    expect(run.polled_pages).toBeGreaterThanOrEqual(Math.ceil(history.length / 25));
    expect(run.polled_pages).toBeGreaterThan(10);

    const failures = await retriedFailures(handle.workflowId);
    expect(failures.some((m) => /Okta is still rate-limiting \(429\)/.test(m))).toBe(true);
    expectBudgetKept(since, ['users', 'logs']);
  });

  it('an hourly polling read stores each new event once under a storm and 5xx', async () => {
    const before = await storedUuids(faulty);
    const fresh = recentTraffic(sim.org, 'faults-fresh', 180, 50);
    sim.addEvents(fresh);
    const since = Date.now();
    sim.setFaults({ storms: [{ afterRequests: 1, durationMs: 3_000, buckets: ['logs'] }], serverErrors: serverErrors('hourly') });
    const result = await runHourly(world, faulty);
    expect(result.polled).toBe(fresh.length);
    expect(await storedUuids(faulty)).toEqual(uuidsOf([...before.map((uuid) => ({ uuid }) as OktaLogEvent), ...fresh]));
    expectBudgetKept(since, ['logs']);
  });

  it('Refresh User Data writes the same Activity rows under a storm and 5xx', async () => {
    // The busiest user; a tenant that has no Activity rows yet, so the refresh reads the user's whole history.
    const { integrationId } = await createIntegration(world.db, world.secretKey, {
      tenantId: 'tailspin-refresh', name: 'refresh', oktaDomain: sim.url, oktaOrg: 'tailspin', apiToken: TOKEN, awsAccountId: world.config.awsAccountId, ingestMode: 'polling',
    });
    const all = [...sim.org.events];
    const perUser = new Map<string, Set<string>>();
    for (const e of all) {
      const ids = new Set([e.actor?.type === 'User' ? e.actor.id : undefined, ...(e.target ?? []).filter((t) => t.type === 'User').map((t) => t.id)]);
      for (const id of ids) if (id) perUser.set(id, (perUser.get(id) ?? new Set()).add(e.uuid));
    }
    const [userId, uuids] = [...perUser.entries()].sort((a, b) => b[1].size - a[1].size)[0];
    expect(uuids.size).toBeGreaterThan(25); // more than one 25-event page

    const since = Date.now();
    sim.setFaults({ storms: [{ afterRequests: 3, durationMs: 3_000 }], serverErrors: serverErrors('refresh') });
    const summary = await (await startRefreshUser(world.client, world.db, world.config.TEMPORAL_TASK_QUEUE, integrationId, userId)).result();
    expect(summary.eventsRead).toBe(uuids.size);
    expect(summary.factors).toBe(sim.org.factors[userId]?.length ?? 0);
    const rows = await world.db.$client<{ event_uuid: string }[]>`
      select event_uuid from user_activity where integration_id = ${integrationId} and user_id = ${userId} order by event_uuid`;
    expect(rows.map((r) => r.event_uuid)).toEqual([...uuids].sort());
    expectBudgetKept(since, ['users', 'logs']);
  });

  it('the daily directory sync gives the same rows under a storm and 5xx, four factor reads in flight', async () => {
    const since = Date.now();
    // Concurrent reads share the wait: after a 429 one request at a time asks again until an answer tells the budget.
    sim.setFaults({ storms: [{ afterRequests: 10, durationMs: 4_000, buckets: ['users'] }], serverErrors: serverErrors('directory') });
    await runDirectorySync(faulty);
    expect(await directoryRows(faulty)).toEqual(reference_directory);
    const report = expectBudgetKept(since, ['users']);
    // Four reads were in flight when the storm began; after that, no more than one 429 per announced reset.
    expect(report.byBucket.users!.rateLimited).toBeLessThanOrEqual(4 + 4);
  });
});

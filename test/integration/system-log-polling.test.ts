// Reading the System Log through the Okta API on the real stack (the simulator through the real SDK):
// the onboarding backfill of several days over many rate-limited pages, a polling tenant's hourly runs
// (an empty page, a 429, events persisted late), and switching a tenant from streaming to polling and
// back in the middle of its traffic. Every event is stored exactly once, none is missing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateActivity,
  generateOrg,
  publishEnvelopes,
  startOktaSimulator,
  toEventBridgeEnvelopes,
  type OktaLogEvent,
  type OktaSimulator,
} from '../../simulator/index.js';
import { createIntegration } from '../../integrations/create.js';
import { switchIngestMode } from '../../operations/switch-ingest-mode.js';
import { getIntegration } from '../../integrations/repository.js';
import { onboardingStatus, startOnboarding } from '../../temporal/client.js';
import { scheduleId } from '../../temporal/shared/ids.js';
import { createWorld, type World } from '../support/world.js';
import { pauseSchedules, runHourly, streamingIntegration } from '../support/fixtures.js';
import { recentTraffic } from '../support/traffic.js';

const TOKEN = 'ssws-polling-5e1f';
const HOUR = 3_600_000;
let world: World;

beforeAll(async () => {
  // Pages of 50 events: a few days of a small org are dozens of pages.
  world = await createWorld({ OKTA_LOG_PAGE_LIMIT: '50', SYSTEM_LOG_POLL_OVERLAP: '15m' });
  await world.startWorker();
});

afterAll(async () => {
  await world?.close();
});

/** Benign traffic of `org` between two instants relative to now. */
function traffic(sim: OktaSimulator, seed: string, fromHoursAgo: number, toHoursAgo: number): OktaLogEvent[] {
  const now = Date.now();
  return generateActivity(sim.org, { seed, start: new Date(now - fromHoursAgo * HOUR), end: new Date(now - toHoursAgo * HOUR) });
}

async function storedUuids(integrationId: string): Promise<string[]> {
  const rows = await world.db.$client<{ uuid: string }[]>`select uuid from events where integration_id = ${integrationId} order by uuid`;
  return rows.map((r) => r.uuid);
}

const uuidsOf = (events: readonly OktaLogEvent[]) => [...new Set(events.map((e) => e.uuid))].sort();

describe('a polling tenant', () => {
  let sim: OktaSimulator;
  let integrationId: string;
  let history: OktaLogEvent[];

  beforeAll(async () => {
    const org = generateOrg({ seed: 'polling-tenant', users: 60, orgName: 'contoso', logStream: false });
    sim = await startOktaSimulator({ token: TOKEN, org, rateLimit: { logs: { limitPerWindow: 8, windowSeconds: 2 } } });
    // Four days of history, of which onboarding reads the last three.
    history = traffic(sim, 'polling-history', 4 * 24, 1);
    sim.addEvents(history);
    ({ integrationId } = await createIntegration(world.db, world.secretKey, {
      tenantId: 'contoso',
      name: 'Contoso Okta',
      oktaDomain: sim.url,
      oktaOrg: 'contoso',
      apiToken: TOKEN,
      awsAccountId: world.config.awsAccountId,
      ingestMode: 'polling',
      backfillDays: 3,
    }));
  });

  afterAll(async () => {
    await sim?.close();
  });

  it('onboarding backfills three days over many pages within the rate limit, then polls hourly on Schedules', async () => {
    const handle = await startOnboarding(world.client, world.db, world.config.TEMPORAL_TASK_QUEUE, { integrationId, reminderAfter: '1 hour' });
    await handle.result();
    const row = await getIntegration(world.db, integrationId);
    expect(row.status).toBe('polling');
    expect(row.queueUrl).toBeNull();
    expect(row.pollCursor).toMatch(/\/api\/v1\/logs\?.*after=/);

    const since = Date.now() - 3 * 24 * HOUR;
    const expected = uuidsOf(history.filter((e) => Date.parse(e.published) >= since + 60_000));
    const stored = await storedUuids(integrationId);
    // Everything of the window is there (the window's first minute depends on the exact start instant).
    expect(stored.filter((u) => expected.includes(u))).toEqual(expected);
    expect(stored.length).toBeLessThanOrEqual(uuidsOf(history).length);

    const status = await onboardingStatus(world.client, integrationId);
    expect(status?.backfill).toMatchObject({ done: true, eventsStored: stored.length });
    const [run] = await world.db.$client`select kind, polled, polled_pages, stored from ingest_runs where integration_id = ${integrationId}`;
    expect(run).toMatchObject({ kind: 'backfill', stored: stored.length });
    expect(run.polled_pages).toBeGreaterThan(10);
    // The simulator enforced 8 log requests per 2 s: the reads waited instead of failing.
    const logRequests = sim.requests.filter((r) => r.path === '/api/v1/logs');
    expect(logRequests.filter((r) => r.status === 200).length).toBeGreaterThan(10);

    const schedule = await world.client.schedule.getHandle(scheduleId('hourly', integrationId)).describe();
    expect(schedule.action).toMatchObject({ workflowType: 'hourlyAnalysis' });
    await pauseSchedules(world, integrationId);
  });

  it('stores new, late and rate-limited events once each, and an empty page changes nothing', async () => {
    const before = await storedUuids(integrationId);
    const fresh = recentTraffic(sim.org, 'polling-fresh', 60, 50);
    sim.addEvents(fresh);
    // Published an hour ago, persisted by Okta only now: a poller following its cursor still gets it.
    const late = recentTraffic(sim.org, 'polling-late', 5, 180, 150).map((e, i) => ({ ...e, uuid: `1a7e${String(i).padStart(4, '0')}${e.uuid.slice(8)}` })); // distinct, still of the Okta uuid form
    sim.addEvents(late, { persistedAt: new Date() });
    sim.injectFaults({ rateLimitNext: 1 });

    const result = await runHourly(world, integrationId);
    expect(result.polled).toBeGreaterThanOrEqual(fresh.length + late.length);
    expect(result.received).toBe(0);
    const after = await storedUuids(integrationId);
    expect(after).toEqual(uuidsOf([...before.map((uuid) => ({ uuid }) as OktaLogEvent), ...fresh, ...late]));
    expect(sim.requests.some((r) => r.path === '/api/v1/logs' && r.status === 429)).toBe(true);

    const quiet = await runHourly(world, integrationId);
    expect(quiet).toMatchObject({ polled: 0, stored: 0 });
    expect(await storedUuids(integrationId)).toEqual(after);
  });
});

describe('switching between streaming and polling', () => {
  it('loses and doubles nothing, streaming → polling → streaming', async () => {
    const org = generateOrg({ seed: 'switching-tenant', users: 25, orgName: 'fabrikam', logStream: false });
    const sim = await startOktaSimulator({ token: TOKEN, org });
    try {
      const integration = await streamingIntegration(world, { oktaDomain: sim.url, oktaOrg: 'fabrikam', apiToken: TOKEN });
      const { integrationId } = integration;
      const stream = async (events: OktaLogEvent[], label: string) => {
        sim.addEvents(events); // Okta has every event in its System Log…
        const sent = await publishEnvelopes(world.sqs, integration.queueUrl, toEventBridgeEnvelopes(events, integration.destination, label));
        expect(sent.failed).toEqual([]);
      };
      const switchTo = (mode: 'streaming' | 'polling') =>
        switchIngestMode(world.client, world.db, world.sqs, integrationId, mode, {
          overlapMs: 15 * 60_000,
          pageLimit: 50,
          queue: { prefix: world.config.SQS_QUEUE_PREFIX, visibilityTimeoutSeconds: 30 },
        });

      const e1 = recentTraffic(sim.org, 'switch-1', 80, 480, 360);
      await stream(e1, 's1');
      expect(await runHourly(world, integrationId)).toMatchObject({ polled: 0, stored: e1.length });

      expect(await switchTo('polling')).toMatchObject({ mode: 'polling', status: 'polling' });
      const e2 = recentTraffic(sim.org, 'switch-2', 80, 360, 240);
      sim.addEvents(e2); // …but no longer streams them.
      const polled = await runHourly(world, integrationId);
      expect(polled.received).toBe(0);
      expect(polled.stored).toBe(e2.length);
      expect(polled.duplicates).toBeGreaterThan(0); // the overlap re-read the end of e1

      expect(await switchTo('streaming')).toMatchObject({ mode: 'streaming', status: 'polling' });
      const e3 = recentTraffic(sim.org, 'switch-3', 80, 240, 120);
      await stream(e3, 's3');
      const takeover = await runHourly(world, integrationId);
      expect(takeover.received).toBe(e3.length);
      const row = await getIntegration(world.db, integrationId);
      expect(row).toMatchObject({ status: 'streaming', pollCursor: null });

      const e4 = recentTraffic(sim.org, 'switch-4', 80, 120, 0);
      await stream(e4, 's4');
      expect(await runHourly(world, integrationId)).toMatchObject({ polled: 0, stored: e4.length });

      expect(await storedUuids(integrationId)).toEqual(uuidsOf([...e1, ...e2, ...e3, ...e4]));
    } finally {
      await sim.close();
    }
  });
});

// The Activity table: the daily job over stored events, and "Refresh User Data" straight from
// the Okta API (the simulator, through the real SDK), on the real stack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateActivity, generateOrg, publishEnvelopes, startOktaSimulator, toEventBridgeEnvelopes, type OktaLogEvent, type OktaSimulator } from '../../simulator/index.js';
import { startRefreshUser } from '../../temporal/client.js';
import { refreshUserWorkflowId } from '../../temporal/shared/ids.js';
import { createWorld, type World } from '../support/world.js';
import { runHourly, streamingIntegration } from '../support/fixtures.js';
import { waitFor } from '../support/wait.js';

let world: World;
let sim: OktaSimulator;
const TOKEN = 'ssws-initech-0a9c';

beforeAll(async () => {
  // Small System Log pages so one user's month spans several pages.
  world = await createWorld({ OKTA_LOG_PAGE_LIMIT: '100' });
  await world.startWorker();
  sim = await startOktaSimulator({ token: TOKEN, org: generateOrg({ seed: 'activity', users: 25, orgName: 'initech', logStream: false }) });
});

afterAll(async () => {
  await sim?.close();
  await world?.close();
});

type Row = { user_id: string; event_uuid: string; role: string };

/** Who an event belongs to: its User actor and its User targets. */
function expectedRows(events: OktaLogEvent[]): Map<string, string> {
  const rows = new Map<string, string>();
  for (const e of events) {
    const actor = e.actor as { id?: string; type?: string } | undefined;
    const targets = ((e.target as Array<{ id?: string; type?: string }> | null) ?? []).filter((t) => t.type === 'User' && t.id);
    const isActor = actor?.type === 'User' && actor.id ? actor.id : undefined;
    const users = new Set([...(isActor ? [isActor] : []), ...targets.map((t) => t.id!)]);
    for (const u of users) {
      const asTarget = targets.some((t) => t.id === u);
      rows.set(`${u}|${e.uuid}`, u === isActor ? (asTarget ? 'actor+target' : 'actor') : 'target');
    }
  }
  return rows;
}

describe('dailyActivity', () => {
  it("writes each user's rows for the day, exactly their events, and a re-run changes nothing", async () => {
    const integration = await streamingIntegration(world, { oktaDomain: sim.url, oktaOrg: 'initech', apiToken: TOKEN });
    const events = generateActivity(sim.org, { seed: 'activity-days', start: new Date('2026-11-09T00:00:00Z'), end: new Date('2026-11-12T00:00:00Z') });
    await publishEnvelopes(world.sqs, integration.queueUrl, toEventBridgeEnvelopes(events, integration.destination, 'a'));
    await runHourly(world, integration.integrationId);

    const day = '2026-11-10';
    const run = () =>
      world.client.workflow.execute('dailyActivity', {
        taskQueue: world.config.TEMPORAL_TASK_QUEUE,
        workflowId: `okta-daily-activity:${integration.integrationId}:${day}:${Math.random()}`,
        args: [{ integrationId: integration.integrationId, day }],
      });
    const first = await run();
    const read = async () =>
      world.db.$client<Row[]>`
        select user_id, event_uuid, role from user_activity where integration_id = ${integration.integrationId} order by user_id, event_uuid`;
    const rowsAfterFirst = await read();

    const ofDay = events.filter((e) => e.published.startsWith(day));
    const expected = expectedRows(ofDay);
    expect(first.rowsWritten).toBe(expected.size);
    expect(new Map(rowsAfterFirst.map((r) => [`${r.user_id}|${r.event_uuid}`, r.role]))).toEqual(expected);
    expect(first.users).toBe(new Set(rowsAfterFirst.map((r) => r.user_id)).size);

    const second = await run();
    expect(second.rowsWritten).toBe(0);
    expect(await read()).toEqual(rowsAfterFirst);
  });
});

describe('refreshUser', () => {
  it('pages through the API, honours a 429, writes Activity at once, and joins concurrent requests', async () => {
    const integration = await streamingIntegration(world, { oktaDomain: sim.url, oktaOrg: 'initech', apiToken: TOKEN, tenantId: 'initech' });
    const now = Date.now();
    const month = generateActivity(sim.org, { seed: 'refresh', start: new Date(now - 30 * 86_400_000), end: new Date(now - 60_000) });
    sim.addEvents(month);
    const expected = expectedRows(month);
    // The busiest active user, so their month spans at least three 100-event pages.
    const perUser = new Map<string, number>();
    for (const key of expected.keys()) perUser.set(key.split('|')[0], (perUser.get(key.split('|')[0]) ?? 0) + 1);
    const [userId, userEvents] = [...perUser.entries()].sort((a, b) => b[1] - a[1])[0];
    expect(userEvents).toBeGreaterThan(200);

    sim.injectFaults({ rateLimitNext: 1 });
    const logsBefore = sim.requests.length;
    const [a, b] = await Promise.all([
      startRefreshUser(world.client, world.db, world.config.TEMPORAL_TASK_QUEUE, integration.integrationId, userId),
      startRefreshUser(world.client, world.db, world.config.TEMPORAL_TASK_QUEUE, integration.integrationId, userId),
    ]);
    expect(a.workflowId).toBe(refreshUserWorkflowId(integration.integrationId, userId));
    expect(a.firstExecutionRunId).toBe(b.firstExecutionRunId);
    const summary = await a.result();

    expect(summary.pages).toBeGreaterThanOrEqual(3);
    expect(summary.eventsRead).toBe(userEvents);
    expect(summary.activityRowsWritten).toBe(userEvents);
    // The result carries counts and ids only: the login is in the directory, never in the workflow's history.
    const { login, email } = sim.org.users.find((u) => u.id === userId)!.profile;
    expect(summary).not.toHaveProperty('login');
    const [stored] = await world.db.$client<{ login: string }[]>`
      select login from okta_users where integration_id = ${integration.integrationId} and id = ${userId}`;
    expect(stored.login).toBe(login);
    const history = JSON.stringify(await a.fetchHistory());
    expect(history).not.toContain(login);
    if (email) expect(history).not.toContain(email);
    expect(summary.factors).toBe(sim.org.factors[userId]?.length ?? 0);
    const requests = sim.requests.slice(logsBefore);
    expect(requests.some((r) => r.status === 429)).toBe(true);
    expect(requests.filter((r) => r.path === '/api/v1/logs' && r.status === 200).length).toBe(summary.pages);

    const rows = await world.db.$client<Row[]>`
      select user_id, event_uuid, role from user_activity where integration_id = ${integration.integrationId} and user_id = ${userId}`;
    const expectedForUser = new Map([...expected].filter(([k]) => k.startsWith(`${userId}|`)));
    expect(new Map(rows.map((r) => [`${r.user_id}|${r.event_uuid}`, r.role]))).toEqual(expectedForUser);

    // The list is eventually consistent: wait until it shows the run, then count.
    const executions = await waitFor('the refresh in the workflow list', async () => {
      const runIds = [];
      for await (const wf of world.client.workflow.list({ query: `WorkflowId = "${a.workflowId}"` })) runIds.push(wf.runId);
      return runIds.length > 0 ? runIds : undefined;
    }, 30_000, 200);
    expect(executions).toHaveLength(1);

    // A second refresh reads only what is newer than the latest Activity row.
    const again = await (await startRefreshUser(world.client, world.db, world.config.TEMPORAL_TASK_QUEUE, integration.integrationId, userId)).result();
    expect(again.eventsAfter).not.toBeNull();
    expect(again.activityRowsWritten).toBe(0);
    expect(again.pages).toBe(1);
  });
});

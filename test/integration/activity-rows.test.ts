// Both paths that write Activity — the daily job over stored events, and Refresh User Data straight from the Okta
// API — write identical rows for the same events: same users, roles, messages and event columns
// (user-activity/activity-row.ts is their one builder). On the real stack, with the Okta simulator's events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateActivity, generateOrg, publishEnvelopes, startOktaSimulator, toEventBridgeEnvelopes, type OktaLogEvent, type OktaSimulator } from '../../simulator/index.js';
import { startRefreshUser } from '../../temporal/client.js';
import { previousUtcDay } from '../../user-activity/day.js';
import { createWorld, type World } from '../support/world.js';
import { runHourly, streamingIntegration } from '../support/fixtures.js';

let world: World;
let sim: OktaSimulator;
const TOKEN = 'ssws-hooli-5e1b';

beforeAll(async () => {
  world = await createWorld({ OKTA_LOG_PAGE_LIMIT: '100' });
  await world.startWorker();
  sim = await startOktaSimulator({ token: TOKEN, org: generateOrg({ seed: 'activity-rows', users: 10, orgName: 'hooli', logStream: false }) });
});

afterAll(async () => {
  await sim?.close();
  await world?.close();
});

type Row = Record<string, unknown> & { user_id: string; event_uuid: string; role: string; display_message: string | null; source: string };

/** Every column but the time of writing and which path wrote it, in a stable order. */
function comparable(rows: Row[]): Record<string, unknown>[] {
  return rows
    .map(({ written_at: _writtenAt, source: _source, ...columns }) => columns)
    .sort((a, b) => `${String(a.user_id)}|${String(a.event_uuid)}`.localeCompare(`${String(b.user_id)}|${String(b.event_uuid)}`));
}

/** The UTC day before `at`, or the Friday before it when that day is a Saturday or a Sunday. */
function lastWorkday(at: Date): string {
  let day = previousUtcDay(at);
  while ([0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay())) day = previousUtcDay(new Date(`${day}T00:00:00Z`));
  return day;
}

/**
 * The day's generated events, with the cases the rules decide made sure of: some events without a displayMessage
 * (absent, null, "null", empty), and an event by a non-User actor about a user (a target only; the actor is no one's).
 */
function dayOfEvents(day: string): OktaLogEvent[] {
  const events = generateActivity(sim.org, { seed: 'activity-rows-day', start: new Date(`${day}T00:00:00Z`), end: new Date(`${day}T23:59:59.999Z`) });
  const noMessage: Array<(e: Record<string, unknown>) => void> = [
    (e) => delete e.displayMessage,
    (e) => (e.displayMessage = null),
    (e) => (e.displayMessage = 'null'),
    (e) => (e.displayMessage = ''),
  ];
  events.forEach((e, i) => {
    if (i % 7 === 0) noMessage[(i / 7) % noMessage.length](e as unknown as Record<string, unknown>);
  });
  const subject = sim.org.users[0];
  const template = events.find((e) => e.eventType === 'user.session.start')!;
  events.push({
    ...template,
    uuid: template.uuid.replace(/^.{8}/, 'a11ce000'),
    eventType: 'user.lifecycle.suspend',
    displayMessage: 'Suspend Okta user',
    actor: { id: '0oa5yst3mJ0b000x1d8', type: 'PublicClientApp', alternateId: 'hr-sync', displayName: 'HR sync', detailEntry: null },
    target: [{ id: subject.id, type: 'User', alternateId: subject.profile.login, displayName: subject.profile.displayName, detailEntry: null }],
  });
  return events;
}

describe('Activity rows of the daily job and of the refresh', () => {
  it('are identical for the same events, for every user', async () => {
    const integration = await streamingIntegration(world, { oktaDomain: sim.url, oktaOrg: 'hooli', apiToken: TOKEN, tenantId: 'hooli' });
    // A whole UTC day inside the refresh's look-back (90 days before now), and a workday: the generator's people
    // hardly sign in at weekends (a Saturday gives one event, a Sunday none).
    const day = lastWorkday(new Date(Date.now() - 86_400_000));
    const events = dayOfEvents(day);
    // The same events stored (through the queue and the hourly run) and served by the System Log API.
    sim.addEvents(events);
    await publishEnvelopes(world.sqs, integration.queueUrl, toEventBridgeEnvelopes(events, integration.destination, 'r'));
    await runHourly(world, integration.integrationId);

    const read = () =>
      world.db.$client<Row[]>`select * from user_activity where integration_id = ${integration.integrationId}`;

    const daily = await world.client.workflow.execute('dailyActivity', {
      taskQueue: world.config.TEMPORAL_TASK_QUEUE,
      workflowId: `okta-daily-activity:${integration.integrationId}:${day}:rows`,
      args: [{ integrationId: integration.integrationId, day }],
    });
    const dailyRows = await read();
    expect(daily.rowsWritten).toBe(dailyRows.length);
    expect(new Set(dailyRows.map((r) => r.source))).toEqual(new Set(['daily']));

    // The cases are there: each role, and rows without a message.
    const roles = new Set(dailyRows.map((r) => r.role));
    expect(roles).toEqual(new Set(['actor', 'target', 'actor+target']));
    expect(dailyRows.filter((r) => r.display_message === null).length).toBeGreaterThanOrEqual(4);
    expect(dailyRows.some((r) => r.display_message !== null)).toBe(true);
    const bySystem = dailyRows.filter((r) => r.event_uuid.startsWith('a11ce000'));
    expect(bySystem.map((r) => [r.user_id, r.role])).toEqual([[sim.org.users[0].id, 'target']]);

    // The same users' Activity written again, by the refresh alone.
    await world.db.$client`delete from user_activity where integration_id = ${integration.integrationId}`;
    const users = [...new Set(dailyRows.map((r) => r.user_id))].sort();
    expect(users.length).toBeGreaterThan(3);
    let refreshed = 0;
    for (const userId of users) {
      const handle = await startRefreshUser(world.client, world.db, world.config.TEMPORAL_TASK_QUEUE, integration.integrationId, userId);
      refreshed += (await handle.result()).activityRowsWritten;
    }
    const refreshRows = await read();
    expect(refreshed).toBe(refreshRows.length);
    expect(new Set(refreshRows.map((r) => r.source))).toEqual(new Set(['refresh']));

    expect(comparable(refreshRows)).toEqual(comparable(dailyRows));
  });
});

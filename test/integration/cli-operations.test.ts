// The operator CLI over a streaming integration's operations, as a child process on the real stack:
// Schedules (list, trigger, backfill), runs, quarantine (list, show, replay after a fix), detections
// (list with filters, show with evidence and deliveries), pause/resume, and delete with all its data.
// The story: the integration was set up with the wrong Okta org, so its first hourly run quarantines
// every event as foreign; the operator corrects the org and replays the quarantine.
import { GetQueueUrlCommand, QueueDoesNotExist } from '@aws-sdk/client-sqs';
import { ScheduleNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildScenario,
  duplicateDeliveries,
  generateActivity,
  generateOrg,
  malformedBodies,
  publishEnvelopes,
  toEventBridgeEnvelopes,
  type OktaLogEvent,
} from '../../simulator/index.js';
import { ensureSchedules } from '../../temporal/schedules.js';
import { SCHEDULE_KINDS, scheduleId } from '../../temporal/shared/ids.js';
import { queueNames } from '../../aws/queues.js';
import { createWorld, type World } from '../support/world.js';
import { streamingIntegration, type StreamingIntegration } from '../support/fixtures.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { waitFor } from '../support/wait.js';
import { jsonOf, progressOf, runCli, type CliRun } from '../support/cli.js';

const DAY = 86_400_000;
/** Three UTC days ago at midnight: the events span it and the next day. */
const D = new Date(Math.floor(Date.now() / DAY) * DAY - 3 * DAY);
const iso = (ms: number) => new Date(ms).toISOString();
const dayOf = (ms: number) => iso(ms).slice(0, 10);

let world: World;
let webhook: WebhookReceiver;
let integration: StreamingIntegration;
let id: string;

const org = generateOrg({ seed: 'cli-ops', users: 30, orgName: 'initech', logStream: false });
const benign = generateActivity(org, { seed: 'cli-ops', start: D, end: new Date(D.getTime() + 2 * DAY) });
const spray = buildScenario(org, 'passwordSpray', { seed: 1, at: new Date(D.getTime() + 10 * 3_600_000) });
const pushBombing = buildScenario(org, 'mfaPushBombing', { seed: 2, at: new Date(D.getTime() + 30 * 3_600_000) });
const firstBatch: OktaLogEvent[] = [...benign.slice(0, 150), ...spray.events];
const secondBatch: OktaLogEvent[] = [...benign.slice(150, 300), ...pushBombing.events];

function cli(args: string[]): Promise<CliRun> {
  return runCli(world.env, args);
}

interface Run {
  id: number;
  kind: string;
  status: string;
  received: number;
  stored: number;
  duplicates: number;
  quarantined: number;
  detections: number;
  notificationsSent: number;
}

async function runsOf(): Promise<Run[]> {
  return jsonOf<Run[]>(await cli(['runs', id, '--json']));
}

/** Waits until the hourly runs have stored/quarantined this much in total and none is running. */
async function hourlyTotals(want: { received: number }) {
  return waitFor(`hourly runs receiving ${want.received}`, async () => {
    const rows = await world.db.$client<{ received: number; running: number }[]>`
      select coalesce(sum(received), 0)::int as received, count(*) filter (where status = 'running')::int as running
      from ingest_runs where integration_id = ${id} and kind = 'hourly'`;
    return rows[0].received >= want.received && rows[0].running === 0 ? rows[0] : null;
  }, 90_000);
}

beforeAll(async () => {
  world = await createWorld();
  await world.startWorker();
  webhook = await startWebhookReceiver();
  // Set up as if the Okta domain were custom and its org guessed wrongly ("initech-sso").
  integration = await streamingIntegration(world, {
    tenantId: 'initech',
    oktaDomain: 'http://127.0.0.1:9',
    oktaOrg: 'initech-sso',
    apiToken: 'ssws-unused-here',
    webhook: { url: webhook.url, secret: 'whsec-initech' },
    digestAfter: 1000,
  });
  id = integration.integrationId;
  await ensureSchedules(world.client, { integrationId: id, tenantId: 'initech', name: 'Globex Okta', tenantName: 'initech' }, world.config.TEMPORAL_TASK_QUEUE);
  expect(new Set([...firstBatch, ...secondBatch].map((e) => e.uuid)).size).toBe(firstBatch.length + secondBatch.length);
});

afterAll(async () => {
  await webhook?.close();
  await world?.close();
});

describe('oort-okta CLI: operations', () => {
  const realOrg = () => ({ ...integration.destination, oktaOrg: 'initech' });
  let notJsonId: number;
  let foreignId: number;
  let replayRunId: number;

  it('lists the Schedules with their spec and overlap policy', async () => {
    type Summary = { kind: string; scheduleId: string; exists: boolean; paused: boolean; spec: string; overlapPolicy: string; catchupWindow: string; nextRuns: string[] };
    const schedules = jsonOf<Summary[]>(await cli(['schedules', 'list', id, '--json']));
    expect(schedules.map((s) => [s.scheduleId, s.exists, s.paused, s.spec, s.overlapPolicy, s.catchupWindow])).toEqual([
      [`okta-hourly:${id}`, true, false, 'every 1h, jitter 4m', 'Skip', '1h'],
      [`okta-daily-activity:${id}`, true, false, 'daily 00:30 UTC, jitter 15m', 'BufferOne', '1d'],
      [`okta-directory-sync:${id}`, true, false, 'daily 03:00 UTC, jitter 30m', 'Skip', '6h'],
    ]);
    for (const s of schedules) expect(s.nextRuns.length).toBeGreaterThan(0);
    const human = await cli(['schedules', 'list', id]);
    expect(human.stdout).toContain(`okta-hourly:${id}: active; every 1h, jitter 4m; overlap Skip, catch-up 1h\n  next: `);
  });

  it('schedules update brings Schedules an earlier release made to this one’s task queue, keeping a paused one paused', async () => {
    const heavy = `${world.config.TEMPORAL_TASK_QUEUE}-heavy`;
    const queueOf = async (kind: (typeof SCHEDULE_KINDS)[number]) => {
      const { action } = await world.client.schedule.getHandle(scheduleId(kind, id)).describe();
      return action.type === 'startWorkflow' ? action.taskQueue : undefined;
    };
    const daily = world.client.schedule.getHandle(scheduleId('daily-activity', id));
    // As the release before the heavy queue carried the runs left it, paused by an operator.
    await daily.update((prev) => ({ ...prev, action: { ...prev.action, taskQueue: world.config.TEMPORAL_TASK_QUEUE } }));
    await daily.pause('paused before the upgrade');
    expect(await queueOf('daily-activity')).toBe(world.config.TEMPORAL_TASK_QUEUE);

    expect((await cli(['schedules', 'update'])).code).toBe(2);
    const result = jsonOf<{ integrations: Array<{ integrationId: string; updated: string[] }>; maintenance: boolean }>(await cli(['schedules', 'update', '--all', '--json']));
    expect(result.integrations).toEqual([{ integrationId: id, updated: [...SCHEDULE_KINDS] }]);
    for (const kind of SCHEDULE_KINDS) expect(await queueOf(kind), kind).toBe(heavy);
    expect((await daily.describe()).state.paused).toBe(true);
    await daily.unpause('upgrade checked');
  });

  it('triggers the hourly run with an explicit overlap policy; the wrong org quarantines every event, and runs shows it', async () => {
    const bodies = [
      ...toEventBridgeEnvelopes(firstBatch, realOrg(), 'ops-1').map((e) => JSON.stringify(e)),
      ...malformedBodies(toEventBridgeEnvelopes(firstBatch.slice(0, 1), realOrg(), 'ops-m')[0])
        .filter((m) => m.kind === 'not-json' || m.kind === 'missing-uuid')
        .map((m) => m.body),
    ];
    expect((await publishEnvelopes(world.sqs, integration.queueUrl, bodies)).failed).toEqual([]);

    const triggered = jsonOf<{ scheduleId: string; overlapPolicy: string; triggered: boolean }>(
      await cli(['schedules', 'trigger', id, '--overlap-policy', 'Skip', '--json']),
    );
    expect(triggered).toEqual({ scheduleId: `okta-hourly:${id}`, overlapPolicy: 'Skip', triggered: true });
    await hourlyTotals({ received: firstBatch.length + 2 });

    const runs = await runsOf();
    const hourly = runs.filter((r) => r.kind === 'hourly');
    expect(hourly.every((r) => r.status === 'completed')).toBe(true);
    const sum = (k: keyof Run) => hourly.reduce((n, r) => n + (r[k] as number), 0);
    expect([sum('received'), sum('stored'), sum('quarantined'), sum('detections')]).toEqual([firstBatch.length + 2, 0, firstBatch.length + 2, 0]);

    const human = await cli(['runs', id]);
    expect(human.stdout.split('\n')[0]).toMatch(/^RUN\s+KIND\s+STATUS\s+STARTED\s+TOOK\s+FROM QUEUE\s+FROM API\s+NEW\s+ALREADY STORED\s+QUARANTINED\s+DETECTIONS\s+NOTIFIED$/);
    expect(human.stdout).toContain(`QUARANTINED: see \`npx oort-okta quarantine list ${id}\`.`);
    expect(human.stdout).toMatch(new RegExp(`\\n${hourly[0].id}\\s+hourly\\s+completed\\s+`));
  });

  it('lists and shows the quarantine, filtered by reason', async () => {
    type Q = { id: number; reasonCode: string; reason: string; replayedAt: string | null };
    const all = jsonOf<Q[]>(await cli(['quarantine', 'list', id, '--limit', '1000', '--json']));
    expect(all).toHaveLength(firstBatch.length + 2);
    const counts = new Map<string, number>();
    for (const q of all) counts.set(q.reasonCode, (counts.get(q.reasonCode) ?? 0) + 1);
    // The source is checked before the event: the body without a uuid is foreign too, for now.
    expect(Object.fromEntries(counts)).toEqual({ foreign_source: firstBatch.length + 1, not_json: 1 });
    notJsonId = all.find((q) => q.reasonCode === 'not_json')!.id;
    foreignId = all.find((q) => q.reasonCode === 'foreign_source')!.id;

    const foreign = jsonOf<Q[]>(await cli(['quarantine', 'list', id, '--reason', 'foreign_source', '--limit', '5', '--json']));
    expect(foreign).toHaveLength(5);
    expect(foreign.every((q) => q.reasonCode === 'foreign_source' && q.replayedAt === null)).toBe(true);

    const shown = await cli(['quarantine', 'show', String(foreignId)]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`Quarantined message ${foreignId} of ${id}`);
    expect(shown.stdout).toContain(`foreign_source: source is "aws.partner/okta.com/initech/${id}", expected "aws.partner/okta.com/initech-sso/${id}"`);
    expect(shown.stdout).toContain('"detail-type": "SystemLog"');
    const body = jsonOf<{ body: string; integrationId: string }>(await cli(['quarantine', 'show', String(notJsonId), '--json']));
    expect(body.integrationId).toBe(id);
    expect(() => JSON.parse(body.body)).toThrow();

    const unknown = await cli(['quarantine', 'show', '999999']);
    expect([unknown.code, unknown.stderr]).toEqual([3, 'error: no quarantined message 999999; list them with `npx oort-okta quarantine list <integrationId>`\n']);
  });

  it('replays the quarantine: still invalid before the fix, stored with detections after it, and no row is lost', async () => {
    type Report = { examined: number; stored: number; duplicates: number; stillInvalid: Array<{ id: number; code: string; reason: string }>; alreadyReplayed: number[]; replayRunId: number | null; detections: number };
    const before = jsonOf<Report>(await cli(['quarantine', 'replay', id, String(foreignId), String(notJsonId), '--json']));
    expect(before).toMatchObject({ examined: 2, stored: 0, duplicates: 0, replayRunId: null, detections: 0 });
    expect(before.stillInvalid.map((s) => [s.id, s.code]).sort()).toEqual([[foreignId, 'foreign_source'], [notJsonId, 'not_json']].sort());

    const missing = await cli(['quarantine', 'replay', id, String(foreignId), '999999']);
    expect([missing.code, missing.stderr]).toEqual([3, `error: no quarantined message 999999 in integration ${id}; list them with \`npx oort-okta quarantine list ${id}\`\n`]);

    // The fix: the integration's Okta org corrected.
    await world.db.$client`update integrations set okta_org = 'initech' where id = ${id}`;
    const run = await cli(['quarantine', 'replay', id, '--json']);
    const after = jsonOf<Report>(run);
    expect(after).toMatchObject({ examined: firstBatch.length + 2, stored: firstBatch.length, duplicates: 0, alreadyReplayed: [] });
    expect(after.stillInvalid.map((s) => s.code).sort()).toEqual(['missing_uuid', 'not_json']);
    expect(after.stillInvalid.find((s) => s.code === 'missing_uuid')!.reason).toContain('detail.uuid is undefined');
    expect(after.detections).toBeGreaterThan(0);
    replayRunId = after.replayRunId!;
    expect(progressOf(run)).toContain(`running detections over ${firstBatch.length} replayed events`);

    const sql = world.db.$client;
    const [events] = await sql<{ n: number; inRun: number }[]>`
      select count(*)::int as n, count(*) filter (where ingest_run_id = ${replayRunId})::int as "inRun" from events where integration_id = ${id}`;
    expect(events).toEqual({ n: firstBatch.length, inRun: firstBatch.length });
    const [rows] = await sql<{ n: number; replayed: number }[]>`
      select count(*)::int as n, count(*) filter (where replayed_at is not null and replay_ingest_run_id = ${replayRunId})::int as replayed
      from quarantine where integration_id = ${id}`;
    expect(rows).toEqual({ n: firstBatch.length + 2, replayed: firstBatch.length });
    const [spraying] = await sql<{ ingest_run_id: string }[]>`
      select ingest_run_id from detections where integration_id = ${id} and dedupe_key = ${`okta-password-spray-single-source:ip:${spray.subjects.sourceIp.toLowerCase()}`}`;
    expect(Number(spraying.ingest_run_id)).toBe(replayRunId);

    // Replaying again: only the two still-invalid rows are looked at; a replayed row is reported as such.
    const again = jsonOf<Report>(await cli(['quarantine', 'replay', id, '--json']));
    expect(again).toMatchObject({ examined: 2, stored: 0, replayRunId: null });
    const [{ id: replayedId }] = await sql<{ id: string }[]>`select id from quarantine where integration_id = ${id} and replayed_at is not null limit 1`;
    const one = jsonOf<Report>(await cli(['quarantine', 'replay', id, replayedId, '--json']));
    expect(one).toMatchObject({ examined: 0, stored: 0, alreadyReplayed: [Number(replayedId)] });
    const human = await cli(['quarantine', 'replay', id, String(notJsonId)]);
    expect(human.stdout).toContain(`Replayed 1 messages of ${id}: 0 stored, 0 were already stored, 1 still invalid.`);
    expect(human.stdout).toContain(`still not_json (1: ${notJsonId}): body is not JSON`);
  });

  it('the next hourly run stores new events, skips redeliveries and sends the notifications; runs shows all three runs', async () => {
    const envelopes = toEventBridgeEnvelopes(secondBatch, realOrg(), 'ops-2');
    const redelivered = duplicateDeliveries(toEventBridgeEnvelopes(firstBatch, realOrg(), 'ops-1'), 5, 'ops-dups');
    const bodies = [...envelopes, ...redelivered].map((e) => JSON.stringify(e));
    expect((await publishEnvelopes(world.sqs, integration.queueUrl, bodies)).failed).toEqual([]);
    jsonOf(await cli(['schedules', 'trigger', id, '--kind', 'hourly', '--overlap-policy', 'Skip', '--json']));
    await hourlyTotals({ received: firstBatch.length + 2 + bodies.length });

    const runs = await runsOf();
    const replay = runs.find((r) => r.id === replayRunId)!;
    expect(replay).toMatchObject({ kind: 'replay', status: 'completed', received: firstBatch.length, stored: firstBatch.length, quarantined: 0 });
    const hourly = runs.filter((r) => r.kind === 'hourly');
    const sum = (k: keyof Run) => hourly.reduce((n, r) => n + (r[k] as number), 0);
    expect([sum('stored'), sum('duplicates')]).toEqual([secondBatch.length, 5]);
    expect(sum('detections')).toBeGreaterThan(0);
    // Every detection so far (the replay's too) went to the webhook once.
    const [{ n: detections }] = await world.db.$client<{ n: number }[]>`select count(*)::int as n from detections where integration_id = ${id}`;
    expect(sum('notificationsSent')).toBe(detections);
    expect(webhook.deliveries.length).toBe(detections);
  });

  it('lists detections with severity, rule, since and limit filters, and shows one with evidence and deliveries', async () => {
    type D = { id: number; ruleId: string; severity: string; lastEventAt: string };
    const all = jsonOf<D[]>(await cli(['detections', 'list', id, '--limit', '500', '--json']));
    const [{ n }] = await world.db.$client<{ n: number }[]>`select count(*)::int as n from detections where integration_id = ${id}`;
    expect(all).toHaveLength(n);
    expect(all.map((d) => d.ruleId)).toEqual(expect.arrayContaining(['okta-password-spray-single-source', 'okta-mfa-push-bombing']));
    expect([...all].sort((a, b) => b.lastEventAt.localeCompare(a.lastEventAt))).toEqual(all);

    const [high, sprays, recent, one] = await Promise.all([
      cli(['detections', 'list', id, '--severity', 'high', '--limit', '500', '--json']),
      cli(['detections', 'list', id, '--rule', 'okta-password-spray-single-source', '--json']),
      cli(['detections', 'list', id, '--since', iso(D.getTime() + 20 * 3_600_000), '--limit', '500', '--json']),
      cli(['detections', 'list', id, '--limit', '1', '--json']),
    ]).then((runs) => runs.map((r) => jsonOf<D[]>(r)));
    expect(high.map((d) => d.id).sort()).toEqual(all.filter((d) => ['high', 'critical'].includes(d.severity)).map((d) => d.id).sort());
    expect(high.map((d) => d.ruleId)).toContain('okta-mfa-push-bombing');
    expect(high.map((d) => d.ruleId)).not.toContain('okta-password-spray-single-source');
    expect(sprays.length).toBeGreaterThan(0);
    expect(sprays.every((d) => d.ruleId === 'okta-password-spray-single-source')).toBe(true);
    expect(recent.map((d) => d.id).sort()).toEqual(all.filter((d) => d.lastEventAt >= iso(D.getTime() + 20 * 3_600_000)).map((d) => d.id).sort());
    expect(recent.map((d) => d.ruleId)).toContain('okta-mfa-push-bombing');
    expect(recent.map((d) => d.ruleId)).not.toContain('okta-password-spray-single-source');
    expect(one).toEqual([all[0]]);

    type Detail = { id: number; integrationId: string; evidenceUuids: string[]; evidence: Array<{ uuid: string }>; deliveries: Array<{ channel: string; url: string; status: string; attempts: number }> };
    const detail = jsonOf<Detail>(await cli(['detections', 'show', String(sprays[0].id), '--json']));
    const sprayUuids = new Set(spray.events.map((e) => e.uuid));
    expect(detail.integrationId).toBe(id);
    expect(detail.evidenceUuids.length).toBeGreaterThan(0);
    expect(detail.evidenceUuids.every((u) => sprayUuids.has(u))).toBe(true);
    expect(detail.evidence.map((e) => e.uuid).sort()).toEqual([...detail.evidenceUuids].sort());
    expect(detail.deliveries).toEqual([expect.objectContaining({ channel: 'webhook', url: webhook.url, status: 'sent', attempts: 1 })]);

    const human = await cli(['detections', 'show', String(sprays[0].id)]);
    expect(human.stdout).toContain(`Detection ${sprays[0].id} of ${id}: [medium]`);
    expect(human.stdout).toContain(detail.evidenceUuids[0]);
    expect(human.stdout).toMatch(new RegExp(`notifications:\\n\\s+CHANNEL.*\\n\\s+webhook ${webhook.url.replace(/[.]/g, '\\.')}\\s+sent\\s+1\\s+`));

    const unknown = await cli(['detections', 'show', '999999']);
    expect([unknown.code, unknown.stderr]).toEqual([3, 'error: no detection 999999; list them with `npx oort-okta detections list <integrationId>`\n']);
  });

  it('backfills daily Activity over two past days with progress, writing exactly those days', async () => {
    const [wrongWay, future] = await Promise.all([
      cli(['schedules', 'backfill', id, '--kind', 'daily-activity', '--from', dayOf(D.getTime() + DAY), '--to', dayOf(D.getTime()), '--overlap-policy', 'BufferAll']),
      cli(['schedules', 'backfill', id, '--kind', 'daily-activity', '--from', dayOf(D.getTime()), '--to', dayOf(Date.now() + DAY), '--overlap-policy', 'BufferAll']),
    ]);
    expect(wrongWay.code).toBe(2);
    expect(wrongWay.stderr).toMatch(/^error: --from \(.*\) is after --to \(.*\); swap them\.\n$/);
    expect(future.code).toBe(2);
    expect(future.stderr).toMatch(/^error: --to \(.*\) is in the future: a backfill covers past times/);

    const run = await cli([
      'schedules', 'backfill', id, '--kind', 'daily-activity', '--from', dayOf(D.getTime() + DAY), '--to', dayOf(D.getTime() + 2 * DAY),
      '--overlap-policy', 'BufferAll', '--json',
    ]);
    const done = jsonOf<{ scheduleId: string; days: string[]; expected: number; completed: number; failed: number; skipped: number }>(run);
    expect(done).toMatchObject({ scheduleId: `okta-daily-activity:${id}`, days: [dayOf(D.getTime()), dayOf(D.getTime() + DAY)], expected: 2, completed: 2, failed: 0, skipped: 0 });
    const progress = progressOf(run);
    // The Schedule's times carry its jitter (up to 15 minutes after 00:30).
    expect(progress[0]).toMatch(
      new RegExp(
        `^backfill requested: 2 runs of okta-daily-activity:${id} \\(${dayOf(D.getTime() + DAY)} 00:[34]\\d:\\d\\dZ … ${dayOf(D.getTime() + 2 * DAY)} 00:[34]\\d:\\d\\dZ\\), ` +
          `Activity of ${dayOf(D.getTime())} … ${dayOf(D.getTime() + DAY)}$`,
      ),
    );
    expect(progress.at(-1)).toMatch(/^2\/2 started, 2 completed, 0 running, 0 waiting, 0 skipped, 0 failed$/);

    // Each stored event of those days is in the Activity of its User actor; nothing outside the days is.
    const sql = world.db.$client;
    const [from, to] = [iso(D.getTime()), iso(D.getTime() + 2 * DAY)];
    const [activity] = await sql<{ inside: number; outside: number }[]>`
      select count(*) filter (where published >= ${from}::timestamptz and published < ${to}::timestamptz)::int as inside,
             count(*) filter (where published < ${from}::timestamptz or published >= ${to}::timestamptz)::int as outside
      from user_activity where integration_id = ${id}`;
    expect(activity.outside).toBe(0);
    const [{ missing }] = await sql<{ missing: number }[]>`
      select count(*)::int as missing from events e
      where e.integration_id = ${id} and e.actor_type = 'User' and e.published >= ${from}::timestamptz and e.published < ${to}::timestamptz
        and not exists (select 1 from user_activity a where a.integration_id = e.integration_id and a.user_id = e.actor_id and a.event_uuid = e.uuid)`;
    expect(missing).toBe(0);
    expect(activity.inside).toBeGreaterThan(100);
  });

  it('pauses and resumes the integration and its Schedules', async () => {
    expect((await cli(['integrations', 'pause', id])).stdout).toBe(`Integration ${id} paused.\n`);
    const paused = jsonOf<Array<{ paused: boolean; note: string }>>(await cli(['schedules', 'list', id, '--json']));
    expect(paused.map((s) => [s.paused, s.note])).toEqual(SCHEDULE_KINDS.map(() => [true, 'paused by operator']));
    expect(jsonOf<{ status: string }>(await cli(['integrations', 'show', id, '--json'])).status).toBe('paused');

    expect(jsonOf(await cli(['integrations', 'resume', id, '--json']))).toEqual({ integrationId: id, status: 'resumed' });
    const resumed = jsonOf<Array<{ paused: boolean }>>(await cli(['schedules', 'list', id, '--json']));
    expect(resumed.every((s) => !s.paused)).toBe(true);
    expect(jsonOf<{ status: string }>(await cli(['integrations', 'show', id, '--json'])).status).toBe('streaming');
  });

  it('deletes the integration with every row, its Schedules and its queues, after --yes', async () => {
    const sql = world.db.$client;
    const count = async (table: string) => (await sql<{ n: number }[]>`select count(*)::int as n from ${sql(table)} where integration_id = ${id}`)[0].n;
    const tables = ['events', 'user_activity', 'quarantine', 'ingest_runs', 'detections', 'detection_state', 'notification_channels', 'digests', 'okta_users'];
    const before = Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await count(t)] as const)));
    for (const t of ['events', 'user_activity', 'quarantine', 'ingest_runs', 'detections', 'notification_channels']) expect(before[t], t).toBeGreaterThan(0);

    const dry = await cli(['integrations', 'delete', id]);
    expect(dry.code).toBe(1);
    expect(dry.stdout).toContain(`Would delete:\n  integration ${id} (Globex Okta, tenant initech, streaming)`);
    expect(dry.stdout).toContain(`Schedules: okta-hourly:${id}, okta-daily-activity:${id}, okta-directory-sync:${id}`);
    expect(dry.stdout).toContain(`events ${before.events}`);
    expect(dry.stderr).toContain(`run \`npx oort-okta integrations delete ${id} --yes\``);
    expect(await count('events')).toBe(before.events);

    const run = await cli(['integrations', 'delete', id, '--yes', '--json']);
    const report = jsonOf<{ deleted: boolean; rows: Record<string, number>; queues: string[]; schedules: string[] }>(run);
    expect(report.deleted).toBe(true);
    expect(report.rows).toMatchObject(before);
    expect(report.rows.notifications).toBeGreaterThan(0);
    expect(report.queues).toHaveLength(2);
    expect(report.queues).toContain(integration.queueUrl);
    expect(progressOf(run)).toEqual(expect.arrayContaining([`stopping 3 Schedules and 0 running workflows`, `events: ${before.events}/${before.events} rows deleted`, `integration ${id} deleted`]));

    for (const t of [...tables, 'okta_factors', 'okta_devices', 'okta_user_devices']) expect(await count(t), t).toBe(0);
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from integrations where id = ${id}`;
    expect(n).toBe(0);
    for (const kind of SCHEDULE_KINDS) {
      await expect(world.client.schedule.getHandle(scheduleId(kind, id)).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    }
    const names = queueNames(world.config.SQS_QUEUE_PREFIX, id);
    for (const name of [names.queue, names.deadLetter]) {
      await expect(world.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).rejects.toBeInstanceOf(QueueDoesNotExist);
    }
  });
});

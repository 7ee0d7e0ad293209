// The time-partitioned tables (issue 10.3) on a real PostgreSQL: migration 0011 converts a database holding rows
// without losing one, partitions exist ahead of the inserts, retention drops exactly the expired partitions (and the
// notifications of dropped detections), and a row dated outside every partition is stored, never lost.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { closeDatabase, connectDatabase, type Database } from '../../schema/db.js';
import { applyMigrations, MIGRATIONS_FOLDER } from '../../schema/migrate.js';
import { ensurePartitions, listPartitions, maintainPartitions, PARTITIONS_AHEAD, unitStart } from '../../schema/partitions.js';
import { commitBatch } from '../../ingest/store-batch.js';
import { dropDatabase, ensureDatabase } from '../../workers/local-stack/postgres.js';
import { validMessages } from '../support/bad-messages.js';
import type { EnvelopeExpectation } from '../../okta/envelope.js';
import type { ReceivedMessage } from '../../ingest/drain.js';
import { ensureMaintenanceSchedule, MAINTENANCE_SCHEDULE_ID, maintenanceScheduleOptions } from '../../temporal/maintenance-schedule.js';
import { createWorld } from '../support/world.js';
import { waitFor } from '../support/wait.js';
import { ScheduleOverlapPolicy } from '@temporalio/client';

const DAY = 86_400_000;
const INTEGRATION = 'int-partitions';
const EXPECT: EnvelopeExpectation & { integrationId: string } = {
  integrationId: INTEGRATION,
  oktaOrg: 'northwind',
  eventSourceName: 'oort-partitions',
  awsAccountId: '123456789012',
  awsRegion: 'us-east-2',
};

let db: Database;
let url: string;
const now = new Date();

/** A stable Okta-shaped uuid for a name. */
function uuidOf(name: string): string {
  const h = createHash('md5').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** A valid queue message for an Okta event with this uuid and published time (the same body for a redelivery). */
function message(name: string, published: Date | string): ReceivedMessage {
  const uuid = uuidOf(name);
  const envelope = JSON.parse(validMessages(EXPECT)[0].body) as { detail: Record<string, unknown> };
  envelope.detail.uuid = uuid;
  envelope.detail.published = typeof published === 'string' ? published : published.toISOString();
  return { messageId: `m-${uuid}`, receiptHandle: `r-${uuid}`, body: JSON.stringify(envelope) };
}

async function newRun(): Promise<number> {
  const [{ id }] = await db.$client<{ id: string }[]>`
    insert into ingest_runs (integration_id, workflow_id, workflow_run_id) values (${INTEGRATION}, 'wf', ${randomBytes(6).toString('hex')})
    returning id`;
  return Number(id);
}

async function count(query: string): Promise<number> {
  const [{ n }] = await db.$client.unsafe<{ n: number }[]>(`select count(*)::int as n from ${query}`);
  return n;
}

beforeAll(async () => {
  const base = new URL(inject('stack').databaseUrl);
  base.pathname = `/oort_okta_partitions_${randomBytes(4).toString('hex')}`;
  url = base.toString();
  await ensureDatabase(url);
  db = connectDatabase(url, { max: 3 });
});

afterAll(async () => {
  await closeDatabase(db);
  await dropDatabase(url);
});

describe('time-partitioned tables', () => {
  it('migration 0011 keeps every existing row, puts it in its partition, and creates the partitions ahead', async () => {
    // The database as it was before partitioning: migrations 0000–0010 only.
    const before = mkdtempSync(join(tmpdir(), 'oort-migrations-'));
    try {
      cpSync(MIGRATIONS_FOLDER, before, { recursive: true });
      const journalPath = join(before, 'meta', '_journal.json');
      const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
      journal.entries = journal.entries.filter((e) => e.tag < '0011');
      writeFileSync(journalPath, JSON.stringify(journal));
      await migrate(db, { migrationsFolder: before });
    } finally {
      rmSync(before, { recursive: true, force: true });
    }
    const sql = db.$client;
    await sql`insert into tenants (id, name) values ('t', 'Tenant')`;
    await sql`
      insert into integrations (id, tenant_id, name, okta_domain, okta_org, api_token_encrypted, event_source_name, aws_account_id, aws_region)
      values (${INTEGRATION}, 't', 'Northwind', 'northwind.okta.com', 'northwind', 'sealed', 'src', '123456789012', 'us-east-2')`;
    await sql`
      insert into events (integration_id, uuid, published, event_type, raw)
      select ${INTEGRATION}, 'old-' || g, ${now.toISOString()}::timestamptz - make_interval(days => g), 'user.session.start', '{}'
      from generate_series(0, 59) g`;
    await sql`insert into events (integration_id, uuid, published, event_type, raw) values (${INTEGRATION}, 'old-1971', '1971-03-01T00:00:00Z', 'x', '{}')`;
    await sql`
      insert into user_activity (integration_id, user_id, event_uuid, published, role, event_type, source)
      select ${INTEGRATION}, 'u1', 'old-' || g, ${now.toISOString()}::timestamptz - make_interval(days => g), 'actor', 'user.session.start', 'daily'
      from generate_series(0, 19) g`;
    const detectionIds = await sql<{ id: string }[]>`
      insert into detections (integration_id, rule_id, dedupe_key, severity, title, first_event_at, last_event_at, count, evidence_uuids, tactics, techniques, created_at)
      select ${INTEGRATION}, 'r', 'k' || g, 'high', 'T', now(), now(), 1, '{}', '{}', '{}', now() - make_interval(days => 40 * g)
      from generate_series(0, 3) g returning id`;
    const [{ id: channel }] = await sql<{ id: string }[]>`
      insert into notification_channels (integration_id, kind, url, secret_encrypted) values (${INTEGRATION}, 'webhook', 'https://x', 's') returning id`;
    for (const d of detectionIds) await sql`insert into notifications (detection_id, channel_id, idempotency_key) values (${d.id}, ${channel}, ${'n' + d.id})`;
    await sql`
      insert into quarantine (integration_id, message_id, reason_code, reason, body, body_bytes) values (${INTEGRATION}, 'q1', 'not_json', 'r', 'b', 1)`;

    await applyMigrations(db);

    expect(await count('events')).toBe(61);
    expect(await count('user_activity')).toBe(20);
    expect(await count('detections')).toBe(4);
    expect(await count('notifications')).toBe(4);
    expect(await count('quarantine')).toBe(1);
    // Each row in the partition of its week or month; the 1971 row in DEFAULT (older than the migration's two years).
    const misplaced = await sql`
      select tableoid::regclass::text as part, published from events
      where tableoid::regclass::text <> 'events_p' || to_char(date_trunc('week', published at time zone 'UTC'), 'YYYYMMDD')`;
    expect(misplaced.map((r) => r.part)).toEqual(['events_default']);
    expect(await count(`detections where tableoid::regclass::text = 'detections_default'`)).toBe(0);
    // Partitions ahead of now, for every table.
    for (const [table, unit] of [['events', 'week'], ['user_activity', 'week'], ['detections', 'month'], ['quarantine', 'month']] as const) {
      const parts = await listPartitions(sql, table);
      const ahead = new Date(unitStart(now, unit).getTime());
      if (unit === 'week') ahead.setUTCDate(ahead.getUTCDate() + 7 * (PARTITIONS_AHEAD.week + 1));
      else ahead.setUTCMonth(ahead.getUTCMonth() + PARTITIONS_AHEAD.month + 1);
      expect(parts.at(-1)?.upper.getTime(), table).toBe(ahead.getTime());
    }
    // The weeks a backfill reaches (90 days) have their partitions too.
    const eventWeeks = (await listPartitions(sql, 'events')).map((p) => p.name);
    expect(eventWeeks).toContain(`events_p${unitStart(new Date(now.getTime() - 90 * DAY), 'week').toISOString().slice(0, 10).replaceAll('-', '')}`);
    // The detection ids go on from where they were (the sequence moved to the new table).
    const [{ id: next }] = await sql<{ id: string }[]>`
      insert into detections (integration_id, rule_id, dedupe_key, severity, title, first_event_at, last_event_at, count, evidence_uuids, tactics, techniques)
      values (${INTEGRATION}, 'r', 'k-new', 'high', 'T', now(), now(), 1, '{}', '{}', '{}') returning id`;
    expect(Number(next)).toBeGreaterThan(Math.max(...detectionIds.map((d) => Number(d.id))));
  });

  it('stores a row dated outside every partition, counts its redelivery as a duplicate, and moves it when its partition is created', async () => {
    const runId = await newRun();
    const messages = [message('far-past', '1975-06-01T12:00:00Z'), message('far-future', '2999-01-01T00:00:00Z'), message('today', now)];
    const first = await commitBatch(db, EXPECT, runId, messages);
    // The far-future event is refused by name (published_in_future, in quarantine); the far-past one is stored.
    const newestPublished = now.toISOString(); // of the events stored, not of the one quarantined
    expect(first).toEqual({ received: 3, stored: 2, duplicates: 0, quarantined: 1, quarantinedByReason: { published_in_future: 1 }, newestPublished });
    const again = await commitBatch(db, EXPECT, runId, messages);
    expect(again).toEqual({ received: 3, stored: 0, duplicates: 2, quarantined: 0, quarantinedByReason: {}, newestPublished });
    const sql = db.$client;
    const [past] = await sql<{ part: string }[]>`select tableoid::regclass::text as part from events where uuid = ${uuidOf('far-past')}`;
    expect(past.part).toBe('events_default');
    expect(await count(`detection_backlog where uuid in ('${uuidOf('far-past')}', '${uuidOf('today')}')`)).toBe(2);
    expect(await count(`quarantine where message_id = 'm-${uuidOf('far-future')}' and reason_code = 'published_in_future'`)).toBe(1);

    await ensurePartitions(sql, 'events', new Date('1975-06-01T12:00:00Z'), new Date('1975-06-01T12:00:00Z'));
    const [moved] = await sql<{ part: string }[]>`select tableoid::regclass::text as part from events where uuid = ${uuidOf('far-past')}`;
    expect(moved.part).toBe('events_p19750526');
    expect(await count(`events where uuid = '${uuidOf('far-past')}'`)).toBe(1);
  });

  it('retention drops exactly the partitions older than the retention, with their notifications, and keeps every other row', async () => {
    const sql = db.$client;
    // Partitions back 150 days (weekly) and 420 days (monthly), older than the maintenance would create.
    for (const table of ['events', 'user_activity', 'quarantine'] as const) await ensurePartitions(sql, table, new Date(now.getTime() - 150 * DAY), now);
    await ensurePartitions(sql, 'detections', new Date(now.getTime() - 420 * DAY), now);
    const runId = await newRun();
    const ages = [150, 120, 100, 85, 30, 10, 1];
    await commitBatch(db, EXPECT, runId, ages.flatMap((age) => [0, 1, 2].map((i) => message(`age-${age}-${i}`, new Date(now.getTime() - age * DAY - i * 3_600_000)))));
    const [{ id: channel }] = await sql<{ id: string }[]>`select id from notification_channels limit 1`;
    for (const age of [400, 200, 20]) {
      const [{ id }] = await sql<{ id: string }[]>`
        insert into detections (integration_id, rule_id, dedupe_key, severity, title, first_event_at, last_event_at, count, evidence_uuids, tactics, techniques, created_at)
        values (${INTEGRATION}, 'r', ${'age-' + age}, 'high', 'T', now(), now(), 1, '{}', '{}', '{}', ${new Date(now.getTime() - age * DAY).toISOString()}::timestamptz)
        returning id`;
      await sql`insert into notifications (detection_id, channel_id, idempotency_key) values (${id}, ${channel}, ${'age-' + age})`;
    }
    const eventsBefore = await sql<{ uuid: string; published: string; part: string }[]>`
      select uuid, published::text, tableoid::regclass::text as part from events`;
    const detectionsBefore = await sql<{ id: string; created_at: string }[]>`select id, created_at::text from detections`;
    const notificationsBefore = await count('notifications');
    const partsBefore = await Promise.all((['events', 'user_activity', 'detections', 'quarantine'] as const).map((t) => listPartitions(sql, t)));

    const report = await maintainPartitions(sql, { events: 90, detections: 365 }, now);

    // Exactly the partitions whose range ended before the cutoff, and only those.
    const eventsCutoff = now.getTime() - 90 * DAY;
    const detectionsCutoff = now.getTime() - 365 * DAY;
    const expected = partsBefore.flatMap((parts, i) =>
      parts.filter((p) => p.upper.getTime() <= (i === 2 ? detectionsCutoff : eventsCutoff)).map((p) => p.name),
    );
    expect(report.dropped.map((d) => d.partition).sort()).toEqual(expected.sort());
    expect(expected).toContain(`events_p${unitStart(new Date(now.getTime() - 100 * DAY), 'week').toISOString().slice(0, 10).replaceAll('-', '')}`);
    expect(expected).not.toContain(`events_p${unitStart(new Date(now.getTime() - 85 * DAY), 'week').toISOString().slice(0, 10).replaceAll('-', '')}`);
    // Rows: an event is gone exactly when its week ended before the cutoff (the 1975 row included); DEFAULT rows stay.
    const weekEnd = (t: string) => unitStart(new Date(t), 'week').getTime() + 7 * DAY;
    const keptEvents = eventsBefore.filter((e) => e.part === 'events_default' || weekEnd(e.published) > eventsCutoff);
    expect(keptEvents.length).toBeLessThan(eventsBefore.length);
    const eventsAfter = await sql<{ uuid: string }[]>`select uuid from events`;
    expect(eventsAfter.map((e) => e.uuid).sort()).toEqual(keptEvents.map((e) => e.uuid).sort());
    expect(eventsAfter.map((e) => e.uuid)).toContain('old-1971'); // DEFAULT: kept and reported, never dropped
    expect(report.defaultRows.events).toBe(1);
    // Detections: the 400-day-old one and its notification are gone, the rest kept.
    const monthEnd = (t: string) => {
      const s = unitStart(new Date(t), 'month');
      s.setUTCMonth(s.getUTCMonth() + 1);
      return s.getTime();
    };
    const keptDetections = detectionsBefore.filter((d) => monthEnd(d.created_at) > detectionsCutoff);
    expect(keptDetections.length).toBe(detectionsBefore.length - 1);
    expect((await sql<{ id: string }[]>`select id from detections`).map((d) => d.id).sort()).toEqual(keptDetections.map((d) => d.id).sort());
    expect(await count('notifications')).toBe(notificationsBefore - 1);
    expect(await count(`notifications n where not exists (select 1 from detections d where d.id = n.detection_id)`)).toBe(0);

    // Run again: nothing more to drop, nothing to create.
    const again = await maintainPartitions(sql, { events: 90, detections: 365 }, now);
    expect(again.dropped).toEqual([]);
    expect(again.created).toEqual([]);
  });

  it('runs as the Schedule starts it, on the worker, with the retention from the configuration', async () => {
    const world = await createWorld({ DATABASE_URL: url, EVENTS_RETENTION_DAYS: '30' });
    try {
      await world.startWorker();
      const action = maintenanceScheduleOptions(world.config.TEMPORAL_TASK_QUEUE).action;
      const before = await db.$client<{ published: string }[]>`select published::text from events where tableoid::regclass::text <> 'events_default'`;
      if (action.type !== 'startWorkflow') throw new Error('the maintenance Schedule starts a workflow');
      const report = await world.client.workflow.execute(action.workflowType, {
        taskQueue: action.taskQueue,
        workflowId: `database-maintenance-test-${randomBytes(3).toString('hex')}`,
        args: [],
      });
      const cutoff = Date.now() - 30 * DAY;
      const weekEnd = (t: string) => unitStart(new Date(t), 'week').getTime() + 7 * DAY;
      expect(report.dropped.some((d: { table: string }) => d.table === 'events')).toBe(true);
      expect(await count(`events where tableoid::regclass::text <> 'events_default'`)).toBe(before.filter((e) => weekEnd(e.published) > cutoff).length);
      expect(await count('events where published > now() - interval \'20 days\'')).toBeGreaterThan(0);

      // The Schedule as onboarding ensures it, triggered: its run completes on this worker.
      await ensureMaintenanceSchedule(world.client, world.config.TEMPORAL_TASK_QUEUE);
      const schedule = world.client.schedule.getHandle(MAINTENANCE_SCHEDULE_ID);
      // The Schedule is shared by the whole server: a run of its own may be under way on another file's queue, so the
      // trigger allows an overlap, and the run awaited is the one it starts (not the Schedule's latest before it).
      const earlier = new Set((await schedule.describe()).info.recentActions.map((a) => a.action.workflow.workflowId));
      await schedule.trigger(ScheduleOverlapPolicy.ALLOW_ALL);
      // The trigger returns before the Schedule starts the run; on a busy machine that can take seconds.
      const started = await waitFor('the triggered run', async () => (await schedule.describe()).info.recentActions.map((a) => a.action.workflow).find((w) => !earlier.has(w.workflowId)), 30_000, 100);
      expect(started.workflowId).toMatch(/^oort-database-maintenance/);
      const scheduled = await world.client.workflow.getHandle(started.workflowId, started.firstExecutionRunId).result();
      expect(scheduled.dropped).toEqual([]);
      await schedule.delete();
    } finally {
      await world.close();
    }
  });
});

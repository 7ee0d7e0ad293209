// The tables that grow with events are RANGE-partitioned by time (migration 0011_time_partitions.sql). This module is
// their upkeep, run daily (workflows/database-maintenance.ts): partitions are created ahead of the rows that will need
// them, and retention drops whole partitions once their range is older than the retention — never DELETE, which would
// leave dead tuples and index bloat behind and cost as much as the inserts did.
//
// Granularity: events and user_activity by `published` a week a partition — the event's own time, so a partition's
// rows expire together and the Activity and timeline queries (which filter on published) read only the weeks they ask
// for; a week keeps the 90-day retention to ~14 partitions and what is kept beyond the retention to under a week.
// detections by `created_at` (immutable; `last_event_at` moves as a detection grows) and quarantine by `received_at`
// (set by us, never by the sender), a month a partition: both are small next to events.
//
// A row dated outside every partition (a far-past or far-future `published` that passed the envelope check) goes to
// the table's DEFAULT partition: stored and counted in the maintenance report, never refused or lost. Creating a
// partition moves the DEFAULT partition's rows of its range into it (oort_time_partition in the migration). Retention
// does not touch the DEFAULT partition: its rows are few and odd, and are the operator's to look at.
import type postgres from 'postgres';

export type PartitionUnit = 'week' | 'month';

export interface PartitionedTable {
  table: 'events' | 'user_activity' | 'detections' | 'quarantine';
  unit: PartitionUnit;
  /** Which retention setting applies. */
  retention: 'events' | 'detections';
}

export const PARTITIONED_TABLES: readonly PartitionedTable[] = [
  { table: 'events', unit: 'week', retention: 'events' },
  { table: 'user_activity', unit: 'week', retention: 'events' },
  { table: 'detections', unit: 'month', retention: 'detections' },
  { table: 'quarantine', unit: 'month', retention: 'events' },
];

/**
 * Partitions kept ahead of now, beyond the current one: the daily maintenance can fail for weeks before an insert
 * lands in a DEFAULT partition for want of one.
 */
export const PARTITIONS_AHEAD: Record<PartitionUnit, number> = { week: 4, month: 2 };

export interface RetentionDays {
  events: number;
  detections: number;
}

export interface DroppedPartition {
  table: string;
  partition: string;
  /** Rows it held, as PostgreSQL's statistics estimate them (counting would read the whole partition). */
  estimatedRows: number;
}

export interface MaintenanceReport {
  created: string[];
  dropped: DroppedPartition[];
  /** Rows each table's DEFAULT partition holds: rows dated outside every partition. */
  defaultRows: Record<string, number>;
}

/** DDL waits at most this long for a lock, so that maintenance never queues the ingest path behind it; it is retried. */
const LOCK_TIMEOUT = '10s';
const DAY_MS = 86_400_000;

/**
 * Creates the partitions of `table` whose range meets [from, to] (idempotent); returns the new ones. A partition created
 * over a range the DEFAULT partition holds rows of takes those rows (oort_time_partition).
 */
export async function ensurePartitions(
  sql: postgres.Sql,
  table: PartitionedTable['table'],
  from: Date,
  to: Date,
  onStep: () => void = () => {},
): Promise<string[]> {
  const { unit } = PARTITIONED_TABLES.find((t) => t.table === table)!;
  const created: string[] = [];
  for (let at = unitStart(from, unit); at <= to; at = addUnits(at, unit, 1)) {
    const name = partitionName(table, unit, at);
    const made = await sql.begin(async (tx) => {
      await tx`select set_config('lock_timeout', ${LOCK_TIMEOUT}, true)`;
      const [{ existed }] = await tx<{ existed: boolean }[]>`select to_regclass(format('%I', ${name}::text)) is not null as existed`;
      if (!existed) await tx`select oort_time_partition(${table}::text, ${unit}::text, ${at.toISOString()}::timestamptz)`;
      return !existed;
    });
    if (made) created.push(name);
    onStep();
  }
  return created;
}

/**
 * Creates every table's partitions from its retention cutoff (backfilled and late events land in a partition, not in
 * DEFAULT) to PARTITIONS_AHEAD after the current one; returns the new ones.
 */
export async function createPartitionsAhead(
  sql: postgres.Sql,
  retention: RetentionDays,
  now: Date,
  onStep: () => void = () => {},
): Promise<string[]> {
  const created: string[] = [];
  for (const t of PARTITIONED_TABLES) {
    const cutoff = new Date(now.getTime() - retention[t.retention] * DAY_MS);
    // The partition holding the cutoff ends after it (kept); the ones before it would be dropped at once.
    created.push(...(await ensurePartitions(sql, t.table, cutoff, addUnits(now, t.unit, PARTITIONS_AHEAD[t.unit]), onStep)));
  }
  return created;
}

/** The partitions of `table` (not DEFAULT) with the end of their range. */
export async function listPartitions(sql: postgres.Sql, table: string): Promise<{ name: string; upper: Date }[]> {
  const rows = await sql<{ name: string; upper: string }[]>`
    select c.relname as name,
           substring(pg_get_expr(c.relpartbound, c.oid) from 'TO \\(''([^'']+)''\\)')::timestamptz::text as upper
    from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = ${table}::regclass and pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
    order by 2`;
  return rows.map((r) => ({ name: r.name, upper: new Date(r.upper) }));
}

/**
 * Drops every partition whose whole range ended more than its retention before `now` (rows younger than the retention
 * are never in one). A detection partition's notifications go in the same transaction (notifications.detection_id has
 * no foreign key to the partitioned table).
 */
export async function dropExpiredPartitions(
  sql: postgres.Sql,
  retention: RetentionDays,
  now: Date,
  onStep: () => void = () => {},
): Promise<DroppedPartition[]> {
  const dropped: DroppedPartition[] = [];
  for (const t of PARTITIONED_TABLES) {
    const cutoff = new Date(now.getTime() - retention[t.retention] * DAY_MS);
    for (const p of await listPartitions(sql, t.table)) {
      if (p.upper > cutoff) continue;
      const estimatedRows = await sql.begin(async (tx) => {
        await tx`select set_config('lock_timeout', ${LOCK_TIMEOUT}, true)`;
        const [{ n }] = await tx<{ n: number }[]>`select greatest(reltuples, 0)::float8 as n from pg_class where oid = ${p.name}::regclass`;
        if (t.table === 'detections') await tx`delete from notifications where detection_id in (select id from ${tx(p.name)})`;
        await tx`alter table ${tx(t.table)} detach partition ${tx(p.name)}`;
        await tx`drop table ${tx(p.name)}`;
        return n;
      });
      dropped.push({ table: t.table, partition: p.name, estimatedRows });
      onStep();
    }
  }
  return dropped;
}

/**
 * The daily upkeep: partitions ahead first (inserts must never wait on retention), then retention. `onStep` is called
 * after each partition looked at (the activity's heartbeat).
 */
export async function maintainPartitions(
  sql: postgres.Sql,
  retention: RetentionDays,
  now: Date = new Date(),
  onStep: () => void = () => {},
): Promise<MaintenanceReport> {
  const created = await createPartitionsAhead(sql, retention, now, onStep);
  const dropped = await dropExpiredPartitions(sql, retention, now, onStep);
  const defaultRows: Record<string, number> = {};
  for (const t of PARTITIONED_TABLES) {
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from ${sql(`${t.table}_default`)}`;
    defaultRows[t.table] = n;
  }
  return { created, dropped, defaultRows };
}

/** `at` moved by `n` weeks or calendar months (UTC). */
export function addUnits(at: Date, unit: PartitionUnit, n: number): Date {
  const d = new Date(at);
  if (unit === 'week') d.setUTCDate(d.getUTCDate() + 7 * n);
  else d.setUTCMonth(d.getUTCMonth() + n, 1); // day 1 first: 31 January + 1 month is in February
  return d;
}

/** The start of the week (Monday, as date_trunc('week')) or month holding `at`, UTC. */
export function unitStart(at: Date, unit: PartitionUnit): Date {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), unit === 'month' ? 1 : at.getUTCDate()));
  if (unit === 'week') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d;
}

/** The name oort_time_partition gives the partition of `table` holding `at`. */
export function partitionName(table: string, unit: PartitionUnit, at: Date): string {
  return `${table}_p${unitStart(at, unit).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

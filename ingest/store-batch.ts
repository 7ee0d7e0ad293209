// Commits one batch of queue messages in one transaction: valid events (deduplicated on the
// integration and the Okta uuid), quarantine rows for everything else, and the run's counters.
// Only after this returns are the messages deleted from the queue (ingest/drain.ts).
//
// Nothing a tenant's Okta sends can stop its own pipeline: what PostgreSQL would refuse is caught
// by the envelope check before the insert, and should the database still refuse a batch, the batch
// is split until the offending message is isolated and quarantined; the rest is stored.
import type postgres from 'postgres';
import type { Database } from '../schema/db.js';
import type { events, quarantine, RawInsert, RawRow } from '../schema/tables.js';
import { parseEnvelope, type EnvelopeExpectation, type OktaLogEvent } from '../okta/envelope.js';
import { extractColumns } from '../okta/log-event.js';
import type { BatchFacts } from '../lib/metrics.js';
import type { ReceivedMessage } from './drain.js';

/** When the batch is judged, and how far ahead of it an event may be dated (see okta/envelope.ts). */
export interface ParseOptions {
  now?: Date;
  futureSkewMs?: number;
}

export interface BatchCounts {
  received: number;
  stored: number;
  duplicates: number;
  quarantined: number;
}

/** A committed batch: its counts and what the metrics record of it (lib/metrics.ts `recordBatch`). */
export interface StoredBatch extends BatchCounts, BatchFacts {
  /** ISO 8601, as the events' rows hold it. */
  newestPublished?: string;
}

/** Quarantined bodies are kept whole up to this size (larger ones are truncated and say so). */
const QUARANTINE_BODY_LIMIT = 1024 * 1024;

/** The columns the insert path writes: every column of `events` but `received_at` (its default, the time of storing). */
export const EVENT_COLUMNS = everyColumnBut('received_at', [
  'integration_id', 'uuid', 'published', 'event_type', 'severity', 'actor_id', 'actor_alternate_id', 'actor_type',
  'target_ids', 'target_user_ids', 'outcome_result', 'outcome_reason', 'client_ip', 'country', 'city', 'session_id',
  'root_session_id', 'raw', 'ingest_run_id',
] as const);

/** An `events` row as the insert path writes it (schema/tables.ts `RawInsert`): every column of EVENT_COLUMNS, given. */
export type EventRow = Required<Pick<RawInsert<typeof events>, (typeof EVENT_COLUMNS)[number]>>;

/** Returns `columns`; does not compile unless they are all of the table's columns but `omitted`. */
function everyColumnBut<const Omitted extends keyof RawInsert<typeof events>, const C extends readonly Exclude<keyof RawInsert<typeof events>, Omitted>[]>(
  _omitted: Omitted,
  columns: C & ([Exclude<keyof RawInsert<typeof events>, Omitted | C[number]>] extends [never] ? unknown : { missing: Exclude<keyof RawInsert<typeof events>, Omitted | C[number]> }),
): C {
  return columns;
}

export function toEventRow(integrationId: string, event: OktaLogEvent, rawJson: string, ingestRunId: number | null): EventRow {
  const c = extractColumns(event);
  return {
    integration_id: integrationId,
    uuid: c.uuid,
    published: c.published.toISOString(),
    event_type: c.eventType,
    severity: c.severity,
    actor_id: c.actorId,
    actor_alternate_id: c.actorAlternateId,
    actor_type: c.actorType,
    target_ids: c.targetIds,
    target_user_ids: c.targetUserIds,
    outcome_result: c.outcomeResult,
    outcome_reason: c.outcomeReason,
    client_ip: c.clientIp,
    country: c.country,
    city: c.city,
    session_id: c.sessionId,
    root_session_id: c.rootSessionId,
    raw: rawJson,
    ingest_run_id: ingestRunId,
  };
}

/**
 * Rows per INSERT. A batch goes out as several statements sent without waiting for each other (postgres.js pipelines
 * them on the transaction's connection): the client binds the next rows while the server inserts the previous ones.
 * Measured on bench/ingest (a): 100 rows per statement ~8.3–9.1k events/s, one statement of 500 ~6.9k.
 */
const INSERT_CHUNK = 100;

/**
 * Inserts event rows, skipping uuids the integration already has; returns how many were new. The key includes
 * `published` (the partition key, schema/partitions.ts): a redelivery of an Okta event carries the same uuid and
 * `published`, so it is still a duplicate; an event re-dated under an existing uuid would be stored as another row. Each new event also
 * enters the integration's detection backlog in the same statement: stored and not yet analysed, until a detection
 * step has evaluated it (detections/run/detect-run.ts), whichever run stored it.
 */
export async function insertEvents(tx: postgres.Sql | postgres.TransactionSql, rows: EventRow[]): Promise<number> {
  // In key order: two batches committing at once (the drain's commit lanes) that share a redelivered event then wait
  // for each other in one order, never in a cycle (a deadlock would fail a batch).
  const ordered = [...rows].sort(byEventKey);
  const pending: Promise<number>[] = [];
  for (let i = 0; i < ordered.length; i += INSERT_CHUNK) {
    const chunk = ordered.slice(i, i + INSERT_CHUNK);
    // execute(): postgres.js queries are otherwise sent only once awaited.
    pending.push(
      tx<{ n: number }[]>`
        with stored as (
          insert into events ${tx(chunk, ...EVENT_COLUMNS)} on conflict (integration_id, uuid, published) do nothing
          returning integration_id, uuid, published),
        backlog as (
          insert into detection_backlog (integration_id, uuid, published) select integration_id, uuid, published from stored
          on conflict do nothing)
        select count(*)::int as n from stored`
        .execute()
        .then((res) => res[0].n),
    );
  }
  let inserted = 0;
  for (const n of await Promise.all(pending)) inserted += n;
  return inserted;
}

/** The order of the events' unique key (integration_id, uuid, published). */
function byEventKey(a: EventRow, b: EventRow): number {
  return compareText(a.integration_id, b.integration_id) || compareText(a.uuid, b.uuid) || compareText(a.published, b.published);
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** One queue message, validated: an event to store or a quarantine row. */
type Item =
  | { kind: 'event'; message: ReceivedMessage; row: EventRow }
  | { kind: 'quarantine'; message: ReceivedMessage; row: QuarantineRow };

/** A `quarantine` row as the batch writes it: the message, why, and the run that received it. */
export type QuarantineRow = Required<
  Pick<RawInsert<typeof quarantine>, 'integration_id' | 'ingest_run_id' | 'message_id' | 'reason_code' | 'reason' | 'body' | 'body_bytes'>
>;

/**
 * Inserts quarantine rows whose message the integration has not quarantined yet; returns the inserted rows' reasons.
 * `quarantine` is partitioned by received_at, which differs between deliveries of one message, so no unique index can
 * say "once per message": the lookup runs under a per-integration transaction lock instead (quarantine is rare, so
 * the lock is too).
 */
export async function insertQuarantine(
  tx: postgres.TransactionSql,
  integrationId: string,
  rows: QuarantineRow[],
): Promise<Pick<RawRow<typeof quarantine>, 'reason_code'>[]> {
  await tx`select pg_advisory_xact_lock(hashtext('oort-okta:quarantine'), hashtext(${integrationId}))`;
  const ids = rows.map((r) => r.message_id);
  const known = await tx<{ message_id: string }[]>`
    select message_id from quarantine where integration_id = ${integrationId} and message_id = any(${ids}::text[])`;
  const seen = new Set(known.map((r) => r.message_id));
  const fresh = rows.filter((r) => !seen.has(r.message_id) && (seen.add(r.message_id), true));
  if (fresh.length === 0) return [];
  return tx<Pick<RawRow<typeof quarantine>, 'reason_code'>[]>`insert into quarantine ${tx(fresh)} returning reason_code`;
}

/** Quarantine reason of a message PostgreSQL refused although it passed the envelope check. */
export const REJECTED_BY_DATABASE = 'rejected_by_database';

/**
 * Text as PostgreSQL's text type takes it: NUL is the one character it refuses (lone surrogates are sent as U+FFFD by
 * the driver's UTF-8 encoding).
 */
export function storableText(s: string): string {
  return s.includes('\u0000') ? s.replaceAll('\u0000', '\uFFFD') : s;
}

export function quarantineRow(
  integrationId: string,
  ingestRunId: number,
  m: Pick<ReceivedMessage, 'messageId' | 'body'>,
  code: string,
  reason: string,
): QuarantineRow {
  const bytes = Buffer.byteLength(m.body, 'utf8');
  const body = bytes > QUARANTINE_BODY_LIMIT ? `${m.body.slice(0, QUARANTINE_BODY_LIMIT)}…[truncated]` : m.body;
  const kept = storableText(body);
  return {
    integration_id: integrationId,
    ingest_run_id: ingestRunId,
    message_id: storableText(m.messageId),
    reason_code: code,
    reason: storableText(kept === body ? reason : `${reason} (NUL characters in the kept body are shown as U+FFFD)`),
    body: kept,
    body_bytes: bytes,
  };
}

/** Validates each message: an event row, or a quarantine row with the reason. Pure. */
function validate(expect: EnvelopeExpectation & { integrationId: string }, ingestRunId: number, messages: ReceivedMessage[], opts: ParseOptions): Item[] {
  return messages.map((message): Item => {
    const parsed = parseEnvelope(message.body, expect, opts);
    if (!parsed.ok) return { kind: 'quarantine', message, row: quarantineRow(expect.integrationId, ingestRunId, message, parsed.code, parsed.reason) };
    try {
      return { kind: 'event', message, row: toEventRow(expect.integrationId, parsed.event, JSON.stringify(parsed.event), ingestRunId) };
    } catch (err) {
      // The envelope check should have caught it (e.g. nesting too deep to serialise); the message is still named.
      const reason = `the event could not be prepared for storage: ${(err as Error).message}`;
      return { kind: 'quarantine', message, row: quarantineRow(expect.integrationId, ingestRunId, message, REJECTED_BY_DATABASE, reason) };
    }
  });
}

/**
 * Errors about the data of a statement (SQLSTATE classes 22 data exception, 23 integrity, 54 program limit) and
 * serialisation running out of stack: the same rows fail again on retry. Anything else (connection lost, server
 * restarting, a bug) fails the batch for a retry, and its messages are released for it.
 */
export function isDataError(err: unknown): boolean {
  if (err instanceof RangeError) return true; // stack or string length exceeded while serialising
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23|54)[0-9A-Z]{3}$/.test(code);
}

export async function commitBatch(
  db: Database,
  expect: EnvelopeExpectation & { integrationId: string },
  ingestRunId: number,
  messages: ReceivedMessage[],
  opts: ParseOptions = {},
): Promise<StoredBatch> {
  return storeItems(db, expect.integrationId, ingestRunId, validate(expect, ingestRunId, messages, opts));
}

/** Stores items in one transaction; if PostgreSQL refuses their data, in halves, down to the one message it refuses. */
async function storeItems(db: Database, integrationId: string, ingestRunId: number, items: Item[]): Promise<StoredBatch> {
  try {
    return await storeTransaction(db, integrationId, ingestRunId, items);
  } catch (err) {
    if (!isDataError(err) || items.length === 0) throw err;
    if (items.length === 1) {
      const [item] = items;
      if (item.kind === 'quarantine') throw err; // even the quarantine row is refused: let the batch fail visibly
      const reason = `PostgreSQL refused the event (${describeDbError(err)}); it was quarantined instead of stored.`;
      const row = quarantineRow(integrationId, ingestRunId, item.message, REJECTED_BY_DATABASE, reason);
      return storeTransaction(db, integrationId, ingestRunId, [{ kind: 'quarantine', message: item.message, row }]);
    }
    const half = Math.ceil(items.length / 2);
    const a = await storeItems(db, integrationId, ingestRunId, items.slice(0, half));
    const b = await storeItems(db, integrationId, ingestRunId, items.slice(half));
    return bothHalves(a, b);
  }
}

function bothHalves(a: StoredBatch, b: StoredBatch): StoredBatch {
  const quarantinedByReason = { ...a.quarantinedByReason };
  for (const [code, n] of Object.entries(b.quarantinedByReason)) quarantinedByReason[code] = (quarantinedByReason[code] ?? 0) + n;
  const newest = [a.newestPublished, b.newestPublished].filter((p): p is string => p !== undefined).sort().at(-1);
  return {
    received: a.received + b.received,
    stored: a.stored + b.stored,
    duplicates: a.duplicates + b.duplicates,
    quarantined: a.quarantined + b.quarantined,
    quarantinedByReason,
    ...(newest === undefined ? {} : { newestPublished: newest }),
  };
}

function describeDbError(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? `${e.code}: ` : '';
  return `${code}${String(e.message ?? err).slice(0, 200)}`;
}

async function storeTransaction(db: Database, integrationId: string, ingestRunId: number, items: Item[]): Promise<StoredBatch> {
  const rows: EventRow[] = [];
  const quarantined: QuarantineRow[] = [];
  let latest: string | undefined;
  for (const item of items) {
    if (item.kind === 'event') {
      rows.push(item.row);
      if (!latest || item.row.published > latest) latest = item.row.published;
    } else {
      quarantined.push(item.row);
    }
  }

  const quarantinedByReason: Record<string, number> = {};
  const committed = (await db.$client.begin(async (tx) => {
    const stored = await insertEvents(tx, rows);
    let quarantinedNew = 0;
    if (quarantined.length > 0) {
      // The reasons of the rows actually inserted: a redelivered quarantined message is not counted twice.
      const res = await insertQuarantine(tx, integrationId, quarantined);
      quarantinedNew = res.length;
      for (const r of res) quarantinedByReason[r.reason_code] = (quarantinedByReason[r.reason_code] ?? 0) + 1;
    }
    const counts: BatchCounts = {
      received: items.length,
      stored,
      duplicates: rows.length - stored,
      quarantined: quarantinedNew,
    };
    await tx`
      update ingest_runs set
        received = received + ${counts.received},
        stored = stored + ${counts.stored},
        duplicates = duplicates + ${counts.duplicates},
        quarantined = quarantined + ${counts.quarantined}
      where id = ${ingestRunId}`;
    if (stored > 0 && latest) {
      await tx`
        update integrations set
          first_event_at = coalesce(first_event_at, now()),
          last_event_at = greatest(coalesce(last_event_at, ${latest}::timestamptz), ${latest}::timestamptz)
        where id = ${integrationId}`;
    }
    return counts;
  })) as BatchCounts;
  return { ...committed, quarantinedByReason, ...(latest === undefined ? {} : { newestPublished: latest }) };
}

// The `detection_state` table: what stateful rules remember between hourly runs, and `detection_state_pending`, where a
// detection pass keeps its own changes until it stores them with its detections. Rows are read by exact key (the engine
// lists the keys a chunk may read) and written with the engine's merge rule, so writing the same changes twice, or in
// another order, leaves the same rows. Timestamps travel as text: drizzle makes the client's timestamp codecs
// pass-through, which postgres.js cannot apply to arrays.
import type postgres from 'postgres';
import type { detectionState, RawRow } from '../../schema/tables.js';
import type { StateChange } from '../index.js';
import { formatDelta, overlay, stateRowId, StateView, type LoadedRow } from '../kinds/state.js';
import type { PassState } from './pass.js';

/** Keys or rows per query: large runs list tens of thousands. */
const PAGE = 5_000;

/**
 * The hourly run's pass state (`PassState`, detections/run/pass.ts): each chunk's changes are upserted into
 * `detection_state_pending` and each chunk reads its keys from `detection_state` and that table at once, so the pass holds
 * one chunk's rows, not the hour's. `persistPassState` merges them into `detection_state` in the run's final
 * transaction; `discardPassState` removes what an attempt that died left. The caller holds the integration's detection
 * lock throughout.
 */
export function stagedPassState(sql: postgres.Sql, integrationId: string): PassState {
  return {
    async viewFor(keys) {
      const rows = new Map<string, LoadedRow>();
      for (let i = 0; i < keys.length; i += PAGE) {
        const page = keys.slice(i, i + PAGE);
        const found = await sql<StagedRow[]>`
          select k.rule_id, k.entity, k.value,
            s.rule_id is not null as stored, s.data::text as stored_data,
            (extract(epoch from s.first_seen) * 1000)::float8 as stored_first, (extract(epoch from s.last_seen) * 1000)::float8 as stored_last,
            p.rule_id is not null as changed, p.data::text as changed_data,
            (extract(epoch from p.first_seen) * 1000)::float8 as changed_first, (extract(epoch from p.last_seen) * 1000)::float8 as changed_last,
            (extract(epoch from p.expires_at) * 1000)::float8 as changed_expires
          from unnest(${page.map((k) => k.ruleId)}::text[], ${page.map((k) => k.entity)}::text[], ${page.map((k) => k.value)}::text[])
            as k(rule_id, entity, value)
          left join detection_state s
            on s.integration_id = ${integrationId} and s.rule_id = k.rule_id and s.entity = k.entity and s.value = k.value
          left join detection_state_pending p
            on p.integration_id = ${integrationId} and p.rule_id = k.rule_id and p.entity = k.entity and p.value = k.value
          where s.rule_id is not null or p.rule_id is not null`;
        for (const r of found) {
          const key = { ruleId: r.rule_id, entity: r.entity, value: r.value };
          const stored = r.stored ? { firstSeen: ms(r.stored_first), lastSeen: ms(r.stored_last), data: json(r.stored_data) } : null;
          const change = r.changed
            ? { ...key, firstSeen: ms(r.changed_first), lastSeen: ms(r.changed_last), data: json(r.changed_data), expiresAt: ms(r.changed_expires) }
            : undefined;
          const row = overlay(stored, change);
          if (row) rows.set(stateRowId(key), row);
        }
      }
      return StateView.ofLoaded(rows);
    },
    async apply(deltas) {
      await upsertState(sql, 'detection_state_pending', integrationId, deltas.map(formatDelta));
    },
  };
}

/** Merges the pass's changes into `detection_state` (in the transaction that stores its detections) and clears them. */
export async function persistPassState(tx: postgres.TransactionSql, integrationId: string): Promise<void> {
  await tx`
    insert into detection_state as s (integration_id, rule_id, entity, value, first_seen, last_seen, data, expires_at)
    select integration_id, rule_id, entity, value, first_seen, last_seen, data, expires_at
    from detection_state_pending where integration_id = ${integrationId}
    ${onConflictMerge(tx)}`;
  await discardPassState(tx, integrationId);
}

/** Removes the changes of a pass that did not finish (its attempt died): the next pass starts from the stored rows. */
export async function discardPassState(sql: postgres.Sql | postgres.TransactionSql, integrationId: string): Promise<void> {
  await sql`delete from detection_state_pending where integration_id = ${integrationId}`;
}

/** Upserts with first_seen = least, last_seen = greatest, data of the latest sighting (types.ts StateChange). */
async function upsertState(
  sql: postgres.Sql,
  table: 'detection_state' | 'detection_state_pending',
  integrationId: string,
  changes: readonly StateChange[],
): Promise<void> {
  for (let i = 0; i < changes.length; i += PAGE) {
    const page = changes.slice(i, i + PAGE);
    await sql`
      insert into ${sql(table)} as s (integration_id, rule_id, entity, value, first_seen, last_seen, data, expires_at)
      select ${integrationId}, c.rule_id, c.entity, c.value, c.first_seen::timestamptz, c.last_seen::timestamptz, c.data::jsonb,
        c.expires_at::timestamptz
      from unnest(
        ${page.map((c) => c.ruleId)}::text[], ${page.map((c) => c.entity)}::text[], ${page.map((c) => c.value)}::text[],
        ${page.map((c) => c.firstSeen)}::text[], ${page.map((c) => c.lastSeen)}::text[],
        ${page.map((c) => (c.data === null ? null : JSON.stringify(c.data)))}::text[], ${page.map((c) => c.expiresAt)}::text[]
      ) as c(rule_id, entity, value, first_seen, last_seen, data, expires_at)
      ${onConflictMerge(sql)}`;
  }
}

/** The merge rule of every upsert into a state table (`mergeStateRows` is its reference implementation). */
function onConflictMerge(sql: postgres.Sql | postgres.TransactionSql) {
  return sql`
    on conflict (integration_id, rule_id, entity, value) do update set
      first_seen = least(s.first_seen, excluded.first_seen),
      last_seen = greatest(s.last_seen, excluded.last_seen),
      expires_at = greatest(s.expires_at, excluded.expires_at),
      data = case when excluded.last_seen >= s.last_seen and excluded.data is not null then excluded.data else s.data end`;
}

/** A key with its stored row and the pass's change to it, each if any (`stagedPassState`'s read). */
type StagedRow = Pick<RawRow<typeof detectionState>, 'rule_id' | 'entity' | 'value'> & {
  stored: boolean;
  stored_data: string | null;
  stored_first: number;
  stored_last: number;
  changed: boolean;
  changed_data: string | null;
  changed_first: number;
  changed_last: number;
  changed_expires: number;
};

const ms = (epochMs: number): number => Math.round(epochMs);
const json = (text: string | null): Record<string, unknown> | null => (text === null ? null : (JSON.parse(text) as Record<string, unknown>));

/** Rows past their use, judged by event time (the run's clock), not by the wall clock. */
export async function pruneDetectionState(tx: postgres.TransactionSql, integrationId: string, before: string): Promise<number> {
  const result = await tx`delete from detection_state where integration_id = ${integrationId} and expires_at < ${before}`;
  return result.count;
}

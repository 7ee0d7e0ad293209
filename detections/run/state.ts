// The `detection_state` table: what stateful rules remember between hourly runs, and `detection_state_pending`, where a
// detection pass with more changes than it holds in memory stages them until it stores them with its detections. Rows
// are read by exact key (the engine lists the keys a chunk may read) and written with the engine's merge rule, so
// writing the same changes twice, or in another order, leaves the same rows. Timestamps travel as text: drizzle makes
// the client's timestamp codecs pass-through, which postgres.js cannot apply to arrays.
import type postgres from 'postgres';
import type { detectionState, RawRow } from '../../schema/tables.js';
import type { StateChange, StateKey } from '../index.js';
import { addDelta, formatDelta, mergeDelta, overlay, stateRowId, StateView, type LoadedRow, type StateDelta } from '../kinds/state.js';
import type { PassState } from './pass.js';

/** Keys or rows per query: large runs list tens of thousands. */
const PAGE = 5_000;

/**
 * Changes a pass holds in memory, merged per key, before it stages them in `detection_state_pending`. Most passes
 * (the hourly run of all but the largest tenants: one chunk, a few thousand changes) never reach it and write their
 * changes once, in the final transaction. A pass that does stages them after the chunk that passed it, so it holds at
 * most this many plus one chunk's, however many entities its hour touches (bench/README.md, `bench/detect-hour.ts`).
 */
export const PASS_CHANGES_IN_MEMORY = 25_000;

/** The hourly run's pass state, and how it stores the pass's changes with the detections. */
export interface StagedPassState extends PassState {
  /** Merges the pass's changes into `detection_state` (in the run's final transaction) and clears what it staged. */
  persist(tx: postgres.TransactionSql): Promise<void>;
}

/**
 * The hourly run's pass state (`PassState`, detections/run/pass.ts): each chunk reads its keys from `detection_state`
 * and overlays the pass's own changes so far. Those are merged per key in memory, up to `changesInMemory`; beyond it
 * they are upserted into `detection_state_pending` (read back by the next chunks with the stored rows), so the pass holds
 * a bounded number of them. `persist` merges them into `detection_state`; `discardPassState` removes what an attempt
 * that died had staged. The caller holds the integration's detection lock throughout.
 */
export function stagedPassState(sql: postgres.Sql, integrationId: string, changesInMemory = PASS_CHANGES_IN_MEMORY): StagedPassState {
  const held = new Map<string, StateDelta>();
  let staged = false;
  /** Held changes to the pending table: the upsert merges them with what is there as `mergeDelta` would. */
  const stage = async (to: postgres.Sql | postgres.TransactionSql) => {
    await upsertState(to, 'detection_state_pending', integrationId, [...held.values()].map(formatDelta));
    held.clear();
    staged = true;
  };
  return {
    async viewFor(keys) {
      const rows = new Map<string, LoadedRow>();
      const read = new Set<string>();
      for (let i = 0; i < keys.length; i += PAGE) {
        const page = keys.slice(i, i + PAGE);
        for (const r of await readStateRows(sql, integrationId, page)) {
          const key = { ruleId: r.rule_id, entity: r.entity, value: r.value };
          const id = stateRowId(key);
          read.add(id);
          const stored = r.stored ? { firstSeen: ms(r.stored_first), lastSeen: ms(r.stored_last), data: json(r.stored_data) } : null;
          const stagedChange = r.changed
            ? { ...key, firstSeen: ms(r.changed_first), lastSeen: ms(r.changed_last), data: json(r.changed_data), expiresAt: ms(r.changed_expires) }
            : undefined;
          const row = overlay(stored, latest(stagedChange, held.get(id)));
          if (row) rows.set(id, row);
        }
      }
      // Keys the pass has changed but that are neither stored nor staged: held only.
      for (const key of keys) {
        const id = stateRowId(key);
        const change = read.has(id) ? undefined : held.get(id);
        const row = change && overlay(null, change);
        if (row) rows.set(id, row);
      }
      return StateView.ofLoaded(rows);
    },
    async apply(deltas) {
      for (const delta of deltas) addDelta(held, delta);
      if (held.size > changesInMemory) await stage(sql);
    },
    async persist(tx) {
      if (!staged) {
        await upsertState(tx, 'detection_state', integrationId, [...held.values()].map(formatDelta));
        held.clear();
        return;
      }
      // The held changes are later than the staged ones: merged into them first, as the pass would have staged them.
      if (held.size > 0) await stage(tx);
      await tx`
        insert into detection_state as s (integration_id, rule_id, entity, value, first_seen, last_seen, data, expires_at)
        select integration_id, rule_id, entity, value, first_seen, last_seen, data, expires_at
        from detection_state_pending where integration_id = ${integrationId}
        ${onConflictMerge(tx)}`;
      await discardPassState(tx, integrationId);
      staged = false;
    },
  };
}

/** The staged change to a key merged with the held one (the later), either, or none. */
function latest(stagedChange: StateDelta | undefined, heldChange: StateDelta | undefined): StateDelta | undefined {
  return stagedChange && heldChange ? mergeDelta(stagedChange, heldChange) : (heldChange ?? stagedChange);
}

/** The stored rows of these keys and their staged changes, each if any (`stagedPassState`'s read). */
async function readStateRows(sql: postgres.Sql, integrationId: string, page: readonly StateKey[]): Promise<StagedRow[]> {
  return sql<StagedRow[]>`
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
}

/** Removes the changes of a pass that did not finish (its attempt died): the next pass starts from the stored rows. */
export async function discardPassState(sql: postgres.Sql | postgres.TransactionSql, integrationId: string): Promise<void> {
  await sql`delete from detection_state_pending where integration_id = ${integrationId}`;
}

/** Upserts with first_seen = least, last_seen = greatest, data of the latest sighting (types.ts StateChange). */
async function upsertState(
  sql: postgres.Sql | postgres.TransactionSql,
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

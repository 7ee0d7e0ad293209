// The `detection_state` table: what stateful rules remember between hourly runs. Rows are loaded
// by exact key (the engine lists the keys a run may read) and written with the engine's merge rule,
// so writing the same changes twice, or in another order, leaves the same rows. Timestamps travel as text:
// drizzle makes the client's timestamp codecs pass-through, which postgres.js cannot apply to arrays.
import type postgres from 'postgres';
import type { detectionState, RawRow } from '../../schema/tables.js';
import type { StateChange, StateKey, StateRow } from '../index.js';

/** Keys per query: large runs list tens of thousands. */
const PAGE = 5_000;

export async function loadDetectionState(sql: postgres.Sql, integrationId: string, keys: readonly StateKey[]): Promise<StateRow[]> {
  const rows: StateRow[] = [];
  for (let i = 0; i < keys.length; i += PAGE) {
    const page = keys.slice(i, i + PAGE);
    const found = await sql<(Pick<RawRow<typeof detectionState>, 'rule_id' | 'entity' | 'value'> & { first_ms: number; last_ms: number; data: string | null })[]>`
      select s.rule_id, s.entity, s.value, s.data::text,
        (extract(epoch from s.first_seen) * 1000)::float8 as first_ms, (extract(epoch from s.last_seen) * 1000)::float8 as last_ms
      from unnest(${page.map((k) => k.ruleId)}::text[], ${page.map((k) => k.entity)}::text[], ${page.map((k) => k.value)}::text[])
        as k(rule_id, entity, value)
      join detection_state s
        on s.integration_id = ${integrationId} and s.rule_id = k.rule_id and s.entity = k.entity and s.value = k.value`;
    for (const r of found) {
      rows.push({
        ruleId: r.rule_id,
        entity: r.entity,
        value: r.value,
        firstSeen: new Date(Math.round(r.first_ms)),
        lastSeen: new Date(Math.round(r.last_ms)),
        data: r.data === null ? null : (JSON.parse(r.data) as Record<string, unknown>),
      });
    }
  }
  return rows;
}

/** Upserts with first_seen = least, last_seen = greatest, data of the latest sighting (types.ts StateChange). */
export async function saveDetectionState(tx: postgres.TransactionSql, integrationId: string, changes: readonly StateChange[]): Promise<void> {
  for (let i = 0; i < changes.length; i += PAGE) {
    const page = changes.slice(i, i + PAGE);
    await tx`
      insert into detection_state as s (integration_id, rule_id, entity, value, first_seen, last_seen, data, expires_at)
      select ${integrationId}, c.rule_id, c.entity, c.value, c.first_seen::timestamptz, c.last_seen::timestamptz, c.data::jsonb,
        c.expires_at::timestamptz
      from unnest(
        ${page.map((c) => c.ruleId)}::text[], ${page.map((c) => c.entity)}::text[], ${page.map((c) => c.value)}::text[],
        ${page.map((c) => c.firstSeen)}::text[], ${page.map((c) => c.lastSeen)}::text[],
        ${page.map((c) => (c.data === null ? null : JSON.stringify(c.data)))}::text[], ${page.map((c) => c.expiresAt)}::text[]
      ) as c(rule_id, entity, value, first_seen, last_seen, data, expires_at)
      on conflict (integration_id, rule_id, entity, value) do update set
        first_seen = least(s.first_seen, excluded.first_seen),
        last_seen = greatest(s.last_seen, excluded.last_seen),
        expires_at = greatest(s.expires_at, excluded.expires_at),
        data = case when excluded.last_seen >= s.last_seen and excluded.data is not null then excluded.data else s.data end`;
  }
}

/** Rows past their use, judged by event time (the run's clock), not by the wall clock. */
export async function pruneDetectionState(tx: postgres.TransactionSql, integrationId: string, before: string): Promise<number> {
  const result = await tx`delete from detection_state where integration_id = ${integrationId} and expires_at < ${before}`;
  return result.count;
}

// Where the tenant-hour benchmark's pass keeps its rule state: in memory (`passStateInMemory`, the offline command's
// way), or as the hourly run does (`stagedPassState`: the stored rows read from PostgreSQL, the pass's changes held in
// memory up to PASS_CHANGES_IN_MEMORY and staged in detection_state_pending beyond it), in a throwaway database of this
// process. Both are timed as sources: their time is not the engine's.
import { createIntegration } from '../integrations/create.js';
import { loadConfig } from '../lib/config.js';
import { generateSecretKey, parseSecretKey } from '../lib/secrets.js';
import { stateRowId } from '../detections/kinds/state.js';
import type { StateChange } from '../detections/index.js';
import { passStateInMemory, type PassState, type StateSource } from '../detections/run/pass.js';
import { discardPassState, stagedPassState, type StagedPassState } from '../detections/run/state.js';
import { applyMigrations } from '../schema/migrate.js';
import { closeDatabase, connectDatabase } from '../schema/db.js';
import { dropDatabase, ensureDatabase } from '../workers/local-stack/postgres.js';
import { secondsSince } from './detect-engine.js';

export type StatePlace = 'memory' | 'postgres';

export interface BenchPassState {
  /** A fresh pass state (nothing carried), timed. */
  open(): Promise<PassState>;
  /** The changes of the last pass opened, as it would persist them, sorted as `passStateInMemory().changes()`. */
  changes(): Promise<StateChange[]>;
  /** Time spent in the state's reads and writes. */
  seconds: number;
  close(): Promise<void>;
}

/**
 * `stored`: the rows stored before the pass, for the memory state. `onRead` is called before and after each chunk reads
 * its state (the bench samples the heap there).
 */
export async function benchPassState(place: StatePlace, stored: StateSource, onRead: () => void): Promise<BenchPassState> {
  return place === 'memory' ? inMemory(stored, onRead) : inPostgres(onRead);
}

/** The stored rows are read through `stored`, which times itself (bench/detect-driver.ts MemoryState). */
function inMemory(stored: StateSource, onRead: () => void): BenchPassState {
  let state = passStateInMemory(stored);
  const bench: BenchPassState = {
    seconds: 0,
    async open() {
      state = passStateInMemory(stored);
      return sampled(state, bench, onRead, false);
    },
    async changes() {
      return state.changes();
    },
    async close() {},
  };
  return bench;
}

async function inPostgres(onRead: () => void): Promise<BenchPassState> {
  // The integration row only anchors the state rows (its token is never used): a key of this process will do.
  const config = loadConfig({ ...process.env, OORT_SECRET_KEY: generateSecretKey() });
  const url = new URL(config.DATABASE_URL);
  url.pathname = `/oort_bench_hour_${process.pid}`;
  const databaseUrl = url.toString();
  await ensureDatabase(databaseUrl);
  const db = connectDatabase(databaseUrl, { max: 2 });
  let integrationId: string;
  try {
    await applyMigrations(db);
    ({ integrationId } = await createIntegration(db, parseSecretKey(config.OORT_SECRET_KEY), {
      tenantId: 'bench', name: 'Bench tenant-hour', oktaDomain: 'initech.okta.com', oktaOrg: 'initech', apiToken: 'unused-in-bench', awsAccountId: config.awsAccountId,
    }));
  } catch (err) {
    await closeDatabase(db);
    await dropDatabase(databaseUrl);
    throw err;
  }
  const sql = db.$client;
  let state: StagedPassState | undefined;
  const bench: BenchPassState = {
    seconds: 0,
    async open() {
      await discardPassState(sql, integrationId);
      await sql`delete from detection_state where integration_id = ${integrationId}`;
      state = stagedPassState(sql, integrationId);
      return sampled(state, bench, onRead, true);
    },
    async changes() {
      // Stored as the hourly run stores them, over no earlier rows: the stored rows are the pass's changes.
      await sql.begin((tx) => state!.persist(tx));
      const rows = await sql<{ rule_id: string; entity: string; value: string; first_seen: string; last_seen: string; data: string | null; expires_at: string }[]>`
        select rule_id, entity, value, data::text as data,
          to_char(first_seen at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as first_seen,
          to_char(last_seen at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as last_seen,
          to_char(expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as expires_at
        from detection_state where integration_id = ${integrationId}`;
      return rows
        .map((r) => ({
          ruleId: r.rule_id, entity: r.entity, value: r.value, firstSeen: r.first_seen, lastSeen: r.last_seen,
          data: r.data === null ? null : (JSON.parse(r.data) as Record<string, unknown>), expiresAt: r.expires_at,
        }))
        .sort((a, b) => stateRowId(a).localeCompare(stateRowId(b)));
    },
    async close() {
      await closeDatabase(db);
      await dropDatabase(databaseUrl);
    },
  };
  return bench;
}

/**
 * `state` with the heap sampled before and after each chunk reads its rows (the view then held), and with its time
 * counted in `bench.seconds` if `timed` (PostgreSQL's; the memory state's stored rows time themselves).
 */
function sampled(state: PassState, bench: BenchPassState, onRead: () => void, timed: boolean): PassState {
  const clock = async <T>(work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      if (timed) bench.seconds += secondsSince(t0);
    }
  };
  return {
    async viewFor(keys) {
      onRead();
      const view = await clock(() => state.viewFor(keys));
      onRead();
      return view;
    },
    apply: (deltas) => clock(() => state.apply(deltas)),
  };
}

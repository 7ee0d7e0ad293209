/**
 * Detection state: what stateful kinds remember between runs, as rows keyed by (ruleId, entity, value).
 *
 * The engine stays pure: the caller loads the rows for `stateKeys(...)`, passes them in `opts.state`, and persists
 * `stateChanges` with the merge rule of `mergeStateRows` (first_seen = min, last_seen = max, data of the latest
 * last_seen). The merge is idempotent and order-independent, so a re-run, or two runs persisted in either order,
 * leave the same rows.
 */
import type { DetectionState, StateChange, StateKey, StateRow } from '../types.js';

export const DAY_MS = 86_400_000;

/** Row values, by kind. */
export const stateValue = {
  /** Baseline: the entity's (or, with entity TENANT_ENTITY, the rule's) first and last observation. */
  history: 'history',
  /** Baseline: one term of the entity. */
  term: (term: string) => `term:${term}`,
  /** Geo-velocity: the entity's latest qualifying sign-in (place in `data`). */
  lastSignIn: 'last-sign-in',
  /** Alert chains: a detection of `sourceRuleId` about the entity (trigger time .. last event; evidence in `data`). */
  alert: (sourceRuleId: string) => `alert:${sourceRuleId}`,
  /** Absence: the `first` event with this uuid was already reported. */
  reported: (uuid: string) => `reported:${uuid}`,
  /** Anomaly: the entity's active buckets of the UTC week starting that Monday (`data.buckets`). */
  week: (monday: string) => `week:${monday}`,
} as const;

/** Entity of rule-wide rows (tenant learning clock). */
export const TENANT_ENTITY = '*';

export interface LoadedRow {
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly data: Readonly<Record<string, unknown>> | null;
  /**
   * For a row that also holds a pass's own changes not yet stored (the detection pass, from chunk to chunk): the stored
   * row's last_seen, or null if nothing is stored. A change within a slack of what is stored is not worth a write, but
   * one past an earlier chunk's change must still reach the store, as it would in a pass without chunks. Absent: the
   * row is as stored.
   */
  readonly storedLastSeen?: number | null;
}

function keyOf(ruleId: string, entity: string, value: string): string {
  return `${ruleId}\u0000${entity}\u0000${value}`;
}

/** One string per (ruleId, entity, value), for maps of rows and changes. */
export const stateRowId = (key: StateKey): string => keyOf(key.ruleId, key.entity, key.value);

function toMs(value: string | Date): number {
  return value instanceof Date ? value.getTime() : Date.parse(value);
}

/** A stored row with its timestamps read, or undefined when they are unreadable (as if never remembered). */
function loadedRow(row: StateRow): LoadedRow | undefined {
  const firstSeen = toMs(row.firstSeen);
  const lastSeen = toMs(row.lastSeen);
  if (Number.isNaN(firstSeen) || Number.isNaN(lastSeen)) return undefined;
  return { firstSeen, lastSeen, data: row.data ?? null };
}

/** Stored rows read and indexed by `stateRowId`; rows with unreadable timestamps are left out (`loadedRow`). */
export function readRows(state: DetectionState): Map<string, LoadedRow> {
  const rows = new Map<string, LoadedRow>();
  for (const row of state) {
    const loaded = loadedRow(row);
    if (!loaded) continue;
    const key = stateRowId(row);
    const previous = rows.get(key);
    // Duplicated rows (should not happen with a primary key) merge like the database would.
    rows.set(key, previous ? mergeLoaded(previous, loaded) : loaded);
  }
  return rows;
}

/** The loaded rows, indexed. Rows with unreadable timestamps are ignored (as if never remembered). */
export class StateView {
  private constructor(private readonly rows: ReadonlyMap<string, LoadedRow>) {}

  /** The caller's rows, read and indexed. */
  static of(state: DetectionState | undefined): StateView {
    return new StateView(readRows(state ?? []));
  }

  /** Rows already read, by `stateRowId` (the detection pass keeps them read from chunk to chunk). */
  static ofLoaded(rows: ReadonlyMap<string, LoadedRow>): StateView {
    return new StateView(rows);
  }

  get(ruleId: string, entity: string, value: string): LoadedRow | undefined {
    return this.rows.get(keyOf(ruleId, entity, value));
  }
}

/** `mergeStateRows`' rule for two rows of one key, on read timestamps: b is the later write. */
export function mergeLoaded(a: LoadedRow, b: LoadedRow): LoadedRow {
  return {
    firstSeen: Math.min(a.firstSeen, b.firstSeen),
    lastSeen: Math.max(a.lastSeen, b.lastSeen),
    data: b.lastSeen >= a.lastSeen && b.data !== null ? b.data : a.data,
  };
}

/** A state upsert with its timestamps in epoch ms: what `toChanges` formats as a StateChange. */
export interface StateDelta extends StateKey {
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly data: Readonly<Record<string, unknown>> | null;
  readonly expiresAt: number;
}

/** Two changes of one key merged as the upsert merges them (b is the later write; expiry = the later of both). */
export function mergeDelta(a: StateDelta, b: StateDelta): StateDelta {
  return { ...b, ...mergeLoaded(a, b), expiresAt: Math.max(a.expiresAt, b.expiresAt) };
}

/** Adds a later change to the changes kept per key (`stateRowId`), merged into the one kept; returns the key's id. */
export function addDelta(kept: Map<string, StateDelta>, delta: StateDelta): string {
  const id = stateRowId(delta);
  const previous = kept.get(id);
  kept.set(id, previous ? mergeDelta(previous, delta) : delta);
  return id;
}

/**
 * A stored row (or none) as a chunk of a detection pass sees it, with the pass's change to it so far (or none): merged,
 * and marked with the stored last_seen, from which a later change's slack is measured (`storedLastSeen`).
 */
export function overlay(stored: LoadedRow | null, change: StateDelta | undefined): LoadedRow | null {
  if (!change) return stored;
  const merged = stored ? mergeLoaded(stored, change) : { firstSeen: change.firstSeen, lastSeen: change.lastSeen, data: change.data };
  return { ...merged, storedLastSeen: stored ? stored.lastSeen : null };
}

/** A delta being merged during one evaluation. */
type PendingChange = StateKey & { -readonly [K in 'firstSeen' | 'lastSeen' | 'data' | 'expiresAt']: StateDelta[K] } & {
  /** Skip the write when the loaded row already has last_seen this close (learning clocks need no precision). */
  slackMs: number;
};

/** Upserts collected during one evaluation, merged per key with the same rule the database applies. */
export class StateChangeSet {
  private readonly pending = new Map<string, PendingChange>();

  upsert(
    key: StateKey,
    firstSeen: number,
    lastSeen: number,
    expiresAt: number,
    data: Readonly<Record<string, unknown>> | null = null,
    slackMs = 0,
  ): void {
    const id = keyOf(key.ruleId, key.entity, key.value);
    const previous = this.pending.get(id);
    if (!previous) {
      this.pending.set(id, { ruleId: key.ruleId, entity: key.entity, value: key.value, firstSeen, lastSeen, data, expiresAt, slackMs });
      return;
    }
    if (lastSeen >= previous.lastSeen && data !== null) previous.data = data;
    previous.firstSeen = Math.min(previous.firstSeen, firstSeen);
    previous.lastSeen = Math.max(previous.lastSeen, lastSeen);
    previous.expiresAt = Math.max(previous.expiresAt, expiresAt);
    previous.slackMs = Math.max(previous.slackMs, slackMs);
  }

  addAll(other: StateChangeSet): void {
    for (const change of other.pending.values()) {
      this.upsert(change, change.firstSeen, change.lastSeen, change.expiresAt, change.data, change.slackMs);
    }
  }

  /**
   * The changes that would alter the loaded rows (a no-op upsert is left out, so a re-run with the state it produced
   * writes nothing), sorted by key.
   */
  toChanges(loaded: StateView): StateChange[] {
    return this.deltas(loaded)
      .map(formatDelta)
      .sort((a, b) => compareText(a.ruleId, b.ruleId) || compareText(a.entity, b.entity) || compareText(a.value, b.value));
  }

  /** `toChanges` before formatting and sorting: the detection pass merges them from chunk to chunk as numbers. */
  deltas(loaded: StateView): StateDelta[] {
    const deltas: StateDelta[] = [];
    for (const change of this.pending.values()) {
      const row = loaded.get(change.ruleId, change.entity, change.value);
      if (row && isCovered(row, change)) continue;
      const { ruleId, entity, value, firstSeen, lastSeen, data, expiresAt } = change;
      deltas.push({ ruleId, entity, value, firstSeen, lastSeen, data, expiresAt });
    }
    return deltas;
  }
}

/** A delta as the StateChange the caller persists (ISO timestamps). */
export function formatDelta(delta: StateDelta): StateChange {
  return {
    ruleId: delta.ruleId,
    entity: delta.entity,
    value: delta.value,
    firstSeen: new Date(delta.firstSeen).toISOString(),
    lastSeen: new Date(delta.lastSeen).toISOString(),
    data: delta.data,
    expiresAt: new Date(delta.expiresAt).toISOString(),
  };
}

function isCovered(row: LoadedRow, change: PendingChange): boolean {
  if (row.firstSeen > change.firstSeen) return false;
  const slackFrom = row.storedLastSeen === undefined ? row.lastSeen : row.storedLastSeen;
  if (row.lastSeen < change.lastSeen && (slackFrom === null || slackFrom + change.slackMs < change.lastSeen)) return false;
  if (change.data === null || row.lastSeen > change.lastSeen) return true;
  return stableJson(row.data) === stableJson(change.data);
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => compareText(a, b)))
      : inner,
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The reference implementation of the caller's upsert, for tests and in-memory callers: applies `changes` to
 * `rows` exactly as `INSERT … ON CONFLICT (integration_id, rule_id, entity, value) DO UPDATE SET
 * first_seen = least(…), last_seen = greatest(…), expires_at = greatest(…),
 * data = CASE WHEN excluded.last_seen >= detection_state.last_seen AND excluded.data IS NOT NULL
 *        THEN excluded.data ELSE detection_state.data END` would. Rows expired at `now` (if given) are dropped.
 */
export function mergeStateRows(
  rows: readonly (StateRow & { readonly expiresAt?: string | Date })[],
  changes: readonly StateChange[],
  now?: string | Date,
): (StateRow & { readonly expiresAt?: string })[] {
  const merged = new Map<string, { ruleId: string; entity: string; value: string; first: number; last: number; expires?: number; data: Readonly<Record<string, unknown>> | null }>();
  const put = (row: StateRow & { readonly expiresAt?: string | Date }) => {
    const id = keyOf(row.ruleId, row.entity, row.value);
    const first = toMs(row.firstSeen);
    const last = toMs(row.lastSeen);
    const expires = row.expiresAt === undefined ? undefined : toMs(row.expiresAt);
    const data = row.data ?? null;
    const old = merged.get(id);
    if (!old) {
      merged.set(id, { ruleId: row.ruleId, entity: row.entity, value: row.value, first, last, expires, data });
      return;
    }
    if (last >= old.last && data !== null) old.data = data;
    old.first = Math.min(old.first, first);
    old.last = Math.max(old.last, last);
    if (expires !== undefined) old.expires = old.expires === undefined ? expires : Math.max(old.expires, expires);
  };
  rows.forEach(put);
  changes.forEach(put);
  const cutoff = now === undefined ? undefined : toMs(now);
  return [...merged.values()]
    .filter((row) => cutoff === undefined || row.expires === undefined || row.expires >= cutoff)
    .map((row) => ({
      ruleId: row.ruleId,
      entity: row.entity,
      value: row.value,
      firstSeen: new Date(row.first).toISOString(),
      lastSeen: new Date(row.last).toISOString(),
      data: row.data,
      ...(row.expires === undefined ? {} : { expiresAt: new Date(row.expires).toISOString() }),
    }));
}

/** Collects the keys a run needs, de-duplicated, in first-seen order. */
export class StateKeyList {
  private readonly keys = new Map<string, StateKey>();

  add(ruleId: string, entity: string, value: string): void {
    const id = keyOf(ruleId, entity, value);
    if (!this.keys.has(id)) this.keys.set(id, { ruleId, entity, value });
  }

  list(): StateKey[] {
    return [...this.keys.values()];
  }
}

// The detection step of an hourly run: evaluate the catalogue over the integration's events that are
// stored and not yet analysed (its detection backlog, whichever run stored them: a run that failed
// before detecting leaves its events to the next) plus the look-back its windows need, and persist
// the matches together with the backlog rows they cleared. A match merges into an open detection with
// the same dedupe key whose last event lies within the rule's dedupe period (count, last seen and
// evidence grow) instead of creating another, so a burst that straddles two runs, or a re-run of
// the same hour, is reported once.
import type postgres from 'postgres';
import type { Database } from '../../schema/db.js';
import type { detectionBacklog, detections, RawInsert, RawRow } from '../../schema/tables.js';
import type { DetectionSettings, Rule } from '../index.js';
import { EVIDENCE_CAP, mergeMatches, type MergedDetection } from './merge.js';
import { runDetectionPass, type EventSource, type LoadGroup } from './pass.js';
import { discardPassState, pruneDetectionState, stagedPassState } from './state.js';
import type { OktaLogEvent } from '../../okta/envelope.js';

export interface DetectRunResult {
  /** Detections created by this run (merged matches are not counted again). */
  created: number;
  updated: number;
  evaluatedEvents: number;
}

export async function detectForRun(
  db: Database,
  integrationId: string,
  ingestRunId: number,
  rules: readonly Rule[],
  settings: DetectionSettings = {},
  onProgress: (p: { chunks: number; evaluatedEvents: number }) => void = () => {},
  opts: { chunkNewEvents?: number; changesInMemory?: number } = {},
): Promise<DetectRunResult> {
  const sql = db.$client;
  // From reading the rule state to writing it back, one run per integration at a time (a manual trigger or a
  // quarantine replay beside the Schedule): two runs working from one snapshot would each write back a state
  // missing the other's sightings.
  return withDetectionLock(sql, integrationId, () => onProgress({ chunks: 0, evaluatedEvents: 0 }), async () => {
    // What an attempt that died mid-pass left: its state changes. The backlog rows it had taken as new need no handing
    // back: this pass's chunks cover every backlog row (newEventMinutes counts them all, marked or not), and each chunk
    // takes the rows of its range as new whatever their mark, so they are analysed and cleared by this pass.
    await discardPassState(sql, integrationId);
    const { changesInMemory, ...passOptions } = opts;
    const state = stagedPassState(sql, integrationId, changesInMemory);
    const pass = await runDetectionPass(rules, backlogEvents(sql, integrationId), state, { settings, onProgress, ...passOptions });
    // A burst across a chunk edge is matched on both sides; merging makes it one detection.
    const detections = mergeMatches(pass.matches);

    let created = 0;
    let updated = 0;
    // One transaction: detections and the rule state they imply are stored together or not at all.
    await sql.begin(async (tx) => {
      for (const d of detections) {
        (await persistDetection(tx, integrationId, ingestRunId, d)) === 'created' ? created++ : updated++;
      }
      await state.persist(tx);
      if (pass.watermark) await pruneDetectionState(tx, integrationId, pass.watermark);
      await clearBacklog(tx, integrationId);
    });
    return { created, updated, evaluatedEvents: pass.evaluatedEvents };
  });
}

const LOCK_POLL_MS = 500;

/**
 * A session advisory lock on a connection of its own, released when `work` ends (or with the connection, if the
 * process dies). Polled with pg_try_advisory_lock rather than waited for, so the caller can heartbeat meanwhile.
 */
async function withDetectionLock<T>(sql: postgres.Sql, integrationId: string, onWait: () => void, work: () => Promise<T>): Promise<T> {
  const lockKey = `detections:${integrationId}`;
  const connection = await sql.reserve();
  try {
    for (;;) {
      const [{ locked }] = await connection<{ locked: boolean }[]>`select pg_try_advisory_lock(hashtext(${lockKey})) as locked`;
      if (locked) break;
      onWait();
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
    try {
      return await work();
    } finally {
      await connection`select pg_advisory_unlock(hashtext(${lockKey}))`;
    }
  } finally {
    connection.release();
  }
}

/**
 * The integration's stored events as the detection pass reads them: new = in the backlog. The backlog rows a chunk takes
 * as new are marked `analysed`, and exactly these are cleared with the results (`clearBacklog`); rows that arrive while
 * the pass runs are left for the next one.
 */
export function backlogEvents(sql: postgres.Sql, integrationId: string): EventSource {
  return {
    async newEventMinutes() {
      // Minutes of UTC, whatever the session's time zone, so that they are the pass's minutes. The backlog's key
      // (integration_id, published, uuid) serves the scan: only this integration's pending rows are read.
      const minutes = await sql<{ minute: Date; n: number }[]>`
        select date_trunc('minute', published, 'UTC') as minute, count(*)::int as n from detection_backlog
        where integration_id = ${integrationId} group by 1 order by 1`;
      return minutes.map((m) => ({ start: new Date(m.minute).getTime(), n: m.n }));
    },
    async watermark() {
      const [row] = await sql<{ at: Date | null }[]>`select max(published) as at from events where integration_id = ${integrationId}`;
      return row?.at ? new Date(row.at).getTime() : undefined;
    },
    async load(groups, newFrom, newTo, relevant) {
      const newUuids = new Set<string>();
      if (newFrom < newTo) {
        const taken = await sql<Pick<RawRow<typeof detectionBacklog>, 'uuid'>[]>`
          update detection_backlog set analysed = true where integration_id = ${integrationId}
            and published >= ${new Date(newFrom).toISOString()} and published < ${new Date(newTo).toISOString()}
          returning uuid`;
        for (const r of taken) newUuids.add(r.uuid);
      }
      const events: OktaLogEvent[] = [];
      for (const group of groups) {
        const { exact, prefixes, all } = eventTypeFilter(group);
        // Only the event types some rule can match are read: most of a tenant's traffic is not. Read in batches and
        // kept only if a rule can count them, so a chunk never holds the look-back its rules do not need. Whether an
        // event after the chunk is still in the backlog (a later chunk's) matters to that choice.
        await sql<{ raw: string; pending: boolean }[]>`
          select raw::text as raw,
            (published >= ${new Date(newTo).toISOString()} and exists (
              select 1 from detection_backlog b
              where b.integration_id = events.integration_id and b.published = events.published and b.uuid = events.uuid)) as pending
          from events
          where integration_id = ${integrationId}
            and published >= ${new Date(group.from).toISOString()} and published < ${new Date(group.to).toISOString()}
            and (${all} or lower(event_type) = any(${exact}::text[]) or lower(event_type) like any(${prefixes}::text[]))
          order by published`.cursor(LOAD_BATCH, (rows) => {
          for (const r of rows) {
            const event = JSON.parse(r.raw) as OktaLogEvent;
            if (relevant(event, r.pending)) events.push(event);
          }
        });
      }
      return { events, isNew: (e) => newUuids.has(e.uuid) };
    },
  };
}

/** Rows read at a time when loading a chunk's events: the raw JSON of a batch is held, not of the whole load. */
const LOAD_BATCH = 2_000;

/** Removes the analysed events from the backlog (in the transaction that stores what they raised). */
async function clearBacklog(tx: postgres.TransactionSql, integrationId: string): Promise<void> {
  await tx`delete from detection_backlog where integration_id = ${integrationId} and analysed`;
}

/**
 * A load group's event types as SQL filters over lower(event_type): exact names, and `prefix.*` globs as LIKE
 * patterns. Lower-cased because the engine matches types case-insensitively (`auth_via_IDP`).
 */
export function eventTypeFilter(group: Pick<LoadGroup, 'eventTypes'>): { exact: string[]; prefixes: string[]; all: boolean } {
  const types = group.eventTypes.map((t) => t.toLowerCase());
  const escape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
  return {
    all: types.includes('*'),
    exact: [...new Set(types.filter((t) => !t.endsWith('*')))],
    prefixes: [...new Set(types.filter((t) => t.endsWith('*') && t !== '*').map((t) => `${escape(t.slice(0, -1))}%`))],
  };
}

/** Merges into an open detection from an earlier run, or opens a new one (see detection-merge.ts). */
async function persistDetection(
  tx: postgres.TransactionSql,
  integrationId: string,
  ingestRunId: number,
  m: MergedDetection,
): Promise<'created' | 'updated'> {
  const [open] = await tx<Pick<RawRow<typeof detections>, 'id' | 'evidence_uuids'>[]>`
    select id, evidence_uuids from detections
    where integration_id = ${integrationId} and dedupe_key = ${m.dedupeKey}
      and last_event_at >= ${m.firstEventAt}::timestamptz - make_interval(mins => ${m.dedupePeriodMinutes})
    order by last_event_at desc limit 1`;
  if (open) {
    // Only events the detection has not seen yet add to it: re-running an hour changes nothing.
    const known = new Set(open.evidence_uuids);
    const added = m.evidenceUuids.filter((u) => !known.has(u));
    if (added.length === 0) return 'updated';
    const evidence = [...open.evidence_uuids, ...added].slice(0, EVIDENCE_CAP);
    await tx`
      update detections set
        first_event_at = least(first_event_at, ${m.firstEventAt}::timestamptz),
        last_event_at = greatest(last_event_at, ${m.lastEventAt}::timestamptz),
        count = count + ${added.length},
        evidence_uuids = ${evidence}, updated_at = now()
      where id = ${open.id}`;
    return 'updated';
  }
  await tx`
    insert into detections ${tx({
      integration_id: integrationId,
      rule_id: m.ruleId,
      dedupe_key: m.dedupeKey,
      severity: m.severity,
      title: m.title,
      subject_user_id: m.subjectUserId,
      subject_user: m.subjectUser,
      first_event_at: m.firstEventAt,
      last_event_at: m.lastEventAt,
      count: m.count,
      evidence_uuids: m.evidenceUuids,
      tactics: m.tactics,
      techniques: m.techniques,
      runbook: m.runbook,
      ingest_run_id: ingestRunId,
    } satisfies RawInsert<typeof detections>)}`;
  return 'created';
}

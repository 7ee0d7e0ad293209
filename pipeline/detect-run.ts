// The detection step of an hourly run: evaluate the catalogue over the run's new events plus the
// look-back its windows need, and persist the matches. A match merges into an open detection with
// the same dedupe key whose last event lies within the rule's dedupe period (count, last seen and
// evidence grow) instead of creating another, so a burst that straddles two runs, or a re-run of
// the same hour, is reported once.
import type postgres from 'postgres';
import type { Database } from '../schema/db.js';
import { evaluate, lookbackMinutes, type DetectionMatch, type DetectionSettings, type Rule } from '../detections/index.js';
import { EVIDENCE_CAP, mergeMatches, type MergedDetection } from './detection-merge.js';
import type { OktaLogEvent } from '../okta/envelope.js';

export interface DetectRunResult {
  /** Detections created by this run (merged matches are not counted again). */
  created: number;
  updated: number;
  evaluatedEvents: number;
}

/** New events per evaluated chunk: bounds memory and lets the step heartbeat through a backlog. */
const CHUNK_NEW_EVENTS = 50_000;
const HOUR = 3_600_000;

export async function detectForRun(
  db: Database,
  integrationId: string,
  ingestRunId: number,
  rules: readonly Rule[],
  settings: DetectionSettings = {},
  onProgress: (p: { chunks: number; evaluatedEvents: number }) => void = () => {},
): Promise<DetectRunResult> {
  const sql = db.$client;
  // The run's new events by hour of `published`, cut into chunks of bounded size.
  const hours = await sql<{ hour: Date; n: number }[]>`
    select date_trunc('hour', published) as hour, count(*)::int as n from events
    where ingest_run_id = ${ingestRunId} group by 1 order by 1`;
  const lookbackMs = lookbackMinutes(rules, settings) * 60_000;
  const { exact, prefixes, all } = eventTypeFilter(rules);
  const matches: DetectionMatch[] = [];
  let evaluatedEvents = 0;
  let chunks = 0;
  for (const chunk of chunkHours(hours.map((h) => ({ start: new Date(h.hour).getTime(), n: h.n })))) {
    // Events up to a window before and after the chunk can complete a window with its new events.
    const from = new Date(chunk.start - lookbackMs).toISOString();
    const to = new Date(chunk.end + lookbackMs).toISOString();
    // Only the event types some rule can match are read: most of a tenant's traffic is not.
    const rows = await sql<{ raw: string; ingest_run_id: number | null; published: Date }[]>`
      select raw::text as raw, ingest_run_id, published from events
      where integration_id = ${integrationId} and published >= ${from} and published < ${to}
        and (${all} or event_type = any(${exact}::text[]) or event_type like any(${prefixes}::text[]))
      order by published`;
    const newUuids = new Set<string>();
    const events: OktaLogEvent[] = rows.map((r) => {
      const e = JSON.parse(r.raw) as OktaLogEvent;
      const at = new Date(r.published).getTime();
      if (Number(r.ingest_run_id) === ingestRunId && at >= chunk.start && at < chunk.end) newUuids.add(e.uuid);
      return e;
    });
    matches.push(...evaluate(rules, events, { isNew: (e) => newUuids.has(e.uuid), settings }));
    evaluatedEvents += events.length;
    onProgress({ chunks: ++chunks, evaluatedEvents });
  }
  // A burst across a chunk edge is matched on both sides; merging makes it one detection.
  const detections = mergeMatches(matches);

  let created = 0;
  let updated = 0;
  await sql.begin(async (tx) => {
    // One detection writer per integration at a time, so two merges never race.
    await tx`select pg_advisory_xact_lock(hashtext(${`detections:${integrationId}`}))`;
    for (const d of detections) {
      (await persistDetection(tx, integrationId, ingestRunId, d)) === 'created' ? created++ : updated++;
    }
  });
  return { created, updated, evaluatedEvents };
}

/** Groups consecutive hours into `[start, end)` chunks of at most CHUNK_NEW_EVENTS new events (an hour is never split). */
export function chunkHours(hours: Array<{ start: number; n: number }>, limit = CHUNK_NEW_EVENTS): Array<{ start: number; end: number }> {
  const chunks: Array<{ start: number; end: number; n: number }> = [];
  for (const h of hours) {
    const last = chunks[chunks.length - 1];
    if (last && last.end === h.start && last.n + h.n <= limit) {
      last.end = h.start + HOUR;
      last.n += h.n;
    } else {
      chunks.push({ start: h.start, end: h.start + HOUR, n: h.n });
    }
  }
  return chunks.map(({ start, end }) => ({ start, end }));
}

/** The rules' `eventTypes` as SQL filters: exact names, and `prefix.*` globs as LIKE patterns. */
export function eventTypeFilter(rules: readonly Rule[]): { exact: string[]; prefixes: string[]; all: boolean } {
  const types = rules.filter((r) => r.enabled).flatMap((r) => r.eventTypes);
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
  const [open] = await tx<{ id: number; evidence_uuids: string[] }[]>`
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
    })}`;
  return 'created';
}

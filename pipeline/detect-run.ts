// The detection step of an hourly run: evaluate the catalogue over the run's new events plus the
// look-back its windows need, and persist the matches. A match merges into an open detection with
// the same dedupe key whose last event lies within the rule's dedupe period (count, last seen and
// evidence grow) instead of creating another, so a burst that straddles two runs, or a re-run of
// the same hour, is reported once.
import type postgres from 'postgres';
import type { Database } from '../schema/db.js';
import { evaluate, lookbackMinutes, type Rule } from '../detections/index.js';
import { EVIDENCE_CAP, mergeMatches, type MergedDetection } from './detection-merge.js';
import type { OktaLogEvent } from '../okta/envelope.js';

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
): Promise<DetectRunResult> {
  const sql = db.$client;
  const [range] = await sql<{ first: string | null; last: string | null }[]>`
    select min(published) as first, max(published) as last from events where ingest_run_id = ${ingestRunId}`;
  if (!range?.first || !range.last) return { created: 0, updated: 0, evaluatedEvents: 0 };

  const lookbackMs = lookbackMinutes(rules) * 60_000;
  const from = new Date(new Date(range.first).getTime() - lookbackMs).toISOString();
  // Events published up to a window after the newest new event can complete a window too.
  const to = new Date(new Date(range.last).getTime() + lookbackMs).toISOString();
  // Only the event types some rule can match are read: most of a tenant's traffic is not.
  const { exact, prefixes, all } = eventTypeFilter(rules);
  const rows = await sql<{ raw: string; ingest_run_id: number | null }[]>`
    select raw::text as raw, ingest_run_id from events
    where integration_id = ${integrationId} and published >= ${from} and published <= ${to}
      and (${all} or event_type = any(${exact}::text[]) or event_type like any(${prefixes}::text[]))
    order by published`;
  const newUuids = new Set<string>();
  const events: OktaLogEvent[] = rows.map((r) => {
    const e = JSON.parse(r.raw) as OktaLogEvent;
    if (Number(r.ingest_run_id) === ingestRunId) newUuids.add(e.uuid);
    return e;
  });
  const detections = mergeMatches(evaluate(rules, events, { isNew: (e) => newUuids.has(e.uuid) }));

  let created = 0;
  let updated = 0;
  await sql.begin(async (tx) => {
    // One detection writer per integration at a time, so two merges never race.
    await tx`select pg_advisory_xact_lock(hashtext(${`detections:${integrationId}`}))`;
    for (const d of detections) {
      (await persistDetection(tx, integrationId, ingestRunId, d)) === 'created' ? created++ : updated++;
    }
  });
  return { created, updated, evaluatedEvents: events.length };
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

// Replays quarantined messages after a fix (to the validation code, or to the integration's settings):
// each stored body is validated again exactly as the hourly run validates a queue message. A body that
// is valid now becomes an event — in a replay ingest run of its own, whose detection step runs like an
// hourly run's — and its quarantine row is marked replayed. A body still invalid is reported with the
// current reason. No quarantine row is ever deleted.
import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import type { Database } from '../schema/db.js';
import { parseEnvelope, type EnvelopeExpectation, type EnvelopeResult } from '../okta/envelope.js';
import { envelopeExpectation, getIntegration } from '../integrations/repository.js';
import { detectionSettingsForRun } from '../integrations/detection-settings.js';
import { NotFoundError } from '../integrations/operator-queries.js';
import { insertEvents, toEventRow, type EventRow } from './store-batch.js';
import { detectForRun } from '../detections/run/detect-run.js';
import { loadCompleteRuleSet } from '../detections/run/rule-set.js';

/** Ingest runs opened by a replay carry this kind and workflow id prefix (there is no Temporal workflow). */
export const REPLAY_RUN_KIND = 'replay';
export function replayWorkflowId(integrationId: string): string {
  return `quarantine-replay:${integrationId}`;
}

export interface QuarantinedBody {
  id: number;
  body: string;
}

export type ReplayOutcome =
  | { id: number; outcome: 'valid'; eventUuid: string; row: EventRow }
  | { id: number; outcome: 'invalid'; code: string; reason: string };

/** The current verdict on each quarantined body (pure: the expectation is the integration's as it is now). */
export function judgeQuarantined(
  integrationId: string,
  expect: EnvelopeExpectation,
  rows: QuarantinedBody[],
): ReplayOutcome[] {
  return rows.map((r) => {
    const verdict: EnvelopeResult = parseEnvelope(r.body, expect);
    if (!verdict.ok) return { id: r.id, outcome: 'invalid', code: verdict.code, reason: verdict.reason };
    return {
      id: r.id,
      outcome: 'valid',
      eventUuid: verdict.event.uuid,
      row: toEventRow(integrationId, verdict.event, JSON.stringify(verdict.event), null),
    };
  });
}

export interface ReplayRequest {
  integrationId: string;
  /** Replay these rows; default every row not replayed yet. */
  quarantineIds?: number[];
  /** Only rows quarantined for this reason code. */
  reasonCode?: string;
  /** The Sigma rules directory the worker uses (the catalogue is built in). */
  sigmaDir?: string;
}

export interface ReplayProgress {
  examined: number;
  stored: number;
  duplicates: number;
  stillInvalid: number;
  phase: 'validating' | 'detecting' | 'done';
}

export interface ReplayReport {
  integrationId: string;
  examined: number;
  /** Rows whose event was new and is now stored. */
  stored: number;
  /** Rows that are valid now but whose event was already stored (a redelivery stored it). */
  duplicates: number;
  stillInvalid: Array<{ id: number; code: string; reason: string }>;
  alreadyReplayed: number[];
  /** The replay ingest run that holds the stored events; null when nothing was valid. */
  replayRunId: number | null;
  detections: number;
  /** Earlier replay runs whose detection had not finished, finished now. */
  resumedRuns: number[];
}

const CHUNK = 100;

export async function replayQuarantine(
  db: Database,
  req: ReplayRequest,
  onProgress: (p: ReplayProgress) => void = () => {},
): Promise<ReplayReport> {
  const sql = db.$client;
  const integration = await getIntegration(db, req.integrationId);
  const expect = envelopeExpectation(integration);
  const report: ReplayReport = {
    integrationId: req.integrationId,
    examined: 0,
    stored: 0,
    duplicates: 0,
    stillInvalid: [],
    alreadyReplayed: [],
    replayRunId: null,
    detections: 0,
    resumedRuns: [],
  };
  const progress = (phase: ReplayProgress['phase']) =>
    onProgress({ examined: report.examined, stored: report.stored, duplicates: report.duplicates, stillInvalid: report.stillInvalid.length, phase });

  // A replay interrupted after storing its events but before its detections finished is completed
  // first, so replayed events are never left undetected.
  const unfinished = await sql<{ id: string }[]>`
    select id from ingest_runs where integration_id = ${req.integrationId} and workflow_id = ${replayWorkflowId(req.integrationId)}
      and status <> 'completed' order by id`;
  for (const r of unfinished) {
    report.detections += await detectReplayRun(db, req, Number(r.id));
    report.resumedRuns.push(Number(r.id));
  }

  if (req.quarantineIds) {
    const ids = [...new Set(req.quarantineIds)];
    const found = await sql<{ id: string; replayed_at: Date | null }[]>`
      select id, replayed_at from quarantine where integration_id = ${req.integrationId} and id = any(${ids}::bigint[])`;
    const known = new Set(found.map((r) => Number(r.id)));
    const missing = ids.filter((id) => !known.has(id));
    if (missing.length) {
      throw new NotFoundError(
        `no quarantined message ${missing.join(', ')} in integration ${req.integrationId}; list them with \`npx oort-okta quarantine list ${req.integrationId}\``,
      );
    }
    report.alreadyReplayed = found.filter((r) => r.replayed_at).map((r) => Number(r.id)).sort((a, b) => a - b);
  }

  let afterId = 0;
  for (;;) {
    const rows = await sql<{ id: string; body: string }[]>`
      select id, body from quarantine
      where integration_id = ${req.integrationId} and replayed_at is null and id > ${afterId}
        and (${req.quarantineIds ?? null}::bigint[] is null or id = any(${req.quarantineIds ?? null}::bigint[]))
        and (${req.reasonCode ?? null}::text is null or reason_code = ${req.reasonCode ?? null})
      order by id limit ${CHUNK}`;
    if (rows.length === 0) break;
    afterId = Number(rows[rows.length - 1].id);
    const verdicts = judgeQuarantined(
      req.integrationId,
      expect,
      rows.map((r) => ({ id: Number(r.id), body: r.body })),
    );
    report.examined += rows.length;
    for (const v of verdicts) if (v.outcome === 'invalid') report.stillInvalid.push({ id: v.id, code: v.code, reason: v.reason });
    const valid = verdicts.filter((v): v is Extract<ReplayOutcome, { outcome: 'valid' }> => v.outcome === 'valid');
    if (valid.length > 0) {
      report.replayRunId ??= await openReplayRun(sql, req.integrationId);
      const counts = await storeReplayed(sql, req.integrationId, report.replayRunId, valid);
      report.stored += counts.stored;
      report.duplicates += counts.duplicates;
    }
    progress('validating');
  }

  if (report.replayRunId !== null) {
    progress('detecting');
    report.detections += await detectReplayRun(db, req, report.replayRunId);
  }
  progress('done');
  return report;
}

async function openReplayRun(sql: postgres.Sql, integrationId: string): Promise<number> {
  const [row] = await sql<{ id: string }[]>`
    insert into ingest_runs (integration_id, workflow_id, workflow_run_id, kind)
    values (${integrationId}, ${replayWorkflowId(integrationId)}, ${randomUUID()}, ${REPLAY_RUN_KIND})
    returning id`;
  return Number(row.id);
}

/**
 * One transaction per chunk: the rows are claimed (marked replayed) first, so two replays running at once
 * never both count a row; then the claimed rows' events are inserted, deduplicated like the hourly run's.
 */
async function storeReplayed(
  sql: postgres.Sql,
  integrationId: string,
  runId: number,
  valid: Array<Extract<ReplayOutcome, { outcome: 'valid' }>>,
): Promise<{ stored: number; duplicates: number }> {
  return sql.begin(async (tx) => {
    const claimed = await tx<{ id: string }[]>`
      update quarantine set replayed_at = now(), replay_ingest_run_id = ${runId}
      where integration_id = ${integrationId} and replayed_at is null and id = any(${valid.map((v) => v.id)}::bigint[])
      returning id`;
    const claimedIds = new Set(claimed.map((r) => Number(r.id)));
    const rows = valid.filter((v) => claimedIds.has(v.id)).map((v) => ({ ...v.row, ingest_run_id: runId }));
    if (rows.length === 0) return { stored: 0, duplicates: 0 };
    const stored = await insertEvents(tx, rows);
    const counts = { stored, duplicates: rows.length - stored };
    await tx`
      update ingest_runs set received = received + ${rows.length}, stored = stored + ${counts.stored}, duplicates = duplicates + ${counts.duplicates}
      where id = ${runId}`;
    if (stored > 0) {
      // The newest of the replayed events (those already stored were counted in last_event_at when they were).
      const at = rows.reduce((max, r) => (r.published > max ? r.published : max), rows[0].published);
      await tx`
        update integrations set
          first_event_at = coalesce(first_event_at, now()),
          last_event_at = greatest(coalesce(last_event_at, ${at}::timestamptz), ${at}::timestamptz)
        where id = ${integrationId}`;
    }
    return counts;
  }) as Promise<{ stored: number; duplicates: number }>;
}

/** The detection step over a replay run's events; notifications go out with the next hourly run. */
async function detectReplayRun(db: Database, req: ReplayRequest, runId: number): Promise<number> {
  const sql = db.$client;
  try {
    const rules = loadCompleteRuleSet(req.sigmaDir);
    const settings = await detectionSettingsForRun(db, req.integrationId);
    const result = await detectForRun(db, req.integrationId, runId, rules, settings);
    await sql`update ingest_runs set detections = detections + ${result.created}, status = 'completed', finished_at = now() where id = ${runId}`;
    return result.created;
  } catch (err) {
    await sql`update ingest_runs set status = 'failed', finished_at = now() where id = ${runId}`;
    throw new Error(
      `the replayed events are stored (run ${runId}) but their detection failed: ${(err as Error).message}. ` +
        `Fix the cause and run \`npx oort-okta quarantine replay ${req.integrationId}\` again to finish it.`,
    );
  }
}

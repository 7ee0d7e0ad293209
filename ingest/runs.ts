// The record of each ingest run (`ingest_runs`): opened by the run, counted by its steps, closed at its end.
// The counters are per batch or per page, added in the transactions that store the data, so a retried attempt
// neither loses nor double-counts them.
import type { Database } from '../schema/db.js';
import type { ingestRuns } from '../schema/tables.js';

export type IngestRunRow = typeof ingestRuns.$inferSelect;
export type IngestRunKind = 'hourly' | 'backfill';
export type RunTotals = Pick<IngestRunRow, 'received' | 'stored' | 'duplicates' | 'quarantined' | 'deleted'>;

export interface RunIdentity {
  integrationId: string;
  workflowId: string;
  workflowRunId: string;
}

/** Opens the run's record; a retried attempt of the same workflow run finds it again. */
export async function openRun(db: Database, run: RunIdentity, kind: IngestRunKind): Promise<number> {
  const [row] = await db.$client<Pick<IngestRunRow, 'id'>[]>`
    insert into ingest_runs (integration_id, workflow_id, workflow_run_id, kind)
    values (${run.integrationId}, ${run.workflowId}, ${run.workflowRunId}, ${kind})
    on conflict (workflow_run_id) do update set workflow_id = excluded.workflow_id
    returning id`;
  return Number(row.id);
}

export async function closeRun(db: Database, ingestRunId: number, status: 'completed' | 'failed'): Promise<void> {
  await db.$client`update ingest_runs set status = ${status}, finished_at = now() where id = ${ingestRunId}`;
}

export async function countDeleted(db: Database, ingestRunId: number, deleted: number): Promise<void> {
  await db.$client`update ingest_runs set deleted = deleted + ${deleted} where id = ${ingestRunId}`;
}

export async function runTotals(db: Database, ingestRunId: number): Promise<RunTotals> {
  const [totals] = await db.$client<RunTotals[]>`
    select received, stored, duplicates, quarantined, deleted from ingest_runs where id = ${ingestRunId}`;
  return totals;
}

/** Sets the run's detection count from the rows, so an attempt that stored them and then failed is not reported as 0. */
export async function countRunDetections(db: Database, integrationId: string, ingestRunId: number): Promise<number> {
  const [{ detections }] = await db.$client<Pick<IngestRunRow, 'detections'>[]>`
    update ingest_runs set detections = (
      select count(*)::int from detections where integration_id = ${integrationId} and ingest_run_id = ${ingestRunId})
    where id = ${ingestRunId} returning detections`;
  return detections;
}

export async function runDetectionsBySeverity(db: Database, integrationId: string, ingestRunId: number): Promise<{ severity: string; n: number }[]> {
  return db.$client<{ severity: string; n: number }[]>`
    select severity::text as severity, count(*)::int as n from detections
    where integration_id = ${integrationId} and ingest_run_id = ${ingestRunId} group by 1`;
}

/** Sets the run's notification count from the delivery records, so a retried attempt's deliveries count once. */
export async function countRunNotifications(db: Database, ingestRunId: number): Promise<number> {
  const [{ sent }] = await db.$client<{ sent: number }[]>`
    update ingest_runs r set notifications_sent = (
      select count(*)::int from notifications n join detections d on d.id = n.detection_id
      where d.integration_id = r.integration_id and n.status = 'sent' and n.sent_at >= r.started_at)
    where r.id = ${ingestRunId} returning notifications_sent as sent`;
  return sent;
}

/** Runs of the integration still recorded as running, other than `currentRunId` (replays are not workflows). */
export async function otherOpenRuns(db: Database, integrationId: string, currentRunId: string): Promise<Pick<IngestRunRow, 'id' | 'workflowId' | 'workflowRunId'>[]> {
  return db.$client<Pick<IngestRunRow, 'id' | 'workflowId' | 'workflowRunId'>[]>`
    select id, workflow_id as "workflowId", workflow_run_id as "workflowRunId" from ingest_runs
    where integration_id = ${integrationId} and status = 'running' and kind <> 'replay' and workflow_run_id <> ${currentRunId}`;
}

/** Marks a run whose workflow ended without closing it (terminated, timed out) as failed. */
export async function markAbandoned(db: Database, ingestRunId: number): Promise<void> {
  await db.$client`update ingest_runs set status = 'failed', finished_at = coalesce(finished_at, now()) where id = ${ingestRunId} and status = 'running'`;
}

// Activities of the hourly run and the daily Activity job.
import { Context } from '@temporalio/activity';
import { workflowRunHasEnded } from '../temporal/client.js';
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time.js';
import { drainQueue as drain, DEFAULT_DRAIN_OPTIONS } from '../ingest/drain.js';
import { commitBatch } from '../ingest/store-batch.js';
import { detectForRun as detect } from '../detections/run/detect-run.js';
import { loadRuleSet } from '../detections/run/rule-set.js';
import { getDetectionSettings } from '../integrations/detection-settings.js';
import { deliverPendingNotifications } from '../notify/deliver.js';
import { recordDetections, recordDrain } from '../lib/metrics.js';
import { writeActivityForDay } from '../user-activity/daily.js';
import { envelopeExpectation, getIntegration } from '../integrations/repository.js';
import type { DailyActivityResult, DrainResult, IngestRunRef, IntegrationRef } from '../workflows/types.js';
import type { ActivityDeps } from './deps.js';
import type { Database } from '../schema/db.js';

export function pipelineActivities(deps: ActivityDeps) {
  const sql = deps.db.$client;
  return {
    /** Opens the run's record; a retried attempt of the same workflow run finds it again. */
    async openIngestRun(input: IntegrationRef & { workflowId: string; workflowRunId: string }): Promise<{ ingestRunId: number }> {
      const [row] = await sql<{ id: number }[]>`
        insert into ingest_runs (integration_id, workflow_id, workflow_run_id)
        values (${input.integrationId}, ${input.workflowId}, ${input.workflowRunId})
        on conflict (workflow_run_id) do update set workflow_id = excluded.workflow_id
        returning id`;
      await closeAbandonedRuns(sql, input.integrationId, input.workflowRunId);
      return { ingestRunId: Number(row.id) };
    },

    async closeIngestRun({ ingestRunId, status }: IngestRunRef & { status: 'completed' | 'failed' }): Promise<void> {
      await sql`update ingest_runs set status = ${status}, finished_at = now() where id = ${ingestRunId}`;
    },

    async drainQueue({ integrationId, ingestRunId }: IngestRunRef): Promise<DrainResult> {
      const row = await getIntegration(deps.db, integrationId);
      if (!row.queueUrl) throw new Error(`Integration ${integrationId} has no queue yet; onboarding creates it.`);
      const expect = { ...envelopeExpectation(row), integrationId };
      const ctx = Context.current();
      const { info } = ctx;
      // The deadline counts from when the run first scheduled the drain, so a retried attempt does not start the
      // clock again; and an attempt always ends before its own start-to-close limit.
      const deadline = Math.min(
        info.scheduledTimestampMs + msToNumber(deps.config.DRAIN_DEADLINE as Duration),
        Date.now() + info.startToCloseTimeoutMs - 60_000,
      );
      const futureSkewMs = msToNumber(deps.config.FUTURE_SKEW_TOLERANCE as Duration);
      let eventsStored = 0; // this attempt's, shown with the drain's counts in the heartbeat details
      const outcome = await drain(
        deps.sqs,
        row.queueUrl,
        async (messages) => {
          const now = deps.now?.() ?? new Date();
          eventsStored += (await commitBatch(deps.db, expect, ingestRunId, messages, { now, futureSkewMs })).stored;
        },
        {
          ...DEFAULT_DRAIN_OPTIONS,
          deadline,
          maxMessages: deps.config.DRAIN_MAX_MESSAGES,
          signal: ctx.cancellationSignal,
          // Counted per batch, like the other counters, so deletions of an attempt that later fails are not lost.
          onDeleted: async (n) => {
            await sql`update ingest_runs set deleted = deleted + ${n} where id = ${ingestRunId}`;
          },
        },
        (p) => ctx.heartbeat({ ...p, eventsStored }),
      );
      const [totals] = await sql<{ received: number; stored: number; duplicates: number; quarantined: number; deleted: number }[]>`
        select received, stored, duplicates, quarantined, deleted from ingest_runs where id = ${ingestRunId}`;
      recordDrain(integrationId, row.lastEventAt);
      if (outcome.stoppedBy !== 'empty') {
        deps.log.info({ integrationId, ingestRunId, stoppedBy: outcome.stoppedBy, received: outcome.received }, 'drain stopped before the queue was empty; the next run continues');
      }
      return { ...totals, stoppedBy: outcome.stoppedBy };
    },

    async detectForRun({ integrationId, ingestRunId }: IngestRunRef): Promise<{ detections: number }> {
      const { rules } = loadRuleSet(deps.config.SIGMA_RULES_DIR);
      const settings = await getDetectionSettings(deps.db, integrationId);
      const ctx = Context.current();
      const result = await detect(deps.db, integrationId, ingestRunId, rules, settings, (p) => ctx.heartbeat(p));
      // Counted from the rows, so an attempt that committed its detections and then failed is not reported as 0.
      const [{ detections }] = await sql<{ detections: number }[]>`
        update ingest_runs set detections = (
          select count(*)::int from detections where integration_id = ${integrationId} and ingest_run_id = ${ingestRunId})
        where id = ${ingestRunId} returning detections`;
      // Only an attempt that created detections records them, so a retry that merged into them adds nothing.
      if (result.created > 0) recordDetections(integrationId, await sql<{ severity: string; n: number }[]>`
        select severity::text as severity, count(*)::int as n from detections where integration_id = ${integrationId} and ingest_run_id = ${ingestRunId} group by 1`);
      return { detections };
    },

    async notifyForRun({ integrationId, ingestRunId }: IngestRunRef): Promise<{ sent: number }> {
      await deliverPendingNotifications(deps.db, deps.secretKey, integrationId, ingestRunId, { environment: deps.config.OORT_ENVIRONMENT });
      // Counted from the records, so deliveries of a failed-then-retried attempt are included once.
      const [{ sent }] = await sql<{ sent: number }[]>`
        update ingest_runs r set notifications_sent = (
          select count(*)::int from notifications n join detections d on d.id = n.detection_id
          where d.integration_id = r.integration_id and n.status = 'sent' and n.sent_at >= r.started_at)
        where r.id = ${ingestRunId} returning notifications_sent as sent`;
      return { sent };
    },

    async writeDailyActivity({ integrationId, day }: IntegrationRef & { day: string }): Promise<DailyActivityResult> {
      const result = await writeActivityForDay(deps.db, integrationId, day);
      return { day, ...result };
    },
  };
}

/**
 * Earlier runs of the integration still recorded as running whose workflow has ended without closing them (terminated,
 * timed out, or its worker gone for good) are marked failed, so `runs` never shows a dead run as running. Their stored
 * events are in the detection backlog and are analysed by this run.
 */
async function closeAbandonedRuns(sql: Database['$client'], integrationId: string, currentRunId: string): Promise<void> {
  const open = await sql<{ id: string; workflow_id: string; workflow_run_id: string }[]>`
    select id, workflow_id, workflow_run_id from ingest_runs
    where integration_id = ${integrationId} and status = 'running' and kind <> 'replay' and workflow_run_id <> ${currentRunId}`;
  const { client } = Context.current();
  for (const run of open) {
    if (await workflowRunHasEnded(client, run.workflow_id, run.workflow_run_id)) await sql`update ingest_runs set status = 'failed', finished_at = coalesce(finished_at, now()) where id = ${run.id} and status = 'running'`;
  }
}

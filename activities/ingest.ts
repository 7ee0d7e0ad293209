// Activities that decide and perform the System Log API side of ingestion: which sources an hourly
// run reads, the API read itself (polling mode, backfill, gap fill), the stream's health, and the
// onboarding backfill. Thin: decisions are in ingest/mode.ts, the read in
// ingest/system-log-poll.ts.
import { Context } from '@temporalio/activity';
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time.js';
import type { Database } from '../schema/db.js';
import { orgUrlFromDomain } from '../okta/client.js';
import { getIntegration, setIntegrationStatus, type IntegrationRow } from '../integrations/repository.js';
import { backfillSchedule } from '../temporal/schedules.js';
import {
  describeSilence,
  healthyStatus,
  judgeStream,
  planRun,
  resumePoint,
  settleRun,
  type IngestState,
} from '../ingest/mode.js';
import { pollSystemLog as poll, startPolling } from '../ingest/system-log-poll.js';
import { sendStreamHealthNotice } from '../notify/stream-health.js';
import { deadLetterDepth, describeDeadLetters } from '../ingest/dead-letter.js';
import { recordDeadLetterDepth } from '../lib/metrics.js';
import type { ApiReadResult, IngestPlan, IngestRunRef, IntegrationRef, StreamCheck, StreamHealth } from '../workflows/types.js';
import { checkLogStream, oktaClientFor, rethrowOktaError } from './okta.js';
import type { ActivityDeps } from './deps.js';

function ingestState(row: IntegrationRow): IngestState {
  return {
    mode: row.ingestMode,
    status: row.status,
    hasQueue: row.queueUrl !== null,
    pollCursor: row.pollCursor,
    lastStreamedAt: row.lastStreamedAt,
    firstEventAt: row.firstEventAt,
    lastEventAt: row.lastEventAt,
  };
}

/** Degrades a streaming integration and tells the tenant; the gap is then read from the API. */
async function degrade(deps: ActivityDeps, row: IntegrationRow, detail: string, fillFrom: Date): Promise<void> {
  await setIntegrationStatus(deps.db, row.id, 'degraded', detail);
  await startPolling(deps.db, orgUrlFromDomain(row.oktaDomain), row.id, fillFrom, deps.config.OKTA_LOG_PAGE_LIMIT);
  deps.log.warn({ integrationId: row.id, detail }, 'log stream degraded; filling the gap from the Okta API');
  await sendStreamHealthNotice(deps.db, deps.secretKey, { integrationId: row.id, kind: 'degraded', detail, at: new Date().toISOString() }, { environment: deps.config.OORT_ENVIRONMENT });
}

/**
 * Measures the DLQ after a drain for the metric, and warns when it holds messages. Dead letters are an
 * operator's matter (the drain failed on them repeatedly), not the stream's: the status stays as it is,
 * and a failed measurement is logged rather than failing the hourly run.
 */
async function checkDeadLetters(deps: ActivityDeps, row: IntegrationRow): Promise<Pick<StreamHealth, 'deadLetterMessages' | 'deadLetterWarning'>> {
  if (!row.deadLetterQueueUrl) return {};
  let depth: number;
  try {
    // Bounded: an SQS that does not answer must not hold the hourly run (the activity has a minute).
    depth = await deadLetterDepth(deps.sqs, row.deadLetterQueueUrl, { timeoutMs: 10_000 });
  } catch (err) {
    deps.log.warn({ integrationId: row.id, err: (err as Error).message }, 'could not measure the dead-letter queue');
    return {};
  }
  recordDeadLetterDepth(row.id, depth);
  if (depth === 0) return { deadLetterMessages: 0 };
  const warning = describeDeadLetters(row.id, depth);
  deps.log.warn({ integrationId: row.id, deadLetterMessages: depth }, warning);
  return { deadLetterMessages: depth, deadLetterWarning: warning };
}

export function ingestActivities(deps: ActivityDeps) {
  const now = () => deps.now?.() ?? new Date();
  const overlapMs = () => msToNumber(deps.config.SYSTEM_LOG_POLL_OVERLAP as Duration);

  return {
    /** Which sources this run reads; opens the API cursor when polling starts. */
    async planIngest({ integrationId }: IntegrationRef): Promise<IngestPlan> {
      const row = await getIntegration(deps.db, integrationId);
      const plan = planRun(ingestState(row), now(), overlapMs());
      if (plan.startApiFrom) {
        await startPolling(deps.db, orgUrlFromDomain(row.oktaDomain), integrationId, plan.startApiFrom, deps.config.OKTA_LOG_PAGE_LIMIT);
      }
      return { drainQueue: plan.drainQueue, readApi: plan.readApi };
    },

    /** Reads the System Log API from the integration's cursor until caught up (or the run's page budget is spent). */
    async readSystemLog({ integrationId, ingestRunId }: IngestRunRef): Promise<ApiReadResult> {
      const client = await oktaClientFor(deps, integrationId);
      const ctx = Context.current();
      const deadline = Date.now() + Math.max(0, ctx.info.startToCloseTimeoutMs - 60_000);
      try {
        const result = await poll(
          client,
          deps.db,
          integrationId,
          ingestRunId,
          {
            pageLimit: deps.config.OKTA_LOG_PAGE_LIMIT,
            maxPages: deps.config.SYSTEM_LOG_MAX_PAGES_PER_RUN,
            shouldStop: () => ctx.cancellationSignal.aborted || Date.now() > deadline,
            sleep: (ms) => ctx.sleep(ms),
            futureSkewMs: msToNumber(deps.config.FUTURE_SKEW_TOLERANCE as Duration),
            now,
          },
          (p) => ctx.heartbeat({ pages: p.pages, eventsRead: p.read, eventsStored: p.stored }),
        );
        return { pages: result.pages, read: result.read, stored: result.stored, duplicates: result.duplicates, caughtUp: result.caughtUp };
      } catch (err) {
        rethrowOktaError(err, 'reading the System Log');
      }
    },

    /**
     * After the drain: records that the stream delivered, or degrades the integration when it has been silent too long.
     * Also measures the dead-letter queue (metric; a warning when non-empty — the integration's status is not changed).
     */
    async judgeStreamHealth({ integrationId, streamed }: IngestRunRef & { streamed: number }): Promise<StreamHealth> {
      const row = await getIntegration(deps.db, integrationId);
      if (streamed > 0) await deps.db.$client`update integrations set last_streamed_at = now() where id = ${integrationId}`;
      const silenceMs = msToNumber(deps.config.STREAM_SILENCE_ALERT_AFTER as Duration);
      const verdict = judgeStream(ingestState(row), streamed, now(), silenceMs, overlapMs());
      let health: StreamHealth;
      if (verdict.kind === 'silent') {
        await degrade(deps, row, describeSilence(verdict.silentForMs), verdict.fillFrom);
        health = { degraded: true, readApi: true };
      } else {
        const fresh = await getIntegration(deps.db, integrationId);
        health = { degraded: fresh.status === 'degraded', readApi: fresh.pollCursor !== null };
      }
      return { ...health, ...(await checkDeadLetters(deps, row)) };
    },

    /** After both sources were read: the stream takes over from the API once both overlap. */
    async settleIngest({ integrationId, streamed, apiCaughtUp }: IngestRunRef & { streamed: number; apiCaughtUp: boolean }): Promise<{ streamTookOver: boolean }> {
      const row = await getIntegration(deps.db, integrationId);
      if (settleRun(ingestState(row), streamed, apiCaughtUp).kind !== 'stream_took_over') return { streamTookOver: false };
      await deps.db.$client`update integrations set poll_cursor = null, poll_cursor_at = null where id = ${integrationId}`;
      if (row.status === 'degraded' || row.status === 'polling') {
        await setIntegrationStatus(deps.db, integrationId, 'streaming', null);
        if (row.status === 'degraded') {
          const detail = 'Events arrive through the log stream again; the gap was filled from the Okta API.';
          await sendStreamHealthNotice(deps.db, deps.secretKey, { integrationId, kind: 'recovered', detail, at: new Date().toISOString() }, { environment: deps.config.OORT_ENVIRONMENT });
        }
      }
      return { streamTookOver: true };
    },

    /** The daily check of the log stream through the Okta API (Okta turns a stream off after failed deliveries). */
    async checkLogStreamHealth({ integrationId }: IntegrationRef): Promise<StreamCheck> {
      const row = await getIntegration(deps.db, integrationId);
      if (row.ingestMode !== 'streaming' || (row.status !== 'streaming' && row.status !== 'degraded')) return { ok: true, message: null };
      const check = await checkLogStream(deps, integrationId);
      if (!check.ok && row.status === 'streaming') {
        const detail = `The Okta log stream is not delivering: ${check.message} Meanwhile the missing events are read from the Okta API.`;
        await degrade(deps, row, detail, resumePoint(ingestState(row), now(), overlapMs()));
      }
      return check;
    },

    /** Onboarding: opens a backfill run and the API cursor `days` back (the read itself is `readSystemLog`). */
    async openBackfill(input: IntegrationRef & { workflowId: string; workflowRunId: string }): Promise<{ ingestRunId: number; since: string }> {
      const row = await getIntegration(deps.db, input.integrationId);
      const since = new Date(now().getTime() - row.backfillDays * 86_400_000);
      const ingestRunId = await openRun(deps.db, input, 'backfill');
      await startPolling(deps.db, orgUrlFromDomain(row.oktaDomain), input.integrationId, since, deps.config.OKTA_LOG_PAGE_LIMIT);
      return { ingestRunId, since: since.toISOString() };
    },

    async ingestModeOf({ integrationId }: IntegrationRef): Promise<'streaming' | 'polling'> {
      return (await getIntegration(deps.db, integrationId)).ingestMode;
    },

    /**
     * Asks the daily-Activity Schedule to run for each backfilled day (a run at a day's 00:30 slot writes the day
     * before), so Activity has the same history as the events.
     */
    async backfillDailyActivity({ integrationId, since }: IntegrationRef & { since: string | null }): Promise<{ days: number }> {
      if (!since) return { days: 0 };
      const firstSlotDay = new Date(since);
      firstSlotDay.setUTCHours(24, 0, 0, 0);
      const end = now();
      if (firstSlotDay >= end) return { days: 0 };
      await backfillSchedule(Context.current().client, 'daily-activity', integrationId, firstSlotDay, end);
      return { days: Math.ceil((end.getTime() - firstSlotDay.getTime()) / 86_400_000) };
    },

    /** Marks the integration polling-ready after onboarding (polling mode skips the stream steps). */
    async markIngestHealthy({ integrationId }: IntegrationRef): Promise<void> {
      const row = await getIntegration(deps.db, integrationId);
      await setIntegrationStatus(deps.db, integrationId, healthyStatus(row.ingestMode), null);
    },
  };
}

/** An ingest run record; a retried attempt of the same workflow run finds it again. */
export async function openRun(
  db: Database,
  input: IntegrationRef & { workflowId: string; workflowRunId: string },
  kind: 'hourly' | 'backfill',
): Promise<number> {
  const [row] = await db.$client<{ id: number }[]>`
    insert into ingest_runs (integration_id, workflow_id, workflow_run_id, kind)
    values (${input.integrationId}, ${input.workflowId}, ${input.workflowRunId}, ${kind})
    on conflict (workflow_run_id) do update set workflow_id = excluded.workflow_id
    returning id`;
  return Number(row.id);
}

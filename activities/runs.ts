// Activities that open and close the record of a run (hourly, or onboarding's backfill).
import { Context } from '@temporalio/activity';
import type { Database } from '../schema/db.js';
import { orgUrlFromDomain } from '../okta/client.js';
import { getIntegration } from '../integrations/repository.js';
import { closeRun, markAbandoned, openRun, otherOpenRuns } from '../ingest/runs.js';
import { startPolling } from '../ingest/system-log-poll.js';
import { workflowRunHasEnded } from '../temporal/client.js';
import type { IngestRunRef, IntegrationRef } from '../workflows/types.js';
import type { ActivityDeps } from './deps.js';

export function runActivities(deps: ActivityDeps) {
  const now = () => deps.now?.() ?? new Date();
  return {
    async openIngestRun(input: IntegrationRef & { workflowId: string; workflowRunId: string }): Promise<{ ingestRunId: number }> {
      const ingestRunId = await openRun(deps.db, input, 'hourly');
      await closeAbandonedRuns(deps.db, input.integrationId, input.workflowRunId);
      return { ingestRunId };
    },
    async closeIngestRun({ ingestRunId, status }: IngestRunRef & { status: 'completed' | 'failed' }): Promise<void> {
      await closeRun(deps.db, ingestRunId, status);
    },
    /** Onboarding: opens a backfill run and the API cursor `days` back (the read itself is `readSystemLog`). */
    async openBackfill(input: IntegrationRef & { workflowId: string; workflowRunId: string }): Promise<{ ingestRunId: number; since: string }> {
      const row = await getIntegration(deps.db, input.integrationId);
      const since = new Date(now().getTime() - row.backfillDays * 86_400_000);
      const ingestRunId = await openRun(deps.db, input, 'backfill');
      await startPolling(deps.db, orgUrlFromDomain(row.oktaDomain), input.integrationId, since, deps.config.OKTA_LOG_PAGE_LIMIT);
      return { ingestRunId, since: since.toISOString() };
    },
  };
}

/**
 * Earlier runs of the integration still recorded as running whose workflow has ended without closing them (terminated,
 * timed out, or its worker gone for good) are marked failed, so `runs` never shows a dead run as running. Their stored
 * events are in the detection backlog and are analysed by this run.
 */
async function closeAbandonedRuns(db: Database, integrationId: string, currentRunId: string): Promise<void> {
  const { client } = Context.current();
  for (const run of await otherOpenRuns(db, integrationId, currentRunId)) {
    if (await workflowRunHasEnded(client, run.workflowId, run.workflowRunId)) await markAbandoned(db, run.id);
  }
}

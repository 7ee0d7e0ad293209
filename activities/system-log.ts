// The System Log API side of a run: which sources it reads, the API read itself (polling mode, backfill, gap
// fill), and the stream taking over again. Decisions are in ingest/mode.ts, the read in ingest/system-log-poll.ts.
import { Context } from '@temporalio/activity';
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time.js';
import { orgUrlFromDomain } from '../okta/client.js';
import { closePollCursor, getIntegration, setIntegrationStatus } from '../integrations/repository.js';
import { planRun, settleRun } from '../ingest/mode.js';
import { ingestState } from '../ingest/state.js';
import { pollSystemLog as poll, startPolling } from '../ingest/system-log-poll.js';
import { sendStreamHealthNotice } from '../notify/stream-health.js';
import type { ApiReadResult, IngestPlan, IngestRunRef, IntegrationRef } from '../workflows/types.js';
import type { ActivityDeps } from './deps.js';
import { oktaClientFor, rethrowOktaError } from './okta-access.js';

export function systemLogActivities(deps: ActivityDeps) {
  const now = () => deps.now?.() ?? new Date();
  const overlapMs = () => msToNumber(deps.config.SYSTEM_LOG_POLL_OVERLAP as Duration);
  return {
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
    /** After both sources were read: the stream takes over from the API once both overlap. */
    async settleIngest({ integrationId, streamed, apiCaughtUp }: IngestRunRef & { streamed: number; apiCaughtUp: boolean }): Promise<{ streamTookOver: boolean }> {
      const row = await getIntegration(deps.db, integrationId);
      if (settleRun(ingestState(row), streamed, apiCaughtUp).kind !== 'stream_took_over') return { streamTookOver: false };
      await closePollCursor(deps.db, integrationId);
      if (row.status === 'degraded' || row.status === 'polling') {
        await setIntegrationStatus(deps.db, integrationId, 'streaming', null);
        if (row.status === 'degraded') {
          const detail = 'Events arrive through the log stream again; the gap was filled from the Okta API.';
          await sendStreamHealthNotice(deps.db, deps.secretKey, { integrationId, kind: 'recovered', detail, at: new Date().toISOString() }, { environment: deps.config.OORT_ENVIRONMENT });
        }
      }
      return { streamTookOver: true };
    },
  };
}

// The hourly run's drain of the integration's queue: receive, store each batch in one transaction, then delete.
import { Context } from '@temporalio/activity';
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time.js';
import { drainQueue as drain, DEFAULT_DRAIN_OPTIONS } from '../ingest/drain.js';
import { countDeleted, runTotals } from '../ingest/runs.js';
import { recordDrain } from '../lib/metrics.js';
import { envelopeExpectation, getIntegration } from '../integrations/repository.js';
import type { DrainResult, IngestRunRef } from '../workflows/types.js';
import type { ActivityDeps } from './deps.js';

/** Heartbeats at most this often (far below the step's heartbeat timeout: ACTIVITY_OPTIONS.drain). */
const HEARTBEAT_EVERY_MS = 1_000;

export function drainActivities(deps: ActivityDeps) {
  return {
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
      let lastHeartbeatAt = 0;
      const outcome = await drain(
        deps.sqs,
        row.queueUrl,
        async (messages) => {
          const now = deps.now?.() ?? new Date();
          // Read the counter after the await: two batches commit at once (DrainOptions.commitsInFlight).
          const { stored } = await deps.batchStore.commit(expect, ingestRunId, messages, { now, futureSkewMs });
          eventsStored += stored;
        },
        {
          ...DEFAULT_DRAIN_OPTIONS,
          deadline,
          maxMessages: deps.config.DRAIN_MAX_MESSAGES,
          signal: ctx.cancellationSignal,
          deleteStored: deps.batchStore.deleterFor(row.queueUrl),
          // Counted per batch, like the other counters, so deletions of an attempt that later fails are not lost.
          onDeleted: (n) => countDeleted(deps.db, ingestRunId, n),
        },
        (p) => {
          // The drain reports after every receive, many times a second; the SDK encodes each heartbeat and hands it
          // to its core, which sends one to the server every 0.8 × the heartbeat timeout at most. One a second is plenty.
          const at = Date.now();
          if (at - lastHeartbeatAt < HEARTBEAT_EVERY_MS) return;
          lastHeartbeatAt = at;
          ctx.heartbeat({ ...p, eventsStored });
        },
      );
      const totals = await runTotals(deps.db, ingestRunId);
      recordDrain(integrationId, row.lastEventAt);
      if (outcome.stoppedBy !== 'empty') {
        deps.log.info({ integrationId, ingestRunId, stoppedBy: outcome.stoppedBy, received: outcome.received }, 'drain stopped before the queue was empty; the next run continues');
      }
      return { ...totals, stoppedBy: outcome.stoppedBy };
    },
  };
}

// The stream's health: after every drain (silence, dead letters) and daily through the Okta API (is the log stream
// still there). A stream that fails degrades the integration, tells the tenant, and the gap is read from the API.
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time.js';
import { orgUrlFromDomain } from '../okta/client.js';
import { getIntegration, markStreamed, setIntegrationStatus, type IntegrationRow } from '../integrations/repository.js';
import { describeSilence, judgeStream, resumePoint } from '../ingest/mode.js';
import { ingestState } from '../ingest/state.js';
import { startPolling } from '../ingest/system-log-poll.js';
import { deadLetterDepth, describeDeadLetters } from '../ingest/dead-letter.js';
import { sendStreamHealthNotice } from '../notify/stream-health.js';
import { recordDeadLetterDepth } from '../lib/metrics.js';
import type { IngestRunRef, IntegrationRef, StreamCheck, StreamHealth } from '../workflows/types.js';
import type { ActivityDeps } from './deps.js';
import { checkLogStream } from './log-stream.js';
import { checkRoute } from './aws-route.js';

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

export function streamHealthActivities(deps: ActivityDeps) {
  const now = () => deps.now?.() ?? new Date();
  const overlapMs = () => msToNumber(deps.config.SYSTEM_LOG_POLL_OVERLAP as Duration);
  return {
    /**
     * After the drain: records that the stream delivered, or degrades the integration when it has been silent too long.
     * Also measures the dead-letter queue (metric; a warning when non-empty — the integration's status is not changed).
     */
    async judgeStreamHealth({ integrationId, streamed }: IngestRunRef & { streamed: number }): Promise<StreamHealth> {
      const row = await getIntegration(deps.db, integrationId);
      if (streamed > 0) await markStreamed(deps.db, integrationId);
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
    /** The daily check of the log stream through the Okta API (Okta turns a stream off after failed deliveries). */
    async checkLogStreamHealth({ integrationId }: IntegrationRef): Promise<StreamCheck> {
      const row = await getIntegration(deps.db, integrationId);
      if (row.ingestMode !== 'streaming' || (row.status !== 'streaming' && row.status !== 'degraded')) return { ok: true, message: null };
      const check = await checkLogStream(deps, integrationId);
      if (!check.ok) {
        if (row.status === 'streaming') {
          const detail = `The Okta log stream is not delivering: ${check.message} Meanwhile the missing events are read from the Okta API.`;
          await degrade(deps, row, detail, resumePoint(ingestState(row), now(), overlapMs()));
        }
        return check;
      }
      // Okta's side is fine; AWS's side may have drifted (a bus, rule, target or policy changed by hand).
      if (!row.awsRoute) return check;
      const route = await checkRoute(deps, row);
      if (route.ok) return check;
      if (row.status === 'streaming') {
        await degrade(deps, row, `${route.problem} Meanwhile the missing events are read from the Okta API.`, resumePoint(ingestState(row), now(), overlapMs()));
      }
      return { ok: false, message: route.problem };
    },
  };
}

// The hourly run of one integration (one Temporal Schedule per integration): read what arrived —
// the integration's SQS queue, and the Okta System Log API when the tenant polls, when the stream
// has gone quiet, or while the stream takes over from a backfill — store it, run the detections
// over the new events, send the notifications, and record the run with its counts.
import { patched, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { ACTIVITY_OPTIONS, LOCAL_ACTIVITY_OPTIONS } from '../temporal/shared/activity-options.js';
import { proxyHeavyActivities } from './heavy-activities.js';
import type { ApiReadResult, DrainResult, HourlyAnalysisResult, IntegrationRef } from './types.js';

// Every step of a scheduled run runs on the heavy queue's workers: in a busy hour they are thousands, and on the main
// queue they would stand in front of the steps somebody is waiting for (refreshUser, onboarding). The quick steps
// (open, plan, judge the stream, settle, close: milliseconds of database work each) are local activities of the worker
// running the run's workflow task: as queued activities each cost a trip through the queue, a workflow task after it
// and Temporal actions, nearly a quarter of a 1,000-tenant slot's heavy slots (bench/README.md, "Quick steps as local
// activities"). Runs started before that change queued them, and replay so.
const quick = proxyLocalActivities<Activities>(LOCAL_ACTIVITY_OPTIONS.shortStep);
const queued = proxyHeavyActivities(ACTIVITY_OPTIONS.shortStep);
// Draining heartbeats as it goes (at most once a second); a dead worker is noticed within the heartbeat
// timeout and another attempt resumes (committed rows are no-ops, undeleted messages come back).
const drain = proxyHeavyActivities(ACTIVITY_OPTIONS.drain);
// The API read heartbeats after every committed page; one page may wait out a rate-limit window and
// retry Okta's 30-s query timeout, hence the longer heartbeat. A new attempt resumes from the cursor
// stored with the last committed page.
const api = proxyHeavyActivities(ACTIVITY_OPTIONS.systemLogRead);
const analyse = proxyHeavyActivities(ACTIVITY_OPTIONS.analysis);

const NOTHING_DRAINED: DrainResult = { received: 0, stored: 0, duplicates: 0, quarantined: 0, deleted: 0 };
const NOTHING_SENT = { sent: 0 };
const NOTHING_READ: ApiReadResult = { pages: 0, read: 0, stored: 0, duplicates: 0, caughtUp: true };

export async function hourlyAnalysis({ integrationId }: IntegrationRef): Promise<HourlyAnalysisResult> {
  const { workflowId, runId } = workflowInfo();
  const steps = patched('local-quick-steps') ? quick : queued;
  const { ingestRunId } = await steps.openIngestRun({ integrationId, workflowId, workflowRunId: runId });
  const run = { integrationId, ingestRunId };
  try {
    let drained: DrainResult;
    let read = NOTHING_READ;
    if (patched('system-log-api')) {
      const plan = await steps.planIngest(run);
      drained = plan.drainQueue ? await drain.drainQueue(run) : NOTHING_DRAINED;
      // Valid envelopes of this integration, duplicates included: proof that the stream is alive.
      const streamed = drained.stored + drained.duplicates;
      const health = await steps.judgeStreamHealth({ ...run, streamed });
      if (plan.readApi || health.readApi) read = await api.readSystemLog(run);
      await steps.settleIngest({ ...run, streamed, apiCaughtUp: read.caughtUp });
    } else {
      drained = await drain.drainQueue(run);
    }
    const { detections, notificationsPending } = await analyse.detectForRun(run);
    // The notification step only when something waits to be sent: in most hours nothing does, and the step would be a
    // queued activity, a workflow task and an action for nothing. A detection step recorded before it said so
    // (no `notificationsPending`) is followed by the step, as it was then, so such histories replay.
    const { sent } = notificationsPending === false ? NOTHING_SENT : await analyse.notifyForRun(run);
    await steps.closeIngestRun({ ...run, status: 'completed' });
    return {
      ingestRunId,
      ...drained,
      stored: drained.stored + read.stored,
      duplicates: drained.duplicates + read.duplicates,
      polled: read.read,
      detections,
      notificationsSent: sent,
    };
  } catch (err) {
    await steps.closeIngestRun({ ...run, status: 'failed' });
    throw err;
  }
}

// The hourly run of one integration (one Temporal Schedule per integration): read what arrived —
// the integration's SQS queue, and the Okta System Log API when the tenant polls, when the stream
// has gone quiet, or while the stream takes over from a backfill — store it, run the detections
// over the new events, send the notifications, and record the run with its counts.
import { patched, workflowInfo } from '@temporalio/workflow';
import { ACTIVITY_OPTIONS } from '../temporal/shared/activity-options.js';
import { proxyHeavyActivities } from './heavy-activities.js';
import type { ApiReadResult, DrainResult, HourlyAnalysisResult, IntegrationRef } from './types.js';

// Every step of a scheduled run goes to the heavy queue, the quick ones too: in a busy hour they are thousands, and
// on the main queue they would stand in front of the steps somebody is waiting for (refreshUser, onboarding).
const store = proxyHeavyActivities(ACTIVITY_OPTIONS.shortStep);
// Draining heartbeats after every committed batch; a dead worker is noticed within the heartbeat
// timeout and another attempt resumes (committed rows are no-ops, undeleted messages come back).
const drain = proxyHeavyActivities(ACTIVITY_OPTIONS.drain);
// The API read heartbeats after every committed page; one page may wait out a rate-limit window and
// retry Okta's 30-s query timeout, hence the longer heartbeat. A new attempt resumes from the cursor
// stored with the last committed page.
const api = proxyHeavyActivities(ACTIVITY_OPTIONS.systemLogRead);
const analyse = proxyHeavyActivities(ACTIVITY_OPTIONS.analysis);

const NOTHING_DRAINED: DrainResult = { received: 0, stored: 0, duplicates: 0, quarantined: 0, deleted: 0 };
const NOTHING_READ: ApiReadResult = { pages: 0, read: 0, stored: 0, duplicates: 0, caughtUp: true };

export async function hourlyAnalysis({ integrationId }: IntegrationRef): Promise<HourlyAnalysisResult> {
  const { workflowId, runId } = workflowInfo();
  const { ingestRunId } = await store.openIngestRun({ integrationId, workflowId, workflowRunId: runId });
  const run = { integrationId, ingestRunId };
  try {
    let drained: DrainResult;
    let read = NOTHING_READ;
    if (patched('system-log-api')) {
      const plan = await store.planIngest(run);
      drained = plan.drainQueue ? await drain.drainQueue(run) : NOTHING_DRAINED;
      // Valid envelopes of this integration, duplicates included: proof that the stream is alive.
      const streamed = drained.stored + drained.duplicates;
      const health = await store.judgeStreamHealth({ ...run, streamed });
      if (plan.readApi || health.readApi) read = await api.readSystemLog(run);
      await store.settleIngest({ ...run, streamed, apiCaughtUp: read.caughtUp });
    } else {
      drained = await drain.drainQueue(run);
    }
    const { detections } = await analyse.detectForRun(run);
    const { sent } = await analyse.notifyForRun(run);
    await store.closeIngestRun({ ...run, status: 'completed' });
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
    await store.closeIngestRun({ ...run, status: 'failed' });
    throw err;
  }
}

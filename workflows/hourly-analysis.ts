// The hourly run of one integration (one Temporal Schedule per integration): drain the
// integration's SQS queue into the events table, run the detections over the new events,
// send the notifications, and record the run with its counts.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { HourlyAnalysisResult, IntegrationRef } from './types.js';

const store = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 20 },
});
// Draining heartbeats after every committed batch; a dead worker is noticed within the heartbeat
// timeout and another attempt resumes (committed rows are no-ops, undeleted messages come back).
const drain = proxyActivities<Activities>({
  startToCloseTimeout: '50 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2s', maximumInterval: '1 minute', maximumAttempts: 10 },
});
const analyse = proxyActivities<Activities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '2s', maximumInterval: '1 minute', maximumAttempts: 10 },
});

export async function hourlyAnalysis({ integrationId }: IntegrationRef): Promise<HourlyAnalysisResult> {
  const { workflowId, runId } = workflowInfo();
  const { ingestRunId } = await store.openIngestRun({ integrationId, workflowId, workflowRunId: runId });
  const run = { integrationId, ingestRunId };
  try {
    const drained = await drain.drainQueue(run);
    const { detections } = await analyse.detectForRun(run);
    const { sent } = await analyse.notifyForRun(run);
    await store.closeIngestRun({ ...run, status: 'completed' });
    return { ingestRunId, ...drained, detections, notificationsSent: sent };
  } catch (err) {
    await store.closeIngestRun({ ...run, status: 'failed' });
    throw err;
  }
}

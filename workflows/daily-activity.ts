// Writes each user's Activity rows for one UTC day, from the stored events in which the user is
// actor or target. Scheduled daily for the previous day; re-running a day changes nothing.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { TemporalScheduledStartTime } from '../temporal/search-attributes.js';
import type { DailyActivityInput, DailyActivityResult } from './types.js';

const { writeDailyActivity } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '2s', maximumInterval: '1 minute', maximumAttempts: 10 },
});

/** The UTC day before `at`, as YYYY-MM-DD. */
export function previousUtcDay(at: Date): string {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() - 1)).toISOString().slice(0, 10);
}

export async function dailyActivity({ integrationId, day }: DailyActivityInput): Promise<DailyActivityResult> {
  // A scheduled (or backfilled) run covers the day before its scheduled time, not its start time.
  const scheduledAt = workflowInfo().typedSearchAttributes.get(TemporalScheduledStartTime);
  const target = day ?? previousUtcDay(scheduledAt ?? workflowInfo().startTime);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(target)) throw new Error(`day must be YYYY-MM-DD, got "${target}"`);
  return writeDailyActivity({ integrationId, day: target });
}

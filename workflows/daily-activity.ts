// Writes each user's Activity rows for one UTC day, from the stored events in which the user is
// actor or target. Scheduled daily for the previous day; re-running a day changes nothing.
import { workflowInfo } from '@temporalio/workflow';
import { TemporalScheduledStartTime } from '../temporal/shared/search-attributes.js';
import { ACTIVITY_OPTIONS } from '../temporal/shared/activity-options.js';
import { proxyHeavyActivities } from './heavy-activities.js';
import { previousUtcDay } from '../user-activity/day.js';
import type { DailyActivityInput, DailyActivityResult } from './types.js';

const { writeDailyActivity } = proxyHeavyActivities(ACTIVITY_OPTIONS.dailyActivity);

export async function dailyActivity({ integrationId, day }: DailyActivityInput): Promise<DailyActivityResult> {
  // A scheduled (or backfilled) run covers the day before its scheduled time, not its start time.
  const scheduledAt = workflowInfo().typedSearchAttributes.get(TemporalScheduledStartTime);
  const target = day ?? previousUtcDay(scheduledAt ?? workflowInfo().startTime);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(target)) throw new Error(`day must be YYYY-MM-DD, got "${target}"`);
  return writeDailyActivity({ integrationId, day: target });
}

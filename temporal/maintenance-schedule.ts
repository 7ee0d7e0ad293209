// The platform's one Schedule that belongs to no tenant: the daily database maintenance (workflows/database-maintenance.ts).
// Ensured with every integration's Schedules (activities/onboarding.ts), so it exists once there is data to keep.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { heavyTaskQueue } from './shared/task-queues.js';

export const MAINTENANCE_SCHEDULE_ID = 'oort-database-maintenance';

export const MAINTENANCE_DESCRIPTION =
  'Every day at 01:30 UTC (up to 10 min of jitter): create the time partitions of events, Activity, detections and ' +
  'quarantine ahead of now, and drop the partitions older than the retention (EVENTS_RETENTION_DAYS, ' +
  'DETECTIONS_RETENTION_DAYS). Skips a run while the previous one still runs; a missed day catches up within 1 day.';

export function maintenanceScheduleOptions(taskQueue: string): ScheduleOptions {
  return {
    scheduleId: MAINTENANCE_SCHEDULE_ID,
    memo: { description: MAINTENANCE_DESCRIPTION },
    // 01:30: after the daily Activity runs (00:30 + jitter) have written yesterday, before the directory syncs (03:00).
    spec: { calendars: [{ hour: 1, minute: 30 }], jitter: '10m' },
    action: {
      type: 'startWorkflow',
      workflowType: 'databaseMaintenance',
      workflowId: 'oort-database-maintenance',
      // Scheduled work runs on the heavy queue (temporal/shared/task-queues.ts).
      taskQueue: heavyTaskQueue(taskQueue),
      args: [],
      workflowExecutionTimeout: '2h',
      staticSummary: 'Database maintenance: partitions ahead, retention',
      staticDetails: MAINTENANCE_DESCRIPTION,
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1d', pauseOnFailure: false },
  };
}

/** Creates the maintenance Schedule, or brings an existing one to the intended spec and task queue (idempotent). */
export async function ensureMaintenanceSchedule(client: Client, taskQueue: string): Promise<void> {
  const opts = maintenanceScheduleOptions(taskQueue);
  try {
    await client.schedule.create(opts);
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(opts.scheduleId).update((prev) => ({
      ...prev,
      spec: opts.spec,
      action: opts.action,
      policies: { ...prev.policies, ...opts.policies },
    }));
  }
}

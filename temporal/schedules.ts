// The three Schedules of a streaming integration, created by onboarding and paused, resumed and
// deleted with the integration. Ids are readable (`okta-hourly:<integrationId>`) so operators find
// them in the Temporal UI; every Schedule and every run carries TenantId and IntegrationId.
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  WorkflowNotFoundError,
  type Client,
  type ScheduleOptions,
  type ScheduleUpdateOptions,
} from '@temporalio/client';
import { IntegrationId, TenantId } from './shared/search-attributes.js';
import { SCHEDULE_KINDS, scheduleId, type ScheduleKind } from './shared/ids.js';
import { heavyTaskQueue } from './shared/task-queues.js';

export interface ScheduledIntegration {
  integrationId: string;
  tenantId: string;
  name: string;
  tenantName: string;
}

const SUMMARY: Record<ScheduleKind, string> = {
  hourly: 'Hourly analysis',
  'daily-activity': 'Daily Activity',
  'directory-sync': 'Directory sync',
};

/**
 * What each Schedule does and when, in a sentence rather than a spec: the `description` in the Schedule's memo (what
 * a describe or list of the Schedule returns), and the `staticDetails` of every run it starts (the run's page in the
 * Temporal UI). Keep it true to `scheduleOptions` below.
 */
export const SCHEDULE_DESCRIPTIONS: Record<ScheduleKind, string> = {
  hourly:
    "Every hour (started up to 4 min late, at random: jitter): drain the integration's event queue (or read the " +
    'System Log API when it polls), store the new events, run the detections and notify the channels. Skips a run ' +
    'while the previous one is still running; after an outage, one missed run (within 1 h) catches up.',
  'daily-activity':
    "Every day at 00:30 UTC (up to 15 min of jitter): write each user's Activity rows for the previous UTC day. " +
    'A run due while the previous one still runs waits for it; missed days within 1 day catch up, older ones by ' +
    'backfill.',
  'directory-sync':
    'Every day at 03:00 UTC (up to 30 min of jitter): sync the users, devices and MFA factors from Okta and check ' +
    'that the log stream is still active. Skips a run while the previous one is still running.',
};

export function scheduleOptions(kind: ScheduleKind, i: ScheduledIntegration, taskQueue: string): ScheduleOptions {
  const searchAttributes = [
    { key: TenantId, value: i.tenantId },
    { key: IntegrationId, value: i.integrationId },
  ];
  const memo = { tenant: i.tenantName, integration: i.name };
  const common = {
    scheduleId: scheduleId(kind, i.integrationId),
    typedSearchAttributes: searchAttributes,
    // The Schedule's memo (set at creation only: Temporal cannot update it) also says what it does.
    memo: { ...memo, description: SCHEDULE_DESCRIPTIONS[kind] },
  };
  const action = {
    type: 'startWorkflow' as const,
    // Scheduled runs live on the heavy queue, workflow tasks included: an hour's slot opens hundreds of runs at once,
    // and their workflow tasks would otherwise queue ahead of a refreshUser's on the main queue.
    taskQueue: heavyTaskQueue(taskQueue),
    args: [{ integrationId: i.integrationId }],
    typedSearchAttributes: searchAttributes,
    memo,
    // Shown beside each run in the Temporal UI's workflow list.
    staticSummary: `${SUMMARY[kind]}: ${i.name} — tenant ${i.tenantName}`,
    // The run's details in the Temporal UI: what its Schedule does and when (updated with the action).
    staticDetails: SCHEDULE_DESCRIPTIONS[kind],
  };
  switch (kind) {
    case 'hourly':
      // SKIP: one drain per queue at a time is enough (a second would only compete). The catch-up
      // window lets one missed hour run after an outage; that run drains everything anyway.
      // Jitter 4 min (bench/tenants, bench/README.md "Schedule jitter"): the starts spread over the window reach the
      // workers no faster than they finish runs once the fleet does an hour's slot in ≤ 4 min, and the minute left
      // lets the last started run (seconds when not queued; tens for the largest tenants) end within 5 min.
      return {
        ...common,
        spec: { intervals: [{ every: '1h' }], jitter: '4m' },
        action: { ...action, workflowType: 'hourlyAnalysis', workflowId: `okta-hourly:${i.integrationId}`, workflowExecutionTimeout: '2h' },
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1h', pauseOnFailure: false },
      };
    case 'daily-activity':
      // BUFFER_ONE: each day's run writes a different day, so none may be skipped.
      return {
        ...common,
        spec: { calendars: [{ hour: 0, minute: 30 }], jitter: '15m' },
        action: { ...action, workflowType: 'dailyActivity', workflowId: `okta-daily-activity:${i.integrationId}`, workflowExecutionTimeout: '6h' },
        policies: { overlap: ScheduleOverlapPolicy.BUFFER_ONE, catchupWindow: '1d', pauseOnFailure: false },
      };
    case 'directory-sync':
      return {
        ...common,
        spec: { calendars: [{ hour: 3, minute: 0 }], jitter: '30m' },
        action: { ...action, workflowType: 'directorySync', workflowId: `okta-directory-sync:${i.integrationId}`, workflowExecutionTimeout: '6h' },
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '6h', pauseOnFailure: false },
      };
  }
}

/** Creates the Schedules, or brings existing ones to the intended spec (idempotent). */
export async function ensureSchedules(client: Client, i: ScheduledIntegration, taskQueue: string): Promise<void> {
  for (const kind of SCHEDULE_KINDS) {
    const opts = scheduleOptions(kind, i, taskQueue);
    try {
      await client.schedule.create(opts);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await bringUpToDate(client, opts);
    }
  }
}

/**
 * Brings the integration's existing Schedules to this release's spec, action (task queue, jitter) and policies,
 * keeping their state (paused or not) and creating none: after an upgrade, for integrations onboarded before it.
 * Returns the kinds updated.
 */
export async function updateSchedules(client: Client, i: ScheduledIntegration, taskQueue: string): Promise<ScheduleKind[]> {
  const updated: ScheduleKind[] = [];
  for (const kind of SCHEDULE_KINDS) {
    try {
      await bringUpToDate(client, scheduleOptions(kind, i, taskQueue));
      updated.push(kind);
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
  }
  return updated;
}

async function bringUpToDate(client: Client, opts: ScheduleOptions): Promise<void> {
  // The memo of a Schedule cannot be updated; its search attributes are brought up to date too.
  await client.schedule.getHandle(opts.scheduleId).update((prev) => ({
    ...prev,
    spec: opts.spec,
    action: opts.action,
    policies: { ...prev.policies, ...opts.policies },
    typedSearchAttributes: opts.typedSearchAttributes as ScheduleUpdateOptions['typedSearchAttributes'],
  }));
}

export async function pauseSchedules(client: Client, integrationId: string, note: string): Promise<void> {
  await forEachSchedule(client, integrationId, (h) => h.pause(note));
}

export async function resumeSchedules(client: Client, integrationId: string, note: string): Promise<void> {
  await forEachSchedule(client, integrationId, (h) => h.unpause(note));
}

/** Deleting a Schedule does not stop the runs it started; those are terminated too. Returns what it stopped. */
export async function deleteSchedules(client: Client, integrationId: string): Promise<{ schedules: number; workflows: number }> {
  const schedules = await forEachSchedule(client, integrationId, (h) => h.delete());
  let workflows = 0;
  for await (const wf of client.workflow.list({ query: `IntegrationId = "${integrationId}" AND ExecutionStatus = "Running"` })) {
    try {
      await client.workflow.getHandle(wf.workflowId, wf.runId).terminate('integration removed');
      workflows += 1;
    } catch (err) {
      // Visibility lags: a run listed as running may have just closed.
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
  return { schedules, workflows };
}

/** The ids of the integration's Schedules that exist. */
export async function existingSchedules(client: Client, integrationId: string): Promise<string[]> {
  const found: string[] = [];
  await forEachSchedule(client, integrationId, async (h) => {
    await h.describe();
    found.push(h.scheduleId);
  });
  return found;
}

/** Asks a Schedule to run for every slot in [start, end), all of them (BUFFER_ALL), as if it had been running then. */
export async function backfillSchedule(client: Client, kind: ScheduleKind, integrationId: string, start: Date, end: Date): Promise<void> {
  await client.schedule.getHandle(scheduleId(kind, integrationId)).backfill([{ start, end, overlap: ScheduleOverlapPolicy.BUFFER_ALL }]);
}

/** Runs `fn` on each of the integration's Schedules that exists; returns how many did. */
async function forEachSchedule(
  client: Client,
  integrationId: string,
  fn: (h: ReturnType<Client['schedule']['getHandle']>) => Promise<void>,
): Promise<number> {
  let found = 0;
  for (const kind of SCHEDULE_KINDS) {
    try {
      await fn(client.schedule.getHandle(scheduleId(kind, integrationId)));
      found += 1;
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
  }
  return found;
}

// Workflow and Schedule ids, one home for both sides: workflows, the Temporal client module and the CLI's
// option lists read them from here. Pure: safe inside the workflow sandbox and cheap for the CLI to load.

export type ScheduleKind = 'hourly' | 'daily-activity' | 'directory-sync';
export const SCHEDULE_KINDS: ScheduleKind[] = ['hourly', 'daily-activity', 'directory-sync'];

export function scheduleId(kind: ScheduleKind, integrationId: string): string {
  return `okta-${kind}:${integrationId}`;
}

/** One onboarding per integration: starting it twice joins the running one. */
export function onboardingWorkflowId(integrationId: string): string {
  return `onboarding:${integrationId}`;
}

/** Derived from integration and user, so concurrent requests for one user join a single run. */
export function refreshUserWorkflowId(integrationId: string, userId: string): string {
  return `refresh-user:${integrationId}:${userId}`;
}

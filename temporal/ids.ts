// The names of an integration's Schedules, apart from the Temporal client so that code which only
// needs the names (the CLI's option lists) loads nothing else.

export type ScheduleKind = 'hourly' | 'daily-activity' | 'directory-sync';
export const SCHEDULE_KINDS: ScheduleKind[] = ['hourly', 'daily-activity', 'directory-sync'];

export function scheduleId(kind: ScheduleKind, integrationId: string): string {
  return `okta-${kind}:${integrationId}`;
}

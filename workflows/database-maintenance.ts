// The platform's daily upkeep of PostgreSQL, one run for all tenants (its Schedule: temporal/maintenance-schedule.ts):
// create the time partitions ahead of the rows that will need them, then drop those past their retention.
import type { Activities } from '../activities/index.js';
import { ACTIVITY_OPTIONS } from '../temporal/shared/activity-options.js';
import { proxyHeavyActivities } from './heavy-activities.js';

const { maintainPartitions } = proxyHeavyActivities(ACTIVITY_OPTIONS.analysis);

export async function databaseMaintenance(): Promise<Awaited<ReturnType<Activities['maintainPartitions']>>> {
  return maintainPartitions();
}

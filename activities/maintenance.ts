// The platform's daily upkeep of PostgreSQL (workflows/database-maintenance.ts): partitions ahead, retention.
import { Context } from '@temporalio/activity';
import { maintainPartitions as maintain, type MaintenanceReport } from '../schema/partitions.js';
import type { ActivityDeps } from './deps.js';

export function maintenanceActivities(deps: ActivityDeps) {
  const now = () => deps.now?.() ?? new Date();
  return {
    async maintainPartitions(): Promise<MaintenanceReport> {
      const retention = { events: deps.config.EVENTS_RETENTION_DAYS, detections: deps.config.DETECTIONS_RETENTION_DAYS };
      const report = await maintain(deps.db.$client, retention, now(), () => Context.current().heartbeat());
      deps.log.info({ created: report.created, dropped: report.dropped, retention }, 'partitions maintained');
      // Rows dated outside every partition: stored, but an operator should know (a sender with a broken clock).
      const outside = Object.entries(report.defaultRows).filter(([, n]) => n > 0);
      if (outside.length > 0) {
        deps.log.warn({ defaultRows: Object.fromEntries(outside) }, 'rows dated outside every partition are kept in the DEFAULT partitions');
      }
      return report;
    },
  };
}

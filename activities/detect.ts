// The hourly run's detection step and its notifications.
import { Context } from '@temporalio/activity';
import { detectForRun as detect } from '../detections/run/detect-run.js';
import { loadCompleteRuleSet } from '../detections/run/rule-set.js';
import { detectionSettingsForRun } from '../integrations/detection-settings.js';
import { countRunDetections, countRunNotifications, runDetectionsBySeverity } from '../ingest/runs.js';
import { deliverPendingNotifications, hasPendingNotifications } from '../notify/deliver.js';
import { recordDetections } from '../lib/metrics.js';
import { findingsBaseUrl } from '../findings/links.js';
import type { IngestRunRef } from '../workflows/types.js';
import type { ActivityDeps } from './deps.js';

export function detectActivities(deps: ActivityDeps) {
  return {
    async detectForRun({ integrationId, ingestRunId }: IngestRunRef): Promise<{ detections: number; notificationsPending: boolean }> {
      const rules = loadCompleteRuleSet(deps.config.SIGMA_RULES_DIR);
      const settings = await detectionSettingsForRun(deps.db, integrationId);
      const ctx = Context.current();
      const result = await detect(deps.db, integrationId, ingestRunId, rules, settings, (p) => ctx.heartbeat(p));
      // Counted from the rows, so an attempt that committed its detections and then failed is not reported as 0.
      const detections = await countRunDetections(deps.db, integrationId, ingestRunId);
      // Only an attempt that created detections records them, so a retry that merged into them adds nothing.
      if (result.created > 0) recordDetections(integrationId, await runDetectionsBySeverity(deps.db, integrationId, ingestRunId));
      // So that the run schedules its notification step only when there is something to send (most hours there is not).
      return { detections, notificationsPending: await hasPendingNotifications(deps.db, integrationId) };
    },
    async notifyForRun({ integrationId, ingestRunId }: IngestRunRef): Promise<{ sent: number }> {
      await deliverPendingNotifications(deps.db, deps.secretKey, integrationId, ingestRunId, {
        environment: deps.config.OORT_ENVIRONMENT,
        findingsBaseUrl: findingsBaseUrl(deps.config),
      });
      // Counted from the records, so deliveries of a failed-then-retried attempt are included once.
      return { sent: await countRunNotifications(deps.db, ingestRunId) };
    },
  };
}

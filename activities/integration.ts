// Activities of the integration's lifecycle: status, setup values, queue, Schedules, reminders.
import { Context } from '@temporalio/activity';
import { createIntegrationQueues, approximateDepth } from '../aws/queues.js';
import { ensureSchedules as ensureIntegrationSchedules } from '../temporal/schedules.js';
import { getIntegration, getIntegrationWithTenant, setIntegrationStatus as moveStatus } from '../integrations/repository.js';
import { OORT_AWS_REGION_LABEL } from '../lib/config.js';
import { sendReminder } from '../notify/reminder.js';
import type { IntegrationStatus } from '../integrations/status.js';
import type { IntegrationRef, LogStreamSetupValues } from '../workflows/types.js';
import type { ActivityDeps } from './deps.js';

export function integrationActivities(deps: ActivityDeps) {
  return {
    async setIntegrationStatus({ integrationId, status, detail }: IntegrationRef & { status: string; detail: string | null }): Promise<void> {
      await moveStatus(deps.db, integrationId, status as IntegrationStatus, detail);
      deps.log.info({ integrationId, status, detail }, 'integration status');
    },

    async logStreamSetupValues({ integrationId }: IntegrationRef): Promise<LogStreamSetupValues> {
      const row = await getIntegration(deps.db, integrationId);
      return {
        eventSourceName: row.eventSourceName,
        awsAccountId: row.awsAccountId,
        awsRegion: row.awsRegion,
        awsRegionLabel: row.awsRegion === 'us-east-2' ? OORT_AWS_REGION_LABEL : row.awsRegion,
      };
    },

    async provisionQueue({ integrationId }: IntegrationRef): Promise<void> {
      const urls = await createIntegrationQueues(deps.sqs, integrationId, {
        prefix: deps.config.SQS_QUEUE_PREFIX,
        visibilityTimeoutSeconds: deps.config.SQS_VISIBILITY_TIMEOUT_SECONDS,
      });
      await deps.db.$client`
        update integrations set queue_url = ${urls.queueUrl}, dead_letter_queue_url = ${urls.deadLetterQueueUrl}, updated_at = now()
        where id = ${integrationId}`;
    },

    async ensureSchedules({ integrationId }: IntegrationRef): Promise<void> {
      const { integration, tenantName } = await getIntegrationWithTenant(deps.db, integrationId);
      await ensureIntegrationSchedules(
        Context.current().client,
        { integrationId, tenantId: integration.tenantId, name: integration.name, tenantName },
        deps.config.TEMPORAL_TASK_QUEUE,
      );
    },

    /** True once an event has been stored, or is waiting in the integration's queue. */
    async firstStreamedEvent({ integrationId }: IntegrationRef): Promise<boolean> {
      const row = await getIntegration(deps.db, integrationId);
      if (row.firstEventAt) return true;
      return row.queueUrl ? (await approximateDepth(deps.sqs, row.queueUrl)) > 0 : false;
    },

    async sendOnboardingReminder({ integrationId, reminderNumber }: IntegrationRef & { reminderNumber: number }): Promise<{ channels: number }> {
      const row = await getIntegration(deps.db, integrationId);
      const channels = await sendReminder(deps.db, deps.secretKey, {
        integrationId,
        reminderNumber,
        eventSourceName: row.eventSourceName,
        awsAccountId: row.awsAccountId,
        awsRegion: row.awsRegion,
      }, { environment: deps.config.OORT_ENVIRONMENT });
      // Operators watch for this line (the status query also counts reminders).
      deps.log.warn(
        { integrationId, reminderNumber, channels },
        'onboarding is waiting for the EventBridge-in-place signal: ask the customer\'s technical contact to finish the Okta log stream setup',
      );
      return { channels };
    },
  };
}

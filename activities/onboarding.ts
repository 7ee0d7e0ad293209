// Activities of onboarding: the integration's status, the values the customer enters in Okta, the token check,
// the queue, the log stream check, the Schedules, waiting for the first event and reminding the customer.
import { Context } from '@temporalio/activity';
import type { Client } from '@okta/okta-sdk-nodejs';
import { createIntegrationQueues, approximateDepth } from '../aws/queues.js';
import { classifyOktaError, describeOktaError, OktaDomainError } from '../okta/client.js';
import { apiUrl, fetchRawPage } from '../okta/pages.js';
import { ensureSchedules as ensureIntegrationSchedules } from '../temporal/schedules.js';
import { ensureMaintenanceSchedule } from '../temporal/maintenance-schedule.js';
import { getIntegration, getIntegrationWithTenant, setIntegrationStatus as moveStatus, setQueueUrls } from '../integrations/repository.js';
import { healthyStatus } from '../ingest/mode.js';
import { OORT_AWS_REGION_LABEL } from '../lib/config.js';
import { sendReminder } from '../notify/reminder.js';
import type { IntegrationStatus } from '../integrations/status.js';
import type { CredentialCheck, IntegrationRef, LogStreamSetupValues, StreamCheck } from '../workflows/types.js';
import type { ActivityDeps } from './deps.js';
import { checkLogStream } from './log-stream.js';
import { oktaClientFor } from './okta-access.js';

export function onboardingActivities(deps: ActivityDeps) {
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

    async validateCredentials({ integrationId }: IntegrationRef): Promise<CredentialCheck> {
      let client: Client;
      try {
        client = await oktaClientFor(deps, integrationId);
      } catch (err) {
        if (err instanceof OktaDomainError) return { ok: false, message: err.message };
        throw err;
      }
      const probes: Array<[string, string]> = [
        ['/api/v1/users?limit=1', 'read users (okta.users.read)'],
        ['/api/v1/logs?limit=1', 'read the System Log (okta.logs.read)'],
        ['/api/v1/logStreams?limit=1', 'read log streams (okta.logStreams.read)'],
      ];
      for (const [path, capability] of probes) {
        try {
          await fetchRawPage(client, apiUrl(client, path), `checking the token can ${capability}`);
        } catch (err) {
          const kind = classifyOktaError(err);
          if (kind === 'invalid_token') {
            return { ok: false, message: `Okta rejected the API token (${describeOktaError(err)}). Create a new token in Okta and update it with \`npx oort-okta integrations rotate-token ${integrationId}\`.` };
          }
          if (kind === 'refused') return { ok: false, message: `The Okta org could not be reached safely: ${describeOktaError(err)}.` };
          if (kind === 'forbidden') {
            return { ok: false, message: `The API token cannot ${capability} (${describeOktaError(err)}). Use a token of a Read-only administrator (or higher) and rotate it with \`npx oort-okta integrations rotate-token ${integrationId}\`.` };
          }
          throw err;
        }
      }
      return { ok: true, message: null };
    },

    async provisionQueue({ integrationId }: IntegrationRef): Promise<void> {
      const urls = await createIntegrationQueues(deps.sqs, integrationId, {
        prefix: deps.config.SQS_QUEUE_PREFIX,
        visibilityTimeoutSeconds: deps.config.SQS_VISIBILITY_TIMEOUT_SECONDS,
      });
      await setQueueUrls(deps.db, integrationId, urls);
    },

    async verifyLogStream({ integrationId }: IntegrationRef): Promise<StreamCheck> {
      return checkLogStream(deps, integrationId);
    },

    async ensureSchedules({ integrationId }: IntegrationRef): Promise<void> {
      const { integration, tenantName } = await getIntegrationWithTenant(deps.db, integrationId);
      await ensureIntegrationSchedules(
        Context.current().client,
        { integrationId, tenantId: integration.tenantId, name: integration.name, tenantName },
        deps.config.TEMPORAL_TASK_QUEUE,
      );
      // The platform's daily partition upkeep, ensured with the first integration's Schedules (idempotent).
      await ensureMaintenanceSchedule(Context.current().client, deps.config.TEMPORAL_TASK_QUEUE);
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

    async ingestModeOf({ integrationId }: IntegrationRef): Promise<'streaming' | 'polling'> {
      return (await getIntegration(deps.db, integrationId)).ingestMode;
    },

    /** Marks the integration polling-ready after onboarding (polling mode skips the stream steps). */
    async markIngestHealthy({ integrationId }: IntegrationRef): Promise<void> {
      const row = await getIntegration(deps.db, integrationId);
      await moveStatus(deps.db, integrationId, healthyStatus(row.ingestMode), null);
    },
  };
}

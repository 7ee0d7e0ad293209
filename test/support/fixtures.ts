// Test fixtures built with the product's own functions: an integration that is already streaming
// (onboarding is tested on its own), its queue, and helpers to run its workflows.
import { randomBytes } from 'node:crypto';
import { createIntegration, type NewIntegration } from '../../integrations/create.js';
import { createIntegrationQueues } from '../../aws/queues.js';
import type { EventBridgeDestination } from '../../simulator/index.js';
import type { WorkflowHandle } from '@temporalio/client';
import type { HourlyAnalysisResult } from '../../workflows/types.js';
import type { hourlyAnalysis } from '../../workflows/hourly-analysis.js';
import { scheduleId, SCHEDULE_KINDS } from '../../temporal/shared/ids.js';
import type { World } from './world.js';

export interface StreamingIntegration {
  integrationId: string;
  queueUrl: string;
  destination: EventBridgeDestination;
}

export async function streamingIntegration(
  world: World,
  opts: Pick<NewIntegration, 'oktaDomain' | 'oktaOrg' | 'apiToken' | 'webhook' | 'slack' | 'digestAfter'> & { oktaOrg: string; tenantId?: string },
): Promise<StreamingIntegration> {
  const { integrationId } = await createIntegration(world.db, world.secretKey, {
    tenantId: opts.tenantId ?? 'globex',
    name: 'Globex Okta',
    oktaDomain: opts.oktaDomain,
    oktaOrg: opts.oktaOrg,
    apiToken: opts.apiToken,
    awsAccountId: world.config.awsAccountId,
    webhook: opts.webhook,
    slack: opts.slack,
    digestAfter: opts.digestAfter,
  });
  const { queueUrl, deadLetterQueueUrl } = await createIntegrationQueues(world.sqs, integrationId, {
    prefix: world.config.SQS_QUEUE_PREFIX,
    visibilityTimeoutSeconds: world.config.SQS_VISIBILITY_TIMEOUT_SECONDS,
  });
  await world.db.$client`
    update integrations set status = 'streaming', queue_url = ${queueUrl}, dead_letter_queue_url = ${deadLetterQueueUrl}
    where id = ${integrationId}`;
  return {
    integrationId,
    queueUrl,
    destination: { oktaOrg: opts.oktaOrg, eventSourceName: integrationId, account: world.config.awsAccountId, region: world.config.AWS_REGION },
  };
}

export async function runHourly(world: World, integrationId: string): Promise<HourlyAnalysisResult> {
  return (await startHourly(world, integrationId)).result();
}

/** Starts an hourly run of the integration, as its Schedule would, and returns its handle. */
export function startHourly(world: World, integrationId: string): Promise<WorkflowHandle<typeof hourlyAnalysis>> {
  return world.client.workflow.start<typeof hourlyAnalysis>('hourlyAnalysis', {
    taskQueue: world.config.TEMPORAL_TASK_QUEUE,
    workflowId: `okta-hourly:${integrationId}:test-${randomBytes(3).toString('hex')}`,
    args: [{ integrationId }],
  });
}

/**
 * Pauses the Schedules onboarding made for the integration. A test that starts the hourly runs itself and counts what
 * each drained must not meet a scheduled one: it fires every hour, up to 4 min late, and would drain the queue first.
 */
export async function pauseSchedules(world: World, integrationId: string): Promise<void> {
  for (const kind of SCHEDULE_KINDS) await world.client.schedule.getHandle(scheduleId(kind, integrationId)).pause('the test starts the runs itself');
}

/** How many events the integration has stored. */
export async function storedEventCount(world: World, integrationId: string): Promise<number> {
  const [{ n }] = await world.db.$client<{ n: number }[]>`select count(*)::int as n from events where integration_id = ${integrationId}`;
  return n;
}

// Switching an integration between Okta Log Streaming and reading the System Log API (polling).
// Neither direction leaves a gap: to polling, the API is read from a little before the newest event
// held; to streaming, the API keeps being read until the stream has delivered in a run whose API read
// caught up (ingest/mode.ts). Overlaps dedupe on the event uuid.
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Client } from '@temporalio/client';
import type { Database } from '../schema/db.js';
import { orgUrlFromDomain } from '../okta/client.js';
import { resumePoint, type IngestMode } from '../ingest/mode.js';
import { createIntegrationQueues } from '../aws/queues.js';
import { startPolling } from '../ingest/system-log-poll.js';
import { getIntegration, setIntegrationStatus } from '../integrations/repository.js';
import { signalIngestModeChanged } from '../temporal/client.js';

export interface SwitchOptions {
  overlapMs: number;
  pageLimit: number;
  queue: { prefix: string; visibilityTimeoutSeconds: number };
  now?: Date;
}

export interface SwitchResult {
  mode: IngestMode;
  status: string;
  /** Onboarding was waiting for the log stream and was told to continue as polling. */
  onboardingSignalled: boolean;
  /** Streaming needs a queue; one was created for the customer's EventBridge rule. */
  queueCreated: boolean;
}

export async function switchIngestMode(
  client: Client,
  db: Database,
  sqs: SQSClient,
  integrationId: string,
  mode: IngestMode,
  opts: SwitchOptions,
): Promise<SwitchResult> {
  const row = await getIntegration(db, integrationId);
  if (row.status === 'removed') throw new Error(`Integration ${integrationId} was removed; create a new one instead.`);
  const now = opts.now ?? new Date();
  await db.$client`update integrations set ingest_mode = ${mode}, updated_at = now() where id = ${integrationId}`;

  let queueCreated = false;
  if (mode === 'polling') {
    await startPolling(db, orgUrlFromDomain(row.oktaDomain), integrationId, resumePoint(row, now, opts.overlapMs), opts.pageLimit);
    if (row.status === 'streaming' || row.status === 'degraded') await setIntegrationStatus(db, integrationId, 'polling', null);
  } else if (!row.queueUrl) {
    const urls = await createIntegrationQueues(sqs, integrationId, opts.queue);
    await db.$client`
      update integrations set queue_url = ${urls.queueUrl}, dead_letter_queue_url = ${urls.deadLetterQueueUrl}, updated_at = now()
      where id = ${integrationId}`;
    queueCreated = true;
  }
  // The status of a polling tenant moving to streaming stays `polling` until the stream has taken over.

  const onboardingSignalled = await signalIngestModeChanged(client, integrationId);
  const after = await getIntegration(db, integrationId);
  return { mode, status: after.status, onboardingSignalled, queueCreated };
}

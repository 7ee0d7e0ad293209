// The integration's SQS queue (the EventBridge rule's target) and its dead-letter queue.
// Poison messages are quarantined and deleted by the drain, so the DLQ only catches crash loops; ingest/dead-letter.ts
// measures, lists and redrives it.
import { createHash } from 'node:crypto';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  QueueDoesNotExist,
  type SQSClient,
} from '@aws-sdk/client-sqs';

export interface QueueSettings {
  prefix: string;
  visibilityTimeoutSeconds: number;
}

export function queueNames(prefix: string, integrationId: string) {
  // SQS names: up to 80 characters of [A-Za-z0-9_-] (76 + "-dlq"). A name that had to be changed
  // to fit gets a hash of the integration id, so two integrations never share a queue.
  const wanted = `${prefix}${integrationId}`;
  let base = wanted.replace(/[^A-Za-z0-9_-]/g, '-');
  if (base !== wanted || base.length > 76) {
    const hash = createHash('sha256').update(integrationId).digest('hex').slice(0, 8);
    base = `${base.slice(0, 67)}-${hash}`;
  }
  return { queue: base, deadLetter: `${base}-dlq` };
}

export async function createIntegrationQueues(
  sqs: SQSClient,
  integrationId: string,
  settings: QueueSettings,
): Promise<{ queueUrl: string; deadLetterQueueUrl: string }> {
  const names = queueNames(settings.prefix, integrationId);
  const fourteenDays = String(14 * 86_400);
  // CreateQueue is idempotent for identical attributes, so a retried activity gets the same URLs.
  const dlq = await sqs.send(
    new CreateQueueCommand({ QueueName: names.deadLetter, Attributes: { MessageRetentionPeriod: fourteenDays } }),
  );
  const dlqArn = await queueArn(sqs, dlq.QueueUrl!);
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: names.queue,
      Attributes: {
        // The DLQ keeps 14 days, longer than the source: a moved message keeps its original timestamp.
        MessageRetentionPeriod: String(4 * 86_400),
        VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 10 }),
      },
    }),
  );
  return { queueUrl: queue.QueueUrl!, deadLetterQueueUrl: dlq.QueueUrl! };
}

export async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const res = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  return res.Attributes!.QueueArn!;
}

/** Messages waiting or in flight: how onboarding notices the first streamed event. */
export async function approximateDepth(sqs: SQSClient, queueUrl: string, opts: { timeoutMs?: number } = {}): Promise<number> {
  try {
    const res = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
      // No options object without a timeout: a call with options drops the client's middleware cache (lib/sqs.ts).
      opts.timeoutMs ? { abortSignal: AbortSignal.timeout(opts.timeoutMs) } : undefined,
    );
    return Number(res.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(res.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
  } catch (err) {
    if (err instanceof QueueDoesNotExist) return 0;
    throw err;
  }
}

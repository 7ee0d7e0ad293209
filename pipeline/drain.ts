// Drains one SQS queue: several concurrent long-polling receivers feed a shared batch; each batch
// is committed by `commit` and only then deleted from the queue (at-least-once in, effectively
// once stored). Batches are committed one at a time, so receivers wait while the database writes
// (back-pressure that keeps the number of in-flight messages bounded).
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';

export interface DrainOptions {
  receivers: number;
  /** Long-poll wait; a receive that waited this long and got nothing means the queue is empty. */
  waitTimeSeconds: number;
  /** Commit when this many messages are waiting. */
  batchSize: number;
  /** Stop taking new messages after this many (bounded runs); the rest waits for the next run. */
  maxMessages?: number;
  signal?: AbortSignal;
}

export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
}

export interface DrainProgress {
  received: number;
  deleted: number;
  batches: number;
}

export const DEFAULT_DRAIN_OPTIONS: DrainOptions = { receivers: 6, waitTimeSeconds: 2, batchSize: 500 };

export async function drainQueue(
  sqs: SQSClient,
  queueUrl: string,
  commit: (messages: ReceivedMessage[]) => Promise<void>,
  options: DrainOptions,
  onProgress: (p: DrainProgress) => void = () => {},
): Promise<DrainProgress> {
  const progress: DrainProgress = { received: 0, deleted: 0, batches: 0 };
  let pending: ReceivedMessage[] = [];
  // Commits run one at a time; a batch's deletes run beside the next batch's commit.
  let commits: Promise<void> = Promise.resolve();
  const deletions: Promise<void>[] = [];
  let failure: unknown;

  const flush = (): Promise<void> => {
    if (pending.length === 0) return commits;
    const batch = pending;
    pending = [];
    const committed = commits.then(async () => {
      if (failure) return false;
      try {
        await commit(batch);
        return true;
      } catch (err) {
        failure ??= err;
        return false;
      }
    });
    commits = committed.then(() => undefined);
    deletions.push(
      committed.then(async (ok) => {
        if (!ok) return;
        try {
          // Read the counter after the await: deletions of several batches overlap.
          const deleted = await deleteMessages(sqs, queueUrl, batch);
          progress.deleted += deleted;
          progress.batches += 1;
          onProgress({ ...progress });
        } catch (err) {
          failure ??= err;
        }
      }),
    );
    return commits;
  };

  const receiver = async () => {
    for (;;) {
      if (failure || options.signal?.aborted) return;
      if (options.maxMessages !== undefined && progress.received >= options.maxMessages) return;
      const res = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: options.waitTimeSeconds,
        }),
        { abortSignal: options.signal },
      );
      const messages = (res.Messages ?? []).filter(isComplete);
      if (messages.length === 0) return;
      progress.received += messages.length;
      pending.push(...messages.map((m) => ({ messageId: m.MessageId, receiptHandle: m.ReceiptHandle, body: m.Body ?? '' })));
      if (pending.length >= options.batchSize) await flush();
    }
  };

  const results = await Promise.allSettled(Array.from({ length: options.receivers }, receiver));
  await flush();
  await Promise.all(deletions);
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure;
  if (rejected) throw rejected.reason;
  return progress;
}

function isComplete(m: Message): m is Message & { MessageId: string; ReceiptHandle: string } {
  return typeof m.MessageId === 'string' && typeof m.ReceiptHandle === 'string';
}

/** Deletes in batches of 10, several at once; a failed entry only means a harmless redelivery. */
async function deleteMessages(sqs: SQSClient, queueUrl: string, messages: ReceivedMessage[]): Promise<number> {
  const chunks: ReceivedMessage[][] = [];
  for (let i = 0; i < messages.length; i += 10) chunks.push(messages.slice(i, i + 10));
  let deleted = 0;
  const concurrency = 8;
  for (let i = 0; i < chunks.length; i += concurrency) {
    const results = await Promise.all(
      chunks.slice(i, i + concurrency).map((chunk) =>
        sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((m, idx) => ({ Id: String(idx), ReceiptHandle: m.receiptHandle })),
          }),
        ),
      ),
    );
    for (const r of results) deleted += r.Successful?.length ?? 0;
  }
  return deleted;
}

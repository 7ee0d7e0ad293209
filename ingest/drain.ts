// Drains one SQS queue: several concurrent long-polling receivers feed a shared batch; each batch
// is committed by `commit` and only then deleted from the queue (at-least-once in, effectively
// once stored). A few batches are committed at once (`commitsInFlight`), each in its own transaction,
// so that parsing and binding one batch overlap the database's work on another; receivers wait while
// that many are being written (back-pressure that keeps the number of in-flight messages bounded).
//
// A drain is bounded: it takes what is in the queue plus what arrives until a deadline or a message
// budget, then stops cleanly and the next run continues. A batch is committed when it is full or
// old (a few seconds), whichever comes first. It ends only when every message it received is stored
// and deleted, or deliberately released (visibility 0) after a failure, so that a retry sees them
// at once; and while messages taken by an earlier attempt (a killed worker) are still hidden, it
// waits for them to come back rather than call the queue empty.
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';

export interface DrainOptions {
  receivers: number;
  /**
   * Long-poll wait; a receive that waited this long and got nothing means the queue is empty. Any wait above zero is a
   * long poll, which SQS answers from all its servers, so one second proves it as well as twenty: the wait only decides
   * how long a drain lingers on an empty queue, and every drain ends with one such wait, holding its activity slot.
   */
  waitTimeSeconds: number;
  /** Commit when this many messages are waiting. */
  batchSize: number;
  /** …or when the oldest waiting message arrived this long ago. */
  maxBatchAgeMs: number;
  /**
   * Batches being committed at once, each in its own transaction on its own connection. One at a time left the
   * database idle while this process parsed and bound the next batch (bench/README.md, `bench/ingest.ts` (a)).
   */
  commitsInFlight: number;
  /** Stop taking new messages at this time (epoch ms); the rest waits for the next run. */
  deadline?: number;
  /** Stop taking new messages after this many; the rest waits for the next run. */
  maxMessages?: number;
  /**
   * Cancels the drain: checked between receives. A receive in flight is not aborted: it comes back within its long
   * poll (bounded by the client's socket timeout, lib/sqs.ts), and what it brings is committed or released; commits
   * in flight finish first.
   */
  signal?: AbortSignal;
  /**
   * Deletes a stored batch's messages from the queue and says how many it deleted; by default on the drain's own
   * thread (`deleteMessages`). A store thread can do it instead (ingest/batch-store.ts), leaving the drain's thread to
   * receive.
   */
  deleteStored?: (messages: ReceivedMessage[]) => Promise<number>;
  /** Called with the number of messages of each batch deleted from the queue (awaited before the drain ends). */
  onDeleted?: (deleted: number) => Promise<void>;
  /** The clock (tests). */
  now?: () => number;
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
  /** Messages made visible again after a failed commit, for the next attempt. */
  released: number;
  /** Messages hidden by an earlier attempt that the drain is waiting for (0 when none). */
  waitingForHidden: number;
}

/** Why the drain stopped taking messages. */
export type DrainStop = 'empty' | 'deadline' | 'budget';

export interface DrainOutcome extends DrainProgress {
  stoppedBy: DrainStop;
}

export const DEFAULT_DRAIN_OPTIONS: DrainOptions = { receivers: 6, waitTimeSeconds: 1, batchSize: 500, maxBatchAgeMs: 2_000, commitsInFlight: 2 };

const RECEIVE_MAX = 10;
const AGE_CHECK_MS = 200;
/** Extra time given to hidden messages beyond the queue's visibility timeout before the drain stops waiting. */
const HIDDEN_GRACE_MS = 10_000;

export async function drainQueue(
  sqs: SQSClient,
  queueUrl: string,
  commit: (messages: ReceivedMessage[]) => Promise<void>,
  options: DrainOptions,
  onProgress: (p: DrainProgress) => void = () => {},
): Promise<DrainOutcome> {
  const now = options.now ?? Date.now;
  const progress: DrainProgress = { received: 0, deleted: 0, batches: 0, released: 0, waitingForHidden: 0 };
  const report = () => onProgress({ ...progress });
  const deleteStored = options.deleteStored ?? ((messages: ReceivedMessage[]) => deleteMessages(sqs, queueUrl, messages));
  let pending: ReceivedMessage[] = [];
  let pendingSince = 0;
  // At most commitsInFlight commits run at once; a batch's deletes run beside the next batches' commits.
  const committing = new Set<Promise<boolean>>();
  const lanes = Math.max(1, options.commitsInFlight);
  const settling: Promise<void>[] = [];
  let failure: unknown;
  let stoppedBy: DrainStop | undefined;
  let reserved = 0; // messages asked for by receives in flight, so the budget holds across receivers

  /**
   * Commits what is pending once a commit lane is free, if there are at least `least` messages then (a receiver that
   * waited for a lane leaves a batch another flush took meanwhile to fill up again); resolves when the batch has
   * started committing.
   */
  const flush = async (least = 1): Promise<void> => {
    while (committing.size >= lanes) await Promise.race(committing);
    // Nothing awaited from here on: taking the batch and its lane is one step.
    if (pending.length < Math.max(1, least)) return;
    const batch = pending;
    pending = [];
    const committed = (async () => {
      if (failure) return false;
      try {
        await commit(batch);
        return true;
      } catch (err) {
        failure ??= err;
        return false;
      }
    })();
    committing.add(committed);
    void committed.then(() => committing.delete(committed));
    settling.push(
      committed.then(async (ok) => {
        if (!ok) {
          // Not stored: hand the messages back at once, so the retry does not find them hidden.
          progress.released += await releaseMessages(sqs, queueUrl, batch);
          report();
          return;
        }
        try {
          // Read the counter after the await: deletions of several batches overlap.
          const deleted = await deleteStored(batch);
          progress.deleted += deleted;
          progress.batches += 1;
          report();
          await options.onDeleted?.(deleted);
        } catch (err) {
          // Stored but not deleted: they come back after their visibility timeout and dedupe on uuid.
          failure ??= err;
        }
      }),
    );
  };

  const budgetLeft = () => (options.maxMessages === undefined ? RECEIVE_MAX : options.maxMessages - progress.received - reserved);

  const receiver = async () => {
    for (;;) {
      if (failure || options.signal?.aborted) return;
      if (budgetLeft() <= 0) {
        stoppedBy ??= 'budget';
        return;
      }
      const left = options.deadline === undefined ? Infinity : options.deadline - now();
      if (left <= 0) {
        stoppedBy ??= 'deadline';
        return;
      }
      const ask = Math.min(RECEIVE_MAX, budgetLeft());
      // Never long-poll past the deadline.
      const waitSeconds = Math.max(0, Math.min(options.waitTimeSeconds, Math.floor(left / 1000)));
      const sentAt = now();
      reserved += ask;
      let res;
      try {
        // No abort signal: a cancelled drain lets its long polls come back and keeps what they bring (stored, or
        // released if storing fails), where an aborted receive could leave messages hidden for the visibility timeout.
        // And a call without options keeps the client's middleware cache (lib/sqs.ts).
        res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: ask, WaitTimeSeconds: waitSeconds }));
      } finally {
        reserved -= ask;
      }
      const messages = (res.Messages ?? []).filter(isComplete);
      if (messages.length > 0) {
        if (pending.length === 0) pendingSince = now();
        progress.received += messages.length;
        pending.push(...messages.map((m) => ({ messageId: m.MessageId, receiptHandle: m.ReceiptHandle, body: m.Body ?? '' })));
      }
      report(); // progress after every receive (the drain activity heartbeats it at most once a second)
      if (messages.length === 0) {
        // Only a poll that waited its whole time proves the queue empty: a long poll can also come back early and
        // empty when another receiver took the message that woke it (the emulator does this).
        const waitedFully = now() - sentAt >= waitSeconds * 1000 * 0.9;
        if (!waitedFully) continue;
        if (waitSeconds < options.waitTimeSeconds) stoppedBy ??= 'deadline';
        return;
      }
      if (pending.length >= options.batchSize) await flush(options.batchSize);
    }
  };

  // A batch never waits for more than maxBatchAgeMs, however slowly messages trickle in.
  const ageCheck = setInterval(() => {
    if (pending.length > 0 && committing.size < lanes && now() - pendingSince >= options.maxBatchAgeMs) void flush();
  }, AGE_CHECK_MS);

  let rejected: unknown;
  let hiddenWaitStarted: number | undefined;
  try {
    for (;;) {
      const results = await Promise.allSettled(Array.from({ length: options.receivers }, receiver));
      rejected ??= results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason;
      await flush();
      await Promise.all(settling);
      if (failure || rejected || stoppedBy || options.signal?.aborted) break;
      // Every receiver found the queue empty. Messages still hidden were taken by an earlier attempt that died
      // (or their delete failed); they come back when their visibility timeout lapses: wait for them.
      const hidden = await hiddenMessages(sqs, queueUrl);
      progress.waitingForHidden = hidden.count;
      report();
      if (hidden.count === 0) {
        stoppedBy = 'empty';
        break;
      }
      hiddenWaitStarted ??= now();
      if (now() - hiddenWaitStarted > hidden.visibilityTimeoutMs + HIDDEN_GRACE_MS) {
        // Held by a live consumer elsewhere (a second drain started by hand): not ours to wait for.
        stoppedBy = 'empty';
        break;
      }
      await sleep(Math.min(1_000, Math.max(0, (options.deadline ?? Infinity) - now())));
    }
  } finally {
    clearInterval(ageCheck);
    // Anything received and still not committed here (something above threw) goes back now.
    if (pending.length > 0) {
      const rest = pending;
      pending = [];
      progress.released += await releaseMessages(sqs, queueUrl, rest);
    }
  }
  progress.waitingForHidden = 0;
  if (failure) throw failure;
  if (rejected) throw rejected;
  if (options.signal?.aborted) throw options.signal.reason ?? new Error('drain cancelled');
  return { ...progress, stoppedBy: stoppedBy ?? 'empty' };
}

function isComplete(m: Message): m is Message & { MessageId: string; ReceiptHandle: string } {
  return typeof m.MessageId === 'string' && typeof m.ReceiptHandle === 'string';
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Deletes in batches of 10, several at once; a failed entry only means a harmless redelivery. */
export async function deleteMessages(sqs: SQSClient, queueUrl: string, messages: readonly Pick<ReceivedMessage, 'receiptHandle'>[]): Promise<number> {
  let deleted = 0;
  const chunks = chunksOf(messages, 10);
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

/**
 * Makes messages visible again at once (visibility 0). Best effort: a message that cannot be released
 * comes back by itself when its visibility timeout lapses.
 */
export async function releaseMessages(sqs: SQSClient, queueUrl: string, messages: ReceivedMessage[]): Promise<number> {
  let released = 0;
  for (const chunk of chunksOf(messages, 10)) {
    try {
      const res = await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((m, idx) => ({ Id: String(idx), ReceiptHandle: m.receiptHandle, VisibilityTimeout: 0 })),
        }),
      );
      released += res.Successful?.length ?? 0;
    } catch {
      // The SQS endpoint is unreachable: the visibility timeout releases them instead.
    }
  }
  return released;
}

/** Messages received but neither deleted nor visible again, and the queue's visibility timeout. */
async function hiddenMessages(sqs: SQSClient, queueUrl: string): Promise<{ count: number; visibilityTimeoutMs: number }> {
  const res = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessagesNotVisible', 'VisibilityTimeout'] }),
  );
  return {
    count: Number(res.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
    visibilityTimeoutMs: Number(res.Attributes?.VisibilityTimeout ?? 30) * 1000,
  };
}

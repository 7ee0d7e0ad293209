// A drain cancelled mid-way (the hourly run cancelled, or its worker shutting down) leaves every message it
// received either stored and deleted, or visible again at once: none hidden until its visibility timeout,
// none lost. The receivers are not aborted mid-request (ingest/drain.ts): a long poll in flight comes back first.
// No database is needed (the commit is the test's own), so the emulator is started here rather than a whole world.
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DRAIN_OPTIONS, drainQueue } from '../../ingest/drain.js';
import { createSqsClient } from '../../lib/sqs.js';
import { startSqsEmulator, type SqsEmulator } from '../../workers/local-stack/sqs-emulator.js';

let emulator: SqsEmulator;
let sqs: SQSClient;

beforeAll(async () => {
  emulator = await startSqsEmulator();
  sqs = createSqsClient({ SQS_ENDPOINT: emulator.endpoint, AWS_REGION: 'us-east-2' });
});

afterAll(async () => {
  sqs?.destroy();
  await emulator?.stop();
});

async function queueWith(name: string, count: number): Promise<string> {
  // A visibility timeout far longer than the test: a message left hidden would stay hidden.
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '600' } }));
  for (let i = 0; i < count; i += 10) {
    const entries = Array.from({ length: Math.min(10, count - i) }, (_, k) => ({ Id: String(k), MessageBody: `message ${i + k}` }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: QueueUrl!, Entries: entries }));
  }
  return QueueUrl!;
}

async function counts(queueUrl: string): Promise<{ visible: number; hidden: number }> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return { visible: Number(Attributes?.ApproximateNumberOfMessages), hidden: Number(Attributes?.ApproximateNumberOfMessagesNotVisible) };
}

describe('a cancelled drain', () => {
  it('stops with the cancellation, and every message it took is stored and deleted or visible again at once', async () => {
    const total = 400;
    const queueUrl = await queueWith('cancelled-drain', total);
    const stored = new Set<string>();
    let firstBatch = 0;
    const cancel = new AbortController();
    const drained = drainQueue(
      sqs,
      queueUrl,
      async (batch) => {
        for (const m of batch) stored.add(m.body);
        if (firstBatch > 0) return;
        // Cancelled while the first batch is being written, with other receives in flight.
        firstBatch = batch.length;
        cancel.abort(new Error('the hourly run was cancelled'));
      },
      { ...DEFAULT_DRAIN_OPTIONS, batchSize: 50, maxBatchAgeMs: 60_000, signal: cancel.signal },
    );
    await expect(drained).rejects.toThrow('the hourly run was cancelled');

    // The receives in flight at the cancellation were kept (stored), not dropped.
    expect(stored.size).toBeGreaterThan(firstBatch);
    expect(stored.size).toBeLessThan(total);
    expect(await counts(queueUrl)).toEqual({ visible: total - stored.size, hidden: 0 });
    // What is left is exactly what was not stored: a next run takes it at once.
    const left = new Set<string>();
    for (;;) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      if (Messages.length === 0) break;
      for (const m of Messages) left.add(m.Body!);
    }
    expect(left.size).toBe(total - stored.size);
    for (const body of left) expect(stored.has(body)).toBe(false);
  });

  it('cancelled while its receivers wait in long polls: stops within a poll, and what arrives meanwhile is not left hidden', async () => {
    const queueUrl = await queueWith('cancelled-long-polls', 0);
    const stored = new Set<string>();
    const cancel = new AbortController();
    const drained = drainQueue(sqs, queueUrl, async (batch) => void batch.forEach((m) => stored.add(m.body)), {
      ...DEFAULT_DRAIN_OPTIONS,
      signal: cancel.signal,
    });
    // Every receiver is now in a long poll on the empty queue.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const cancelledAt = Date.now();
    cancel.abort(new Error('the worker is shutting down'));
    const arrivals = Array.from({ length: 10 }, (_, i) => `arrival ${i}`);
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: arrivals.map((body, i) => ({ Id: String(i), MessageBody: body })) }));
    await expect(drained).rejects.toThrow('the worker is shutting down');
    expect(Date.now() - cancelledAt).toBeLessThan(DEFAULT_DRAIN_OPTIONS.waitTimeSeconds * 1000 + 2_000);

    // A poll that was waiting took the arrivals to its drain (stored), or none did (still visible); none is hidden.
    expect(await counts(queueUrl)).toEqual({ visible: arrivals.length - stored.size, hidden: 0 });
    for (const body of stored) expect(arrivals).toContain(body);
  });
});

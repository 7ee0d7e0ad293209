// Delivery of routed events to SQS targets through the real @aws-sdk/client-sqs (the SQS emulator
// locally). As in AWS: the queue's policy must let events.amazonaws.com send with aws:SourceArn = the
// rule, else the delivery fails (NO_PERMISSIONS) without retries, as does a queue that does not
// exist (RESOURCE_NOT_FOUND); other errors are retried a few times at once (AWS retries for up to a
// day, which a local stack has no use for). A failed delivery goes to the target's dead-letter queue
// (whose policy must allow the rule too) with AWS's error attributes, or is dropped; all counted.
import {
  GetQueueAttributesCommand, GetQueueUrlCommand, SendMessageBatchCommand, SQSClient, type MessageAttributeValue,
} from '@aws-sdk/client-sqs';
import { parseSqsArn } from './arns.js';
import type { Target } from './model.js';
import type { RoutedEvent } from './partner-events.js';
import { eventBridgeMaySend } from './queue-policy.js';
import type { Counters } from './stats.js';

export interface DeliveryOptions {
  sqsEndpoint: string;
  /** The emulator's account: aws:SourceAccount of every rule. */
  account: string;
  counters: Counters;
  /** Immediate retries at most, whatever the target's RetryPolicy allows (default 2). */
  maxRetries?: number;
}

export interface Deliverer {
  deliver(routed: RoutedEvent[]): void;
  pending(): number;
  /** Resolves once every delivery started so far has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

interface Failure {
  code: string;
  message: string;
  /** Retries are pointless (permissions, missing queue): straight to the DLQ, as AWS does. */
  permanent: boolean;
}

interface FailedEvent {
  item: RoutedEvent;
  failure: Failure;
  /** Retries made before giving up (RETRY_ATTEMPTS). */
  retries: number;
}

class DeliveryFailure extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

export function createDeliverer(options: DeliveryOptions): Deliverer {
  const clients = new Map<string, SQSClient>();
  const inFlight = new Set<Promise<void>>();
  let pendingEvents = 0;
  const maxRetries = options.maxRetries ?? 2;

  // fauxqs names a queue's region after the request's signing region: one client per target region.
  const client = (region: string) => {
    let c = clients.get(region);
    if (!c) {
      c = new SQSClient({
        endpoint: options.sqsEndpoint, region, maxAttempts: 1, credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      clients.set(region, c);
    }
    return c;
  };

  /** The queue's URL, after checking that its policy lets this rule send. */
  async function openQueue(arn: string, ruleArn: string): Promise<{ sqs: SQSClient; url: string }> {
    const ref = parseSqsArn(arn)!;
    const sqs = client(ref.region);
    let url: string;
    try {
      url = (await sqs.send(new GetQueueUrlCommand({ QueueName: ref.queueName }))).QueueUrl!;
    } catch (err) {
      throw new DeliveryFailure(classify(err, arn));
    }
    const attrs = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Policy', 'QueueArn'] }))).Attributes ?? {};
    const verdict = eventBridgeMaySend(attrs.Policy, { queueArn: attrs.QueueArn ?? arn, ruleArn, account: options.account });
    if (!verdict.allowed) throw new DeliveryFailure({ code: 'NO_PERMISSIONS', message: `Access to ${arn} denied: ${verdict.reason}.`, permanent: true });
    return { sqs, url };
  }

  /** Sends the bodies (10 per batch); returns the indexes that could not be sent, with why. */
  async function send(arn: string, ruleArn: string, bodies: string[], attributes?: Record<string, MessageAttributeValue>[]) {
    const { sqs, url } = await openQueue(arn, ruleArn);
    const failed: { index: number; failure: Failure }[] = [];
    for (let start = 0; start < bodies.length; start += 10) {
      const Entries = bodies.slice(start, start + 10).map((MessageBody, i) => ({
        Id: `e${start + i}`, MessageBody, ...(attributes ? { MessageAttributes: attributes[start + i] } : {}),
      }));
      try {
        const res = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries }));
        for (const f of res.Failed ?? []) {
          failed.push({ index: Number(f.Id!.slice(1)), failure: { code: 'SDK_CLIENT_ERROR', message: f.Message ?? f.Code ?? 'failed', permanent: !!f.SenderFault } });
        }
      } catch (err) {
        for (const e of Entries) failed.push({ index: Number(e.Id.slice(1)), failure: classify(err, arn) });
      }
    }
    return failed;
  }

  /** One try at the whole group: the indexes that failed, with why. */
  async function tryOnce(arn: string, ruleArn: string, items: RoutedEvent[]): Promise<Map<number, Failure>> {
    try {
      const failed = await send(arn, ruleArn, items.map((item) => JSON.stringify(item.envelope)));
      return new Map(failed.map((f) => [f.index, f.failure]));
    } catch (err) {
      const failure = err instanceof DeliveryFailure ? err.failure : classify(err, arn);
      return new Map(items.map((_, i) => [i, failure]));
    }
  }

  async function deliverToTarget(ruleArn: string, target: Target, items: RoutedEvent[]): Promise<void> {
    const retries = Math.min(target.RetryPolicy?.MaximumRetryAttempts ?? 185, maxRetries);
    const failedForGood: FailedEvent[] = [];
    let pending = items;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 100 * attempt));
      const failures = await tryOnce(target.Arn, ruleArn, pending);
      const again: RoutedEvent[] = [];
      pending.forEach((item, i) => {
        const failure = failures.get(i);
        if (!failure) options.counters.add(item.source, 'delivered');
        else if (failure.permanent || attempt >= retries) failedForGood.push({ item, failure, retries: attempt });
        else again.push(item);
      });
      pending = again;
    }
    for (const f of failedForGood) options.counters.add(f.item.source, 'failedDelivery');
    if (failedForGood.length > 0 && target.DeadLetterConfig) await deadLetter(ruleArn, target, failedForGood);
  }

  async function deadLetter(ruleArn: string, target: Target, failures: FailedEvent[]) {
    const attributes = failures.map(({ failure, retries }) => {
      const a: Record<string, MessageAttributeValue> = {
        RULE_ARN: { DataType: 'String', StringValue: ruleArn },
        TARGET_ARN: { DataType: 'String', StringValue: target.Arn },
        ERROR_CODE: { DataType: 'String', StringValue: failure.code },
        ERROR_MESSAGE: { DataType: 'String', StringValue: failure.message },
        RETRY_ATTEMPTS: { DataType: 'Number', StringValue: String(retries) },
      };
      if (!failure.permanent) a.EXHAUSTED_RETRY_CONDITION = { DataType: 'String', StringValue: 'MaximumRetryAttempts' };
      return a;
    });
    let lost: Set<number>;
    try {
      const failed = await send(target.DeadLetterConfig!.Arn, ruleArn, failures.map((f) => JSON.stringify(f.item.envelope)), attributes);
      lost = new Set(failed.map((f) => f.index));
    } catch {
      // The DLQ is missing or refuses the rule: the events are dropped, as in AWS.
      lost = new Set(failures.map((_, i) => i));
    }
    failures.forEach((f, i) => {
      if (!lost.has(i)) options.counters.add(f.item.source, 'deadLettered');
    });
  }

  async function run(routed: RoutedEvent[]): Promise<void> {
    // One group per (rule, target), in the order the events came.
    const groups = new Map<string, { ruleArn: string; target: Target; items: RoutedEvent[] }>();
    for (const r of routed) {
      for (const target of r.targets) {
        const key = `${r.ruleArn}\n${target.Id}`;
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { ruleArn: r.ruleArn, target, items: [] }));
        g.items.push(r);
      }
    }
    await Promise.all([...groups.values()].map((g) => deliverToTarget(g.ruleArn, g.target, g.items)));
  }

  return {
    deliver(routed) {
      if (routed.length === 0) return;
      pendingEvents += routed.length;
      const task = run(routed)
        .catch((err) => console.error('EventBridge emulator: delivery failed unexpectedly', err))
        .finally(() => {
          pendingEvents -= routed.length;
          inFlight.delete(task);
        });
      inFlight.add(task);
    },
    pending: () => pendingEvents,
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    async close() {
      await this.idle();
      for (const c of clients.values()) c.destroy();
      clients.clear();
    },
  };
}

function classify(err: unknown, arn: string): Failure {
  const name = (err as { name?: string })?.name ?? '';
  const message = err instanceof Error ? err.message : String(err);
  if (name === 'QueueDoesNotExist' || name === 'AWS.SimpleQueueService.NonExistentQueue') {
    return { code: 'RESOURCE_NOT_FOUND', message: `Queue ${arn} does not exist.`, permanent: true };
  }
  if (/throttl/i.test(name)) return { code: 'THROTTLING', message, permanent: false };
  if (!(err as { $metadata?: unknown })?.$metadata) return { code: 'CONNECTION_FAILURE', message, permanent: false };
  return { code: 'SDK_CLIENT_ERROR', message, permanent: false };
}

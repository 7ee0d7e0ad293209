/**
 * Delivery as Okta Log Streaming → EventBridge partner bus → rule → SQS would do it: each
 * LogEvent wrapped in an EventBridge envelope (okta.md §1.3), the JSON envelope as the SQS body.
 */
import { randomUUID } from 'node:crypto';
import { SendMessageBatchCommand, type SQSClient, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { randomUuid } from './ids.js';
import { Random, type Seed } from './random.js';
import { isoSeconds } from './time.js';
import type { OktaLogEvent } from './types.js';

/** The stream's configuration: Okta subdomain plus the LogStream settings. */
export interface EventBridgeDestination {
  /** Okta subdomain, e.g. `acme`. */
  oktaOrg: string;
  /** LogStream `settings.eventSourceName` (our integration id). */
  eventSourceName: string;
  /** 12-digit AWS account id. */
  account: string;
  region: string;
}

export interface EventBridgeEnvelope {
  version: '0';
  id: string;
  'detail-type': 'SystemLog';
  source: string;
  account: string;
  time: string;
  region: string;
  resources: [];
  detail: OktaLogEvent;
}

/** `aws.partner/okta.com/<org>/<eventSourceName>`: the partner event source and bus name. */
export function partnerEventSource(oktaOrg: string, eventSourceName: string): string {
  return `aws.partner/okta.com/${oktaOrg}/${eventSourceName}`;
}

/**
 * Wraps one event. Every delivery gets a fresh envelope `id` (EventBridge's, not Okta's):
 * pass `rng` for reproducible ids, or `id` to set it.
 */
export function toEventBridgeEnvelope(
  event: OktaLogEvent, destination: EventBridgeDestination, options: { rng?: Random; id?: string } = {},
): EventBridgeEnvelope {
  return {
    version: '0',
    id: options.id ?? (options.rng ? randomUuid(options.rng) : randomUUID()),
    'detail-type': 'SystemLog',
    source: partnerEventSource(destination.oktaOrg, destination.eventSourceName),
    account: destination.account,
    time: isoSeconds(new Date(event.published)),
    region: destination.region,
    resources: [],
    detail: event,
  };
}

/** Wraps many events; with `seed` the envelope ids are reproducible. */
export function toEventBridgeEnvelopes(events: readonly OktaLogEvent[], destination: EventBridgeDestination, seed?: Seed): EventBridgeEnvelope[] {
  const rng = seed === undefined ? undefined : new Random(seed).fork('envelopes');
  return events.map((event) => toEventBridgeEnvelope(event, destination, { rng }));
}

export interface PublishOptions {
  /** Batches in flight at once (default 4). */
  concurrency?: number;
  /** Total body bytes per SendMessageBatch (SQS allows 1 MiB since 2025; default 1 MiB). */
  maxBatchBytes?: number;
  /** Attempts per entry for retryable failures (default 5). */
  maxAttempts?: number;
}

export interface PublishFailure {
  body: string;
  code: string;
  message: string;
  senderFault: boolean;
}

export interface PublishResult {
  sent: number;
  /** Entries SQS refused for good (sender faults, or retries exhausted). */
  failed: PublishFailure[];
  /** SendMessageBatch calls made, retries included. */
  requests: number;
}

const MAX_ENTRIES = 10;

/** Sends bodies with SendMessageBatch: 10 per batch, several in flight, failed entries retried. */
export async function publishEnvelopes(
  sqs: SQSClient, queueUrl: string, bodies: readonly (string | EventBridgeEnvelope)[], options: PublishOptions = {},
): Promise<PublishResult> {
  const texts = bodies.map((b) => (typeof b === 'string' ? b : JSON.stringify(b)));
  const batches = batch(texts, options.maxBatchBytes ?? 1_048_576);
  const maxAttempts = options.maxAttempts ?? 5;
  const result: PublishResult = { sent: 0, failed: [], requests: 0 };

  const sendBatch = async (pending: string[]): Promise<void> => {
    for (let attempt = 1; pending.length > 0; attempt++) {
      const entries: SendMessageBatchRequestEntry[] = pending.map((MessageBody, i) => ({ Id: `m${i}`, MessageBody }));
      result.requests++;
      let response;
      try {
        response = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      } catch (error) {
        if (attempt >= maxAttempts) throw error;
        await backoff(attempt);
        continue;
      }
      result.sent += response.Successful?.length ?? 0;
      const retry: string[] = [];
      for (const failure of response.Failed ?? []) {
        const body = pending[Number(failure.Id?.slice(1))];
        const permanent = failure.SenderFault === true || attempt >= maxAttempts;
        if (permanent) result.failed.push({ body, code: failure.Code ?? 'Unknown', message: failure.Message ?? '', senderFault: failure.SenderFault === true });
        else retry.push(body);
      }
      pending = retry;
      if (pending.length) await backoff(attempt);
    }
  };

  let next = 0;
  const worker = async () => {
    while (next < batches.length) await sendBatch(batches[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, batches.length)) }, worker));
  return result;
}

/** Groups bodies into batches of at most 10 entries and `maxBytes` in total. */
function batch(bodies: string[], maxBytes: number): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const body of bodies) {
    const size = Buffer.byteLength(body);
    if (current.length === MAX_ENTRIES || (current.length > 0 && bytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(body);
    bytes += size;
  }
  if (current.length) batches.push(current);
  return batches;
}

function backoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 50 * 2 ** (attempt - 1))));
}

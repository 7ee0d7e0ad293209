// The integration's dead-letter queue (DLQ): SQS moves a message there after 10 receives without a
// delete, which the drain only causes when it keeps failing on the same messages (a crash loop; poison
// messages are quarantined, not dead-lettered). Operators see its depth (a metric after every hourly
// drain, `integrations show`), list its messages without consuming them, and redrive them to the
// integration's queue once the cause is fixed. Events are deduplicated on the Okta uuid, so a message
// that is redriven twice (a crash between send and delete) is stored once.
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type Message,
  type SQSClient,
  type SendMessageBatchRequestEntry,
} from '@aws-sdk/client-sqs';
import { approximateDepth } from '../aws/queues.js';

export interface IntegrationQueues {
  integrationId: string;
  queueUrl: string;
  deadLetterQueueUrl: string;
}

/** Messages in the DLQ, visible or in flight (a listing in progress or a redrive hides some briefly). */
export function deadLetterDepth(sqs: SQSClient, deadLetterQueueUrl: string, opts: { timeoutMs?: number } = {}): Promise<number> {
  return approximateDepth(sqs, deadLetterQueueUrl, opts);
}

/** One line for operators about a non-empty DLQ, with the commands that inspect and redrive it. */
export function describeDeadLetters(integrationId: string, depth: number): string {
  return (
    `${depth} message${depth === 1 ? ' is' : 's are'} in the dead-letter queue (received 10 times without being stored); ` +
    `inspect with \`npx oort-okta dlq list ${integrationId}\`, move back to the queue with \`npx oort-okta dlq redrive ${integrationId}\``
  );
}

export interface DeadLetterMessage {
  messageId: string;
  /** When the message was first sent to the integration's queue (SQS keeps it when dead-lettering). */
  sentAt: string | null;
  /** SQS's ApproximateReceiveCount: the drain's receives, plus one for each listing (this one included). */
  receiveCount: number | null;
  bodyBytes: number;
  /** The Okta event's type and uuid when the body is an EventBridge envelope of one. */
  eventType: string | null;
  uuid: string | null;
  /** The start of the body on one line, values of secret-looking keys redacted before truncation. */
  preview: string;
}

export interface DeadLetterListing {
  depth: number;
  /** Distinct messages seen, oldest first; at most `limit`, and possibly fewer than `depth` (SQS samples). */
  messages: DeadLetterMessage[];
}

const RECEIVE_MAX = 10;
export const PREVIEW_CHARS = 160;

/**
 * Lists up to `limit` messages without consuming them: each receive uses visibility 0, so the messages
 * stay visible (to the next receive, to a redrive) and nothing is deleted. SQS returns a sample per
 * receive, so the listing repeats receives until it has `limit` distinct messages or two receives in a
 * row bring nothing new.
 */
export async function peekDeadLetters(
  sqs: SQSClient,
  deadLetterQueueUrl: string,
  opts: { limit: number; previewChars?: number },
): Promise<DeadLetterListing> {
  const depth = await deadLetterDepth(sqs, deadLetterQueueUrl);
  const seen = new Map<string, DeadLetterMessage>();
  if (depth > 0) {
    const maxRounds = Math.ceil(opts.limit / RECEIVE_MAX) * 4 + 2;
    let idle = 0;
    for (let round = 0; round < maxRounds && idle < 2 && seen.size < opts.limit; round++) {
      const res = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: deadLetterQueueUrl,
          MaxNumberOfMessages: RECEIVE_MAX,
          VisibilityTimeout: 0,
          WaitTimeSeconds: round === 0 ? 1 : 0,
          MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
        }),
      );
      let fresh = 0;
      for (const m of res.Messages ?? []) {
        if (!m.MessageId || seen.has(m.MessageId) || seen.size >= opts.limit) continue;
        seen.set(m.MessageId, describeMessage(m, opts.previewChars ?? PREVIEW_CHARS));
        fresh++;
      }
      idle = fresh === 0 ? idle + 1 : 0;
    }
  }
  const messages = [...seen.values()].sort((a, b) => (a.sentAt ?? '').localeCompare(b.sentAt ?? '') || a.messageId.localeCompare(b.messageId));
  return { depth, messages };
}

function describeMessage(m: Message, previewChars: number): DeadLetterMessage {
  const body = m.Body ?? '';
  const sent = Number(m.Attributes?.SentTimestamp);
  const received = Number(m.Attributes?.ApproximateReceiveCount);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const detail = isObject(parsed) && isObject(parsed.detail) ? parsed.detail : undefined;
  return {
    messageId: m.MessageId!,
    sentAt: Number.isFinite(sent) && sent > 0 ? new Date(sent).toISOString() : null,
    receiveCount: Number.isFinite(received) && received > 0 ? received : null,
    bodyBytes: Buffer.byteLength(body, 'utf8'),
    eventType: typeof detail?.eventType === 'string' ? detail.eventType : null,
    uuid: typeof detail?.uuid === 'string' ? detail.uuid : null,
    preview: previewBody(body, previewChars),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const SECRET_KEY = /token|secret|password|passwd|authorization|cookie|api[_-]?key|credential|signature|private[_-]?key/i;
/** `key: value` / `key=value` pairs (a scheme like `SSWS` before the value kept), then bare `SSWS …`/`Bearer …` credentials. */
const SECRET_PAIR = /\b(token|secret|password|passwd|authorization|cookie|api[_-]?key)\b(\s*[=:]\s*)(?:(SSWS|Bearer|Basic)\s+)?("[^"]*"|'[^']*'|[^\s,;&"']+)/gi;
const SECRET_CREDENTIAL = /\b(SSWS|Bearer|Basic)\s+(?!\[redacted\])[^\s"',;]+/gi;

/**
 * A one-line preview of a message body: a JSON body with the values of secret-looking keys replaced
 * (at any depth), any other body with token-like substrings replaced; only then cut to `max` characters
 * (whole code points), so a cut never reveals part of a secret the full text would have hidden.
 */
export function previewBody(body: string, max: number = PREVIEW_CHARS): string {
  let text: string;
  try {
    text = JSON.stringify(redactJson(JSON.parse(body)));
  } catch {
    text = body
      .replace(SECRET_PAIR, (_m, key: string, sep: string, scheme?: string) => `${key}${sep}${scheme ? `${scheme} ` : ''}[redacted]`)
      .replace(SECRET_CREDENTIAL, (_m, scheme: string) => `${scheme} [redacted]`);
  }
  // One line: control characters (newlines, tabs, escapes) become spaces.
  // eslint-disable-next-line no-control-regex
  const oneLine = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  const chars = Array.from(oneLine);
  return chars.length > max ? `${chars.slice(0, Math.max(0, max - 1)).join('')}…` : oneLine;
}

function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) && v !== null && typeof v !== 'boolean' ? '[redacted]' : redactJson(v)]),
  );
}

/**
 * Refuses unless `deadLetterQueueUrl` is the dead-letter target of `queueUrl` (its RedrivePolicy), so a
 * redrive can only move an integration's dead letters back to the queue they came from.
 */
export async function assertDeadLetterOf(sqs: SQSClient, q: IntegrationQueues): Promise<void> {
  const [source, dlq] = await Promise.all([
    sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.queueUrl, AttributeNames: ['RedrivePolicy'] })),
    sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.deadLetterQueueUrl, AttributeNames: ['QueueArn'] })),
  ]);
  let target: string | undefined;
  try {
    target = JSON.parse(source.Attributes?.RedrivePolicy ?? '{}').deadLetterTargetArn;
  } catch {
    target = undefined;
  }
  if (!target || target !== dlq.Attributes?.QueueArn) {
    throw new Error(
      `${q.deadLetterQueueUrl} is not the dead-letter queue of ${q.queueUrl} (its redrive policy names ${target ?? 'none'}); nothing was moved`,
    );
  }
}

export interface RedriveFailure {
  messageId: string;
  /** `send`: not sent, it stays in the DLQ. `delete`: sent, but also still in the DLQ (a later redrive sends it again). */
  step: 'send' | 'delete';
  code: string;
  message: string;
}

export interface RedriveResult {
  moved: number;
  failed: RedriveFailure[];
  /** DLQ depth afterwards (messages that failed are hidden for a while but counted). */
  remaining: number;
  stoppedBy: 'empty' | 'limit' | 'failures';
}

export interface RedriveOptions {
  /** Move at most this many messages. */
  limit: number;
  /** How long a received dead letter stays hidden while it is moved (a crash before the delete brings it back after this). */
  hideSeconds?: number;
  onProgress?: (p: { moved: number; failed: number }) => void;
}

/** SendMessageBatch payload limit (256 KiB), less room for the entries' ids and attributes. */
const BATCH_BYTES = 250 * 1024;

/**
 * Moves up to `limit` messages from the integration's DLQ to its queue: receive (hidden for
 * `hideSeconds`) → SendMessageBatch to the queue → delete from the DLQ only what was sent. A crash or a
 * failed delete leaves a sent message in the DLQ, to be sent again by the next redrive: at worst a
 * duplicate, which the drain stores once (events dedupe on uuid). A message that could not be sent is
 * left hidden and reappears in the DLQ after `hideSeconds`.
 */
export async function redriveDeadLetters(sqs: SQSClient, q: IntegrationQueues, opts: RedriveOptions): Promise<RedriveResult> {
  await assertDeadLetterOf(sqs, q);
  const hideSeconds = opts.hideSeconds ?? 60;
  const failed: RedriveFailure[] = [];
  const handled = new Set<string>();
  let moved = 0;
  let stoppedBy: RedriveResult['stoppedBy'] = 'limit';
  while (moved + failed.length < opts.limit) {
    const res = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: q.deadLetterQueueUrl,
        MaxNumberOfMessages: Math.min(RECEIVE_MAX, opts.limit - moved - failed.length),
        VisibilityTimeout: hideSeconds,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    );
    // A message handled earlier in this redrive can only come back after its hide expired (a failure): leave it.
    const batch = (res.Messages ?? []).filter((m) => m.MessageId && m.ReceiptHandle && !handled.has(m.MessageId));
    if (batch.length === 0) {
      stoppedBy = 'empty';
      break;
    }
    for (const m of batch) handled.add(m.MessageId!);
    const failedBefore = failed.length;
    for (const chunk of bySize(batch)) {
      const sent = await sendTo(sqs, q, chunk, failed);
      moved += await deleteFrom(sqs, q.deadLetterQueueUrl, sent, failed);
    }
    opts.onProgress?.({ moved, failed: failed.length });
    if (failed.length - failedBefore === batch.length) {
      stoppedBy = 'failures';
      break;
    }
  }
  return { moved, failed, remaining: await deadLetterDepth(sqs, q.deadLetterQueueUrl), stoppedBy };
}

function bySize(messages: Message[]): Message[][] {
  const chunks: Message[][] = [];
  let current: Message[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = Buffer.byteLength(m.Body ?? '', 'utf8');
    if (current.length > 0 && bytes + size > BATCH_BYTES) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Sends the messages (body and message attributes as received); returns the ones SQS accepted. */
async function sendTo(sqs: SQSClient, q: IntegrationQueues, messages: Message[], failed: RedriveFailure[]): Promise<Message[]> {
  const entries: SendMessageBatchRequestEntry[] = messages.map((m, i) => ({
    Id: String(i),
    MessageBody: m.Body ?? '',
    MessageAttributes: m.MessageAttributes && Object.keys(m.MessageAttributes).length > 0 ? m.MessageAttributes : undefined,
  }));
  try {
    const res = await sqs.send(new SendMessageBatchCommand({ QueueUrl: q.queueUrl, Entries: entries }));
    for (const f of res.Failed ?? []) {
      failed.push({ messageId: messages[Number(f.Id)].MessageId!, step: 'send', code: f.Code ?? 'unknown', message: f.Message ?? '' });
    }
    return (res.Successful ?? []).map((s) => messages[Number(s.Id)]);
  } catch (err) {
    for (const m of messages) failed.push({ messageId: m.MessageId!, step: 'send', code: (err as Error).name, message: (err as Error).message });
    return [];
  }
}

/** Deletes sent messages from the DLQ; returns how many are gone. */
async function deleteFrom(sqs: SQSClient, deadLetterQueueUrl: string, sent: Message[], failed: RedriveFailure[]): Promise<number> {
  if (sent.length === 0) return 0;
  try {
    const res = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: deadLetterQueueUrl,
        Entries: sent.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
    for (const f of res.Failed ?? []) {
      failed.push({ messageId: sent[Number(f.Id)].MessageId!, step: 'delete', code: f.Code ?? 'unknown', message: f.Message ?? '' });
    }
    return res.Successful?.length ?? 0;
  } catch (err) {
    for (const m of sent) failed.push({ messageId: m.MessageId!, step: 'delete', code: (err as Error).name, message: (err as Error).message });
    return 0;
  }
}

export interface DeadLetterStatus {
  queueUrl: string;
  /** Messages in the DLQ now; null when SQS could not be asked (then `error` says why). */
  messages: number | null;
  /** When it is not empty: how many and the commands that inspect and redrive them. */
  warning: string | null;
  error?: string;
}

/** The integration's dead-letter queue as `integrations show` reports it; null when it has no queue (polling). */
export async function deadLetterStatus(
  sqs: SQSClient,
  row: { id: string; deadLetterQueueUrl: string | null },
): Promise<DeadLetterStatus | null> {
  if (!row.deadLetterQueueUrl) return null;
  try {
    const messages = await deadLetterDepth(sqs, row.deadLetterQueueUrl, { timeoutMs: 10_000 });
    return { queueUrl: row.deadLetterQueueUrl, messages, warning: messages > 0 ? describeDeadLetters(row.id, messages) : null };
  } catch (err) {
    return { queueUrl: row.deadLetterQueueUrl, messages: null, warning: null, error: (err as Error).message };
  }
}

// The signed webhook a tenant receives for each detection, digest, onboarding reminder and
// stream-health notice, signed the Standard Webhooks way (https://www.standardwebhooks.com):
//   webhook-id:        the message id, the same on every retry (the idempotency key)
//   webhook-timestamp: unix seconds when this attempt was sent
//   webhook-signature: `v1,<base64 HMAC-SHA256 of "${id}.${timestamp}.${body}">`; while a channel's
//                      secret is being rotated, one `v1,…` entry per secret, space-separated
// A receiver verifies with the `standardwebhooks` package (`new Webhook("whsec_…").verify(body, headers)`),
// which rejects timestamps more than 5 minutes from its clock, and drops a `webhook-id` it has seen.
// `Idempotency-Key` carries the id as well. `X-Oort-Signature: sha256=<hex HMAC-SHA256 of the body>`
// (current secret only, no replay protection) is still sent for receivers written against it; it is
// deprecated and goes away in the next release.
// When the findings pages have an address (FINDINGS_BASE_URL, or the worker's own FINDINGS_PORT), a detection's
// body carries `links: { detection: <its page> }`, and a digest's `links: { detections: <the list> }` and a
// `links.detection` per entry: additive fields, absent when there is no such address.
import type { OortEnvironment } from '../lib/config.js';
import { assertSlackUrl, guardedFetch } from '../lib/outbound.js';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export interface DetectionNotice {
  integrationId: string;
  detectionId: number;
  ruleId: string;
  severity: string;
  title: string;
  subjectUser: string | null;
  subjectUserId: string | null;
  firstEventAt: string;
  lastEventAt: string;
  evidenceUuids: string[];
  /** The detection's page (findings/links.ts detectionUrl), when the findings pages have an address. */
  links?: { detection: string };
}

/** Deprecated: the body-only signature, kept for one release for receivers written against it. */
export const SIGNATURE_HEADER = 'X-Oort-Signature';
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const WEBHOOK_ID_HEADER = 'webhook-id';
export const WEBHOOK_TIMESTAMP_HEADER = 'webhook-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'webhook-signature';
/** How far a receiver's clock may be from `webhook-timestamp` (the `standardwebhooks` verifier's window). */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;
/** The prefix of a Standard Webhooks secret: `whsec_<base64 of the key bytes>`. */
export const SECRET_PREFIX = 'whsec_';

export function webhookBody(n: DetectionNotice): string {
  return JSON.stringify({
    type: 'detection',
    integration_id: n.integrationId,
    detection_id: n.detectionId,
    rule_id: n.ruleId,
    severity: n.severity,
    title: n.title,
    subject_user: n.subjectUser,
    subject_user_id: n.subjectUserId,
    first_event_at: n.firstEventAt,
    last_event_at: n.lastEventAt,
    evidence_event_uuids: n.evidenceUuids,
    ...(n.links ? { links: { detection: n.links.detection } } : {}),
  });
}

/** A channel's signing secrets: the current one, and the previous one while a rotation is under way. */
export interface SigningSecrets {
  current: string;
  previous?: string | null;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The HMAC key of a stored secret: a `whsec_<base64>` secret is its decoded bytes (the Standard
 * Webhooks form, what `rotate-secret` generates); any other secret (given at creation before the
 * Standard Webhooks scheme) is its UTF-8 bytes.
 */
export function signingKey(secret: string): Buffer {
  if (secret.startsWith(SECRET_PREFIX)) {
    const rest = secret.slice(SECRET_PREFIX.length);
    if (rest.length > 0 && BASE64.test(rest)) return Buffer.from(rest, 'base64');
  }
  return Buffer.from(secret, 'utf8');
}

/** The secret as a receiver passes it to `new Webhook(…)`: `whsec_<base64 of the key>`. */
export function receiverSecret(secret: string): string {
  return `${SECRET_PREFIX}${signingKey(secret).toString('base64')}`;
}

/** The `webhook-signature` value: one `v1,<base64>` per secret (current first), space-separated. */
export function standardSignature(secrets: SigningSecrets, id: string, timestamp: Date, body: string): string {
  const all = [secrets.current, ...(secrets.previous ? [secrets.previous] : [])];
  return all.map((s) => new Webhook(signingKey(s), { format: 'raw' }).sign(id, timestamp, body)).join(' ');
}

/** Every header of one signed delivery attempt. */
export function signedHeaders(body: string, secrets: SigningSecrets | string, id: string, now: Date = new Date()): Record<string, string> {
  const s = typeof secrets === 'string' ? { current: secrets } : secrets;
  const timestamp = new Date(Math.floor(now.getTime() / 1000) * 1000);
  return {
    [WEBHOOK_ID_HEADER]: id,
    [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp.getTime() / 1000),
    [WEBHOOK_SIGNATURE_HEADER]: standardSignature(s, id, timestamp, body),
    [IDEMPOTENCY_HEADER]: id,
    [SIGNATURE_HEADER]: sign(body, s.current),
  };
}

/**
 * The receiver's check (what a tenant's endpoint does): verifies `webhook-signature` with any of the
 * given secrets (`whsec_…`) and the 5-minute timestamp window; throws `WebhookVerificationError`.
 */
export function verifyStandardWebhook(body: string, headers: Record<string, string | string[] | undefined>, secrets: string[]): unknown {
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
  let last: unknown;
  for (const secret of secrets) {
    try {
      return new Webhook(secret).verify(body, flat);
    } catch (err) {
      last = err;
    }
  }
  throw last ?? new Error('no secret to verify with');
}

/** Deprecated body-only signature (`X-Oort-Signature`), kept for one release. */
export function sign(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export function verifySignature(body: string, secret: string, header: string | undefined | null): boolean {
  if (!header) return false;
  const expected = Buffer.from(sign(body, secret));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export interface DigestEntry {
  detectionId: number;
  ruleId: string;
  severity: string;
  title: string;
  subjectUser: string | null;
  links?: { detection: string };
}

export function webhookDigestBody(integrationId: string, ingestRunId: number, entries: DigestEntry[], links?: { detections: string }): string {
  return JSON.stringify({
    type: 'digest',
    integration_id: integrationId,
    ingest_run_id: ingestRunId,
    detection_count: entries.length,
    detections: entries.map((e) => ({
      detection_id: e.detectionId,
      rule_id: e.ruleId,
      severity: e.severity,
      title: e.title,
      subject_user: e.subjectUser,
      ...(e.links ? { links: { detection: e.links.detection } } : {}),
    })),
    ...(links ? { links: { detections: links.detections } } : {}),
  });
}

export function idempotencyKey(detectionId: number, channelId: number): string {
  return `oort-detection-${detectionId}-channel-${channelId}`;
}

export class WebhookDeliveryError extends Error {
  override name = 'WebhookDeliveryError';
}

/**
 * POSTs one signed notice; `key` is its `webhook-id`, the same on every retry. Any non-2xx answer is
 * an error, so Temporal retries the delivery (with a fresh timestamp and signature, the same id).
 */
export async function postWebhook(url: string, body: string, secrets: SigningSecrets | string, key: string, to: Destination): Promise<void> {
  await postJson(url, body, signedHeaders(body, secrets, key), to);
}

/** Where notices may go: the worker's environment decides whether http and loopback receivers are allowed. */
export interface Destination {
  environment: OortEnvironment;
  timeoutMs?: number;
  /** The findings pages' public address (findings/links.ts findingsBaseUrl): detection notices link there. */
  findingsBaseUrl?: string;
}

/** POSTs to a Slack incoming webhook, which must be Slack's own host (`https://hooks.slack.com/services/…`). */
export async function postSlack(url: string, body: string, to: Destination): Promise<void> {
  try {
    assertSlackUrl(url, to.environment);
  } catch (err) {
    throw new WebhookDeliveryError(`Slack channel refused: ${(err as Error).message}`);
  }
  await postJson(url, body, {}, to);
}

/**
 * POSTs a JSON body through the guarded client (lib/outbound.ts: the address judged at connect time, no
 * redirects); a non-2xx answer or a network failure is a WebhookDeliveryError naming the host.
 */
export async function postJson(url: string, body: string, headers: Record<string, string>, to: Destination): Promise<void> {
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    throw new WebhookDeliveryError('the channel URL is not a URL; fix the channel');
  }
  try {
    const res = await guardedFetch(
      url,
      { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body, timeoutMs: to.timeoutMs ?? 10_000 },
      { environment: to.environment },
    );
    if (!res.ok) {
      throw new WebhookDeliveryError(`webhook ${host} answered ${res.status}; the delivery will be retried`);
    }
  } catch (err) {
    if (err instanceof WebhookDeliveryError) throw err;
    throw new WebhookDeliveryError(`webhook ${host} unreachable: ${(err as Error).message}; the delivery will be retried`);
  }
}

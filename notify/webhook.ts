// The signed webhook a tenant receives for each detection. The receiver verifies
// `X-Oort-Signature: sha256=<hex HMAC-SHA256 of the raw body>` with the integration's secret and
// dedupes on `Idempotency-Key` (a retried delivery carries the same key).
import { createHmac, timingSafeEqual } from 'node:crypto';

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
}

export const SIGNATURE_HEADER = 'X-Oort-Signature';
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

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
  });
}

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
}

export function webhookDigestBody(integrationId: string, ingestRunId: number, entries: DigestEntry[]): string {
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
    })),
  });
}

export function idempotencyKey(detectionId: number, channelId: number): string {
  return `oort-detection-${detectionId}-channel-${channelId}`;
}

export class WebhookDeliveryError extends Error {
  override name = 'WebhookDeliveryError';
}

/** POSTs one signed notice; any non-2xx answer is an error, so Temporal retries the delivery. */
export async function postWebhook(url: string, body: string, secret: string, key: string, timeoutMs = 10_000): Promise<void> {
  await postJson(url, body, { [SIGNATURE_HEADER]: sign(body, secret), [IDEMPOTENCY_HEADER]: key }, timeoutMs);
}

/** POSTs a JSON body; a non-2xx answer or a network failure is a WebhookDeliveryError naming the host. */
export async function postJson(url: string, body: string, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<void> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body,
      signal: controller.signal,
    });
    if (!res.ok) {
      throw new WebhookDeliveryError(`webhook ${new URL(url).host} answered ${res.status}; the delivery will be retried`);
    }
  } catch (err) {
    if (err instanceof WebhookDeliveryError) throw err;
    throw new WebhookDeliveryError(`webhook ${new URL(url).host} unreachable: ${(err as Error).message}; the delivery will be retried`);
  } finally {
    clearTimeout(timer);
  }
}

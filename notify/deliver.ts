// Sends each detection to each of the integration's enabled channels at or above the channel's
// severity threshold — once: the (detection, channel) notification row is the record, and a row
// marked sent is never sent again. Failures are recorded and rethrown so Temporal retries the step.
import type { Database } from '../schema/db.js';
import { decryptSecret } from '../lib/secrets.js';
import { SEVERITIES } from '../detections/index.js';
import { idempotencyKey, postWebhook, webhookBody, WebhookDeliveryError } from './webhook.js';

export interface DeliveryResult {
  sent: number;
  failed: number;
}

/** Detections older than this are not notified late (a channel added today does not replay a backlog). */
const NOTIFY_WINDOW_DAYS = 7;

export async function deliverPendingNotifications(db: Database, secretKey: Buffer, integrationId: string): Promise<DeliveryResult> {
  const sql = db.$client;
  const pending = await sql<
    {
      detection_id: number; channel_id: number; url: string; secret_encrypted: string; rule_id: string; severity: string; title: string;
      subject_user: string | null; subject_user_id: string | null; first_event_at: string; last_event_at: string; evidence_uuids: string[];
    }[]
  >`
    select d.id as detection_id, c.id as channel_id, c.url, c.secret_encrypted, d.rule_id, d.severity::text as severity, d.title,
           d.subject_user, d.subject_user_id, d.first_event_at, d.last_event_at, d.evidence_uuids
    from detections d
    join notification_channels c on c.integration_id = d.integration_id and c.enabled
    where d.integration_id = ${integrationId}
      and d.created_at > now() - make_interval(days => ${NOTIFY_WINDOW_DAYS})
      and array_position(${SEVERITIES as string[]}::text[], d.severity::text) >= array_position(${SEVERITIES as string[]}::text[], c.min_severity::text)
      and not exists (select 1 from notifications n where n.detection_id = d.id and n.channel_id = c.id and n.status = 'sent')
    order by d.id, c.id`;

  const result: DeliveryResult = { sent: 0, failed: 0 };
  const errors: string[] = [];
  for (const p of pending) {
    const key = idempotencyKey(p.detection_id, p.channel_id);
    await sql`
      insert into notifications (detection_id, channel_id, idempotency_key)
      values (${p.detection_id}, ${p.channel_id}, ${key})
      on conflict (detection_id, channel_id) do nothing`;
    const body = webhookBody({
      integrationId,
      detectionId: Number(p.detection_id),
      ruleId: p.rule_id,
      severity: p.severity,
      title: p.title,
      subjectUser: p.subject_user,
      subjectUserId: p.subject_user_id,
      firstEventAt: new Date(p.first_event_at).toISOString(),
      lastEventAt: new Date(p.last_event_at).toISOString(),
      evidenceUuids: p.evidence_uuids,
    });
    try {
      await postWebhook(p.url, body, decryptSecret(p.secret_encrypted, secretKey, `channel:${integrationId}`), key);
      await sql`
        update notifications set status = 'sent', attempts = attempts + 1, sent_at = now(), last_error = null
        where detection_id = ${p.detection_id} and channel_id = ${p.channel_id}`;
      result.sent += 1;
    } catch (err) {
      const message = err instanceof WebhookDeliveryError ? err.message : String(err);
      await sql`
        update notifications set status = 'failed', attempts = attempts + 1, last_error = ${message}
        where detection_id = ${p.detection_id} and channel_id = ${p.channel_id}`;
      result.failed += 1;
      errors.push(`detection ${p.detection_id}: ${message}`);
    }
  }
  if (errors.length > 0) {
    throw new WebhookDeliveryError(`${errors.length} notification(s) failed and will be retried: ${errors.slice(0, 3).join('; ')}`);
  }
  return result;
}

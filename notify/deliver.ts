// Sends each detection to each of the integration's enabled channels (signed webhook or Slack) at or
// above the channel's severity threshold — once: the (detection, channel) notification row is the
// record, and a row marked sent is never sent again. When one hourly run finds more detections than
// the integration's `digest_after`, each channel gets one digest for that run instead. Each channel is
// sent to on its own: a failure (including a secret that cannot be unsealed) is recorded (status,
// attempts, last error) and the other channels still get theirs; after all were tried, a failure is
// thrown so Temporal retries the step, which then sends only what is not marked sent. Webhooks are
// signed with the channel's current secret and, during a rotation, its previous one (Standard Webhooks).
import type postgres from 'postgres';
import type { Database } from '../schema/db.js';
import type { detections, digests, events, integrations, notificationChannels, RawRow } from '../schema/tables.js';
import { recordNotificationFailure } from '../lib/metrics.js';
import { SEVERITIES } from '../detections/index.js';
import { slackDetectionMessage, slackDigestMessage } from './slack.js';
import { channelSecrets } from './channels.js';
import { idempotencyKey, postSlack, postWebhook, webhookBody, webhookDigestBody, WebhookDeliveryError, type Destination, type SigningSecrets } from './webhook.js';
import type { SecretKeys } from '../lib/secrets.js';
import { detectionsUrl, detectionUrl } from '../findings/links.js';

/** `links` of a notice: the detection's findings page, when the pages have an address. */
function linksOf(to: Destination, integrationId: string, detectionId: number): { links?: { detection: string } } {
  const detection = detectionUrl(to.findingsBaseUrl, integrationId, detectionId);
  return detection ? { links: { detection } } : {};
}

export interface DeliveryResult {
  sent: number;
  digests: number;
  failed: number;
}

/** Detections older than this are not notified late (a channel added today does not replay a backlog). */
const NOTIFY_WINDOW_DAYS = 7;

/** A (detection, channel) not yet notified: the detection, the channel, and where its latest evidence came from. */
type PendingRow = { detection_id: RawRow<typeof detections>['id']; channel_id: RawRow<typeof notificationChannels>['id'] } & Pick<
  RawRow<typeof detections>,
  'ingest_run_id' | 'rule_id' | 'severity' | 'title' | 'subject_user' | 'subject_user_id' | 'first_event_at' | 'last_event_at' | 'evidence_uuids' | 'count' | 'runbook'
> &
  Pick<RawRow<typeof notificationChannels>, 'kind' | 'url' | 'secret_encrypted' | 'previous_secret_encrypted'> &
  Pick<RawRow<typeof events>, 'client_ip' | 'city' | 'country'>;

/**
 * The (detection `d`, enabled channel `c`) pairs of the integration still to be notified: recent enough, at or above the
 * channel's threshold, and not marked sent. One condition for the delivery and for the check before it.
 */
function unsent(sql: postgres.Sql, integrationId: string): postgres.PendingQuery<postgres.Row[]> {
  return sql`d.integration_id = ${integrationId}
      and d.created_at > now() - make_interval(days => ${NOTIFY_WINDOW_DAYS})
      and array_position(${SEVERITIES as string[]}::text[], d.severity::text) >= array_position(${SEVERITIES as string[]}::text[], c.min_severity::text)
      and not exists (select 1 from notifications n where n.detection_id = d.id and n.channel_id = c.id and n.status = 'sent')`;
}

/** Whether `deliverPendingNotifications` has anything to send for the integration now. */
export async function hasPendingNotifications(db: Database, integrationId: string): Promise<boolean> {
  const sql = db.$client;
  const [{ pending }] = await sql<{ pending: boolean }[]>`
    select exists (
      select 1 from detections d join notification_channels c on c.integration_id = d.integration_id and c.enabled
      where ${unsent(sql, integrationId)}) as pending`;
  return pending;
}

export async function deliverPendingNotifications(
  db: Database,
  secretKey: SecretKeys,
  integrationId: string,
  ingestRunId: number,
  to: Destination,
): Promise<DeliveryResult> {
  const sql = db.$client;
  const [{ digest_after: digestAfter }] = await sql<Pick<RawRow<typeof integrations>, 'digest_after'>[]>`select digest_after from integrations where id = ${integrationId}`;
  const pending = await sql<PendingRow[]>`
    select d.id as detection_id, d.ingest_run_id, c.id as channel_id, c.kind::text as kind, c.url, c.secret_encrypted, c.previous_secret_encrypted,
           d.rule_id, d.severity::text as severity, d.title, d.subject_user, d.subject_user_id, d.first_event_at, d.last_event_at,
           d.evidence_uuids, d.count, d.runbook, e.client_ip, e.city, e.country
    from detections d
    join notification_channels c on c.integration_id = d.integration_id and c.enabled
    left join events e on e.integration_id = d.integration_id and e.uuid = d.evidence_uuids[cardinality(d.evidence_uuids)]
    where ${unsent(sql, integrationId)}
    order by d.id, c.id`;

  const result: DeliveryResult = { sent: 0, digests: 0, failed: 0 };
  const errors: string[] = [];
  const byChannel = new Map<number, PendingRow[]>();
  for (const p of pending) byChannel.set(Number(p.channel_id), [...(byChannel.get(Number(p.channel_id)) ?? []), p]);
  for (const [channelId, rows] of byChannel) {
    let secret: SigningSecrets;
    try {
      secret = channelSecrets(rows[0], secretKey, integrationId, channelId);
    } catch (err) {
      result.failed += rows.length;
      recordNotificationFailure(integrationId, rows[0].kind);
      errors.push(`channel ${channelId}: ${(err as Error).message}`);
      continue;
    }
    const ofThisRun = rows.filter((r) => Number(r.ingest_run_id) === ingestRunId);
    let individual = rows;
    if (ofThisRun.length > digestAfter) {
      try {
        await sendDigest(db, integrationId, ingestRunId, channelId, rows[0], secret, ofThisRun, to);
        result.digests += 1;
        individual = rows.filter((r) => Number(r.ingest_run_id) !== ingestRunId);
      } catch (err) {
        result.failed += 1;
        recordNotificationFailure(integrationId, rows[0].kind);
        errors.push(`digest of run ${ingestRunId} to channel ${channelId}: ${(err as Error).message}`);
        continue;
      }
    }
    for (const p of individual) {
      try {
        await sendOne(db, integrationId, p, secret, to);
        result.sent += 1;
      } catch (err) {
        result.failed += 1;
        recordNotificationFailure(integrationId, p.kind);
        errors.push(`detection ${p.detection_id}: ${(err as Error).message}`);
      }
    }
  }
  if (errors.length > 0) {
    throw new WebhookDeliveryError(`${errors.length} notification(s) failed and will be retried: ${errors.slice(0, 3).join('; ')}`);
  }
  return result;
}

async function sendOne(db: Database, integrationId: string, p: PendingRow, secret: SigningSecrets, to: Destination): Promise<void> {
  const sql = db.$client;
  const key = idempotencyKey(Number(p.detection_id), Number(p.channel_id));
  await sql`
    insert into notifications (detection_id, channel_id, idempotency_key) values (${p.detection_id}, ${p.channel_id}, ${key})
    on conflict (detection_id, channel_id) do nothing`;
  const notice = {
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
    ...linksOf(to, integrationId, Number(p.detection_id)),
  };
  try {
    if (p.kind === 'slack') {
      await postSlack(secret.current, slackDetectionMessage({ ...notice, runbook: p.runbook, clientIp: p.client_ip, city: p.city, country: p.country, count: p.count }), to);
    } else {
      await postWebhook(p.url, webhookBody(notice), secret, key, to);
    }
  } catch (err) {
    await sql`
      update notifications set status = 'failed', attempts = attempts + 1, last_error = ${(err as Error).message}
      where detection_id = ${p.detection_id} and channel_id = ${p.channel_id}`;
    throw err;
  }
  await sql`
    update notifications set status = 'sent', attempts = attempts + 1, sent_at = now(), last_error = null
    where detection_id = ${p.detection_id} and channel_id = ${p.channel_id}`;
}

async function sendDigest(
  db: Database,
  integrationId: string,
  ingestRunId: number,
  channelId: number,
  channel: Pick<PendingRow, 'kind' | 'url'>,
  secret: SigningSecrets,
  rows: PendingRow[],
  to: Destination,
): Promise<void> {
  const sql = db.$client;
  const [digest] = await sql<Pick<RawRow<typeof digests>, 'id'>[]>`
    insert into digests (integration_id, ingest_run_id, channel_id, detection_count)
    values (${integrationId}, ${ingestRunId}, ${channelId}, ${rows.length})
    on conflict (ingest_run_id, channel_id) do update set detection_count = excluded.detection_count
    returning id`;
  const entries = rows.map((r) => ({ detectionId: Number(r.detection_id), ruleId: r.rule_id, severity: r.severity, title: r.title, subjectUser: r.subject_user, ...linksOf(to, integrationId, Number(r.detection_id)) }));
  const list = detectionsUrl(to.findingsBaseUrl, integrationId);
  const links = list ? { detections: list } : undefined;
  try {
    if (channel.kind === 'slack') await postSlack(secret.current, slackDigestMessage(integrationId, ingestRunId, entries, links), to);
    else await postWebhook(channel.url, webhookDigestBody(integrationId, ingestRunId, entries, links), secret, `oort-digest-run-${ingestRunId}-channel-${channelId}`, to);
  } catch (err) {
    await sql`update digests set status = 'failed', attempts = attempts + 1, last_error = ${(err as Error).message} where id = ${digest.id}`;
    throw err;
  }
  await sql.begin(async (tx) => {
    await tx`update digests set status = 'sent', attempts = attempts + 1, sent_at = now(), last_error = null where id = ${digest.id}`;
    const notes = rows.map((r) => ({
      detection_id: r.detection_id,
      channel_id: channelId,
      idempotency_key: idempotencyKey(Number(r.detection_id), channelId),
      digest_id: digest.id,
      status: 'sent',
      attempts: 1,
      sent_at: new Date().toISOString(),
    }));
    await tx`insert into notifications ${tx(notes)} on conflict (detection_id, channel_id) do update set
      status = 'sent', digest_id = excluded.digest_id, sent_at = excluded.sent_at, last_error = null`;
  });
}

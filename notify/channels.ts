// A tenant's notification channels: their secrets (a webhook's signing secret, rotatable with the old
// and the new one valid at once; a Slack channel's full incoming-webhook URL), and sending one notice
// to each enabled channel independently: every channel is tried, each outcome is recorded in
// `channel_notices`, a channel that already has the notice is not sent it again, and only after all
// were tried does a failure throw (so Temporal retries the step for the channels that failed).
import { randomBytes } from 'node:crypto';
import type postgres from 'postgres';
import type { Database } from '../schema/db.js';
import type { channelNotices, notificationChannelKind, notificationChannels, RawRow } from '../schema/tables.js';
import { decryptSecret, encryptSecret, type SecretKeys } from '../lib/secrets.js';
import { recordNotificationFailure } from '../lib/metrics.js';
import { SECRET_PREFIX, signingKey, WebhookDeliveryError, type SigningSecrets } from './webhook.js';

export type ChannelKind = (typeof notificationChannelKind.enumValues)[number];

type ChannelColumns = Pick<RawRow<typeof notificationChannels>, 'id' | 'kind' | 'url' | 'secret_encrypted' | 'previous_secret_encrypted'>;

/** An enabled channel as sending reads it, its id as a number. `url` is for display (redacted for Slack): never post to it for a Slack channel. */
export type ChannelRow = Omit<ChannelColumns, 'id'> & { id: number };

/** What a channel secret is bound to: its integration and the channel itself, so it cannot be moved to another channel. */
export const channelAad = (integrationId: string, channelId: number) => `channel:${integrationId}:${channelId}`;
/** Channel secrets sealed before they were bound to their channel are bound to the integration only. */
const integrationWideAad = (integrationId: string) => `channel:${integrationId}`;

/** Opens a channel secret, also one sealed before secrets were bound to their channel (`secrets reseal` rebinds it). */
export function openChannelSecret(sealed: string, secretKey: SecretKeys, integrationId: string, channelId: number): { plain: string; bound: boolean } {
  try {
    return { plain: decryptSecret(sealed, secretKey, channelAad(integrationId, channelId)), bound: true };
  } catch (err) {
    try {
      return { plain: decryptSecret(sealed, secretKey, integrationWideAad(integrationId)), bound: false };
    } catch {
      throw err;
    }
  }
}

/** The channel's unsealed secrets: for a webhook its signing secret(s); for Slack `current` is the full URL. */
export function channelSecrets(
  c: Pick<ChannelRow, 'secret_encrypted' | 'previous_secret_encrypted'>,
  secretKey: SecretKeys,
  integrationId: string,
  channelId: number,
): SigningSecrets {
  const current = openChannelSecret(c.secret_encrypted, secretKey, integrationId, channelId).plain;
  const previous = c.previous_secret_encrypted ? openChannelSecret(c.previous_secret_encrypted, secretKey, integrationId, channelId).plain : null;
  return { current, previous };
}

/** A new channel's id, taken before its row is written so that its secret can be sealed bound to it. */
export async function nextChannelId(sql: postgres.Sql | postgres.TransactionSql): Promise<number> {
  const [row] = await sql<{ id: string }[]>`select nextval(pg_get_serial_sequence('notification_channels', 'id')) as id`;
  return Number(row.id);
}

export async function enabledChannels(db: Database, integrationId: string): Promise<ChannelRow[]> {
  const rows = await db.$client<ChannelColumns[]>`
    select id, kind::text as kind, url, secret_encrypted, previous_secret_encrypted
    from notification_channels where integration_id = ${integrationId} and enabled order by id`;
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

export interface NoticeOutcome {
  /** Channels that have the notice (now or from an earlier attempt). */
  delivered: number;
  /** Channels sent to by this call. */
  sent: number;
  failed: number;
}

/**
 * Sends one notice to every enabled channel, each on its own: a channel whose record says `sent` is
 * skipped, a failure is recorded on its row and does not stop the next channel; when any failed, a
 * WebhookDeliveryError is thrown after all were tried.
 */
export async function sendToEachChannel(
  db: Database,
  secretKey: SecretKeys,
  notice: { integrationId: string; topic: string; episode: string; key: (channelId: number) => string },
  send: (channel: ChannelRow, secrets: SigningSecrets, key: string) => Promise<void>,
): Promise<NoticeOutcome> {
  const sql = db.$client;
  const outcome: NoticeOutcome = { delivered: 0, sent: 0, failed: 0 };
  const errors: string[] = [];
  for (const c of await enabledChannels(db, notice.integrationId)) {
    const key = notice.key(c.id);
    const [row] = await sql<Pick<RawRow<typeof channelNotices>, 'status'>[]>`
      insert into channel_notices (integration_id, channel_id, topic, episode, idempotency_key)
      values (${notice.integrationId}, ${c.id}, ${notice.topic}, ${notice.episode}, ${key})
      on conflict (channel_id, topic, episode) do update set idempotency_key = channel_notices.idempotency_key
      returning status::text as status`;
    if (row.status === 'sent') {
      outcome.delivered += 1;
      continue;
    }
    try {
      await send(c, channelSecrets(c, secretKey, notice.integrationId, c.id), key);
    } catch (err) {
      const message = (err as Error).message;
      outcome.failed += 1;
      errors.push(`channel ${c.id} (${c.kind}): ${message}`);
      recordNotificationFailure(notice.integrationId, c.kind);
      await sql`
        update channel_notices set status = 'failed', attempts = attempts + 1, last_error = ${message}
        where channel_id = ${c.id} and topic = ${notice.topic} and episode = ${notice.episode}`;
      continue;
    }
    await sql`
      update channel_notices set status = 'sent', attempts = attempts + 1, sent_at = now(), last_error = null
      where channel_id = ${c.id} and topic = ${notice.topic} and episode = ${notice.episode}`;
    outcome.sent += 1;
    outcome.delivered += 1;
  }
  if (errors.length > 0) {
    throw new WebhookDeliveryError(
      `${notice.topic} ${notice.episode}: ${errors.length} channel(s) failed and will be retried (${outcome.delivered} delivered): ${errors.slice(0, 3).join('; ')}`,
    );
  }
  return outcome;
}

// ---- Webhook secret rotation ----------------------------------------------------------------------

export class ChannelError extends Error {
  override name = 'ChannelError';
}

/** A new Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

export type ChannelInfo = Pick<typeof notificationChannels.$inferSelect, 'id' | 'kind' | 'url' | 'minSeverity' | 'enabled' | 'secretRotatedAt'> & {
  rotating: boolean;
};

export async function listChannels(db: Database, integrationId: string): Promise<ChannelInfo[]> {
  const rows = await db.$client<
    (Pick<RawRow<typeof notificationChannels>, 'id' | 'kind' | 'url' | 'min_severity' | 'enabled' | 'secret_rotated_at'> & { rotating: boolean })[]
  >`
    select id, kind::text as kind, url, min_severity::text as min_severity, enabled,
           previous_secret_encrypted is not null as rotating, secret_rotated_at
    from notification_channels where integration_id = ${integrationId} order by id`;
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    url: r.url,
    minSeverity: r.min_severity,
    enabled: r.enabled,
    rotating: r.rotating,
    secretRotatedAt: r.secret_rotated_at === null ? null : new Date(r.secret_rotated_at),
  }));
}

/**
 * Starts a rotation of a webhook channel's secret: the current secret becomes the previous one and
 * `newSecret` (default: a generated `whsec_…`) the current one. Until `finishSecretRotation`, each
 * delivery is signed with both. Refused while a rotation is already under way.
 */
export async function rotateChannelSecret(
  db: Database,
  secretKey: SecretKeys,
  integrationId: string,
  channelId: number,
  newSecret: string = generateWebhookSecret(),
): Promise<{ secret: string }> {
  const secret = newSecret.trim();
  if (signingKey(secret).length < 16) {
    throw new ChannelError('The new webhook secret is too short: use at least 16 bytes (e.g. whsec_ and the base64 of 32 random bytes), or let rotate-secret generate one.');
  }
  await db.$client.begin(async (tx) => {
    const [c] = await tx<Pick<RawRow<typeof notificationChannels>, 'kind' | 'secret_encrypted' | 'previous_secret_encrypted'>[]>`
      select kind::text as kind, secret_encrypted, previous_secret_encrypted from notification_channels
      where id = ${channelId} and integration_id = ${integrationId} for update`;
    if (!c) throw new ChannelError(`Integration ${integrationId} has no channel ${channelId}; list them with \`npx oort-okta integrations channel list ${integrationId}\`.`);
    if (c.kind !== 'webhook') {
      throw new ChannelError(`Channel ${channelId} is a ${c.kind} channel; only a webhook channel has a signing secret to rotate.`);
    }
    if (c.previous_secret_encrypted) {
      throw new ChannelError(
        `A rotation of channel ${channelId} is already under way; once the receiver uses the new secret, finish it with ` +
          `\`npx oort-okta integrations channel finish-rotation ${integrationId} ${channelId}\`, then rotate again.`,
      );
    }
    // Both are re-sealed so the previous secret is bound to the same row as before.
    const current = openChannelSecret(c.secret_encrypted, secretKey, integrationId, channelId).plain;
    await tx`
      update notification_channels set
        previous_secret_encrypted = ${encryptSecret(current, secretKey, channelAad(integrationId, channelId))},
        secret_encrypted = ${encryptSecret(secret, secretKey, channelAad(integrationId, channelId))},
        secret_rotated_at = now()
      where id = ${channelId}`;
  });
  return { secret };
}

/** Ends a rotation: the previous secret is dropped, deliveries carry only the current secret's signature. */
export async function finishSecretRotation(db: Database, integrationId: string, channelId: number): Promise<{ wasRotating: boolean }> {
  const [c] = await db.$client<(Pick<RawRow<typeof notificationChannels>, 'kind'> & { rotating: boolean })[]>`
    select kind::text as kind, previous_secret_encrypted is not null as rotating from notification_channels
    where id = ${channelId} and integration_id = ${integrationId}`;
  if (!c) throw new ChannelError(`Integration ${integrationId} has no channel ${channelId}; list them with \`npx oort-okta integrations channel list ${integrationId}\`.`);
  await db.$client`update notification_channels set previous_secret_encrypted = null where id = ${channelId} and integration_id = ${integrationId}`;
  return { wasRotating: c.rotating };
}

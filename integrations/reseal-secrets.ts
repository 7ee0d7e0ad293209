// After a key rotation: every stored secret (Okta API tokens, channel signing secrets and Slack URLs)
// sealed under an older key, or before sealed values named their key, is opened with the keyring and
// sealed again under the current key; a channel secret sealed before secrets were bound to their
// channel is bound to it on the way. Each row is updated only if it still holds the value read, so a
// token rotated meanwhile is never overwritten; running it again finishes what an interrupted run left.
import type { Database } from '../schema/db.js';
import { channelAad, openChannelSecret } from '../notify/channels.js';
import { decryptSecret, encryptSecret, needsReseal, type SecretKeyring } from '../lib/secrets.js';

export interface ResealReport {
  /** Sealed values looked at. */
  examined: number;
  resealed: number;
  /** Values that could not be opened with any configured key, with where they are and why. */
  failed: Array<{ where: string; reason: string }>;
  currentKeyId: string;
  dryRun: boolean;
}

interface Sealed {
  where: string;
  value: string;
  /** What the value is sealed again bound to. */
  aad: string;
  /** The plaintext, and whether the value is already bound to `aad` (channel secrets from before channel binding are not). */
  open: () => { plain: string; bound: boolean };
  write: (next: string) => Promise<number>;
}

export async function resealSecrets(db: Database, keys: SecretKeyring, opts: { dryRun?: boolean; integrationId?: string } = {}): Promise<ResealReport> {
  const only = opts.integrationId ?? null;
  const sql = db.$client;
  const report: ResealReport = { examined: 0, resealed: 0, failed: [], currentKeyId: keys.currentId, dryRun: opts.dryRun ?? false };
  const sealed: Sealed[] = [];
  for (const r of await sql<{ id: string; api_token_encrypted: string }[]>`select id, api_token_encrypted from integrations where ${only}::text is null or id = ${only} order by id`) {
    sealed.push({
      where: `integration ${r.id} (Okta API token)`,
      value: r.api_token_encrypted,
      aad: r.id,
      open: () => ({ plain: decryptSecret(r.api_token_encrypted, keys, r.id), bound: true }),
      write: async (next) => (await sql`update integrations set api_token_encrypted = ${next} where id = ${r.id} and api_token_encrypted = ${r.api_token_encrypted}`).count,
    });
  }
  const channels = await sql<{ id: string; integration_id: string; secret_encrypted: string; previous_secret_encrypted: string | null }[]>`
    select id, integration_id, secret_encrypted, previous_secret_encrypted from notification_channels
    where ${only}::text is null or integration_id = ${only} order by id`;
  for (const c of channels) {
    sealed.push({
      where: `channel ${c.id} of ${c.integration_id}`,
      value: c.secret_encrypted,
      aad: channelAad(c.integration_id, Number(c.id)),
      open: () => openChannelSecret(c.secret_encrypted, keys, c.integration_id, Number(c.id)),
      write: async (next) => (await sql`update notification_channels set secret_encrypted = ${next} where id = ${c.id} and secret_encrypted = ${c.secret_encrypted}`).count,
    });
    const previous = c.previous_secret_encrypted;
    if (previous) {
      sealed.push({
        where: `channel ${c.id} of ${c.integration_id} (previous secret)`,
        value: previous,
        aad: channelAad(c.integration_id, Number(c.id)),
        open: () => openChannelSecret(previous, keys, c.integration_id, Number(c.id)),
        write: async (next) =>
          (await sql`update notification_channels set previous_secret_encrypted = ${next} where id = ${c.id} and previous_secret_encrypted = ${previous}`).count,
      });
    }
  }
  for (const s of sealed) {
    report.examined += 1;
    let opened: { plain: string; bound: boolean };
    try {
      opened = s.open();
    } catch (err) {
      report.failed.push({ where: s.where, reason: (err as Error).message });
      continue;
    }
    if (opened.bound && !needsReseal(s.value, keys)) continue;
    if (!report.dryRun && (await s.write(encryptSecret(opened.plain, keys, s.aad))) === 0) continue; // changed meanwhile: already current
    report.resealed += 1;
  }
  return report;
}

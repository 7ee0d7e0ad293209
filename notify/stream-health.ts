// Telling the tenant that its log stream went quiet (or that Okta turned it off) and that the gap is
// being filled from the Okta API, and later that the stream is back. Sent to every enabled channel:
// a signed JSON body to webhooks, a readable message to Slack. The idempotency key lets a receiver
// drop the copy a retried step may send again.
import type { Database } from '../schema/db.js';
import { decryptSecret } from '../lib/secrets.js';
import { postJson, postWebhook } from './webhook.js';

export interface StreamHealthNotice {
  integrationId: string;
  kind: 'degraded' | 'recovered';
  /** What is wrong and what to do (degraded), or what happened (recovered). */
  detail: string;
  /** When the verdict was reached (ISO); part of the idempotency key. */
  at: string;
}

export function streamHealthBody(n: StreamHealthNotice): string {
  return JSON.stringify({ type: `log_stream_${n.kind}`, integration_id: n.integrationId, at: n.at, message: n.detail });
}

export function streamHealthSlackText(n: StreamHealthNotice): string {
  const headline = n.kind === 'degraded' ? ':warning: Okta log stream degraded' : ':white_check_mark: Okta log stream delivering again';
  return JSON.stringify({ text: `${headline} · integration \`${n.integrationId}\`\n${n.detail}` });
}

/** Sends the notice to every enabled channel; returns how many received it. Failures throw (the step retries). */
export async function sendStreamHealthNotice(db: Database, secretKey: Buffer, n: StreamHealthNotice): Promise<number> {
  const channels = await db.$client<{ id: number; kind: string; url: string; secret_encrypted: string }[]>`
    select id, kind::text as kind, url, secret_encrypted from notification_channels where integration_id = ${n.integrationId} and enabled`;
  for (const c of channels) {
    const key = `oort-stream-${n.kind}-${n.integrationId}-${n.at}-channel-${c.id}`;
    // A Slack channel's secret is its incoming-webhook URL (the stored url is redacted); a webhook's is its HMAC key.
    const secret = decryptSecret(c.secret_encrypted, secretKey, `channel:${n.integrationId}`);
    if (c.kind === 'slack') await postJson(secret, streamHealthSlackText(n));
    else await postWebhook(c.url, streamHealthBody(n), secret, key);
  }
  return channels.length;
}

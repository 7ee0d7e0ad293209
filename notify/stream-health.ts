// Telling the tenant that its log stream went quiet (or that Okta turned it off) and that the gap is
// being filled from the Okta API, and later that the stream is back. Sent to every enabled channel:
// a signed JSON body to webhooks, a readable message to Slack (at its full, unsealed URL). Each channel
// is sent to on its own and recorded (`channel_notices`, topic `stream_<kind>`, episode = the verdict
// time), so one failing channel does not stop the others, and a retry sends only to the channels that
// failed. The idempotency key (`webhook-id`) lets a receiver drop a copy it already has.
import type { Database } from '../schema/db.js';
import type { channelNotices, RawRow } from '../schema/tables.js';
import { sendToEachChannel } from './channels.js';
import { postSlack, postWebhook, type Destination } from './webhook.js';
import type { SecretKeys } from '../lib/secrets.js';

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

/** A notice of the same kind still missing on some channel is taken up again (with its own time) within this window. */
const RETRY_EPISODE_WITHIN_HOURS = 24;

/**
 * Sends the notice to every enabled channel not yet holding it; returns how many hold it. Failures
 * throw after every channel was tried (the step retries). Degraded and recovered notices alternate,
 * so when the latest stream notice of the integration is of this kind, recent, and still unsent on
 * some channel, this call is a retry of it: it keeps that notice's time (and so its body and ids)
 * and sends only where it is missing, even though the caller computed a new `at`.
 */
export async function sendStreamHealthNotice(db: Database, secretKey: SecretKeys, n: StreamHealthNotice, to: Destination): Promise<number> {
  const topic = `stream_${n.kind}`;
  const [latest] = await db.$client<(Pick<RawRow<typeof channelNotices>, 'topic' | 'episode'> & { unsent: boolean })[]>`
    select l.topic, l.episode,
           exists (select 1 from channel_notices u where u.integration_id = l.integration_id and u.topic = l.topic
                   and u.episode = l.episode and u.status <> 'sent') as unsent
    from channel_notices l
    where l.integration_id = ${n.integrationId} and l.topic in ('stream_degraded', 'stream_recovered')
      and l.created_at > now() - make_interval(hours => ${RETRY_EPISODE_WITHIN_HOURS})
    order by l.id desc limit 1`;
  const notice = latest && latest.topic === topic && latest.unsent ? { ...n, at: latest.episode } : n;
  const outcome = await sendToEachChannel(
    db,
    secretKey,
    { integrationId: n.integrationId, topic, episode: notice.at, key: (id) => `oort-stream-${n.kind}-${n.integrationId}-${notice.at}-channel-${id}` },
    async (c, secrets, key) => {
      // A Slack channel's secret is its incoming-webhook URL (the stored url is redacted); a webhook's is its HMAC key.
      if (c.kind === 'slack') await postSlack(secrets.current, streamHealthSlackText(notice), to);
      else await postWebhook(c.url, streamHealthBody(notice), secrets, key, to);
    },
  );
  return outcome.delivered;
}

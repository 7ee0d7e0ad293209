// The onboarding reminder: when the "EventBridge in place" signal has not come in time, the
// tenant's channels get a notice repeating what to enter in Okta: a signed JSON body to webhooks, a
// readable message to Slack (posted to the full incoming-webhook URL, unsealed from the channel's
// secret; the stored `url` of a Slack channel is redacted). Each channel is sent to on its own and
// recorded (`channel_notices`, topic `onboarding_reminder`, episode = reminder number), so one
// failing channel neither stops the others nor makes a retry send the reminder twice.
import type { Database } from '../schema/db.js';
import { sendToEachChannel } from './channels.js';
import { postSlack, postWebhook, type Destination } from './webhook.js';
import type { SecretKeys } from '../lib/secrets.js';

export interface ReminderNotice {
  integrationId: string;
  reminderNumber: number;
  eventSourceName: string;
  awsAccountId: string;
  awsRegion: string;
}

export function reminderBody(n: ReminderNotice): string {
  return JSON.stringify({
    type: 'onboarding_reminder',
    integration_id: n.integrationId,
    reminder_number: n.reminderNumber,
    message:
      'Okta log streaming is not confirmed yet. In Okta go to Reports → Log Streaming → Add Log Stream → AWS EventBridge, ' +
      'enter the values below, save, and tell your Oort technical contact that the EventBridge is in place.',
    okta_log_stream: { event_source_name: n.eventSourceName, aws_account_id: n.awsAccountId, aws_region: n.awsRegion },
  });
}

export function reminderSlackText(n: ReminderNotice): string {
  const text = [
    `:hourglass: *Okta log streaming is not confirmed yet* · integration \`${n.integrationId}\` (reminder ${n.reminderNumber})`,
    'In Okta go to Reports → Log Streaming → Add Log Stream → AWS EventBridge, enter:',
    `• AWS Event Source Name: \`${n.eventSourceName}\``,
    `• AWS account ID: \`${n.awsAccountId}\``,
    `• AWS region: \`${n.awsRegion}\``,
    'then save, and tell your Oort technical contact that the EventBridge is in place.',
  ].join('\n');
  return JSON.stringify({ text });
}

export const reminderKey = (integrationId: string, reminderNumber: number, channelId: number) =>
  `oort-onboarding-reminder-${integrationId}-${reminderNumber}-channel-${channelId}`;

/**
 * Sends the reminder to every enabled channel not yet holding it; returns how many hold it. When a
 * channel fails, the others are still sent to, and then a WebhookDeliveryError is thrown (the step
 * is retried for the failed channels only).
 */
export async function sendReminder(db: Database, secretKey: SecretKeys, n: ReminderNotice, to: Destination): Promise<number> {
  const body = reminderBody(n);
  const outcome = await sendToEachChannel(
    db,
    secretKey,
    { integrationId: n.integrationId, topic: 'onboarding_reminder', episode: String(n.reminderNumber), key: (id) => reminderKey(n.integrationId, n.reminderNumber, id) },
    async (c, secrets, key) => {
      if (c.kind === 'slack') await postSlack(secrets.current, reminderSlackText(n), to);
      else await postWebhook(c.url, body, secrets, key, to);
    },
  );
  return outcome.delivered;
}

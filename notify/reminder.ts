// The onboarding reminder: when the "EventBridge in place" signal has not come in time, the
// tenant's channels get a signed notice repeating what to enter in Okta.
import type { Database } from '../schema/db.js';
import { decryptSecret } from '../lib/secrets.js';
import { postWebhook } from './webhook.js';

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

/** Sends the reminder to every enabled channel; returns how many received it. */
export async function sendReminder(db: Database, secretKey: Buffer, n: ReminderNotice): Promise<number> {
  const channels = await db.$client<{ id: number; url: string; secret_encrypted: string }[]>`
    select id, url, secret_encrypted from notification_channels where integration_id = ${n.integrationId} and enabled`;
  const body = reminderBody(n);
  for (const c of channels) {
    const secret = decryptSecret(c.secret_encrypted, secretKey, `channel:${n.integrationId}`);
    await postWebhook(c.url, body, secret, `oort-onboarding-reminder-${n.integrationId}-${n.reminderNumber}-channel-${c.id}`);
  }
  return channels.length;
}

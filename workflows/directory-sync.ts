// Daily upkeep of one integration: sync the Okta directory (users, devices and MFA factors), and check
// through the Okta API that the log stream is still active (Okta turns a stream off after failed
// deliveries; the hourly run then fills the gap from the API).
import { patched } from '@temporalio/workflow';
import { ACTIVITY_OPTIONS } from '../temporal/shared/activity-options.js';
import { proxyHeavyActivities } from './heavy-activities.js';
import type { DirectorySyncResult, IntegrationRef } from './types.js';

const { syncDirectory } = proxyHeavyActivities(ACTIVITY_OPTIONS.directorySync);
const { checkLogStreamHealth } = proxyHeavyActivities(ACTIVITY_OPTIONS.oktaCheck);

export async function directorySync({ integrationId }: IntegrationRef): Promise<DirectorySyncResult> {
  const synced = await syncDirectory({ integrationId });
  if (patched('daily-stream-check')) {
    const stream = await checkLogStreamHealth({ integrationId });
    return { ...synced, logStreamOk: stream.ok };
  }
  return synced;
}

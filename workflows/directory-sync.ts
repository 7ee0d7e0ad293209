// Daily upkeep of one integration: sync the Okta directory (users, devices and MFA factors), and check
// through the Okta API that the log stream is still active (Okta turns a stream off after failed
// deliveries; the hourly run then fills the gap from the API).
import { patched, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { CREDENTIALS_REJECTED, type DirectorySyncResult, type IntegrationRef } from './types.js';

const { syncDirectory } = proxyActivities<Activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5s', maximumInterval: '5 minutes', maximumAttempts: 10, nonRetryableErrorTypes: [CREDENTIALS_REJECTED] },
});
const { checkLogStreamHealth } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5s', maximumInterval: '1 minute', maximumAttempts: 10, nonRetryableErrorTypes: [CREDENTIALS_REJECTED] },
});

export async function directorySync({ integrationId }: IntegrationRef): Promise<DirectorySyncResult> {
  const synced = await syncDirectory({ integrationId });
  if (patched('daily-stream-check')) {
    const stream = await checkLogStreamHealth({ integrationId });
    return { ...synced, logStreamOk: stream.ok };
  }
  return synced;
}

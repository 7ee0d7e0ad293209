// Daily sync of the integration's Okta directory: users, devices and MFA factors.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { CREDENTIALS_REJECTED, type DirectorySyncResult, type IntegrationRef } from './types.js';

const { syncDirectory } = proxyActivities<Activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5s', maximumInterval: '5 minutes', maximumAttempts: 10, nonRetryableErrorTypes: [CREDENTIALS_REJECTED] },
});

export async function directorySync({ integrationId }: IntegrationRef): Promise<DirectorySyncResult> {
  return syncDirectory({ integrationId });
}

// "Refresh User Data": on demand, one user's profile, factors and devices, and their System Log
// events newer than their latest Activity row, read from the Okta API and written to Activity at
// once. The workflow id is derived from integration and user (refreshUserWorkflowId), so
// concurrent requests for one user join a single run.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { CREDENTIALS_REJECTED, type RefreshUserInput, type RefreshUserResult } from './types.js';

const okta = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 5, nonRetryableErrorTypes: [CREDENTIALS_REJECTED, 'OktaUserNotFound'] },
});

export function refreshUserWorkflowId(integrationId: string, userId: string): string {
  return `refresh-user:${integrationId}:${userId}`;
}

export async function refreshUser({ integrationId, userId }: RefreshUserInput): Promise<RefreshUserResult> {
  const profile = await okta.refreshUserDirectory({ integrationId, userId });
  const events = await okta.refreshUserEvents({ integrationId, userId });
  return { userId, ...profile, ...events };
}

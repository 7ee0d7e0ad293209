// "Refresh User Data": on demand, one user's profile, factors and devices, and their System Log
// events newer than their latest Activity row, read from the Okta API and written to Activity at
// once. The workflow id is derived from integration and user (temporal/ids.ts), so
// concurrent requests for one user join a single run.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { ACTIVITY_OPTIONS } from '../temporal/shared/activity-options.js';
import type { RefreshUserInput, RefreshUserResult } from './types.js';

const okta = proxyActivities<Activities>(ACTIVITY_OPTIONS.refreshUser);

export async function refreshUser({ integrationId, userId }: RefreshUserInput): Promise<RefreshUserResult> {
  const profile = await okta.refreshUserDirectory({ integrationId, userId });
  const events = await okta.refreshUserEvents({ integrationId, userId });
  return { userId, ...profile, ...events };
}

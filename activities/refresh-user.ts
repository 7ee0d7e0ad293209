// Refresh User Data: one user's profile, factors and devices, then their newest System Log events.
import { Context } from '@temporalio/activity';
import { refreshUserDirectory as refreshDirectoryOf, refreshUserEvents as refreshEventsOf } from '../user-activity/refresh.js';
import type { IntegrationRef } from '../workflows/types.js';
import type { ActivityDeps } from './deps.js';
import { oktaClientOrFail, rethrowOktaError } from './okta-access.js';

export function refreshUserActivities(deps: ActivityDeps) {
  const heartbeat = (details: unknown) => Context.current().heartbeat(details);
  return {
    async refreshUserDirectory({ integrationId, userId }: IntegrationRef & { userId: string }) {
      const client = await oktaClientOrFail(deps, integrationId);
      try {
        return await refreshDirectoryOf(client, deps.db, integrationId, userId);
      } catch (err) {
        rethrowOktaError(err, `refreshing user ${userId}`);
      }
    },
    async refreshUserEvents({ integrationId, userId }: IntegrationRef & { userId: string }) {
      const client = await oktaClientOrFail(deps, integrationId);
      try {
        return await refreshEventsOf(client, deps.db, integrationId, userId, deps.now?.() ?? new Date(), deps.config.OKTA_LOG_PAGE_LIMIT, heartbeat);
      } catch (err) {
        rethrowOktaError(err, `reading System Log events of user ${userId}`);
      }
    },
  };
}

// The daily directory sync: users, devices and MFA factors.
import { Context } from '@temporalio/activity';
import { syncDirectory as syncDirectoryFrom } from '../directory/sync.js';
import type { DirectorySyncResult, IntegrationRef } from '../workflows/types.js';
import type { ActivityDeps } from './deps.js';
import { oktaClientOrFail, rethrowOktaError } from './okta-access.js';

export function directoryActivities(deps: ActivityDeps) {
  const heartbeat = (details: unknown) => Context.current().heartbeat(details);
  return {
    async syncDirectory({ integrationId }: IntegrationRef): Promise<DirectorySyncResult> {
      const client = await oktaClientOrFail(deps, integrationId);
      try {
        return await syncDirectoryFrom(client, deps.db, integrationId, heartbeat);
      } catch (err) {
        rethrowOktaError(err, 'directory sync');
      }
    },
  };
}

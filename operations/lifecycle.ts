// Pausing, resuming and removing an integration: its status in the database and its Schedules together.
import type { Client } from '@temporalio/client';
import type { Database } from '../schema/db.js';
import { getIntegrationWithTenant, setIntegrationStatus } from '../integrations/repository.js';
import { deleteSchedules, pauseSchedules, resumeSchedules } from '../temporal/schedules.js';

export async function pauseIntegration(client: Client, db: Database, integrationId: string, reason = 'paused by operator'): Promise<void> {
  await setIntegrationStatus(db, integrationId, 'paused', reason);
  await pauseSchedules(client, integrationId, reason);
}

export async function resumeIntegration(client: Client, db: Database, integrationId: string): Promise<void> {
  const { integration } = await getIntegrationWithTenant(db, integrationId);
  await setIntegrationStatus(db, integrationId, integration.ingestMode === 'polling' ? 'polling' : 'streaming', null);
  await resumeSchedules(client, integrationId, 'resumed by operator');
}

/** Deletes the Schedules, stops running work and marks the integration removed (its data stays until purged). */
export async function removeIntegration(client: Client, db: Database, integrationId: string): Promise<void> {
  await deleteSchedules(client, integrationId);
  await setIntegrationStatus(db, integrationId, 'removed', 'removed by operator');
}

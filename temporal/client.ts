// Operator actions on an integration, over the Temporal client: start onboarding, signal that
// EventBridge is in place, read the onboarding status, refresh a user, pause, resume and remove.
// The CLI calls these; so can any service with a Temporal client.
import { WorkflowIdConflictPolicy, WorkflowNotFoundError, type Client, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { Database } from '../schema/db.js';
import { setIntegrationStatus, getIntegrationWithTenant } from '../integrations/repository.js';
import { deleteSchedules, pauseSchedules, resumeSchedules } from './schedules.js';
import { credentialsUpdatedSignal, eventBridgeInPlaceSignal, onboardingStatusQuery } from '../workflows/messages.js';
import { IntegrationId, TenantId } from './search-attributes.js';
import type { OnboardingInput, OnboardingState, RefreshUserResult } from '../workflows/types.js';
import type { onboarding } from '../workflows/onboarding.js';
import { refreshUserWorkflowId, type refreshUser } from '../workflows/refresh-user.js';

export function onboardingWorkflowId(integrationId: string): string {
  return `onboarding:${integrationId}`;
}

/** What the Temporal UI shows of a workflow: filterable ids, readable names, a one-line summary. */
async function workflowLabels(db: Database, integrationId: string, what: string) {
  const { integration, tenantName } = await getIntegrationWithTenant(db, integrationId);
  return {
    typedSearchAttributes: [
      { key: TenantId, value: integration.tenantId },
      { key: IntegrationId, value: integrationId },
    ],
    memo: { tenant: tenantName, integration: integration.name },
    staticSummary: `${what}: ${integration.name} — tenant ${tenantName}`,
  };
}

export async function startOnboarding(
  client: Client,
  db: Database,
  taskQueue: string,
  input: OnboardingInput,
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof onboarding>> {
  return client.workflow.start<typeof onboarding>('onboarding', {
    workflowId: onboardingWorkflowId(input.integrationId),
    taskQueue,
    args: [input],
    // Starting twice joins the running onboarding instead of failing.
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    ...(await workflowLabels(db, input.integrationId, 'Onboarding')),
  });
}

function notOnboarding(integrationId: string): Error {
  return new Error(
    `No onboarding is running for integration ${integrationId}. Check the id with \`oort-okta integrations list\`; ` +
      'an integration that is already streaming needs no signal.',
  );
}

export async function signalEventBridgeInPlace(client: Client, integrationId: string): Promise<void> {
  try {
    await client.workflow.getHandle(onboardingWorkflowId(integrationId)).signal(eventBridgeInPlaceSignal);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw notOnboarding(integrationId);
    throw err;
  }
}

export async function signalCredentialsUpdated(client: Client, integrationId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(onboardingWorkflowId(integrationId)).signal(credentialsUpdatedSignal);
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

export async function onboardingStatus(client: Client, integrationId: string): Promise<OnboardingState | null> {
  try {
    return await client.workflow.getHandle(onboardingWorkflowId(integrationId)).query(onboardingStatusQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

/** Starts a refresh, or joins the one already running for this user. */
export async function startRefreshUser(
  client: Client,
  db: Database,
  taskQueue: string,
  integrationId: string,
  userId: string,
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof refreshUser>> {
  if (!/^[0-9A-Za-z]{6,40}$/.test(userId)) {
    throw new Error(`"${userId}" is not an Okta user id (letters and digits, e.g. 00u1a2b3c4d5e6f7g8h9).`);
  }
  return client.workflow.start<typeof refreshUser>('refreshUser', {
    workflowId: refreshUserWorkflowId(integrationId, userId),
    taskQueue,
    args: [{ integrationId, userId }],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    ...(await workflowLabels(db, integrationId, `Refresh User Data for ${userId}`)),
  });
}

export async function refreshUserAndWait(
  client: Client,
  db: Database,
  taskQueue: string,
  integrationId: string,
  userId: string,
): Promise<RefreshUserResult> {
  return (await startRefreshUser(client, db, taskQueue, integrationId, userId)).result();
}

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

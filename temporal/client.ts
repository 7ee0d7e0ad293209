// The Temporal client module: the one place that starts, signals, queries and inspects workflows (Schedules are in
// ./schedules.ts). The CLI and the operator actions call these; so can any service with a Temporal client.
import { WorkflowIdConflictPolicy, WorkflowNotFoundError, type Client, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { Database } from '../schema/db.js';
import { getIntegrationWithTenant } from '../integrations/repository.js';
import { credentialsUpdatedSignal, eventBridgeInPlaceSignal, ingestModeChangedSignal, onboardingStatusQuery } from './shared/messages.js';
import { IntegrationId, TenantId } from './shared/search-attributes.js';
import type { OnboardingInput, OnboardingState, RefreshUserResult } from '../workflows/types.js';
import type { onboarding } from '../workflows/onboarding.js';
import type { refreshUser } from '../workflows/refresh-user.js';
import { onboardingWorkflowId, refreshUserWorkflowId } from './shared/ids.js';

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
    `No onboarding is running for integration ${integrationId}. Check the id with \`npx oort-okta integrations list\`; ` +
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

/** Tells onboarding the ingest mode changed; false when no onboarding is running (nothing waits for it). */
export async function signalIngestModeChanged(client: Client, integrationId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(onboardingWorkflowId(integrationId)).signal(ingestModeChangedSignal);
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

/** Whether a workflow run has ended; one Temporal no longer knows (past the namespace's retention) ended long ago. */
export async function workflowRunHasEnded(client: Client, workflowId: string, runId: string): Promise<boolean> {
  try {
    const { status } = await client.workflow.getHandle(workflowId, runId).describe();
    return status.name !== 'RUNNING';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return true;
    throw err;
  }
}

/** How many of the integration's workflows are running (found by the IntegrationId search attribute). */
export async function countRunningWorkflows(client: Client, integrationId: string): Promise<number> {
  const { count } = await client.workflow.count(`IntegrationId = "${integrationId}" AND ExecutionStatus = "Running"`);
  return count;
}

// How activities reach the tenant's Okta org: a client with the token decrypted here, inside the activity, and
// Okta's refusals turned into failures the workflows do not retry.
import type { Client } from '@okta/okta-sdk-nodejs';
import { createOktaClient } from '../okta/client.js';
import { getIntegration, oktaConnection } from '../integrations/repository.js';
import { typedFailure } from './failures.js';
import type { ActivityDeps } from './deps.js';

/** Okta's refusals become typed, non-retryable failures (./failures.ts); anything else is rethrown for a retry. */
export function rethrowOktaError(err: unknown, what: string): never {
  throw typedFailure(err, what);
}

/** An Okta client for the integration, with its token decrypted here, inside the activity. */
export async function oktaClientFor(deps: ActivityDeps, integrationId: string): Promise<Client> {
  const row = await getIntegration(deps.db, integrationId);
  return createOktaClient({ ...oktaConnection(row, deps.secretKey), customDomain: row.oktaCustomDomain }, {
    environment: deps.config.OORT_ENVIRONMENT,
    requestTimeoutMs: deps.config.OKTA_REQUEST_TIMEOUT_MS,
    maxRetries: deps.config.OKTA_MAX_RETRIES,
  });
}

/** The client, or a non-retryable failure when the stored domain is no longer allowed (retrying cannot fix it). */
export async function oktaClientOrFail(deps: ActivityDeps, integrationId: string): Promise<Client> {
  try {
    return await oktaClientFor(deps, integrationId);
  } catch (err) {
    throw typedFailure(err, 'opening the Okta client');
  }
}

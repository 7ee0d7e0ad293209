// Activities that call the tenant's Okta org. Thin: they load the integration, open a client with
// its decrypted token, and hand over to the domain modules.
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@okta/okta-sdk-nodejs';
import { classifyOktaError, createOktaClient, describeOktaError, OktaDomainError } from '../okta/client.js';
import { apiUrl, fetchRawPage } from '../okta/pages.js';
import { verifyLogStream as judgeLogStream, type LogStreamView } from '../okta/log-stream.js';
import { syncDirectory as syncDirectoryFrom } from '../directory/sync.js';
import { refreshUserDirectory as refreshDirectoryOf, refreshUserEvents as refreshEventsOf } from '../user-activity/refresh.js';
import { getIntegration, oktaConnection } from '../integrations/repository.js';
import { CREDENTIALS_REJECTED, OKTA_USER_NOT_FOUND } from '../temporal/shared/failures.js';
import type { CredentialCheck, DirectorySyncResult, IntegrationRef, StreamCheck } from '../workflows/types.js';
import type { ActivityDeps } from './deps.js';

/** Okta's "no" to our token is final for this attempt: the workflow waits for corrected credentials. */
export function rethrowOktaError(err: unknown, what: string): never {
  const kind = classifyOktaError(err);
  if (kind === 'invalid_token' || kind === 'forbidden') {
    throw ApplicationFailure.nonRetryable(`${what}: ${describeOktaError(err)}`, CREDENTIALS_REJECTED);
  }
  if (kind === 'not_found') throw ApplicationFailure.nonRetryable(`${what}: ${describeOktaError(err)}`, OKTA_USER_NOT_FOUND);
  // A destination the guard refused (an address, another origin, a redirect) does not get better by retrying.
  if (kind === 'refused') throw ApplicationFailure.nonRetryable(`${what}: ${describeOktaError(err)}`, 'OktaDestinationRefused');
  // Anything else is retried as it is: errors of Okta's answers carry only the status, Okta's error code and a
  // truncated summary (okta/request-executor.ts), so no response body reaches Temporal's history.
  throw err;
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
async function oktaClientOrFail(deps: ActivityDeps, integrationId: string): Promise<Client> {
  try {
    return await oktaClientFor(deps, integrationId);
  } catch (err) {
    if (err instanceof OktaDomainError) throw ApplicationFailure.nonRetryable(err.message, 'OktaDomainRefused');
    throw err;
  }
}

/** The integration's log stream as Okta reports it, judged against what the integration expects. */
export async function checkLogStream(deps: ActivityDeps, integrationId: string): Promise<StreamCheck> {
  const row = await getIntegration(deps.db, integrationId);
  const client = await oktaClientOrFail(deps, integrationId);
  let streams: LogStreamView[];
  try {
    streams = (await fetchRawPage<LogStreamView>(client, apiUrl(client, '/api/v1/logStreams', { limit: '200' }), 'listing log streams')).items;
  } catch (err) {
    rethrowOktaError(err, 'reading log streams');
  }
  const verdict = judgeLogStream(streams, {
    eventSourceName: row.eventSourceName,
    awsAccountId: row.awsAccountId,
    awsRegion: row.awsRegion,
  });
  if (!verdict.ok) return { ok: false, message: verdict.message };
  await deps.db.$client`update integrations set log_stream_id = ${verdict.streamId} where id = ${integrationId}`;
  return { ok: true, message: null };
}

export function oktaActivities(deps: ActivityDeps) {
  const clientFor = (integrationId: string) => oktaClientOrFail(deps, integrationId);
  const heartbeat = (details: unknown) => Context.current().heartbeat(details);

  return {
    /** Reads what the product needs (users, the System Log, log streams); says precisely what is missing. */
    async validateCredentials({ integrationId }: IntegrationRef): Promise<CredentialCheck> {
      let client: Client;
      try {
        client = await oktaClientFor(deps, integrationId);
      } catch (err) {
        if (err instanceof OktaDomainError) return { ok: false, message: err.message };
        throw err;
      }
      const probes: Array<[string, string]> = [
        ['/api/v1/users?limit=1', 'read users (okta.users.read)'],
        ['/api/v1/logs?limit=1', 'read the System Log (okta.logs.read)'],
        ['/api/v1/logStreams?limit=1', 'read log streams (okta.logStreams.read)'],
      ];
      for (const [path, capability] of probes) {
        try {
          await fetchRawPage(client, apiUrl(client, path), `checking the token can ${capability}`);
        } catch (err) {
          const kind = classifyOktaError(err);
          if (kind === 'invalid_token') {
            return { ok: false, message: `Okta rejected the API token (${describeOktaError(err)}). Create a new token in Okta and update it with \`oort-okta integrations rotate-token ${integrationId}\`.` };
          }
          if (kind === 'refused') return { ok: false, message: `The Okta org could not be reached safely: ${describeOktaError(err)}.` };
          if (kind === 'forbidden') {
            return { ok: false, message: `The API token cannot ${capability} (${describeOktaError(err)}). Use a token of a Read-only administrator (or higher) and rotate it with \`oort-okta integrations rotate-token ${integrationId}\`.` };
          }
          throw err;
        }
      }
      return { ok: true, message: null };
    },

    async syncDirectory({ integrationId }: IntegrationRef): Promise<DirectorySyncResult> {
      const client = await clientFor(integrationId);
      try {
        return await syncDirectoryFrom(client, deps.db, integrationId, heartbeat);
      } catch (err) {
        rethrowOktaError(err, 'directory sync');
      }
    },

    async verifyLogStream({ integrationId }: IntegrationRef): Promise<StreamCheck> {
      return checkLogStream(deps, integrationId);
    },

    async refreshUserDirectory({ integrationId, userId }: IntegrationRef & { userId: string }) {
      const client = await clientFor(integrationId);
      try {
        return await refreshDirectoryOf(client, deps.db, integrationId, userId);
      } catch (err) {
        rethrowOktaError(err, `refreshing user ${userId}`);
      }
    },

    async refreshUserEvents({ integrationId, userId }: IntegrationRef & { userId: string }) {
      const client = await clientFor(integrationId);
      try {
        return await refreshEventsOf(client, deps.db, integrationId, userId, deps.now?.() ?? new Date(), deps.config.OKTA_LOG_PAGE_LIMIT, heartbeat);
      } catch (err) {
        rethrowOktaError(err, `reading System Log events of user ${userId}`);
      }
    },
  };
}

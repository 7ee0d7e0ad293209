// The integration's Okta log stream, read through the Okta API: onboarding verifies it, the daily sync checks it again.
import { apiUrl, fetchRawPage } from '../okta/pages.js';
import { verifyLogStream as judgeLogStream, type LogStreamView } from '../okta/log-stream.js';
import { getIntegration, setLogStreamId } from '../integrations/repository.js';
import type { StreamCheck } from '../workflows/types.js';
import type { ActivityDeps } from './deps.js';
import { oktaClientOrFail, rethrowOktaError } from './okta-access.js';

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
  await setLogStreamId(deps.db, integrationId, verdict.streamId);
  return { ok: true, message: null };
}

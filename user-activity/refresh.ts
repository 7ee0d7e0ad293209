// "Refresh User Data": one user's profile, factors and devices, and their System Log events newer
// than their latest Activity row, read straight from the Okta API and written to Activity at once.
import type { Client } from '@okta/okta-sdk-nodejs';
import type { Database } from '../schema/db.js';
import { apiUrl, fetchRawJson, fetchRawPage, rawPages } from '../okta/pages.js';
import { logsUrl, userEventsFilter } from '../okta/system-log.js';
import type { OktaLogEvent } from '../okta/envelope.js';
import { deviceUserLinks, syncUserFactors, upsertDevices, upsertUsers } from '../directory/sync.js';
import { extractColumns } from '../okta/log-event.js';
import { activityRow, type ActivityRow } from './activity-row.js';
import { insertActivityRows } from './activity-store.js';

type Json = Record<string, unknown>;

/** Okta's System Log keeps 90 days: a user with no Activity yet gets at most that much. */
const FIRST_REFRESH_LOOKBACK_DAYS = 90;

export async function refreshUserDirectory(client: Client, db: Database, integrationId: string, userId: string) {
  const user = await fetchRawJson<Json>(client, apiUrl(client, `/api/v1/users/${encodeURIComponent(userId)}`), 'reading the user');
  await upsertUsers(db, integrationId, [user]);
  const factors = await syncUserFactors(client, db, integrationId, userId);
  const links = await fetchRawPage<Json>(client, apiUrl(client, `/api/v1/users/${encodeURIComponent(userId)}/devices`), 'listing devices');
  // `/users/{id}/devices` returns `[{created, deviceUserId, device}]`; management status is not in it.
  await upsertDevices(
    db,
    integrationId,
    links.items.map((l) => ({
      device: l.device as Json,
      users: [{ userId, managementStatus: null, screenLockType: null }, ...deviceUserLinks(l.device as Json).filter((u) => u.userId !== userId)],
    })),
  );
  // No login or e-mail in the result: it becomes the workflow's result, kept in plain text in Temporal's history.
  return {
    status: String(user.status ?? 'UNKNOWN'),
    factors,
    devices: links.items.length,
  };
}

export async function latestActivityAt(db: Database, integrationId: string, userId: string): Promise<Date | null> {
  const [row] = await db.$client<{ latest: string | null }[]>`
    select max(published) as latest from user_activity where integration_id = ${integrationId} and user_id = ${userId}`;
  return row?.latest ? new Date(row.latest) : null;
}

export async function refreshUserEvents(
  client: Client,
  db: Database,
  integrationId: string,
  userId: string,
  now: Date,
  pageLimit: number,
  onPage: (p: { pages: number; eventsRead: number; activityRowsWritten: number }) => void = () => {},
) {
  const latest = await latestActivityAt(db, integrationId, userId);
  const since = latest ?? new Date(now.getTime() - FIRST_REFRESH_LOOKBACK_DAYS * 86_400_000);
  const until = now.toISOString();
  // A bounded query (since + until) is finite and ordered by `published`; `since` is inclusive,
  // and the Activity key makes the already-written event at `since` a no-op.
  const url = logsUrl(client, { since: since.toISOString(), until, filter: userEventsFilter(userId), limit: pageLimit });
  const progress = { pages: 0, eventsRead: 0, activityRowsWritten: 0 };
  for await (const events of rawPages<OktaLogEvent>(client, url, 'reading the user\'s System Log events')) {
    progress.pages += 1;
    progress.eventsRead += events.length;
    const rows = events
      .map((e) => activityRow(integrationId, extractColumns(e), userId, 'refresh'))
      .filter((r): r is ActivityRow => r !== null);
    progress.activityRowsWritten += await insertActivityRows(db, rows);
    onPage({ ...progress });
  }
  return { eventsAfter: latest?.toISOString() ?? null, eventsUntil: until, ...progress };
}

// Writes the Activity rows of one UTC day from the stored events: one row per (user, event) for
// each user who is the event's actor or one of its User targets, built by the same builder as the
// refresh's (activity-row.ts). Keyed on (integration, user, event uuid) with ON CONFLICT DO NOTHING,
// so re-running a day changes nothing. The day is read in pages, so a large tenant's day is never
// held in memory at once.
import type { Database } from '../schema/db.js';
import type { events, RawRow } from '../schema/tables.js';
import { activityRows, type ActivityEvent } from './activity-row.js';
import { insertActivityRows } from './activity-store.js';

export interface DayWindow {
  start: string;
  end: string;
}

/** `[day 00:00Z, next day 00:00Z)` for a `YYYY-MM-DD` day (windows are half-open). */
export function utcDayWindow(day: string): DayWindow {
  const start = new Date(`${day}T00:00:00.000Z`);
  if (Number.isNaN(start.getTime()) || start.toISOString().slice(0, 10) !== day) {
    throw new Error(`"${day}" is not a calendar day; use YYYY-MM-DD.`);
  }
  const end = new Date(start.getTime() + 86_400_000);
  return { start: start.toISOString(), end: end.toISOString() };
}

/** Events read per page of the day. */
const PAGE = 2_000;

/** A stored event as the day's page reads it: what the builder takes, `published` as PostgreSQL's text (exact, the page key). */
type StoredEvent = Omit<ActivityEvent, 'published'> & Pick<RawRow<typeof events>, 'published'>;

export async function writeActivityForDay(
  db: Database,
  integrationId: string,
  day: string,
): Promise<{ users: number; rowsWritten: number }> {
  const { start, end } = utcDayWindow(day);
  const sql = db.$client;
  let rowsWritten = 0;
  // Keyset pages in (published, uuid) order: each page is its own short query, so no connection is held between
  // pages (a cursor would hold one while the inserts need another). `published >= after` lets the index
  // (integration_id, published) start the page where the last one ended.
  let after: { published: string; uuid: string } | null = null;
  for (;;) {
    const page: StoredEvent[] = await sql<StoredEvent[]>`
      select uuid, published, event_type as "eventType", actor_id as "actorId", actor_type as "actorType",
             target_user_ids as "targetUserIds", outcome_result as "outcomeResult", client_ip as "clientIp", country, city,
             raw->'displayMessage' as "displayMessage"
      from events
      where integration_id = ${integrationId} and published >= ${start} and published < ${end}
        ${after ? sql`and published >= ${after.published}::timestamptz and (published, uuid) > (${after.published}::timestamptz, ${after.uuid})` : sql``}
      order by published, uuid
      limit ${PAGE}`;
    if (page.length === 0) break;
    const rows = page.flatMap((e) => activityRows(integrationId, { ...e, published: new Date(e.published) }, 'daily'));
    rowsWritten += await insertActivityRows(db, rows);
    if (page.length < PAGE) break;
    after = page[page.length - 1];
  }
  const [{ users }] = await sql<{ users: number }[]>`
    select count(distinct user_id)::int as users from user_activity
    where integration_id = ${integrationId} and published >= ${start} and published < ${end}`;
  return { users, rowsWritten };
}

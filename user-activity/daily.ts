// Writes the Activity rows of one UTC day from the stored events: one row per (user, event) for
// each user who is the event's actor or one of its User targets. Keyed on (integration, user,
// event uuid) with ON CONFLICT DO NOTHING, so re-running a day changes nothing.
import type { Database } from '../schema/db.js';

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

export async function writeActivityForDay(
  db: Database,
  integrationId: string,
  day: string,
): Promise<{ users: number; rowsWritten: number }> {
  const { start, end } = utcDayWindow(day);
  const sql = db.$client;
  const res = await sql`
    insert into user_activity
      (integration_id, user_id, event_uuid, published, role, event_type, display_message, outcome_result, client_ip, country, city, source)
    select e.integration_id, p.user_id, e.uuid, e.published,
           case when bool_or(p.is_actor) and bool_or(not p.is_actor) then 'actor+target'
                when bool_or(p.is_actor) then 'actor' else 'target' end,
           e.event_type, e.raw->>'displayMessage', e.outcome_result, e.client_ip, e.country, e.city, 'daily'
    from events e
    cross join lateral (
      select e.actor_id as user_id, true as is_actor where e.actor_type = 'User' and e.actor_id is not null
      union all
      select t, false from unnest(e.target_user_ids) as t
    ) p
    where e.integration_id = ${integrationId} and e.published >= ${start} and e.published < ${end}
    group by e.integration_id, p.user_id, e.uuid, e.published, e.event_type, e.raw, e.outcome_result, e.client_ip, e.country, e.city
    on conflict (integration_id, user_id, event_uuid) do nothing`;
  const [{ users }] = await sql<{ users: number }[]>`
    select count(distinct user_id)::int as users from user_activity
    where integration_id = ${integrationId} and published >= ${start} and published < ${end}`;
  return { users, rowsWritten: res.count };
}

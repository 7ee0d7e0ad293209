// Writes Activity rows (user-activity/activity-row.ts builds them), for the daily job and the refresh alike.
// Keyed on (integration, user, event uuid) with ON CONFLICT DO NOTHING: writing an event twice, by either path,
// leaves the first row.
import type { Database } from '../schema/db.js';
import type { ActivityRow } from './activity-row.js';

/**
 * Inserts the rows not written yet; returns how many were new. One statement of one array per column (unnest): a
 * day's page of rows binds 12 parameters, not 12 per row, which PostgreSQL takes about three times faster than a
 * multi-row VALUES (measured on a 45k-event day). Timestamps and the enum travel as text (docs/internals.md §1.1:
 * the client's timestamp codecs are pass-through, and postgres.js cannot apply them to arrays).
 */
export async function insertActivityRows(db: Database, rows: readonly ActivityRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const sql = db.$client;
  const col = <K extends keyof ActivityRow>(key: K): ActivityRow[K][] => rows.map((r) => r[key]);
  const res = await sql`
    insert into user_activity
      (integration_id, user_id, event_uuid, published, role, event_type, display_message, outcome_result, client_ip, country, city, source)
    select integration_id, user_id, event_uuid, published::timestamptz, role, event_type, display_message, outcome_result, client_ip,
           country, city, source::activity_source
    from unnest(
      ${col('integrationId')}::text[], ${col('userId')}::text[], ${col('eventUuid')}::text[],
      ${rows.map((r) => r.published.toISOString())}::text[], ${col('role')}::text[], ${col('eventType')}::text[],
      ${col('displayMessage')}::text[], ${col('outcomeResult')}::text[], ${col('clientIp')}::text[], ${col('country')}::text[],
      ${col('city')}::text[], ${col('source')}::text[]
    ) as r(integration_id, user_id, event_uuid, published, role, event_type, display_message, outcome_result, client_ip, country, city, source)
    on conflict (integration_id, user_id, event_uuid, published) do nothing`;
  return res.count;
}

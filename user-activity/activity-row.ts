// The one builder of Activity rows, for both paths that write them: the daily job (events stored by ingestion) and
// Refresh User Data (events read from the Okta API). Pure. A user belongs to an event as its actor or one of its User
// targets (okta/log-event.ts `userRole`, the one role rule), and the message is the event's displayMessage
// normalised as every extracted field is (`oktaText`), whichever path read the event.
import type { ActivitySource, userActivity } from '../schema/tables.js';
import { oktaText, userRole, type EventColumns } from '../okta/log-event.js';

/** An Activity row as both paths write it: every column of `user_activity` but the time of writing (its default). */
export type ActivityRow = Required<Omit<typeof userActivity.$inferInsert, 'writtenAt'>>;

/**
 * What a row is made of: the event's columns as ingestion stores them (okta/log-event.ts extracts them, the same for
 * stored events and for the refresh), and its `displayMessage` as Okta sent it (stored only inside `raw`).
 */
export type ActivityEvent = Pick<
  EventColumns,
  'uuid' | 'published' | 'eventType' | 'actorId' | 'actorType' | 'targetUserIds' | 'outcomeResult' | 'clientIp' | 'country' | 'city'
> & { displayMessage: unknown };

/** The user's Activity row for the event; null when the event is not theirs. */
export function activityRow(integrationId: string, event: ActivityEvent, userId: string, source: ActivitySource): ActivityRow | null {
  const role = userRole(event, userId);
  if (!role) return null;
  return {
    integrationId,
    userId,
    eventUuid: event.uuid,
    published: event.published,
    role,
    eventType: event.eventType,
    displayMessage: oktaText(event.displayMessage),
    outcomeResult: event.outcomeResult,
    clientIp: event.clientIp,
    country: event.country,
    city: event.city,
    source,
  };
}

/** The event's Activity rows: one for each user it belongs to (its actor, its User targets; once per user). */
export function activityRows(integrationId: string, event: ActivityEvent, source: ActivitySource): ActivityRow[] {
  const candidates = new Set(event.targetUserIds);
  if (event.actorId) candidates.add(event.actorId);
  const rows: ActivityRow[] = [];
  for (const userId of candidates) {
    const row = activityRow(integrationId, event, userId, source);
    if (row) rows.push(row);
  }
  return rows;
}

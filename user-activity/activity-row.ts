// A user's Activity rows, built from events.
import { extractColumns, userRole } from '../okta/log-event.js';
import type { OktaLogEvent } from '../okta/envelope.js';

export function activityRowsFor(integrationId: string, userId: string, events: OktaLogEvent[]) {
  return events.flatMap((e) => {
    const c = extractColumns(e);
    const role = userRole(c, userId);
    if (!role) return [];
    return [
      {
        integration_id: integrationId,
        user_id: userId,
        event_uuid: c.uuid,
        published: c.published.toISOString(),
        role,
        event_type: c.eventType,
        display_message: c.displayMessage,
        outcome_result: c.outcomeResult,
        client_ip: c.clientIp,
        country: c.country,
        city: c.city,
        source: 'refresh',
      },
    ];
  });
}

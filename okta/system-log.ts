// The System Log (`GET /api/v1/logs`) read as raw JSON (docs/okta.md §3), so API-read events
// have exactly the shape of streamed ones.
import type { Client } from '@okta/okta-sdk-nodejs';
import type { OktaLogEvent } from './envelope.js';
import { apiUrl } from './pages.js';

export interface LogQuery {
  since?: string;
  until?: string;
  filter?: string;
  limit?: number;
  sortOrder?: 'ASCENDING' | 'DESCENDING';
}

export type { OktaLogEvent };

export function logsUrl(client: Client, q: LogQuery): string {
  return apiUrl(client, '/api/v1/logs', {
    since: q.since,
    until: q.until,
    filter: q.filter,
    limit: String(q.limit ?? 1000),
    sortOrder: q.sortOrder,
  });
}

/** Filter for everything a user did or that was done to them. */
export function userEventsFilter(userId: string): string {
  if (!/^[0-9A-Za-z]+$/.test(userId)) {
    throw new Error(`"${userId}" is not an Okta user id (expected letters and digits, e.g. 00u1abcd…).`);
  }
  return `actor.id eq "${userId}" or target.id eq "${userId}"`;
}

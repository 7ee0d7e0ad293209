// The integration's lifecycle as an explicit state machine. Every status change goes through
// `assertTransition`, so a bug or a stale retry cannot, say, mark a removed integration streaming.

import { integrationStatus } from '../schema/tables.js';

/** The states, as the database enum declares them. */
export const INTEGRATION_STATUSES = integrationStatus.enumValues;
export type IntegrationStatus = (typeof INTEGRATION_STATUSES)[number];

const TRANSITIONS: Record<IntegrationStatus, readonly IntegrationStatus[]> = {
  validating_credentials: ['credentials_invalid', 'syncing_directory'],
  credentials_invalid: ['validating_credentials'],
  // Polling tenants (no Log Streaming module) go from the directory sync straight to `polling`; a tenant waiting for
  // its stream may switch to polling, and a polling tenant that sets up a stream goes to `streaming` once it delivers.
  syncing_directory: ['awaiting_log_stream', 'polling', 'credentials_invalid'],
  awaiting_log_stream: ['log_stream_misconfigured', 'awaiting_first_event', 'polling', 'credentials_invalid'],
  log_stream_misconfigured: ['awaiting_first_event', 'awaiting_log_stream', 'polling', 'credentials_invalid'],
  awaiting_first_event: ['streaming', 'polling', 'credentials_invalid'],
  streaming: ['paused', 'degraded', 'polling', 'credentials_invalid'],
  // Degraded: the stream went quiet or Okta turned it off; the hourly run fills the gap from the API meanwhile.
  degraded: ['streaming', 'polling', 'paused', 'credentials_invalid'],
  polling: ['streaming', 'paused', 'credentials_invalid'],
  paused: ['streaming', 'polling'],
  removed: [],
};

/** Any status but `removed` may go to `removed`; staying in a status is always allowed (retries). */
export function canTransition(from: IntegrationStatus, to: IntegrationStatus): boolean {
  if (from === to) return true;
  if (to === 'removed') return from !== 'removed';
  // A corrected token restarts validation from wherever onboarding or streaming stopped.
  if (to === 'validating_credentials' && from !== 'removed') return true;
  return TRANSITIONS[from].includes(to);
}

export class IllegalTransitionError extends Error {
  override name = 'IllegalTransitionError';
}

export function assertTransition(integrationId: string, from: IntegrationStatus, to: IntegrationStatus): void {
  if (!canTransition(from, to)) {
    throw new IllegalTransitionError(`Integration ${integrationId} cannot go from ${from} to ${to}.`);
  }
}

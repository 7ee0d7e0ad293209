// Which sources an hourly run reads, and when the stream is judged unhealthy or back. The decisions
// are plain functions of the integration's state (unit-tested); the hourly run's activities apply
// them. One rule keeps every transition gap-free: the System Log API is read from a cursor that starts
// before the last event we have, and it is only let go once the stream has delivered in a run whose
// API read also caught up, so stream and API overlap in time (overlaps dedupe on uuid).
import type { IntegrationStatus } from '../integrations/status.js';

export type IngestMode = 'streaming' | 'polling';

export interface IngestState {
  mode: IngestMode;
  status: IntegrationStatus;
  hasQueue: boolean;
  pollCursor: string | null;
  /** When a streamed message last arrived; null if never. */
  lastStreamedAt: Date | null;
  /** When the first streamed event was stored (the stream's start); null if never. */
  firstEventAt: Date | null;
  /** Newest `published` we hold, from any source. */
  lastEventAt: Date | null;
}

export interface RunPlan {
  drainQueue: boolean;
  /** Read the System Log API in this run (the cursor exists, or is to be started). */
  readApi: boolean;
  /** Start a cursor from this instant if there is none. */
  startApiFrom: Date | null;
}

const ACTIVE: readonly IntegrationStatus[] = ['streaming', 'polling', 'degraded', 'awaiting_first_event'];

/** Before anything is read: the queue whenever there is one; the API in polling mode or while a cursor is open. */
export function planRun(state: IngestState, now: Date, overlapMs: number): RunPlan {
  const active = ACTIVE.includes(state.status);
  const drainQueue = state.hasQueue && active;
  if (!active) return { drainQueue, readApi: false, startApiFrom: null };
  if (state.pollCursor) return { drainQueue, readApi: true, startApiFrom: null };
  if (state.mode === 'polling') return { drainQueue, readApi: true, startApiFrom: resumePoint(state, now, overlapMs) };
  return { drainQueue, readApi: false, startApiFrom: null };
}

/** Read the API from a little before the newest event we hold; with nothing held, from an hour ago. */
export function resumePoint(state: Pick<IngestState, 'lastEventAt'>, now: Date, overlapMs: number): Date {
  const from = state.lastEventAt ? state.lastEventAt.getTime() - overlapMs : now.getTime() - 3_600_000;
  return new Date(Math.min(from, now.getTime()));
}

export type StreamVerdict =
  | { kind: 'healthy' }
  | { kind: 'not_judged' }
  /** The stream went quiet: degrade, notify the tenant, and fill the gap from `fillFrom`. */
  | { kind: 'silent'; silentForMs: number; fillFrom: Date };

/**
 * After draining: a streaming integration whose stream delivered nothing for longer than `silenceAfterMs` is silent.
 * An unassociated EventBridge source or a stream Okta turned off loses events without a word, so silence is the
 * only sign. Polling integrations, integrations not yet streaming, and already degraded ones are not judged again.
 */
export function judgeStream(
  state: IngestState,
  streamedThisRun: number,
  now: Date,
  silenceAfterMs: number,
  overlapMs: number,
): StreamVerdict {
  if (state.mode !== 'streaming' || state.status !== 'streaming') return { kind: 'not_judged' };
  if (streamedThisRun > 0) return { kind: 'healthy' };
  const since = state.lastStreamedAt ?? state.firstEventAt;
  if (!since) return { kind: 'not_judged' };
  const silentForMs = now.getTime() - since.getTime();
  if (silentForMs <= silenceAfterMs) return { kind: 'healthy' };
  // Fill from before the last event the stream brought, so nothing in between is missed.
  return { kind: 'silent', silentForMs, fillFrom: resumePoint(state, now, overlapMs) };
}

export type Settlement =
  /** The stream has taken over: stop reading the API, and leave `degraded`/`polling` for `streaming`. */
  | { kind: 'stream_took_over' }
  | { kind: 'unchanged' };

/**
 * After both sources were read: in streaming mode an open cursor is closed once the stream delivered in this run
 * and the API read caught up (both sources then cover the same moment: no gap between them).
 */
export function settleRun(state: IngestState, streamedThisRun: number, apiCaughtUp: boolean): Settlement {
  if (state.mode !== 'streaming' || !state.pollCursor) return { kind: 'unchanged' };
  if (streamedThisRun > 0 && apiCaughtUp) return { kind: 'stream_took_over' };
  return { kind: 'unchanged' };
}

/** The status an integration in `mode` has when all is well. */
export function healthyStatus(mode: IngestMode): IntegrationStatus {
  return mode === 'polling' ? 'polling' : 'streaming';
}

export function describeSilence(silentForMs: number): string {
  const hours = Math.floor(silentForMs / 3_600_000);
  const span = hours >= 1 ? `${hours} h` : `${Math.max(1, Math.round(silentForMs / 60_000))} min`;
  return (
    `No events arrived through the log stream for ${span}. Okta may have turned the stream off after failed deliveries, ` +
    'or the EventBridge partner event source may not be associated with the event bus. Check Okta → Reports → Log ' +
    'Streaming (status Active) and the event source in AWS EventBridge; meanwhile the missing events are read from the Okta API.'
  );
}

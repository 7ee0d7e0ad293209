// A run's counts as words. The columns of `ingest_runs` count different things: messages received from the queue,
// events read from the System Log API, and what storing them did. Read bare, "received 69 / polled 69 / stored 69 /
// duplicates 69" looks like "everything was a duplicate"; it means the stream and the API both delivered the same 69
// events (they overlap on purpose while one takes over from the other) and each was stored once.
import type { RunSummary } from '../integrations/operator-queries.js';

/** The `runs` table's count columns, in order, with the RunSummary (and --json) field each one shows. */
export const COUNT_COLUMNS = [
  ['FROM QUEUE', 'received'],
  ['FROM API', 'polled'],
  ['NEW', 'stored'],
  ['ALREADY STORED', 'duplicates'],
  ['QUARANTINED', 'quarantined'],
  ['DETECTIONS', 'detections'],
  ['NOTIFIED', 'notificationsSent'],
] as const satisfies ReadonlyArray<readonly [string, keyof RunSummary]>;

/** What the columns mean, printed under the `runs` table (the --json field names are in `runs --help`). */
export function runCountsLegend(integrationId: string): string[] {
  return [
    'FROM QUEUE: messages received from the SQS queue (Okta Log Streaming; in a replay run, quarantined messages replayed). FROM API: events',
    'read from the System Log API (backfill, polling, a gap, a switch of mode). NEW: stored for the first time. ALREADY STORED: held already, not',
    'stored twice: the stream and the API overlap on purpose while one takes over from the other, and SQS may deliver a message twice',
    `(FROM QUEUE 69, FROM API 69, NEW 69, ALREADY STORED 69: the same 69 events came both ways). QUARANTINED: see \`npx oort-okta quarantine list ${integrationId}\`.`,
  ];
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Why events were already stored, judged from where this run's events came from. */
function whyAlreadyStored(r: Pick<RunSummary, 'kind' | 'received' | 'polled'>): string {
  if (r.kind === 'replay') return 'stored by an earlier run or replay';
  if (r.received > 0 && r.polled > 0) return 'the overlap of the stream and the API, or a message delivered twice';
  if (r.polled > 0) return 'read before by an earlier API read, or streamed';
  return 'messages delivered twice: SQS and EventBridge deliver at least once';
}

/**
 * One run's counts as a sentence: "received 69 from the queue, read 69 from the System Log API: 69 new, 69 already
 * stored (the overlap of the stream and the API, or a message delivered twice), 0 quarantined; 2 detections, 2
 * notifications sent".
 */
export function describeRunCounts(r: Pick<RunSummary, 'kind' | 'received' | 'polled' | 'stored' | 'duplicates' | 'quarantined' | 'detections' | 'notificationsSent'>): string {
  const sources =
    r.kind === 'replay'
      ? [`replayed ${plural(r.received, 'quarantined message')}`]
      : [`received ${plural(r.received, 'message')} from the queue`, `read ${plural(r.polled, 'event')} from the System Log API`];
  const outcome = [
    `${r.stored} new`,
    `${r.duplicates} already stored${r.duplicates > 0 ? ` (${whyAlreadyStored(r)})` : ''}`,
    `${r.quarantined} quarantined`,
  ];
  return `${sources.join(', ')}: ${outcome.join(', ')}; ${plural(r.detections, 'detection')}, ${plural(r.notificationsSent, 'notification')} sent`;
}

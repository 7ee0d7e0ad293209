// `oort-okta runs <integrationId>`: the latest ingest runs with their counts, explained.
import type { Command } from 'commander';
import { action, positiveInt } from '../run.js';

export function runsCommand(program: Command): void {
  program
    .command('runs <integrationId>')
    .description(
      'the latest hourly runs (and backfill/replay runs): status, times, messages received from the queue, events read from the System Log API, ' +
        'how many were new, already stored (the stream and the API overlap; SQS may deliver twice) or quarantined, detections and notifications. ' +
        '--json fields: received (from the queue), polled (from the API), stored (new), duplicates (already stored), quarantined, detections, notificationsSent',
    )
    .option('--limit <n>', 'how many runs, newest first', positiveInt, 24)
    .action(action(async () => (await import('../actions/runs.js')).runs));
}

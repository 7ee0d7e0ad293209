// `oort-okta runs <integrationId>`: the latest ingest runs with their counts.
import type { Command } from 'commander';
import { action, positiveInt } from '../run.js';

export function runsCommand(program: Command): void {
  program
    .command('runs <integrationId>')
    .description('the latest hourly runs (and backfill/replay runs): status, times, and received/stored/duplicates/quarantined/detections/notifications')
    .option('--limit <n>', 'how many runs, newest first', positiveInt, 24)
    .action(action(async () => (await import('../actions/runs.js')).runs));
}

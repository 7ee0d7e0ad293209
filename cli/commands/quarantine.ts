// `oort-okta quarantine list|show|replay`: messages the hourly run could not store, and replaying them
// after a fix (rows are never deleted; a replayed one is marked so).
import type { Command } from 'commander';
import { action, positiveInt } from '../run.js';

const handlers = () => import('../actions/quarantine.js');

export function quarantineCommands(program: Command): void {
  const cmd = program.command('quarantine').description('quarantined queue messages: list, show, replay after a fix');

  cmd
    .command('list <integrationId>')
    .description('quarantined messages, newest first')
    .option('--reason <code>', 'only this reason code (e.g. not_json, foreign_source, missing_uuid)')
    .option('--pending', 'only messages not replayed yet')
    .option('--limit <n>', 'at most this many', positiveInt, 50)
    .action(action(async () => (await handlers()).list));

  cmd
    .command('show')
    .description('one quarantined message: why, when, and its body')
    .argument('<quarantineId>', 'the id from `quarantine list`', positiveInt)
    .action(action(async () => (await handlers()).show));

  cmd
    .command('replay <integrationId> [quarantineIds...]')
    .description(
      'validate quarantined messages again with the current code and the integration as it is now; valid ones are stored ' +
        '(in a replay run whose detections run at once; notifications go with the next hourly run) and marked replayed, ' +
        'invalid ones stay with the reason. Default: every message not replayed yet',
    )
    .option('--reason <code>', 'only messages quarantined for this reason code')
    .action(action(async () => (await handlers()).replay));
}

// `oort-okta dlq list|redrive`: the integration's SQS dead-letter queue — messages the hourly drain
// received 10 times without storing them — and moving them back to the integration's queue.
import type { Command } from 'commander';
import { action, positiveInt } from '../run.js';

const handlers = () => import('../actions/dlq.js');

export function dlqCommands(program: Command): void {
  const cmd = program.command('dlq').description("the integration's dead-letter queue: list its messages, redrive them to the integration's queue");

  cmd
    .command('list <integrationId>')
    .description(
      'the dead-lettered messages, oldest first: id, sent time, receive count, size, event and a body preview (secrets redacted). ' +
        'Listing does not remove or hide them',
    )
    .option('--limit <n>', 'at most this many', positiveInt, 20)
    .action(action(async () => (await handlers()).list));

  cmd
    .command('redrive <integrationId>')
    .description(
      "move dead-lettered messages back to the integration's queue (sent, then deleted from the dead-letter queue); " +
        'the next hourly run stores them. A message moved twice is stored once (events are deduplicated)',
    )
    .option('--limit <n>', 'move at most this many', positiveInt, 1000)
    .action(action(async () => (await handlers()).redrive));
}

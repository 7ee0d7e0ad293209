// `oort-okta schedules list|trigger|backfill|update`: the integration's three Schedules. Trigger and backfill
// take the overlap policy explicitly: Temporal's default for manual actions (AllowAll) would let two
// hourly drains of one queue run at once.
import { Option, type Command } from 'commander';
import { action, argParser, positiveInt } from '../run.js';
import { parseTime } from '../../integrations/time-input.js';
import { SCHEDULE_KINDS } from '../../temporal/shared/ids.js';
import { OVERLAP_POLICY_NAMES } from '../../temporal/overlap-policies.js';

const handlers = () => import('../actions/schedules.js');

const overlapHelp =
  "REQUIRED. What to do if a run of the Schedule is in progress (Temporal's policies): Skip (drop this one), " +
  'BufferOne (run after it; at most one waits), BufferAll (run each after the previous), CancelOther, TerminateOther, ' +
  'AllowAll (run at once, concurrently). Hourly: Skip; daily-activity backfills: BufferAll';

const overlapOption = () => new Option('--overlap-policy <policy>', overlapHelp).choices(OVERLAP_POLICY_NAMES).makeOptionMandatory();

export function schedulesCommands(program: Command): void {
  const cmd = program.command('schedules').description("an integration's Schedules: hourly analysis, daily Activity, directory sync");

  cmd
    .command('list <integrationId>')
    .description('the Schedules with their state, spec, overlap policy, next and recent runs')
    .action(action(async () => (await handlers()).list));

  cmd
    .command('trigger <integrationId>')
    .description('start one run of a Schedule now (follow an hourly run with `npx oort-okta runs <integrationId>`)')
    .addOption(new Option('--kind <kind>', 'which Schedule').choices(SCHEDULE_KINDS).default('hourly'))
    .addOption(overlapOption())
    .action(action(async () => (await handlers()).trigger));

  cmd
    .command('backfill <integrationId>')
    .description(
      'run a Schedule for each of its times in a past range, showing progress until they finish. ' +
        'A daily-activity run writes the UTC day before its time (00:30), so --from 2026-11-04 --to 2026-11-05 writes Nov 3 and 4',
    )
    .addOption(new Option('--kind <kind>', 'which Schedule').choices(SCHEDULE_KINDS).makeOptionMandatory())
    .requiredOption('--from <time>', 'start of the range: a date (its 00:00 UTC) or a UTC date-time, e.g. 2026-11-03T10:00Z', argParser((v) => parseTime(v)))
    .requiredOption('--to <time>', 'end of the range, included: a date (through its 23:59:59 UTC) or a UTC date-time', argParser((v) => parseTime(v, { endOfDay: true })))
    .addOption(overlapOption())
    .option('--no-wait', 'return once the backfill is requested instead of waiting for its runs')
    .option('--timeout <minutes>', 'stop waiting after this many minutes (the runs go on)', positiveInt, 30)
    .action(action(async () => (await handlers()).backfill));

  cmd
    .command('update [integrationId]')
    .description(
      "bring existing Schedules to this release's spec, jitter and task queue (run after an upgrade); creates none, " +
        'keeps paused ones paused',
    )
    .option('--all', 'every integration')
    .action(action(async () => (await handlers()).update));
}

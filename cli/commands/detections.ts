// `oort-okta detections list|show`: what the rules found, with evidence and notification deliveries.
import { Option, type Command } from 'commander';
import { action, argParser, positiveInt } from '../run.js';
import { SEVERITIES } from '../../detections/types.js';
import { parseTimeOrAge } from '../../integrations/time-input.js';

const handlers = () => import('../actions/detections.js');

export function detectionsCommands(program: Command): void {
  const cmd = program.command('detections').description("an integration's detections, with their evidence and deliveries");

  cmd
    .command('list <integrationId>')
    .description('detections, latest event first')
    .addOption(new Option('--severity <level>', 'only this severity and above').choices(SEVERITIES))
    .option('--rule <ruleId>', 'only this rule (e.g. okta-password-spray-single-source)')
    .option(
      '--since <time>',
      'only detections with an event at or after this time: 2026-11-03, 2026-11-03T10:00Z, or an age (90m, 24h, 7d)',
      argParser((v) => parseTimeOrAge(v)),
    )
    .option('--limit <n>', 'at most this many', positiveInt, 50)
    .action(action(async () => (await handlers()).list));

  cmd
    .command('show')
    .description('one detection: rule, subject, ATT&CK mapping, runbook, evidence events and notification deliveries')
    .argument('<detectionId>', 'the detection id (from `detections list`)', positiveInt)
    .action(action(async () => (await handlers()).show));
}

#!/usr/bin/env -S npx tsx
// oort-okta: the operator CLI. Commands live in cli/commands/; each prints text, or JSON with --json.
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { integrationsCommands } from './commands/integrations.js';
import { refreshUserCommand } from './commands/refresh-user.js';
import { runsCommand } from './commands/runs.js';
import { detectionsCommands } from './commands/detections.js';
import { schedulesCommands } from './commands/schedules.js';
import { quarantineCommands } from './commands/quarantine.js';
import { dlqCommands } from './commands/dlq.js';
import { detectCommand } from './commands/detect.js';
import { rulesCommands } from './commands/rules.js';
import { secretsCommands } from './commands/secrets.js';

export function buildCli(): Command {
  const program = new Command('oort-okta')
    .description('Operate Okta integrations: onboarding, the EventBridge signal, runs, detections, Schedules, quarantine, the dead-letter queue and user refreshes.')
    .option('--json', 'print machine-readable JSON')
    // Subcommands copy these settings when they are created, so they are set first.
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ showGlobalOptions: true });

  integrationsCommands(program);
  refreshUserCommand(program);
  runsCommand(program);
  detectionsCommands(program);
  schedulesCommands(program);
  quarantineCommands(program);
  dlqCommands(program);
  secretsCommands(program);
  detectCommand(program);
  rulesCommands(program);
  return program;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildCli().parseAsync(process.argv);
}

// oort-okta: the operator CLI. Commands live in cli/commands/; each prints text, or JSON with --json.
// Run it as `npx oort-okta …` (bin/oort-okta.js) or `npm run cli -- …`. Exit codes: 0 done, 1 failure, 2 usage error,
// 3 not found (cli/errors.ts).
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { commanderReason, errorJson, jsonRequested, reportError, UsageError } from './errors.js';
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

/** The command tree. `json`: usage errors are reported by `main` as JSON instead of commander's text. */
export function buildCli(opts: { json?: boolean } = {}): Command {
  const program = new Command('oort-okta')
    .description('Operate Okta integrations: onboarding, the EventBridge signal, runs, detections, Schedules, quarantine, the dead-letter queue and user refreshes.')
    .option('--json', 'print machine-readable JSON (errors too: one JSON line on stderr)')
    // Subcommands copy these settings when they are created, so they are set first.
    .configureHelp({ showGlobalOptions: true })
    // commander's errors are thrown to `main`, which gives them the usage exit code (2).
    .exitOverride();
  if (opts.json) program.configureOutput({ outputError: () => {} });
  else program.showHelpAfterError('(add --help for usage)');
  program.addHelpText(
    'after',
    '\nExit codes: 0 done, 1 failure, 2 usage error, 3 not found. With --json an error is one JSON line on stderr:\n' +
      '  {"error":{"kind":"usage|not_found|failure","exitCode":2,"message":"…",…}}',
  );

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

/** Runs the CLI on `argv` (node, script, arguments…); the outcome is in process.exitCode. */
export async function main(argv: string[] = process.argv): Promise<void> {
  // `… | head`: a reader that closed the pipe ends the command quietly, as other command-line tools do.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(0);
  });
  const json = jsonRequested(argv.slice(2));
  try {
    await buildCli({ json }).parseAsync(argv);
  } catch (err) {
    if (!(err instanceof CommanderError)) {
      reportError(err, { json });
      return;
    }
    // Help asked for (exit 0), or a usage error commander has already explained on stderr (in text mode).
    if (err.exitCode === 0) {
      process.exitCode = 0;
      return;
    }
    // 'commander.help': a command group without its subcommand (its help went to stderr).
    const usage =
      err.code === 'commander.help'
        ? new UsageError('a command is missing; add --help for the list', { reason: 'missing_command' })
        : new UsageError(err.message.replace(/^error: /, ''), { reason: commanderReason(err.code) });
    if (json) process.stderr.write(`${errorJson(usage)}\n`);
    process.exitCode = usage.exitCode;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}

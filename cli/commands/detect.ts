// `oort-okta detect`: the detection catalogue and Sigma rules over an exported events file, offline.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { plainAction } from '../run.js';

export function detectCommand(program: Command): void {
  program
    .command('detect')
    .description('run the detection catalogue and Sigma rules over a file of Okta System Log events (JSON array or JSON lines); prints detections as JSON lines. Needs no Temporal or database')
    .requiredOption('--file <path>', 'the events file (- for stdin)')
    .option('--sigma-dir <dir>', 'Sigma rules directory (default: SIGMA_RULES_DIR)')
    .action(
      plainAction(async (_out, opts: { file: string; sigmaDir?: string }) => {
        // No CliContext: this command must work without a database or Temporal.
        const [{ loadConfig }, { loadRuleSet }, { detectionLine, detectOffline, parseEventsFile }] = await Promise.all([
          import('../../lib/config.js'),
          import('../../detections/run/rule-set.js'),
          import('../../detections/run/offline.js'),
        ]);
        const text = readFileSync(opts.file === '-' ? 0 : opts.file, 'utf8');
        const { events, problems } = parseEventsFile(text);
        for (const p of problems) console.error(`skipped ${p}`);
        const ruleSet = loadRuleSet(opts.sigmaDir ?? loadConfig().SIGMA_RULES_DIR);
        for (const e of ruleSet.sigmaErrors) console.error(`Sigma rule not loaded: ${e.message}`);
        for (const d of await detectOffline(ruleSet.rules, events)) console.log(detectionLine(d));
        console.error(`${events.length} events, ${ruleSet.rules.length} rules${problems.length ? `, ${problems.length} entries skipped` : ''}.`);
      }),
    );
}

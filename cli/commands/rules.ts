// `oort-okta rules list`: the detection rules a tenant's events are judged by (the catalogue and the loaded Sigma
// rules), with the ids that detection settings and `detections list --rule` take. Needs no database or Temporal.
import type { Command } from 'commander';
import { plainAction, type Output } from '../run.js';

export function rulesCommands(program: Command): void {
  program
    .command('rules')
    .description('the detection rules (catalogue and Sigma)')
    .command('list')
    .description('list every rule: id, kind, severity, on by default, title')
    .option('--sigma-dir <dir>', 'Sigma rules directory (default: SIGMA_RULES_DIR)')
    .action(
      plainAction(async (out: Output, opts: { sigmaDir?: string }) => {
        const [{ loadConfig }, { loadRuleSet }, { table }] = await Promise.all([
          import('../../lib/config.js'),
          import('../../detections/run/rule-set.js'),
          import('../format.js'),
        ]);
        const { rules, sigmaErrors } = loadRuleSet(opts.sigmaDir ?? loadConfig().SIGMA_RULES_DIR);
        for (const e of sigmaErrors) console.error(`Sigma rule not loaded: ${e.message}`);
        const rows = rules.map((r) => ({
          id: r.id,
          kind: r.kind,
          // Computed severities depend on the events; "varies" says so.
          severity: typeof r.severity === 'string' ? r.severity : 'varies',
          enabled: r.enabled,
          title: r.title,
          tactics: r.attack.tactics,
          techniques: r.attack.techniques,
        }));
        out.print(table(['ID', 'KIND', 'SEVERITY', 'ON', 'TITLE'], rows.map((r) => [r.id, r.kind, r.severity, r.enabled ? 'yes' : 'no', r.title]), 'No rules.'), rows);
      }),
    );
}

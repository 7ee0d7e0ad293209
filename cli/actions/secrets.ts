// Handler of `oort-okta secrets reseal`.
import type { CliContext } from '../context.js';
import type { Output } from '../run.js';
import { resealSecrets } from '../../integrations/reseal-secrets.js';

export async function reseal(ctx: CliContext, out: Output, opts: { dryRun?: boolean; integration?: string }): Promise<void> {
  const report = await resealSecrets(ctx.db, ctx.secretKey, { dryRun: opts.dryRun, integrationId: opts.integration });
  const verb = report.dryRun ? 'would be resealed' : 'resealed';
  const lines = [`${report.resealed} of ${report.examined} stored secrets ${verb} under key ${report.currentKeyId}.`];
  for (const f of report.failed) lines.push(`not opened: ${f.where}: ${f.reason}`);
  if (report.failed.length === 0 && !report.dryRun) lines.push('Every stored secret is now sealed under the current key: OORT_SECRET_KEYS_PREVIOUS can be dropped.');
  out.print(lines.join('\n'), report);
  if (report.failed.length > 0) throw new Error(`${report.failed.length} stored secret(s) could not be opened with the configured keys; add the key they were sealed with to OORT_SECRET_KEYS_PREVIOUS and run again`);
}

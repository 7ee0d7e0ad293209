// Handler of `oort-okta runs`.
import type { CliContext } from '../context.js';
import type { Output } from '../run.js';
import { table, time, took } from '../format.js';
import { COUNT_COLUMNS, runCountsLegend } from '../run-counts.js';
import { getIntegration } from '../../integrations/repository.js';
import { recentRuns } from '../../integrations/operator-queries.js';

export async function runs(ctx: CliContext, out: Output, integrationId: string, opts: { limit: number }): Promise<void> {
  await getIntegration(ctx.db, integrationId);
  const rows = await recentRuns(ctx.db, integrationId, opts.limit);
  out.print(
    rows.length === 0
      ? `No runs of ${integrationId} yet: the hourly Schedule starts once onboarding completes (or run \`npx oort-okta schedules trigger ${integrationId} --overlap-policy Skip\`).`
      : [
          table(
            ['RUN', 'KIND', 'STATUS', 'STARTED', 'TOOK', ...COUNT_COLUMNS.map(([header]) => header)],
            rows.map((r) => [r.id, r.kind, r.status, time(r.startedAt), took(r.startedAt, r.finishedAt), ...COUNT_COLUMNS.map(([, field]) => r[field])]),
            '',
          ),
          '',
          ...runCountsLegend(integrationId),
        ].join('\n'),
    rows,
  );
}

// Handler of `oort-okta runs`.
import type { CliContext } from '../context.js';
import type { Output } from '../run.js';
import { table, time, took } from '../format.js';
import { getIntegration } from '../../integrations/repository.js';
import { recentRuns } from '../../integrations/operator-queries.js';

export async function runs(ctx: CliContext, out: Output, integrationId: string, opts: { limit: number }): Promise<void> {
  await getIntegration(ctx.db, integrationId);
  const rows = await recentRuns(ctx.db, integrationId, opts.limit);
  out.print(
    table(
      ['RUN', 'KIND', 'STATUS', 'STARTED', 'TOOK', 'RECEIVED', 'POLLED', 'STORED', 'DUPLICATES', 'QUARANTINED', 'DETECTIONS', 'NOTIFIED'],
      rows.map((r) => [
        r.id, r.kind, r.status, time(r.startedAt), took(r.startedAt, r.finishedAt),
        r.received, r.polled, r.stored, r.duplicates, r.quarantined, r.detections, r.notificationsSent,
      ]),
      `No runs of ${integrationId} yet: the hourly Schedule starts once onboarding completes (or run \`oort-okta schedules trigger ${integrationId} --overlap-policy Skip\`).`,
    ),
    rows,
  );
}

// Handler of `oort-okta refresh-user`.
import type { CliContext } from '../context.js';
import type { Output } from '../run.js';
import { getIntegration } from '../../integrations/repository.js';
import { startRefreshUser } from '../../integrations/lifecycle.js';
import { resultWithProgress } from '../../integrations/workflow-progress.js';
import type { RefreshUserResult } from '../../workflows/types.js';

export async function refreshUser(ctx: CliContext, out: Output, integrationId: string, userId: string, opts: { wait: boolean }): Promise<void> {
  await getIntegration(ctx.db, integrationId);
  const handle = await startRefreshUser(await ctx.client(), ctx.db, ctx.config.TEMPORAL_TASK_QUEUE, integrationId, userId);
  if (!opts.wait) {
    return out.print(`Refresh started: workflow ${handle.workflowId} (follow it in the Temporal UI).`, { workflowId: handle.workflowId });
  }
  out.progress(`workflow ${handle.workflowId} started; waiting for its summary`);
  const summary = await resultWithProgress<RefreshUserResult>(handle, (line) => out.progress(line));
  out.print(
    `Refreshed ${summary.login ?? userId} (${summary.status}): ${summary.factors} factors, ${summary.devices} devices, ` +
      `${summary.eventsRead} events read in ${summary.pages} pages, ${summary.activityRowsWritten} Activity rows written.`,
    { workflowId: handle.workflowId, ...summary },
  );
}

// Handler of `oort-okta refresh-user`.
import type { CliContext } from '../context.js';
import type { Output } from '../run.js';
import { getIntegration } from '../../integrations/repository.js';
import { startRefreshUser } from '../../temporal/client.js';
import { resultWithProgress } from '../../temporal/workflow-progress.js';
import type { RefreshUserResult } from '../../workflows/types.js';

export async function refreshUser(ctx: CliContext, out: Output, integrationId: string, userId: string, opts: { wait: boolean }): Promise<void> {
  await getIntegration(ctx.db, integrationId);
  const handle = await startRefreshUser(await ctx.client(), ctx.db, ctx.config.TEMPORAL_TASK_QUEUE, integrationId, userId);
  if (!opts.wait) {
    return out.print(`Refresh started: workflow ${handle.workflowId} (follow it in the Temporal UI).`, { workflowId: handle.workflowId });
  }
  out.progress(`workflow ${handle.workflowId} started; waiting for its summary`);
  const summary = await resultWithProgress<RefreshUserResult>(handle, (line) => out.progress(line));
  // The workflow's result has no personal data; the login comes from the directory the refresh just wrote.
  const [user] = await ctx.db.$client<{ login: string | null }[]>`
    select login from okta_users where integration_id = ${integrationId} and id = ${userId}`;
  const login = user?.login ?? null;
  out.print(
    `Refreshed ${login ?? userId} (${summary.status}): ${summary.factors} factors, ${summary.devices} devices, ` +
      `${summary.eventsRead} events read in ${summary.pages} pages, ${summary.activityRowsWritten} Activity rows written.`,
    { workflowId: handle.workflowId, login, ...summary },
  );
}

// Handler of `oort-okta refresh-user`. The integration is looked up before anything starts (an unknown one is
// refused here, not retried by a workflow), and a refresh that fails is said as its cause: Okta's answer (no such user:
// not found, exit 3; the token refused), or the step that failed, instead of "Workflow execution failed".
import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import type { CliContext } from '../context.js';
import type { Output } from '../run.js';
import { CliError, Failure, NotFound, type ErrorDetails } from '../errors.js';
import { getIntegration, type IntegrationRow } from '../../integrations/repository.js';
import { startRefreshUser } from '../../temporal/client.js';
import type { OktaAnswer } from '../../okta/client.js';
import { resultWithProgress } from '../../temporal/workflow-progress.js';
import {
  CREDENTIALS_REJECTED,
  INTEGRATION_NOT_FOUND,
  OKTA_BAD_REQUEST,
  OKTA_DESTINATION_REFUSED,
  OKTA_DOMAIN_REFUSED,
  OKTA_USER_NOT_FOUND,
} from '../../temporal/shared/failures.js';
import type { RefreshUserResult } from '../../workflows/types.js';

export async function refreshUser(ctx: CliContext, out: Output, integrationId: string, userId: string, opts: { wait: boolean }): Promise<void> {
  const row = await getIntegration(ctx.db, integrationId);
  const handle = await startRefreshUser(await ctx.client(), ctx.db, ctx.config.TEMPORAL_TASK_QUEUE, integrationId, userId);
  if (!opts.wait) {
    return out.print(`Refresh started: workflow ${handle.workflowId} (follow it in the Temporal UI).`, { workflowId: handle.workflowId });
  }
  out.progress(`workflow ${handle.workflowId} started; waiting for its summary`);
  let summary: RefreshUserResult;
  try {
    summary = await resultWithProgress<RefreshUserResult>(handle, (line) => out.progress(line));
  } catch (err) {
    throw refreshFailure(err, row, userId, handle.workflowId);
  }
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

/** Okta's answer as the activity reported it: the failure's structured details (activities/failures.ts). */
export function oktaAnswerOf(failure: ApplicationFailure): OktaAnswer {
  const [details] = (failure.details ?? []) as Array<{ status?: unknown; errorCode?: unknown; summary?: unknown } | null | undefined>;
  if (!details || typeof details !== 'object') return {};
  return {
    status: typeof details.status === 'number' ? details.status : undefined,
    errorCode: typeof details.errorCode === 'string' ? details.errorCode : undefined,
    summary: typeof details.summary === 'string' ? details.summary : undefined,
  };
}

/** The org as operators know it: acme.okta.com (the simulator's http://127.0.0.1:8085 as 127.0.0.1:8085). */
function orgOf(row: IntegrationRow): string {
  try {
    return new URL(row.oktaDomain.includes('://') ? row.oktaDomain : `https://${row.oktaDomain}`).host;
  } catch {
    return row.oktaDomain;
  }
}

/** The innermost failure of a failed workflow: WorkflowFailedError → ActivityFailure → ApplicationFailure. */
function rootFailure(err: WorkflowFailedError): { activity?: string; failure: Error } {
  let activity: string | undefined;
  let failure: Error = err;
  for (let cause: unknown = err.cause; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof ActivityFailure) activity = cause.activityType;
    failure = cause;
    if (cause instanceof ApplicationFailure) break;
  }
  return { activity, failure };
}

/** A failed refresh said as its cause (exported for the tests). */
export function refreshFailure(err: unknown, row: IntegrationRow, userId: string, workflowId: string): CliError {
  if (!(err instanceof WorkflowFailedError)) return err instanceof CliError ? err : new Failure(`${(err as Error)?.message ?? String(err)} (workflow ${workflowId})`, { workflowId });
  const { activity, failure } = rootFailure(err);
  const org = orgOf(row);
  const step = activity ? ` in ${activity}` : '';
  if (!(failure instanceof ApplicationFailure)) {
    // A timeout, a cancellation, a termination: no answer from Okta to quote.
    return new Failure(`the refresh of ${userId} failed${step}: ${failure.message} (workflow ${workflowId}; its history is in the Temporal UI)`, {
      reason: 'workflow_failed',
      workflowId,
    });
  }
  const answer = oktaAnswerOf(failure);
  const said = [answer.status, answer.errorCode].filter((x) => x !== undefined).join(' ');
  const okta: ErrorDetails['okta'] = { ...answer, domain: org };
  switch (failure.type) {
    case OKTA_USER_NOT_FOUND:
      return new NotFound(`Okta has no user ${userId} in ${org}${said ? ` (${said})` : ''}; check the id in the Okta admin console (Directory → People)`, {
        resource: 'okta_user',
        id: userId,
        okta,
        workflowId,
      });
    case INTEGRATION_NOT_FOUND:
      return new NotFound(`no integration ${row.id} any more (deleted while the refresh ran); list them with \`npx oort-okta integrations list\``, {
        resource: 'integration',
        id: row.id,
        workflowId,
      });
    case CREDENTIALS_REJECTED:
      return new Failure(
        `Okta at ${org} refused the integration's API token${said ? ` (${said}${answer.summary ? `: ${answer.summary}` : ''})` : ''}; ` +
          `replace it with \`npx oort-okta integrations rotate-token ${row.id}\``,
        { reason: 'okta_refused', okta, workflowId },
      );
    case OKTA_BAD_REQUEST:
      return new Failure(`Okta at ${org} refused the request for user ${userId}${said ? ` (${said}${answer.summary ? `: ${answer.summary}` : ''})` : ''}`, {
        reason: 'okta_refused',
        okta,
        workflowId,
      });
    case OKTA_DESTINATION_REFUSED:
    case OKTA_DOMAIN_REFUSED:
      return new Failure(`the refresh of ${userId} was refused before reaching Okta: ${failure.message}`, { reason: 'okta_refused', okta: { domain: org }, workflowId });
    default:
      return new Failure(`the refresh of ${userId} failed${step}: ${failure.message} (workflow ${workflowId}; its history is in the Temporal UI)`, {
        reason: 'workflow_failed',
        ...(answer.status !== undefined ? { okta } : {}),
        workflowId,
      });
  }
}

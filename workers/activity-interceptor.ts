// Around every activity attempt: a log line with the integration id (start, end, failure), the failure counted in
// metrics, and errors that retrying cannot fix turned into typed, non-retryable failures (activities/failures.ts),
// whatever activity they escaped from.
import { ApplicationFailure } from '@temporalio/common';
import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, ActivityInterceptorsFactory, Next } from '@temporalio/worker';
import { typedFailure } from '../activities/failures.js';
import { recordActivityFailure } from '../lib/metrics.js';
import type { Logger } from '../lib/logger.js';

/** The integration an activity works for: every activity takes an object with `integrationId` first. */
export function integrationIdOf(args: readonly unknown[]): string {
  const first = args[0] as { integrationId?: unknown } | undefined;
  return typeof first?.integrationId === 'string' ? first.integrationId : 'unknown';
}

export class ActivityOutcomeInterceptor implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly ctx: Context,
    private readonly log: Logger,
  ) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const { activityType: activity, attempt, workflowExecution } = this.ctx.info;
    const integrationId = integrationIdOf(input.args);
    const fields = { integrationId, activity, attempt, workflowId: workflowExecution?.workflowId };
    const started = performance.now();
    this.log.debug(fields, 'activity started');
    try {
      const result = await next(input);
      this.log.info({ ...fields, ms: Math.round(performance.now() - started) }, 'activity completed');
      return result;
    } catch (err) {
      const failure = typedFailure(err, activity);
      const type = failure instanceof ApplicationFailure ? (failure.type ?? 'ApplicationFailure') : ((failure as Error)?.name ?? 'Error');
      const retryable = !(failure instanceof ApplicationFailure && failure.nonRetryable);
      recordActivityFailure(integrationId, activity, type, retryable);
      const cancelled = this.ctx.cancellationSignal.aborted;
      this.log[cancelled ? 'info' : 'warn'](
        { ...fields, ms: Math.round(performance.now() - started), failure: type, retryable, err: (failure as Error)?.message },
        cancelled ? 'activity cancelled' : 'activity failed',
      );
      throw failure;
    }
  }
}

export function activityInterceptors(log: Logger): ActivityInterceptorsFactory {
  return (ctx) => ({ inbound: new ActivityOutcomeInterceptor(ctx, log) });
}

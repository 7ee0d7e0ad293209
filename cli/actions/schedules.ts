// Handlers of `oort-okta schedules list|trigger|backfill|update`.
import type { CliContext } from '../context.js';
import type { Output } from '../run.js';
import { UsageError } from '../errors.js';
import { table, time } from '../format.js';
import { getIntegration, getIntegrationWithTenant, listIntegrationIds } from '../../integrations/repository.js';
import { ensureMaintenanceSchedule } from '../../temporal/maintenance-schedule.js';
import { updateSchedules } from '../../temporal/schedules.js';
import type { ScheduleKind } from '../../temporal/shared/ids.js';
import type { OverlapPolicyName } from '../../temporal/overlap-policies.js';
import { backfillSchedule, describeSchedules, triggerSchedule, waitForBackfill } from '../../temporal/schedule-operations.js';
import { previousUtcDay } from '../../user-activity/day.js';

export async function list(ctx: CliContext, out: Output, integrationId: string): Promise<void> {
  const row = await getIntegration(ctx.db, integrationId);
  const schedules = await describeSchedules(await ctx.client(), integrationId);
  if (schedules.every((s) => !s.exists)) {
    return out.print(`${integrationId} has no Schedules (status ${row.status}): onboarding creates them once the log stream is verified.`, schedules);
  }
  out.print(
    schedules
      .map((s) =>
        !s.exists
          ? `${s.scheduleId}: missing`
          : [
              `${s.scheduleId}: ${s.paused ? `PAUSED${s.note ? ` (${s.note})` : ''}` : 'active'}; ${s.spec}; overlap ${s.overlapPolicy}, catch-up ${s.catchupWindow}`,
              `  next: ${s.nextRuns!.map(time).join(', ') || '—'}`,
              `  running: ${s.running!.join(', ') || 'none'}`,
              s.recentRuns!.length
                ? table(['  RECENT (SCHEDULED)', 'STARTED', 'WORKFLOW'], s.recentRuns!.map((r) => [`  ${time(r.scheduledAt)}`, time(r.startedAt), r.workflowId]), '')
                : '  recent: none',
            ].join('\n'),
      )
      .join('\n'),
    schedules,
  );
}

export async function trigger(ctx: CliContext, out: Output, integrationId: string, opts: { kind: ScheduleKind; overlapPolicy: OverlapPolicyName }): Promise<void> {
  await getIntegration(ctx.db, integrationId);
  const r = await triggerSchedule(await ctx.client(), integrationId, opts.kind, opts.overlapPolicy);
  out.print(
    r.droppedBecause
      ? `Triggered ${r.scheduleId} with ${r.overlapPolicy}, but ${r.droppedBecause}: this trigger starts nothing.`
      : `Triggered ${r.scheduleId} (overlap ${r.overlapPolicy}).${opts.kind === 'hourly' ? ` Follow it with \`npx oort-okta runs ${integrationId}\`.` : ''}`,
    { ...r, triggered: true },
  );
}

export async function backfill(
  ctx: CliContext,
  out: Output,
  integrationId: string,
  opts: { kind: ScheduleKind; from: Date; to: Date; overlapPolicy: OverlapPolicyName; wait: boolean; timeout: number },
): Promise<void> {
  // A range that can never be backfilled is the command line's fault: said before anything is looked up.
  if (opts.from.getTime() > opts.to.getTime()) throw new UsageError(`--from (${opts.from.toISOString()}) is after --to (${opts.to.toISOString()}); swap them.`);
  if (opts.to.getTime() > Date.now()) {
    throw new UsageError(`--to (${opts.to.toISOString()}) is in the future: a backfill covers past times; the Schedule runs the future ones.`);
  }
  await getIntegration(ctx.db, integrationId);
  const client = await ctx.client();
  const req = await backfillSchedule(client, integrationId, opts.kind, { from: opts.from, to: opts.to }, opts.overlapPolicy);
  // A daily-activity run writes the day before its time: say which days, not only which times.
  const days = opts.kind === 'daily-activity' ? req.times.map((t) => previousUtcDay(t)) : undefined;
  const what =
    `${req.times.length} runs of ${req.scheduleId} (${time(req.times[0])} … ${time(req.times[req.times.length - 1])})` +
    (days ? `, Activity of ${days[0]} … ${days[days.length - 1]}` : '');
  const data = { scheduleId: req.scheduleId, overlapPolicy: req.overlapPolicy, from: req.from, to: req.to, times: req.times, days };
  if (!opts.wait) return out.print(`Backfill requested: ${what}.`, { ...data, requested: true });

  out.progress(`backfill requested: ${what}`);
  let last = '';
  const done = await waitForBackfill(
    client,
    req,
    (p) => {
      const line = `${p.started}/${p.expected} started, ${p.completed} completed, ${p.running} running, ${p.buffered} waiting, ${p.skipped} skipped, ${p.failed} failed`;
      if (line !== last) out.progress(line);
      last = line;
    },
    { timeoutMs: opts.timeout * 60_000 },
  );
  out.print(
    `Backfill of ${req.scheduleId} done: ${done.completed} completed, ${done.failed} failed, ${done.skipped} skipped by ${req.overlapPolicy} (of ${done.expected}).`,
    { ...data, ...done },
  );
  if (done.failed > 0) process.exitCode = 1;
}

/**
 * Brings existing Schedules to this release's spec and task queue (after an upgrade), for one integration or, with
 * `all`, every integration; creates none and keeps paused ones paused. With `all`, an integration that fails does not
 * stop the others: the summary names it and the exit code is 1 (running it again is safe).
 */
export async function update(ctx: CliContext, out: Output, integrationId: string | undefined, opts: { all?: boolean }): Promise<void> {
  if (!integrationId === !opts.all) throw new UsageError('give an integration id or --all (not both)');
  const ids = integrationId ? [integrationId] : await listIntegrationIds(ctx.db);
  const client = await ctx.client();
  const taskQueue = ctx.config.TEMPORAL_TASK_QUEUE;
  const results: Array<{ integrationId: string; updated: string[] }> = [];
  const failed: Array<{ integrationId: string; error: string }> = [];
  for (const id of ids) {
    try {
      const { integration, tenantName } = await getIntegrationWithTenant(ctx.db, id);
      const updated = await updateSchedules(client, { integrationId: id, tenantId: integration.tenantId, name: integration.name, tenantName }, taskQueue);
      results.push({ integrationId: id, updated });
      out.progress(`${id}: ${updated.length > 0 ? `updated ${updated.join(', ')}` : 'no Schedules'}`);
    } catch (err) {
      if (!opts.all) throw err;
      const error = err instanceof Error ? err.message : String(err);
      failed.push({ integrationId: id, error });
      out.progress(`${id}: FAILED: ${error}`);
    }
  }
  // The platform's maintenance Schedule exists once an integration has Schedules: brought up to date with them.
  const any = results.some((r) => r.updated.length > 0);
  if (any) await ensureMaintenanceSchedule(client, taskQueue);
  const n = results.reduce((sum, r) => sum + r.updated.length, 0);
  out.print(
    `Updated ${n} Schedule${n === 1 ? '' : 's'} of ${results.filter((r) => r.updated.length > 0).length} integration(s) to this release's spec (task queue ${taskQueue}-heavy for their runs)` +
      `${any ? ', and the database maintenance Schedule' : ''}.` +
      (failed.length > 0 ? ` ${failed.length} integration(s) FAILED (${failed.map((f) => f.integrationId).join(', ')}): run it again once the cause is fixed.` : ''),
    { integrations: results, maintenance: any, failed },
  );
  if (failed.length > 0) process.exitCode = 1;
}

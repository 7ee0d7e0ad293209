// What operators do with an integration's Schedules besides pause/resume: read them, trigger one now,
// and backfill a past range — always with an explicit overlap policy, since the API's default for a
// manual action (AllowAll) would let two drains of one queue compete.
import { ScheduleNotFoundError, type Client, type ScheduleDescription } from '@temporalio/client';
import { OVERLAP_POLICIES, overlapPolicyName, type OverlapPolicyName } from './overlap-policies.js';
import { SCHEDULE_KINDS, scheduleId, type ScheduleKind } from './shared/ids.js';

/** 3_600_000 → "1h"; 90_000 → "1m30s". */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, s] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
    if (rest >= s) {
      parts.push(`${Math.floor(rest / s)}${unit}`);
      rest %= s;
    }
  }
  return parts.join('') || `${ms}ms`;
}

type Spec = ScheduleDescription['spec'];
type Ranges = Array<{ start: number | string; end: number | string; step: number }>;

const single = (r: Ranges | undefined): number | undefined =>
  r && r.length === 1 && r[0].start === r[0].end && typeof r[0].start === 'number' ? r[0].start : undefined;
const everyValue = (r: Ranges | undefined): boolean => !r || r.length === 0 || (r.length === 1 && r[0].step === 1 && r[0].start !== r[0].end);

/** A one-line reading of a Schedule spec: "every 1h, jitter 5m", "daily 00:30 UTC, jitter 15m". */
export function describeSpec(spec: Spec): string {
  const times: string[] = [];
  for (const i of spec.intervals ?? []) {
    times.push(`every ${formatDuration(i.every)}${i.offset ? ` (offset ${formatDuration(i.offset)})` : ''}`);
  }
  for (const c of spec.calendars ?? []) {
    const hour = single(c.hour as Ranges);
    const minute = single(c.minute as Ranges);
    const daily = everyValue(c.dayOfMonth as Ranges) && everyValue(c.month as Ranges) && everyValue(c.dayOfWeek as Ranges);
    if (hour !== undefined && minute !== undefined && daily) {
      times.push(`daily ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')} ${spec.timezone || 'UTC'}`);
    } else {
      times.push('calendar (see the Temporal UI)');
    }
  }
  const jitter = spec.jitter ? `, jitter ${formatDuration(spec.jitter)}` : '';
  return `${times.join('; ') || 'no times'}${jitter}`;
}

export interface ScheduleSummary {
  kind: ScheduleKind;
  scheduleId: string;
  exists: boolean;
  paused?: boolean;
  note?: string;
  spec?: string;
  overlapPolicy?: string;
  catchupWindow?: string;
  nextRuns?: Date[];
  recentRuns?: Array<{ scheduledAt: Date; startedAt: Date; workflowId: string }>;
  running?: string[];
  actionsTaken?: number;
  skippedOverlap?: number;
}

export async function describeSchedules(client: Client, integrationId: string): Promise<ScheduleSummary[]> {
  const out: ScheduleSummary[] = [];
  for (const kind of SCHEDULE_KINDS) {
    const id = scheduleId(kind, integrationId);
    let d: ScheduleDescription;
    try {
      d = await client.schedule.getHandle(id).describe();
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
      out.push({ kind, scheduleId: id, exists: false });
      continue;
    }
    out.push({
      kind,
      scheduleId: id,
      exists: true,
      paused: d.state.paused,
      note: d.state.note,
      spec: describeSpec(d.spec),
      overlapPolicy: overlapPolicyName(d.policies.overlap),
      catchupWindow: formatDuration(d.policies.catchupWindow),
      nextRuns: d.info.nextActionTimes.slice(0, 3),
      recentRuns: d.info.recentActions.slice(-5).reverse().map((a) => ({
        scheduledAt: a.scheduledAt,
        startedAt: a.takenAt,
        workflowId: a.action.workflow.workflowId,
      })),
      running: d.info.runningActions.map((a) => a.workflow.workflowId),
      actionsTaken: d.info.numActionsTaken,
      skippedOverlap: d.info.numActionsSkippedOverlap,
    });
  }
  return out;
}

export class NoScheduleError extends Error {
  override name = 'NoSchedule';
}

async function describeOrExplain(client: Client, integrationId: string, kind: ScheduleKind): Promise<ScheduleDescription> {
  try {
    return await client.schedule.getHandle(scheduleId(kind, integrationId)).describe();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
    throw new NoScheduleError(
      `integration ${integrationId} has no ${kind} Schedule: onboarding creates the Schedules once the log stream is verified ` +
        `(see \`npx oort-okta integrations show ${integrationId}\`), and \`npx oort-okta integrations remove\` deletes them`,
    );
  }
}

export interface TriggerResult {
  scheduleId: string;
  overlapPolicy: OverlapPolicyName;
  /** Set when the policy will drop this trigger because a run is in progress. */
  droppedBecause?: string;
}

export async function triggerSchedule(client: Client, integrationId: string, kind: ScheduleKind, policy: OverlapPolicyName): Promise<TriggerResult> {
  const before = await describeOrExplain(client, integrationId, kind);
  const id = scheduleId(kind, integrationId);
  await client.schedule.getHandle(id).trigger(OVERLAP_POLICIES[policy]);
  const running = before.info.runningActions.map((a) => a.workflow.workflowId);
  const dropped = running.length > 0 && policy === 'Skip' ? `run ${running[0]} is in progress and the policy is Skip` : undefined;
  return { scheduleId: id, overlapPolicy: policy, ...(dropped ? { droppedBecause: dropped } : {}) };
}

/** google.protobuf.Timestamp; protobufjs takes a plain number where its types say Long. */
function timestamp(at: Date) {
  return { seconds: Math.floor(at.getTime() / 1000) as never, nanos: (at.getTime() % 1000) * 1_000_000 };
}

export interface BackfillRequest {
  scheduleId: string;
  kind: ScheduleKind;
  from: Date;
  to: Date;
  overlapPolicy: OverlapPolicyName;
  /** The Schedule's times in the range: the runs the backfill asks for. */
  times: Date[];
  requestedAt: Date;
  baseline: { taken: number; skipped: number; dropped: number };
}

export async function backfillSchedule(
  client: Client,
  integrationId: string,
  kind: ScheduleKind,
  range: { from: Date; to: Date },
  policy: OverlapPolicyName,
): Promise<BackfillRequest> {
  if (range.from.getTime() > range.to.getTime()) throw new Error(`--from (${range.from.toISOString()}) is after --to (${range.to.toISOString()}); swap them.`);
  if (range.to.getTime() > Date.now()) throw new Error(`--to (${range.to.toISOString()}) is in the future: a backfill covers past times; the Schedule runs the future ones.`);
  const before = await describeOrExplain(client, integrationId, kind);
  const id = scheduleId(kind, integrationId);
  // Temporal includes a time equal to the range's start in a backfill; the listing starts after its start.
  const matching = await client.workflowService.listScheduleMatchingTimes({
    namespace: client.options.namespace,
    scheduleId: id,
    startTime: timestamp(new Date(range.from.getTime() - 1)),
    endTime: timestamp(range.to),
  });
  const times = (matching.startTime ?? []).map((t) => new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1_000_000)));
  if (times.length === 0) throw new Error(`the ${kind} Schedule has no times between ${range.from.toISOString()} and ${range.to.toISOString()}; widen the range.`);
  const requestedAt = new Date();
  await client.schedule.getHandle(id).backfill({ start: range.from, end: range.to, overlap: OVERLAP_POLICIES[policy] });
  return {
    scheduleId: id,
    kind,
    from: range.from,
    to: range.to,
    overlapPolicy: policy,
    times,
    requestedAt,
    baseline: {
      taken: before.info.numActionsTaken,
      skipped: before.info.numActionsSkippedOverlap,
      dropped: Number(before.raw.info?.bufferDropped ?? 0),
    },
  };
}

export interface BackfillProgress {
  expected: number;
  started: number;
  skipped: number;
  running: number;
  buffered: number;
  completed: number;
  failed: number;
  workflows: Array<{ workflowId: string; status: string }>;
}

/** Polls the Schedule and its runs until every backfilled time has run or been dropped by the policy. */
export async function waitForBackfill(
  client: Client,
  req: BackfillRequest,
  onProgress: (p: BackfillProgress) => void,
  opts: { timeoutMs: number; pollMs?: number } = { timeoutMs: 30 * 60_000 },
): Promise<BackfillProgress> {
  const deadline = Date.now() + opts.timeoutMs;
  const handle = client.schedule.getHandle(req.scheduleId);
  for (;;) {
    const d = await handle.describe();
    const workflows: BackfillProgress['workflows'] = [];
    for await (const wf of client.workflow.list({
      query: `TemporalScheduledById = "${req.scheduleId}" AND StartTime >= "${req.requestedAt.toISOString()}"`,
    })) {
      workflows.push({ workflowId: wf.workflowId, status: wf.status.name });
    }
    const started = d.info.numActionsTaken - req.baseline.taken;
    const skipped = d.info.numActionsSkippedOverlap - req.baseline.skipped + (Number(d.raw.info?.bufferDropped ?? 0) - req.baseline.dropped);
    const progress: BackfillProgress = {
      expected: req.times.length,
      started,
      skipped,
      running: d.info.runningActions.length,
      buffered: Number(d.raw.info?.bufferSize ?? 0),
      completed: workflows.filter((w) => w.status === 'COMPLETED').length,
      failed: workflows.filter((w) => !['COMPLETED', 'RUNNING'].includes(w.status)).length,
      workflows,
    };
    onProgress(progress);
    const settled = started + skipped >= progress.expected && progress.running === 0 && progress.buffered === 0;
    // Visibility lags the Schedule: wait until every started run is listed as closed too.
    if (settled && progress.completed + progress.failed >= started) return progress;
    if (Date.now() > deadline) {
      throw new Error(
        `backfill of ${req.scheduleId} still running after ${formatDuration(opts.timeoutMs)} (${started} of ${progress.expected} started); ` +
          'follow it in the Temporal UI or with `npx oort-okta schedules list`',
      );
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 1000));
  }
}

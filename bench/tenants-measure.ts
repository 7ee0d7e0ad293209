// What bench/tenants measures besides time: CPU and peak RSS of the worker processes, the CPU of this run's
// PostgreSQL backends and of the whole server, the Temporal server's CPU (all from /proc, Linux), the SQS requests the
// emulator answered (by action), and the Temporal actions of a run counted from its history.
import { readdirSync, readFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { buildApp } from 'fauxqs';
import type { SqsEmulator } from '../workers/local-stack/sqs-emulator.js';

const TICK_MS = 10; // Linux USER_HZ = 100

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** utime + stime of a process, in ms; undefined when it is gone (or not Linux). */
function cpuMsOf(pid: number): number | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** Peak resident set (VmHWM) of a process, in MB. */
export function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(read(`/proc/${pid}/status`) ?? '');
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

export interface CpuSample {
  at: number;
  workers: number;
  /** Backends connected to this run's database (their command line names it). */
  postgresOurs: number;
  /** Every postgres process: the server is shared with other work on this machine. */
  postgresAll: number;
  temporal: number;
  bench: number;
  machineBusy: number;
  perPid: Map<number, number>;
}

/** CPU counters now: the worker processes, PostgreSQL (this database's backends, and all of it), Temporal, this process. */
export function cpuSample(workerPids: readonly number[], database: string): CpuSample {
  const own = process.cpuUsage();
  const s: CpuSample = { at: performance.now(), workers: 0, postgresOurs: 0, postgresAll: 0, temporal: 0, bench: (own.user + own.system) / 1000, machineBusy: 0, perPid: new Map() };
  for (const pid of workerPids) s.workers += cpuMsOf(pid) ?? 0;
  const cpuLine = read('/proc/stat')?.split('\n')[0];
  if (!cpuLine) return s;
  const f = cpuLine.trim().split(/\s+/).slice(1).map(Number);
  s.machineBusy = (f.slice(0, 8).reduce((a, b) => a + b, 0) - f[3] - f[4]) * TICK_MS;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = read(`/proc/${pid}/stat`);
    if (!stat) continue;
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const ms = cpuMsOf(pid) ?? 0;
    if (comm === 'temporal') s.temporal += ms;
    else if (comm.startsWith('postgres')) {
      s.postgresAll += ms;
      // A backend's command line: "postgres: <user> <database> <client> <state>".
      if ((read(`/proc/${pid}/cmdline`) ?? '').includes(` ${database} `)) {
        s.postgresOurs += ms;
        s.perPid.set(pid, ms);
      }
    }
  }
  return s;
}

/** CPU between two samples in % of one core (a backend that started in between counts from zero). */
export function cpuBetween(a: CpuSample, b: CpuSample) {
  const wall = b.at - a.at;
  const pct = (ms: number) => (wall > 0 ? Math.round((ms / wall) * 100) : 0);
  let ours = 0;
  for (const [pid, ms] of b.perPid) ours += ms - (a.perPid.get(pid) ?? 0);
  return {
    workers: pct(b.workers - a.workers),
    postgresOurs: pct(ours),
    postgresAll: pct(b.postgresAll - a.postgresAll),
    temporal: pct(b.temporal - a.temporal),
    bench: pct(b.bench - a.bench),
    machine: pct(b.machineBusy - a.machineBusy),
  };
}

/** The SQS emulator (fauxqs) as workers/local-stack starts it, counting the requests it answers by action. */
export async function startCountingSqsEmulator(): Promise<SqsEmulator & { requests: Map<string, number> }> {
  const app = buildApp({ logger: false });
  const requests = new Map<string, number>();
  app.addHook('onRequest', async (req) => {
    const target = String(req.headers['x-amz-target'] ?? 'other').replace(/^AmazonSQS\./, '');
    requests.set(target, (requests.get(target) ?? 0) + 1);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the SQS emulator has no TCP address');
  return { endpoint: `http://127.0.0.1:${address.port}`, requests, stop: async () => void (await app.close()) };
}

export interface RunActions {
  /** Workflow start (the Schedule's action starting it) — 1 per run. */
  start: number;
  workflowTasks: number;
  /** Activity attempts (a retried activity counts each attempt). */
  activities: number;
  /** Local activities (their markers; counted as one action each, like a queued activity). */
  localActivities: number;
  timers: number;
  signals: number;
}

/** A history's events as plain JSON objects (read once, then by `runActions` and `timeSpent`). */
export type HistoryEvents = ReadonlyArray<Record<string, unknown>>;

export function historyEvents(history: Parameters<typeof historyToJSON>[0]): HistoryEvents {
  return (JSON.parse(historyToJSON(history)) as { events?: Array<Record<string, unknown>> }).events ?? [];
}

/** The Temporal actions of one run, from its history. Heartbeats are not in the history and are not counted. */
export function runActions(events: HistoryEvents): RunActions {
  const a: RunActions = { start: 0, workflowTasks: 0, activities: 0, localActivities: 0, timers: 0, signals: 0 };
  for (const e of events) {
    const type = String(e.eventType ?? '');
    if (type.endsWith('WORKFLOW_EXECUTION_STARTED')) a.start += 1;
    else if (type.endsWith('WORKFLOW_TASK_COMPLETED')) a.workflowTasks += 1;
    else if (type.endsWith('ACTIVITY_TASK_STARTED')) a.activities += Number((e.activityTaskStartedEventAttributes as { attempt?: number } | undefined)?.attempt ?? 1);
    else if (type.endsWith('MARKER_RECORDED')) a.localActivities += (e.markerRecordedEventAttributes as { markerName?: string } | undefined)?.markerName === 'core_local_activity' ? 1 : 0;
    else if (type.endsWith('TIMER_STARTED')) a.timers += 1;
    else if (type.endsWith('WORKFLOW_EXECUTION_SIGNALED')) a.signals += 1;
  }
  return a;
}

/** The step (activity type) an ACTIVITY_TASK_SCHEDULED event schedules. */
function scheduledStep(e: HistoryEvents[number]): string {
  return String((e.activityTaskScheduledEventAttributes as { activityType?: { name?: string } }).activityType?.name);
}

/**
 * The queued steps of one run that needed more than one attempt: the step, and why the attempt before
 * the last one ended (the server keeps only that one: `lastFailure` of the started event). Local activities retry
 * inside the worker and are not here.
 */
export function retriedSteps(events: HistoryEvents): Array<{ step: string; lastFailure: string }> {
  const stepOf = new Map<string, string>();
  const retried: Array<{ step: string; lastFailure: string }> = [];
  for (const e of events) {
    const type = String(e.eventType ?? '');
    if (type.endsWith('ACTIVITY_TASK_SCHEDULED')) {
      stepOf.set(String(e.eventId), scheduledStep(e));
    } else if (type.endsWith('ACTIVITY_TASK_STARTED')) {
      const started = e.activityTaskStartedEventAttributes as { scheduledEventId?: string; attempt?: number; lastFailure?: { message?: string; timeoutFailureInfo?: { timeoutType?: string } } };
      if ((started.attempt ?? 1) <= 1) continue;
      const timeout = started.lastFailure?.timeoutFailureInfo?.timeoutType;
      retried.push({
        step: stepOf.get(String(started.scheduledEventId)) ?? '?',
        lastFailure: timeout ? `timeout ${timeout.replace(/^TIMEOUT_TYPE_/, '').toLowerCase().replace(/_/g, '-')}` : (started.lastFailure?.message ?? 'unknown').slice(0, 120),
      });
    }
  }
  return retried;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Where a workflow's time went, from its history: waiting for workflow tasks, waiting for activity slots, running activities. */
export interface TimeSpent {
  workflowTaskWaitSeconds: number;
  activityWaitSeconds: number;
  activityRunSeconds: number;
  /** Running time per activity type (the workflow's steps), summed over its attempts. */
  activityRunSecondsByStep: Record<string, number>;
}

export function timeSpent(events: HistoryEvents): TimeSpent {
  const at = new Map<string, number>();
  const stepOf = new Map<string, string>();
  const spent: TimeSpent = { workflowTaskWaitSeconds: 0, activityWaitSeconds: 0, activityRunSeconds: 0, activityRunSecondsByStep: {} };
  for (const e of events) {
    const time = Date.parse(String(e.eventTime));
    at.set(String(e.eventId), time);
    const type = String(e.eventType ?? '');
    const since = (id: unknown) => (time - (at.get(String(id)) ?? time)) / 1000;
    if (type.endsWith('WORKFLOW_TASK_STARTED')) spent.workflowTaskWaitSeconds += since((e.workflowTaskStartedEventAttributes as { scheduledEventId?: string }).scheduledEventId);
    else if (type.endsWith('ACTIVITY_TASK_SCHEDULED')) stepOf.set(String(e.eventId), scheduledStep(e));
    else if (type.endsWith('ACTIVITY_TASK_STARTED')) {
      const started = e.activityTaskStartedEventAttributes as { scheduledEventId?: string };
      spent.activityWaitSeconds += since(started.scheduledEventId);
      stepOf.set(String(e.eventId), stepOf.get(String(started.scheduledEventId)) ?? '?');
    } else if (type.endsWith('ACTIVITY_TASK_COMPLETED')) {
      const startedEventId = String((e.activityTaskCompletedEventAttributes as { startedEventId?: string }).startedEventId);
      const run = since(startedEventId);
      const step = stepOf.get(startedEventId) ?? '?';
      spent.activityRunSeconds += run;
      spent.activityRunSecondsByStep[step] = (spent.activityRunSecondsByStep[step] ?? 0) + run;
    }
  }
  return spent;
}

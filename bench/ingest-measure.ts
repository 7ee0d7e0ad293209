// Resource figures for the ingest benchmark: peak RSS of this process and CPU per stage (this process,
// PostgreSQL, the Temporal server, the rest of the machine), each recorded under the stage's name.
import { readdirSync, readFileSync } from 'node:fs';

export const mb = (bytes: number) => Math.round(bytes / (1024 * 1024));

export interface StageMemory {
  startMb: number;
  peakMb: number;
}
/** Peak RSS per stage, in MB, filled in by `stage`. */
export const memory: Record<string, StageMemory> = {};

/** CPU used during a stage, in % of one core: this process, PostgreSQL and Temporal server processes, the SQS emulator's process (0 when inline), everything else. */
export interface StageCpu {
  bench: number;
  postgres: number;
  temporal: number;
  emulator: number;
  other: number;
}
export const cpuByStage: Record<string, StageCpu> = {};
const TICK_MS = 10; // Linux USER_HZ = 100

interface CpuSnapshot {
  at: number;
  own: number;
  machineBusyMs: number | undefined;
  byName: Record<'postgres' | 'temporal' | 'emulator', number>;
}

/** The SQS emulator's process, when it runs in one of its own: its CPU is counted apart from "other". */
let emulatorPid: number | undefined;
export function trackEmulatorProcess(pid: number | undefined): void {
  emulatorPid = pid;
}

/** Machine-wide and per-process CPU from /proc (Linux); elsewhere only this process is measured. */
function cpuSnapshot(): CpuSnapshot {
  const own = process.cpuUsage();
  const snap: CpuSnapshot = { at: performance.now(), own: (own.user + own.system) / 1000, machineBusyMs: undefined, byName: { postgres: 0, temporal: 0, emulator: 0 } };
  try {
    const [cpuLine] = readFileSync('/proc/stat', 'utf8').split('\n');
    const f = cpuLine.trim().split(/\s+/).slice(1).map(Number);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    snap.machineBusyMs = (total - f[3] - f[4]) * TICK_MS;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue;
      }
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const key = Number(pid) === emulatorPid ? 'emulator' : comm.startsWith('postgres') ? 'postgres' : comm === 'temporal' ? 'temporal' : undefined;
      if (!key) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      snap.byName[key] += (Number(fields[11]) + Number(fields[12])) * TICK_MS;
    }
  } catch {
    // not Linux
  }
  return snap;
}

function cpuBetween(a: CpuSnapshot, b: CpuSnapshot): StageCpu {
  const wall = b.at - a.at;
  const pct = (ms: number) => (wall > 0 ? Math.max(0, Math.round((ms / wall) * 100)) : 0);
  const own = b.own - a.own;
  const pg = b.byName.postgres - a.byName.postgres;
  const tp = b.byName.temporal - a.byName.temporal;
  const em = b.byName.emulator - a.byName.emulator;
  const busy = a.machineBusyMs !== undefined && b.machineBusyMs !== undefined ? b.machineBusyMs - a.machineBusyMs : own + pg + tp + em;
  return { bench: pct(own), postgres: pct(pg), temporal: pct(tp), emulator: pct(em), other: pct(busy - own - pg - tp - em) };
}

/** The stage being run, if any: the sampler adds its RSS readings to that stage's peak. */
let currentStage: string | undefined;

function sampleRss(): void {
  if (!currentStage) return;
  const rss = mb(process.memoryUsage().rss);
  const m = memory[currentStage];
  if (rss > m.peakMb) m.peakMb = rss;
}
const sampler = setInterval(sampleRss, 200);
sampler.unref();

/** Runs `fn` as the named stage, recording its peak RSS and CPU. */
export async function stage<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const rss = mb(process.memoryUsage().rss);
  memory[name] = { startMb: rss, peakMb: rss };
  currentStage = name;
  const cpu0 = cpuSnapshot();
  try {
    return await fn();
  } finally {
    sampleRss();
    cpuByStage[name] = cpuBetween(cpu0, cpuSnapshot());
    currentStage = undefined;
  }
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

export const rate = (n: number, seconds: number) => (seconds > 0 ? n / seconds : 0);

/** CPU seconds this thread has used since `since` (a `process.threadCpuUsage()` reading). */
export function threadCpuSecondsSince(since: NodeJS.CpuUsage): number {
  const cpu = process.threadCpuUsage(since);
  return (cpu.user + cpu.system) / 1e6;
}


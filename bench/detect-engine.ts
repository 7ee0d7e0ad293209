// The detection benchmark's direct use of the engine: one evaluateRun over a whole stream, isolated per-rule
// passes for timing, and an RSS sampler that keeps sampling while the (synchronous) engine holds the main
// thread. The hourly run's driver over in-memory events and state is in detect-driver.ts.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { evaluateRun, typeMatches, type DetectionMatch, type OktaLogEvent, type Rule, type StateChange } from '../detections/index.js';

export const secondsSince = (t0: number) => (performance.now() - t0) / 1000;
export const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

// ---------------------------------------------------------------------------------------------
// RSS: a worker thread samples the process's RSS, since a timer on the main thread would not fire
// during a synchronous evaluation.

export interface RssSampler {
  /** Starts a new stage: the peak is reset to the current RSS (MB), which is returned. */
  reset(): number;
  /** Highest RSS (MB) since the last reset, including now. */
  peak(): number;
  stop(): Promise<void>;
}

export function startRssSampler(intervalMs = 25): RssSampler {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const code = `
    const { workerData } = require('node:worker_threads');
    const cell = new Int32Array(workerData.buffer);
    setInterval(() => {
      const mb = Math.round(process.memoryUsage.rss() / 1048576);
      if (mb > Atomics.load(cell, 0)) Atomics.store(cell, 0, mb);
    }, workerData.intervalMs);`;
  // execArgv [] : the sampler is plain JS and needs no TypeScript loader
  const worker = new Worker(code, { eval: true, execArgv: [], workerData: { buffer: cell.buffer, intervalMs } });
  worker.unref();
  const now = () => Math.round(process.memoryUsage.rss() / 1048576);
  return {
    reset() {
      const mb = now();
      Atomics.store(cell, 0, mb);
      return mb;
    },
    peak() {
      return Math.max(Atomics.load(cell, 0), now());
    },
    async stop() {
      await worker.terminate();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Garbage-collection pauses inside a timed stage: a pass over a million held events can include a full collection that
// marks all of them (bench/README.md), so the figure is printed beside the wall time.

export interface GcPauses {
  /** Seconds of collection pauses (as perf_hooks reports them: not concurrent marking on other threads). */
  seconds: number;
  /** Of which full (mark-compact) collections: their count and seconds. */
  full: number;
  fullSeconds: number;
}

/**
 * Tallies the collection pauses that start while `around(fn)` runs `fn`. `stop()` waits 50 ms, since the entries of
 * collections made during a synchronous stage are delivered after it, and not on the next tick.
 */
export function startGcTally(): { around<T>(fn: () => T): T; stop(): Promise<GcPauses> } {
  const tally: GcPauses = { seconds: 0, full: 0, fullSeconds: 0 };
  let from = Infinity;
  let to = Infinity;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.startTime < from || entry.startTime > to) continue;
      const seconds = entry.duration / 1000;
      tally.seconds += seconds;
      if ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) {
        tally.full++;
        tally.fullSeconds += seconds;
      }
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    around(fn) {
      from = performance.now();
      try {
        return fn();
      } finally {
        to = performance.now();
      }
    },
    async stop() {
      await new Promise((resolve) => setTimeout(resolve, 50));
      observer.disconnect();
      return tally;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// CPU profiles of the timed stages only (--profile DIR), readable in Chrome DevTools or any .cpuprofile viewer.

export async function profiled<T>(dir: string | undefined, name: string, fn: () => Promise<T> | T): Promise<T> {
  if (!dir) return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    process.stdout.write(`  (CPU profile written to ${file})\n`);
  }
}

// ---------------------------------------------------------------------------------------------
// Checksums: the same events and rules must give the same matches (every field, in the order returned) and the
// same state changes, whatever the engine's internals; a changed checksum means changed behaviour.

export class Checksum {
  private readonly hash = createHash('sha256');
  private n = 0;

  matches(list: readonly DetectionMatch[]): this {
    for (const m of list) {
      this.hash.update(JSON.stringify([
        m.ruleId, m.groupKey, m.dedupeKey, m.severity, m.title, m.firstEventAt, m.lastEventAt, m.count, m.distinctCount ?? null,
        m.subjectUserId ?? null, m.subjectUser ?? null, m.evidenceUuids, m.details ?? null, m.dedupePeriodMinutes,
      ]));
      this.hash.update('\n');
      this.n++;
    }
    return this;
  }

  stateChanges(list: readonly StateChange[]): this {
    for (const c of list) {
      this.hash.update(JSON.stringify([c.ruleId, c.entity, c.value, c.firstSeen, c.lastSeen, c.expiresAt, c.data]));
      this.hash.update('\n');
      this.n++;
    }
    return this;
  }

  /** 16 hex digits and the number of items hashed. */
  digest(): string {
    return `${this.hash.copy().digest('hex').slice(0, 16)} (${this.n})`;
  }
}

// ---------------------------------------------------------------------------------------------
// Event-type patterns as the engine reads them (`typeMatches`: exact, case-insensitive, or a 'prefix.*' glob).

export function eventsOfTypes(events: readonly OktaLogEvent[], patterns: readonly string[]): readonly OktaLogEvent[] {
  if (patterns.includes('*')) return events;
  const verdict = new Map<string, boolean>();
  return events.filter((e) => {
    let v = verdict.get(e.eventType);
    if (v === undefined) {
      v = patterns.some((p) => typeMatches(e.eventType, p));
      verdict.set(e.eventType, v);
    }
    return v;
  });
}

// ---------------------------------------------------------------------------------------------
// One evaluateRun over everything: all new, no state, no clock (absence rules cannot fire); the engine's
// throughput with nothing around it.

export interface PassResult {
  matches: DetectionMatch[];
  seconds: number;
  /** Rules that threw (the hourly run would fail on them); reported, not fatal, so the other figures stay. */
  errors: Map<string, string>;
}

export function onePass(rules: readonly Rule[], events: readonly OktaLogEvent[]): PassResult {
  const errors = new Map<string, string>();
  const t0 = performance.now();
  const { matches } = evaluateRun(rules, events, { onRuleError: (id, err) => errors.set(id, message(err)) });
  return { matches, seconds: secondsSince(t0), errors };
}

// ---------------------------------------------------------------------------------------------
// Time per rule: each rule alone over the events of its types (selected outside the timing), minus an
// evaluation without rules over the same events (the engine's sort check and type index, which the
// whole catalogue shares). A second pass, so the whole-catalogue figure is not distorted by timers.

export interface RuleTiming {
  ruleId: string;
  /** Events of the rule's types. */
  events: number;
  /** Net milliseconds, or undefined when not measured alone (disabled, or a chain that needs its sources). */
  ms?: number;
  note?: string;
}

function isChain(rule: Rule): boolean {
  return rule.kind === 'sequence' && ('alerts' in rule.first || 'alerts' in rule.then);
}

function timeMs(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

export function perRuleTimings(rules: readonly Rule[], events: readonly OktaLogEvent[]): RuleTiming[] {
  const subsets = new Map<string, { events: readonly OktaLogEvent[]; baseMs: number }>();
  const ignore = () => {};
  return rules.map((rule): RuleTiming => {
    const key = [...rule.eventTypes].sort().join('|');
    let subset = subsets.get(key);
    if (!subset) {
      const selected = eventsOfTypes(events, rule.eventTypes);
      // the better of two empty runs: the baseline is subtracted from every rule of these types
      const baseMs = Math.min(timeMs(() => evaluateRun([], selected)), timeMs(() => evaluateRun([], selected)));
      subset = { events: selected, baseMs };
      subsets.set(key, subset);
    }
    const timing: RuleTiming = { ruleId: rule.id, events: subset.events.length };
    if (!rule.enabled) return { ...timing, note: 'disabled' };
    if (isChain(rule)) return { ...timing, note: 'chain (needs its sources)' };
    const selected = subset.events;
    const ms = timeMs(() => evaluateRun([rule], selected, { onRuleError: ignore }));
    return { ...timing, ms: Math.max(0, ms - subset.baseMs) };
  });
}

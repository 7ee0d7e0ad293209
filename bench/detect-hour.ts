// Tenant-hour benchmark (prints figures; asserts nothing): the hourly run's detection pass over the busiest hour of a
// tenant of 100,000 users, for several chunk limits, and over tenants of several sizes at one chunk limit, to see what
// the pass's memory follows. The rule set the hourly run loads; the events in memory; the pass's rule state in
// PostgreSQL as the hourly run keeps it (a throwaway database per pass) or, with `--state memory`, in memory. No queue
// or Temporal. Each pass runs in a process of its own. See bench/README.md for what each figure means.
//
//   npm run bench:detect-hour
//   npm run bench:detect-hour -- --users 2000,5000 --chunks 500,1000,whole --chunk 1000     # quick check
//   npm run bench:detect-hour -- --state memory
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { catalogue } from '../detections/index.js';
import { loadRuleSet } from '../detections/run/rule-set.js';
import { benchOrg, busiestHour, measureHourPass, writeHourFile, type HourPass } from './detect-hour-pass.js';
import type { StatePlace } from './detect-hour-state.js';
import { fmt, log, mb, row, secs, table } from './detect-report.js';

const SCRIPT = fileURLToPath(import.meta.url);
/** A chunk limit no hour reaches: the hour is one chunk, as before hours could be split. */
const WHOLE = Number.MAX_SAFE_INTEGER;
const RESULT = 'HOUR-PASS ';

function parseOptions() {
  const { values } = parseArgs({
    options: {
      users: { type: 'string' }, chunks: { type: 'string' }, chunk: { type: 'string' }, seed: { type: 'string' },
      child: { type: 'string' }, 'hour-start': { type: 'string' }, 'chunk-limit': { type: 'string' }, tenant: { type: 'string' },
      state: { type: 'string' },
    },
    strict: true,
  });
  const list = (raw: string | undefined, fallback: string) =>
    (raw ?? fallback).split(',').map((s) => {
      if (s.trim() === 'whole') return WHOLE;
      const n = Number(s.replace(/_/g, ''));
      if (!Number.isInteger(n) || n < 1) throw new Error(`not a positive integer or "whole": ${s}`);
      return n;
    });
  return {
    /** Tenant sizes; the largest is the tenant measured at every chunk limit. */
    users: [...new Set(list(values.users, '25000,50000,100000'))].sort((a, b) => a - b),
    chunks: [...new Set(list(values.chunks, '10000,25000,50000,whole'))].sort((a, b) => a - b),
    /** The chunk limit of the tenant-size series. */
    chunk: list(values.chunk, '25000')[0],
    seed: values.seed ?? 'bench-detect-hour',
    state: statePlace(values.state ?? 'postgres'),
    child: values.child,
    hourStart: Number(values['hour-start']),
    chunkLimit: Number(values['chunk-limit']),
    tenant: Number(values.tenant),
  };
}

function statePlace(raw: string): StatePlace {
  if (raw !== 'memory' && raw !== 'postgres') throw new Error(`--state must be memory or postgres, not ${raw}`);
  return raw;
}

const rules = () => loadRuleSet(process.env.SIGMA_RULES_DIR ?? fileURLToPath(new URL('../sigma-rules', import.meta.url)));
const limitLabel = (n: number) => (n === WHOLE ? 'whole hour' : fmt(n));

/** One pass in a fresh process (same Node flags), so its RSS and heap are not those left by an earlier pass. */
function runChild(file: string, users: number, hourStart: number, chunkLimit: number, state: StatePlace): HourPass {
  const args = [
    ...process.execArgv, SCRIPT, '--child', file, '--tenant', String(users), '--hour-start', String(hourStart), '--chunk-limit', String(chunkLimit),
    '--state', state,
  ];
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = child.stdout.split('\n').find((l) => l.startsWith(RESULT));
  if (child.status !== 0 || !line) throw new Error(`the pass for ${users} users, chunk limit ${limitLabel(chunkLimit)} failed (exit ${child.status}): ${child.stdout.slice(-2000)}`);
  return JSON.parse(line.slice(RESULT.length)) as HourPass;
}

/** Detections and rule state against a reference pass over the same tenant (the whole hour): the cut must not show. */
function sameAs(p: HourPass, ref: HourPass | undefined): { detections: string; state: string } {
  const n = fmt(p.detections.length);
  if (!ref || ref === p) return { detections: n, state: fmt(p.stateChanges) };
  const theirs = new Map(ref.detections.map((d) => [d.key, d.digest]));
  const sameKeys = p.detections.length === ref.detections.length && p.detections.every((d) => theirs.has(d.key));
  const differ = p.detections.filter((d) => theirs.has(d.key) && theirs.get(d.key) !== d.digest).length;
  return {
    detections: `${n} (${sameKeys ? 'same keys' : 'OTHER keys'}${differ ? `, ${differ} differ` : ', identical'})`,
    state: `${fmt(p.stateChanges)} (${p.stateChecksum === ref.stateChecksum ? 'identical' : 'differ'})`,
  };
}

function printPasses(title: string, passes: readonly HourPass[], reference?: HourPass): void {
  log('');
  log(title);
  table(
    ['users', 'chunk limit', 'events in hour', 'look-back', 'chunks', 'largest chunk held', '(new / before / after)', 'evaluated', 'engine', 'new ev/s', 'CPU/wall'],
    passes.map((p) => [
      fmt(p.users), limitLabel(p.chunkLimit), fmt(p.hourEvents), fmt(p.lookbackEvents), fmt(p.chunks), fmt(p.largest.held),
      `${fmt(p.largest.fresh)} / ${fmt(p.largest.before)} / ${fmt(p.largest.after)}`,
      `${fmt(p.evaluatedEvents)} (${fmt(p.evaluatedEvents / Math.max(1, p.hourEvents), 2)}×)`,
      secs(p.engineSeconds), fmt(p.hourEvents / Math.max(1e-9, p.engineSeconds)), fmt(p.cpuSeconds / Math.max(1e-9, p.engineSeconds + p.sourceSeconds), 2),
    ]),
  );
  log('');
  table(
    ['users', 'chunk limit', 'heap: input after gc', 'peak in pass', 'pass (+)', 'live (+)', 'RSS: before', 'peak', 'pass (+)',
      reference ? 'detections (vs whole hour)' : 'detections', reference ? 'state changes (vs whole hour)' : 'state changes', 'load 1/5 min'],
    passes.map((p) => {
      const same = sameAs(p, reference);
      return [
        fmt(p.users), limitLabel(p.chunkLimit), mb(p.heapBeforeMb), mb(p.heapPeakMb), mb(p.heapPeakMb - p.heapBeforeMb),
        mb(p.liveHeapPeakMb - p.heapBeforeMb),
        mb(p.rssBeforeMb), mb(p.rssPeakMb), mb(p.rssPeakMb - p.rssBeforeMb), same.detections, same.state,
        `${fmt(p.loadAverage[0], 2)} / ${fmt(p.loadAverage[1], 2)}`,
      ];
    }),
    'llrrrrrrrlll',
  );
  for (const p of passes) for (const e of p.errors) log(`  !! ${fmt(p.users)} users, chunk limit ${limitLabel(p.chunkLimit)}: rule ${e} (the hourly run would fail)`);
  if (!reference) return;
  // Which rules the differences are in: bursts longer than the look-back are cut where a chunk's look-back starts.
  for (const p of passes) {
    const theirs = new Map(reference.detections.map((d) => [d.key, d.digest]));
    const rules = new Map<string, number>();
    for (const d of p.detections) if (theirs.get(d.key) !== d.digest) rules.set(d.rule, (rules.get(d.rule) ?? 0) + 1);
    if (rules.size) log(`  chunk limit ${limitLabel(p.chunkLimit)}: differing detections by rule: ${[...rules].map(([r, n]) => `${r} ${n}`).join(', ')}`);
  }
}

function printRules(passes: readonly HourPass[]): void {
  for (const p of passes) {
    const rules = new Map<string, number>();
    for (const d of p.detections) rules.set(d.rule, (rules.get(d.rule) ?? 0) + 1);
    const list = [...rules].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} ${n}`).join(', ');
    log(`  detections of the ${fmt(p.users)}-user tenant's hour by rule: ${list || 'none'}`);
  }
}

async function main() {
  const opts = parseOptions();
  if (opts.child) {
    const result = await measureHourPass(rules().rules, opts.child, opts.tenant, opts.hourStart, opts.chunkLimit, opts.state);
    process.stdout.write(`${RESULT}${JSON.stringify(result)}\n`);
    return;
  }

  const started = performance.now();
  const cpus = os.cpus();
  const { rules: ruleSet, sigmaErrors } = rules();
  const tenant = opts.users[opts.users.length - 1];
  log(`oort-okta tenant-hour benchmark: the busiest hour of a tenant of ${fmt(tenant)} users, seed "${opts.seed}"`);
  log(`  machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown'}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}; load average ${os.loadavg().map((l) => fmt(l, 2)).join(' / ')}`);
  log(`  rule set (loadRuleSet, as the hourly run): ${ruleSet.length} rules = ${catalogue.length} catalogue + ${ruleSet.length - catalogue.length} Sigma`);
  for (const e of sigmaErrors) log(`  !! Sigma rule not loaded: ${e.message}`);
  log(`  rule state from chunk to chunk: ${opts.state === 'postgres' ? 'in PostgreSQL, as the hourly run keeps it (a throwaway database per pass)' : 'in memory, as the offline command keeps it'}`);

  const org = benchOrg(opts.seed, tenant);
  const hour = busiestHour(org, opts.seed);
  const file = path.join(os.tmpdir(), `oort-detect-hour-${process.pid}.tsv`);
  const cleanup = () => rmSync(file, { force: true });
  process.once('SIGINT', () => (cleanup(), process.exit(130)));
  try {
    const traffic = writeHourFile(org, opts.seed, ruleSet, hour.start, opts.users, file);
    log('');
    log('generation (not measured below)');
    row('busiest hour of a Tuesday (sample of 2,000 users)', new Date(hour.start).toISOString().slice(0, 16), `${fmt(hour.perUser, 2)} events per user`);
    row('the hour and its look-back, generated and written', secs(traffic.seconds), `mean ${fmt(traffic.meanBytes)} B per event, ${file}`);
    for (const n of opts.users) {
      const c = traffic.counts.get(n)!;
      row(`tenant of ${fmt(n)} users`, `${fmt(c.hour)} events`, `in the hour (${fmt(c.hour / n, 2)} per user); ${fmt(c.lookback)} look-back events before it`);
    }

    const passes = new Map<string, HourPass>();
    const pass = (users: number, limit: number) => {
      const key = `${users}/${limit}`;
      if (!passes.has(key)) passes.set(key, runChild(file, users, hour.start, limit, opts.state));
      return passes.get(key)!;
    };
    const byLimit = opts.chunks.map((limit) => pass(tenant, limit));
    printPasses(`(a) the tenant of ${fmt(tenant)} users, by chunk limit`, byLimit, byLimit.find((p) => p.chunks === 1));
    const bySize = opts.users.map((users) => pass(users, opts.chunk));
    printPasses(`(b) tenants by size, chunk limit ${limitLabel(opts.chunk)}`, bySize);
    printRules(bySize);

    log('');
    row('total', secs((performance.now() - started) / 1000), `load average now ${os.loadavg().map((l) => fmt(l, 2)).join(' / ')}`);
    log(JSON.stringify({ bench: 'detect-hour', date: new Date().toISOString(), options: { ...opts, child: undefined }, hour: { start: new Date(hour.start).toISOString(), perUser: hour.perUser }, machine: { cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', node: process.version }, passes: [...passes.values()] }));
  } finally {
    cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);

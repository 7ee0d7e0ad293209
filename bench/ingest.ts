// Ingestion benchmark (prints figures; asserts nothing). Brings up its own stack like the tests do:
// a fresh PostgreSQL database (dropped at the end), the fauxqs SQS emulator (inside this process; `--emulator process`
// runs it in a process of its own, as SQS is a remote service), and for part
// (c) the Temporal dev server plus an in-process worker. See bench/README.md for what each figure means.
// This file holds the options and the order of things; the stack is in bench/stack.ts, the stages in
// bench/ingest-stages.ts, the printing in bench/ingest-report.ts.
//
//   npm run bench:ingest -- --events 100000 [--emulator inline|process] [--store-threads N (0: on the drain's thread)]
//                           [--store-repeats K (stage (a) K times), --drain-repeats K (stage (b) K times): each ratio printed]
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { generateSecretKey } from '../lib/secrets.js';
import { DEFAULT_DRAIN_OPTIONS } from '../ingest/drain.js';
import { defaultStoreThreads } from '../ingest/batch-store.js';
import { applyMigrations } from '../schema/migrate.js';
import { cpuByStage, memory, stage, timed, trackEmulatorProcess } from './ingest-measure.js';
import { fmt, log, printDrain, printRepeats, printHourly, printProcessing, printResources } from './ingest-report.js';
import { DAYS, SEED, bodiesFor, drainStage, generateEvents, hourlyStage, processingStage, warmQueue } from './ingest-stages.js';
import { startStack, stopStack, streamingIntegration, type EmulatorPlacement } from './stack.js';

function parseArguments(): { n: number; emulatorIn: EmulatorPlacement; storeThreads: number; storeRepeats: number; drainRepeats: number } {
  const { values } = parseArgs({
    options: { events: { type: 'string', short: 'n' }, emulator: { type: 'string' }, 'store-threads': { type: 'string' }, 'store-repeats': { type: 'string' }, 'drain-repeats': { type: 'string' } },
    allowPositionals: true,
    strict: false,
  });
  const raw = values.events;
  const n = raw === undefined || raw === true ? 100_000 : Number(String(raw).replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 100) throw new Error(`--events must be an integer ≥ 100 (got ${String(raw)}).`);
  const emulatorIn = values.emulator ?? 'inline';
  if (emulatorIn !== 'process' && emulatorIn !== 'inline') throw new Error(`--emulator is process or inline (got ${String(emulatorIn)}).`);
  const threadsArg = values['store-threads'];
  const storeThreads = threadsArg === undefined || threadsArg === true ? defaultStoreThreads() : Number(threadsArg);
  if (!Number.isInteger(storeThreads) || storeThreads < 0) throw new Error(`--store-threads must be an integer ≥ 0 (got ${String(threadsArg)}).`);
  const repeats = (name: string): number => {
    const arg = values[name];
    const k = arg === undefined || arg === true ? 1 : Number(arg);
    if (!Number.isInteger(k) || k < 1) throw new Error(`--${name} must be an integer ≥ 1 (got ${String(arg)}).`);
    return k;
  };
  return { n, emulatorIn, storeThreads, storeRepeats: repeats('store-repeats'), drainRepeats: repeats('drain-repeats') };
}

async function main() {
  const { n, emulatorIn, storeThreads, storeRepeats, drainRepeats } = parseArguments();
  const started = Date.now();
  const suffix = randomBytes(4).toString('hex');
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/oort_okta_bench_${suffix}`;
  const databaseUrl = base.toString();
  const env = {
    TEMPORAL_TASK_QUEUE: `bench-${suffix}`,
    SQS_QUEUE_PREFIX: `bench-${suffix}-`,
    OORT_SECRET_KEY: generateSecretKey(),
    LOG_LEVEL: 'silent',
    // No metrics endpoint or findings pages: they would collide with a running `npm start` on 9464 and 9465.
    METRICS_PORT: '0',
    FINDINGS_PORT: '0',
    // (c)'s worker commits its drains' batches where (a) and (b) do.
    INGEST_STORE_THREADS: String(storeThreads),
  };

  const cpus = os.cpus();
  const machine = {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    postgres: '',
  };

  log(`oort-okta ingest benchmark: ${fmt(n)} events`);
  log(`  machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, ${machine.platform}, Node ${machine.node}`);
  log(`  load average at start: ${fmt(os.loadavg()[0], 2)} (1 min), ${fmt(os.loadavg()[1], 2)} (5 min)`);

  const stack = await startStack(databaseUrl, env, (line) => log(`  ${line}`), emulatorIn, storeThreads);
  trackEmulatorProcess(stack.emulator.pid);
  log(`  SQS emulator: ${emulatorIn === 'process' ? `a process of its own (pid ${stack.emulator.pid})` : 'inside this process'}`);
  log(`  batches committed ${storeThreads === 0 ? 'on the drain\'s own thread (--store-threads 0)' : `on ${storeThreads} store thread${storeThreads === 1 ? '' : 's'} (ingest/batch-store.ts)`}`);
  const { db } = stack;
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    await stopStack(stack);
  };
  process.once('SIGINT', () => {
    log('\ninterrupted: cleaning up…');
    void cleanup().finally(() => process.exit(130));
  });

  try {
    await applyMigrations(db);
    const [pg] = await db.$client<{ version: string; sc: string; sb: string; tc: string }[]>`
      select current_setting('server_version') as version, current_setting('synchronous_commit') as sc,
             current_setting('shared_buffers') as sb, current_setting('default_toast_compression') as tc`;
    const [raw] = await db.$client<{ c: string | null }[]>`
      select attcompression::text as c from pg_attribute where attrelid = 'events'::regclass and attname = 'raw'`;
    machine.postgres = pg.version;
    log(`  postgres ${pg.version}: synchronous_commit=${pg.sc}, shared_buffers=${pg.sb}, events.raw compression=${raw?.c === 'l' ? 'lz4' : raw?.c === 'p' ? 'pglz' : `default (${pg.tc})`}`);

    // --- generate ---
    const gen = await stage('generate', async () => timed(async () => generateEvents(n)));
    const events = gen.value.events;
    log(`  generated ${fmt(events.length)} events (${gen.value.users} users × ${DAYS} days, seed "${SEED}") in ${fmt(gen.seconds, 1)} s`);

    const a = await streamingIntegration(stack, 'bench A');
    let bodies = bodiesFor(events, a.destination, SEED);
    const avgBody = bodies.reduce((s, b) => s + b.length, 0) / bodies.length;
    log(`  average envelope body ${fmt(avgBody)} bytes`);

    // --- (a) processing stage: commitBatch vs raw COPY ---
    log('');
    log('(a) envelope bodies → committed rows (no SQS)');
    const processing = await processingStage(stack, a, bodies);
    printProcessing(processing);
    // Like (b)'s: on a shared machine one (a) ratio moves with whatever else runs; K runs give the spread (the summary keeps the first).
    const storeRatios = [processing.figures.ratio];
    for (let i = 1; i < storeRepeats; i++) storeRatios.push((await processingStage(stack, a, bodies)).figures.ratio);
    if (storeRepeats > 1) printRepeats('ratio commitBatch / COPY', storeRatios, processing.figures.target);

    // --- (b) end-to-end drain from the emulator ---
    log('');
    log(`(b) SQS emulator → drainQueue + commitBatch (receivers ${DEFAULT_DRAIN_OPTIONS.receivers}, batch ${DEFAULT_DRAIN_OPTIONS.batchSize}, long poll ${DEFAULT_DRAIN_OPTIONS.waitTimeSeconds} s)`);
    // The queue is first filled with the N bodies and emptied by the bare loop, untimed: otherwise the first round's
    // drain is the first to fill the emulator's queue to N, and its bare loop the second (bench/README.md).
    await warmQueue(stack, a, bodies);
    const b = await drainStage(stack, a, bodies);
    printDrain(b);
    // One (b) ratio moves by ±10 % from run to run: --drain-repeats K measures it K times (the summary keeps the first).
    const drainRatios = [b.ratio];
    for (let i = 1; i < drainRepeats; i++) drainRatios.push((await drainStage(stack, a, bodies)).ratio);
    if (drainRepeats > 1) printRepeats('ratio drain / bare', drainRatios, b.target);
    // The bodies are not needed any more: let (c) run without them in memory.
    bodies = [];

    // --- (c) hourlyAnalysis through Temporal ---
    log('');
    log('(c) hourlyAnalysis workflow: Temporal history');
    const c = await hourlyStage(stack, events);
    printHourly(c);

    // --- memory and CPU ---
    printResources(machine.cpus, emulatorIn === 'inline');
    const total = (Date.now() - started) / 1000;
    log('');
    log(`total ${fmt(total, 0)} s`);

    const summary = {
      bench: 'ingest',
      date: new Date().toISOString(),
      events: n,
      emulator: emulatorIn,
      storeThreads,
      machine,
      a: processing.figures,
      b,
      c: { small: c[0], full: c[1], arriving: c[2] },
      repeats: { storingRatios: storeRatios, drainRatios },
      peakRssMb: Object.fromEntries(Object.entries(memory).map(([k, v]) => [k, v.peakMb])),
      cpuPercentOfOneCore: cpuByStage,
      totalSeconds: total,
    };
    log(JSON.stringify(summary));
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);

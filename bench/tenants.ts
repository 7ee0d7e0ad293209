// Many-tenant benchmark (prints figures; asserts nothing): N integrations created through the product's own code, each
// with its queue and Schedules, an hour of long-tailed traffic on their queues, and one hour's slot of hourly runs
// triggered through the Schedules at their jitter, on K worker processes. Each run brings up its own stack (see
// bench/tenants-run.ts). See bench/README.md for what each figure means.
//
//   npm run bench:tenants -- --tenants 100 --workers 1
//   npm run bench:tenants -- --matrix              # 100 and 1,000 tenants × 1 and 4 workers
//   npm run bench:tenants -- --workers 2 --split   # one process on the main task queue, the others on the heavy one
import os from 'node:os';
import { parseArgs } from 'node:util';
import { LARGE, SMALL, runTenants, type TenantsFigures } from './tenants-run.js';

const log = (line: string) => console.log(line);
const f = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function int(raw: string | boolean | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === true) return fallback;
  const n = Number(String(raw).replace(/_/g, ''));
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number (got ${String(raw)}).`);
  return n;
}

function printRun(r: TenantsFigures): void {
  const t = (s: { n: number; p50: number; p95: number; max: number }) => `n ${s.n}: p50 ${f(s.p50, 1)} s, p95 ${f(s.p95, 1)} s, max ${f(s.max, 1)} s`;
  log(`  tenants ${f(r.tenants)} (${f(r.users)} users; largest ${f(r.largestTenantUsers)}, median ${f(r.medianTenantUsers)}), worker processes ${r.workers}${r.layout === 'split' ? ' (1 main queue only, the rest heavy queue only)' : ''}`);
  log(`  setup: integrations + queues ${f(r.setup.integrationsAndQueuesSeconds, 1)} s, ${f(r.setup.schedules)} Schedules ${f(r.setup.schedulesSeconds, 1)} s, publishing ${f(r.published)} events ${f(r.setup.publishSeconds, 1)} s`);
  log(`  slot: starts spread over ${f(r.jitterSeconds, 0)} s (the hourly jitter × ${r.jitterScale}); complete after ${f(r.slotCompleteSeconds, 1)} s (target < 300 s for 1,000 tenants)`);
  log(`  runs: ${r.completed} of ${r.runs} completed (of ${r.tenants} triggered); every event stored once for ${r.storedOnce} of ${r.tenants} tenants; peak ${r.peakRunning} running at once`);
  log(`  start lag (trigger → run started, the Schedules' share): ${t(r.startLag)}`);
  log(`    of which the trigger call (trigger → accepted by the server): ${t(r.triggerAccepted)}`);
  log(`    runs started per 15 s of the slot: ${r.startsPer15s.join(' ')}`);
  log(`  run time, all:                 ${t(r.runTime.all)}`);
  log(`  run time, small (< ${f(SMALL)} users): ${t(r.runTime.small)}`);
  log(`  run time, large (≥ ${f(LARGE)} users): ${t(r.runTime.large)}`);
  const sp = r.runSpent;
  log(`  within a run, p50 / p95 / max: waiting for workflow tasks ${f(sp.workflowTaskWait.p50, 1)} / ${f(sp.workflowTaskWait.p95, 1)} / ${f(sp.workflowTaskWait.max, 1)} s, for activity slots ${f(sp.activityWait.p50, 1)} / ${f(sp.activityWait.p95, 1)} / ${f(sp.activityWait.max, 1)} s, running activities ${f(sp.activityRun.p50, 1)} / ${f(sp.activityRun.p95, 1)} / ${f(sp.activityRun.max, 1)} s`);
  log(`  activity slot-seconds per step over the slot: ${Object.entries(sp.activityRunTotalByStep).map(([step, s]) => `${step} ${f(s)}`).join(', ')}`);
  log(`  events/s overall (first start → last close): ${f(r.eventsPerSec)}`);
  log(`  CPU during the slot (% of one core): workers ${r.cpu.workers}, PostgreSQL this database ${r.cpu.postgresOurs} (whole server ${r.cpu.postgresAll}), Temporal ${r.cpu.temporal}, bench + SQS emulator ${r.cpu.bench}, machine ${r.cpu.machine} of ${os.cpus().length * 100}`);
  log(`  worker peak RSS: ${r.workerPeakRssMb.map((m) => `${m} MB`).join(', ')}`);
  const a = r.actionsPerRun;
  log(`  Temporal actions per tenant-hour: ${f(r.actionsPerTenantHour, 1)} (schedule action 1 + start ${f(a.start, 1)} + activity attempts ${f(a.activities, 1)} + local activities ${f(a.localActivities, 1)} + timers ${f(a.timers, 1)} + signals ${f(a.signals, 1)}; workflow tasks ${f(a.workflowTasks, 1)} more, heartbeats not counted)`);
  const retried = Object.entries(r.retriedSteps).map(([why, n]) => `${why} ×${n}`).join('; ');
  log(`  steps retried: ${retried || 'none'}`);
  const sqs = Object.entries(r.sqsRequestsDuringSlot).map(([k, v]) => `${k} ${f(v)}`).join(', ');
  log(`  SQS requests during the slot: ${sqs} (${f(Object.values(r.sqsRequestsDuringSlot).reduce((x, y) => x + y, 0) / r.tenants, 1)} per tenant-hour)`);
  const bySeverity = Object.entries(r.detectionsBySeverity).map(([k, n]) => `${k} ${f(n)}`).join(', ');
  log(`  detections in the slot's benign traffic: ${bySeverity || 'none'} (tenant-wide counts follow each tenant's directory)`);
  for (const d of r.detectionsByRule) log(`    ${d.rule} (${d.severity}): ${f(d.n)} in ${f(d.tenants)} tenants`);
  log(`  events table: ${f(r.eventsTable.rows)} rows, ${f(r.eventsTable.bytes / 2 ** 20, 1)} MiB with indexes and TOAST, ${f(r.eventsTable.bytesPerRow)} bytes/row`);
  const rf = r.refresh;
  log(rf ? `  refreshUser started with ${rf.runningAtStart} hourly runs running: ${rf.ok ? 'completed' : `FAILED (${rf.error})`} in ${f(rf.latencySeconds, 2)} s` : '  refreshUser: not started');
  if (rf?.spent) log(`    of which waiting for workflow tasks ${f(rf.spent.workflowTaskWaitSeconds, 2)} s, for an activity slot ${f(rf.spent.activityWaitSeconds, 2)} s, running activities ${f(rf.spent.activityRunSeconds, 2)} s`);
}

async function main() {
  const { values } = parseArgs({
    options: {
      tenants: { type: 'string', short: 'n' },
      workers: { type: 'string', short: 'k' },
      matrix: { type: 'boolean' },
      split: { type: 'boolean' },
      'jitter-scale': { type: 'string' },
      'events-per-user-day': { type: 'string' },
      concurrency: { type: 'string' },
    },
    strict: true,
  });
  const layout = values.split ? 'split' as const : 'both' as const;
  if (layout === 'split' && !values.matrix && int(values.workers, 1, 'workers') < 2) throw new Error('--split needs --workers 2 or more: one main process and heavy ones');
  const common = {
    jitterScale: int(values['jitter-scale'], 0.2, 'jitter-scale'),
    eventsPerUserPerDay: int(values['events-per-user-day'], 12, 'events-per-user-day'),
    concurrency: int(values.concurrency, 16, 'concurrency'),
    log: (line: string) => log(`  ${line}`),
  };
  const plan = values.matrix
    ? [100, 1000].flatMap((tenants) => [1, 4].map((workers) => ({ tenants, workers })))
    : [{ tenants: int(values.tenants, 1000, 'tenants'), workers: int(values.workers, 1, 'workers') }];
  const cpus = os.cpus();
  log(`oort-okta tenants benchmark: ${plan.map((p) => `${p.tenants} tenants × ${p.workers} worker${p.workers > 1 ? 's' : ''}`).join(', ')}`);
  log(`  machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown'}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}; load average at start ${f(os.loadavg()[0], 2)} (1 min)`);
  const results: TenantsFigures[] = [];
  for (const p of plan) {
    log('');
    log(`${p.tenants} tenants, ${p.workers} worker process${p.workers > 1 ? 'es' : ''} (load average ${f(os.loadavg()[0], 2)})`);
    const r = await runTenants({ ...common, ...p, layout: layout === 'split' && p.workers > 1 ? 'split' : 'both' });
    results.push(r);
    printRun(r);
    log(JSON.stringify({ bench: 'tenants', date: new Date().toISOString(), loadAverage: os.loadavg(), ...r }));
  }
  if (results.length > 1) {
    log('');
    log('tenants workers | slot s | p95 s | small p95 | large max | events/s | worker CPU % | worker RSS MB | PG CPU % | actions/tenant-h | refreshUser s');
    for (const r of results) {
      log(`${String(r.tenants).padStart(7)} ${String(r.workers).padStart(7)} | ${f(r.slotCompleteSeconds, 1).padStart(6)} | ${f(r.runTime.all.p95, 1).padStart(5)} | ${f(r.runTime.small.p95, 1).padStart(9)} | ${f(r.runTime.large.max, 1).padStart(9)} | ${f(r.eventsPerSec).padStart(8)} | ${String(r.cpu.workers).padStart(12)} | ${String(Math.max(...r.workerPeakRssMb)).padStart(13)} | ${String(r.cpu.postgresOurs).padStart(8)} | ${f(r.actionsPerTenantHour, 1).padStart(16)} | ${r.refresh ? f(r.refresh.latencySeconds, 2) : '-'}`);
    }
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);

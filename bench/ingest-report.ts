// Printing for the ingest benchmark: number formats, one aligned row per figure, the tables of stages (a), (b)
// and (c), and peak RSS and CPU per stage.
import os from 'node:os';
import { cpuByStage, memory } from './ingest-measure.js';
import { COMMIT_BATCH, type DrainFigures, type HourlyFigures, type ProcessingResult } from './ingest-stages.js';
import { DEFAULT_DRAIN_OPTIONS } from '../ingest/drain.js';

export const log = (line = '') => process.stdout.write(`${line}\n`);
export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const row = (label: string, value: string, note = '') => log(`  ${label.padEnd(46)} ${value.padStart(16)}${note ? `  ${note}` : ''}`);

export function printProcessing({ figures: a, commitRows }: ProcessingResult): void {
  const sameRows = a.identicalRows;
  row('parseEnvelope + toEventRow only (CPU)', `${fmt(a.parseRowsPerSec)} ev/s`);
  row(`commitBatch, batches of ${COMMIT_BATCH}, ${DEFAULT_DRAIN_OPTIONS.commitsInFlight} at once`, `${fmt(a.commitBatch.eventsPerSec)} ev/s`, `${fmt(a.commitBatch.stored)} stored in ${fmt(a.commitBatch.seconds, 1)} s`);
  row('raw COPY (text format, one statement)', `${fmt(a.copy.eventsPerSec)} ev/s`, `${fmt(a.copy.rows)} rows in ${fmt(a.copy.seconds, 1)} s`);
  row('ratio commitBatch / COPY', fmt(a.ratio, 2), `target ≥ ${a.target} ${a.ratio >= a.target ? '(met)' : '(NOT met)'}`);
  row('COPY rows identical to commitBatch rows', sameRows ? 'yes' : 'NO', sameRows ? '' : `${commitRows} vs ${a.copy.rows} rows, checksums differ`);
}

export function printDrain(b: DrainFigures): void {
  row('publish (SendMessageBatch ×10, 8 in flight)', `${fmt(b.publishPerSec)} msg/s`);
  row('drainQueue + commitBatch', `${fmt(b.drain.eventsPerSec)} ev/s`, `${fmt(b.drain.stored)} stored, ${fmt(b.drain.deleted)} deleted in ${fmt(b.drain.seconds, 1)} s`);
  row('bare Receive(10) + DeleteMessageBatch', `${fmt(b.bare.eventsPerSec)} ev/s`, `${fmt(b.bare.received)} in ${fmt(b.bare.seconds, 1)} s`);
  row('ratio drain / bare', fmt(b.ratio, 2), `target ≥ ${b.target} ${b.ratio >= b.target ? '(met)' : '(NOT met)'}`);
  row('  same, without the final empty long poll', `${fmt(b.drain.eventsPerSecExclTail)} / ${fmt(b.bare.eventsPerSecExclTail)}`, `ratio ${fmt(b.ratioExclTail, 2)}`);
  // The receiving thread's own CPU (the emulator's work included when it runs inline): what a drain leaves to the rest.
  row('  CPU of the receiving thread, drain / bare', `${fmt(b.drain.threadCpuSeconds, 1)} s / ${fmt(b.bare.threadCpuSeconds, 1)} s`);
}

/** The ratios of a repeated stage ((a) or (b)), with their median and how many met the target. */
export function printRepeats(label: string, ratios: readonly number[], target: number): void {
  const sorted = [...ratios].sort((x, y) => x - y);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
  row(`${label}, ${ratios.length} runs`, `median ${fmt(median, 2)}`, `${ratios.map((r) => fmt(r, 2)).join(' ')}; ≥ ${target} in ${ratios.filter((r) => r >= target).length}`);
}

/** The N/10 and N runs side by side. */
export function printHourly(c: readonly HourlyFigures[]): void {
  log(`  ${''.padEnd(24)} ${'N/10'.padStart(28)} ${'N'.padStart(28)} ${'N, half arriving'.padStart(28)}`);
  const line = (label: string, f: (x: HourlyFigures) => string) => log(`  ${label.padEnd(24)} ${c.map((x) => f(x).padStart(28)).join(' ')}`);
  line('events in queue', (x) => fmt(x.events));
  line('stored / detections', (x) => `${fmt(x.stored)} / ${fmt(x.detections)}`);
  line('workflow wall time', (x) => `${fmt(x.runSeconds, 1)} s`);
  line('events/s (whole run)', (x) => fmt(x.eventsPerSec));
  line('history events', (x) => fmt(x.historyEvents));
  line('largest payload', (x) => `${fmt(x.largestPayloadBytes)} B`);
  line('  in', (x) => x.largestPayloadAt);
  line('all payloads', (x) => `${fmt(x.totalPayloadBytes)} B`);
  line('history JSON', (x) => `${fmt(x.historyJsonBytes)} B`);
  for (const name of Object.keys(c[1].activitySeconds)) {
    line(`  ${name}`, (x) => `${fmt(x.activitySeconds[name] ?? 0, 1)} s`);
  }
}

/** Peak RSS and CPU of every stage run so far, and the load average now. */
export function printResources(cpus: number, emulatorInline: boolean): void {
  log('');
  log(`peak RSS of this process (bench + ${emulatorInline ? 'emulator + ' : ''}worker; sampled every 200 ms)`);
  for (const [name, m] of Object.entries(memory)) row(name, `${fmt(m.peakMb)} MB`, `at start ${fmt(m.startMb)} MB`);
  log('');
  log(`CPU per stage, % of one core (${cpus} cores = ${cpus * 100} %); "other" = the rest of the machine`);
  log(`  ${'stage'.padEnd(16)} ${'bench'.padStart(7)} ${'postgres'.padStart(9)} ${'temporal'.padStart(9)} ${'emulator'.padStart(9)} ${'other'.padStart(7)}`);
  for (const [name, u] of Object.entries(cpuByStage)) {
    log(`  ${name.padEnd(16)} ${`${u.bench}%`.padStart(7)} ${`${u.postgres}%`.padStart(9)} ${`${u.temporal}%`.padStart(9)} ${`${u.emulator}%`.padStart(9)} ${`${u.other}%`.padStart(7)}`);
  }
  const [load1, load5] = os.loadavg();
  log(`  load average now: ${fmt(load1, 2)} (1 min), ${fmt(load5, 2)} (5 min)`);
}

// The tenant-hour benchmark's two halves: the traffic (one busy hour of a large simulated org and the look-back its
// rules read, written once to a file, from which each tenant takes its first N users), and one measured detection
// pass over it, run in a process of its own so that its peak memory is its own (bench/detect-hour.ts starts them).
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { eventLoadPlan, typeMatches, type OktaLogEvent, type Rule } from '../detections/index.js';
import { mergeMatches } from '../detections/run/merge.js';
import { loadRings, runDetectionPass, type EventSource } from '../detections/run/pass.js';
import { generateActivity, generateOrg, hashSeed, type OktaLogEvent as SimulatedEvent, type SimulatedOrg } from '../simulator/index.js';
import { MemoryEvents, MemoryState } from './detect-driver.js';
import { message, secondsSince, startRssSampler } from './detect-engine.js';
import { benchPassState, type StatePlace } from './detect-hour-state.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Users generated at a time: the generator's garbage stays small whatever the org's size. */
const SLICE = 5_000;

/** A Tuesday, as bench/detect-traffic's weeks start on Monday 2026-03-02. */
const TUESDAY = Date.parse('2026-03-03T00:00:00.000Z');

export function benchOrg(seed: string, users: number): SimulatedOrg {
  return generateOrg({ seed, users, orgName: 'initech', domain: 'initech.example', logStream: false });
}

/** The UTC hour of the Tuesday with the most events per user, from a sample of the org's first 2,000 users. */
export function busiestHour(org: SimulatedOrg, seed: string): { start: number; perUser: number } {
  const sample = { ...org, users: org.users.slice(0, 2_000) };
  const day = generateActivity(sample, { seed, start: new Date(TUESDAY), end: new Date(TUESDAY + 24 * HOUR), now: new Date(TUESDAY + 48 * HOUR) });
  const perHour = new Array<number>(24).fill(0);
  for (const e of day) perHour[new Date(e.published).getUTCHours()]++;
  const hour = perHour.indexOf(Math.max(...perHour));
  return { start: TUESDAY + hour * HOUR, perUser: perHour[hour] / sample.users.length };
}

/** How far before the hour each event type is read: the longest look-back of the load plan's patterns that match it. */
function lookbackOf(rules: readonly Rule[]): (eventType: string) => number {
  const rings = loadRings(eventLoadPlan(rules));
  const known = new Map<string, number>();
  return (type) => {
    let minutes = known.get(type);
    if (minutes === undefined) {
      minutes = Math.max(-1, ...rings.filter((r) => r.eventTypes.some((p) => typeMatches(type, p))).map((r) => r.outer));
      known.set(type, minutes);
    }
    return minutes;
  };
}

export interface HourFile {
  file: string;
  /** Events per tenant size: in the hour, and before it (the look-back the rules read). */
  counts: Map<number, { hour: number; lookback: number }>;
  meanBytes: number;
  seconds: number;
}

/**
 * The org's hour [start, start + 1 h) and, before it, the events of each type within its look-back (the rest of the
 * earlier traffic is never read), sorted by `published`, one `key<TAB>json` line each. The key makes tenants: an event
 * of the org's user i has key i, an event of no user a key spread evenly by its uuid, and the tenant of N users holds
 * the events whose key is < N (bench/tenants-traffic does the same).
 */
export function writeHourFile(org: SimulatedOrg, seed: string, rules: readonly Rule[], start: number, tenants: readonly number[], file: string): HourFile {
  const t0 = performance.now();
  const lookback = lookbackOf(rules);
  const farthest = Math.max(0, ...loadRings(eventLoadPlan(rules)).map((r) => r.outer));
  const index = new Map(org.users.map((u, i) => [u.id, i] as const));
  const kept: Array<{ key: number; event: SimulatedEvent }> = [];
  for (let from = 0; from < org.users.length; from += SLICE) {
    const slice = { ...org, users: org.users.slice(from, from + SLICE) };
    const window = { seed, start: new Date(start - farthest * MINUTE), end: new Date(start + HOUR), now: new Date(start + HOUR) };
    for (const event of generateActivity(slice, window)) {
      const at = Date.parse(event.published);
      if (at < start && at < start - lookback(event.eventType) * MINUTE) continue;
      const person = index.get(event.actor?.id ?? '') ?? event.target?.map((t) => index.get(t.id)).find((i) => i !== undefined);
      kept.push({ key: person ?? Math.floor(((hashSeed(event.uuid) % 10_000) / 10_000) * org.users.length), event });
    }
  }
  // As sortByPublished orders the generator's events: by published, then uuid.
  kept.sort(({ event: a }, { event: b }) => (a.published < b.published ? -1 : a.published > b.published ? 1 : a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
  const counts = new Map<number, { hour: number; lookback: number }>(tenants.map((n) => [n, { hour: 0, lookback: 0 }]));
  const fd = openSync(file, 'w');
  let bytes = 0;
  let lines: string[] = [];
  for (const { key, event } of kept) {
    const json = JSON.stringify(event);
    bytes += json.length;
    lines.push(`${key}\t${json}\n`);
    if (lines.length === 5_000) {
      writeSync(fd, lines.join(''));
      lines = [];
    }
    const inHour = Date.parse(event.published) >= start;
    for (const [n, c] of counts) {
      if (key >= n) continue;
      if (inHour) c.hour++;
      else c.lookback++;
    }
  }
  writeSync(fd, lines.join(''));
  closeSync(fd);
  return { file, counts, meanBytes: bytes / Math.max(1, kept.length), seconds: secondsSince(t0) };
}

/** One measured pass, as the child process reports it. */
export interface HourPass {
  users: number;
  chunkLimit: number;
  hourEvents: number;
  lookbackEvents: number;
  chunks: number;
  /** The chunk that held the most events: its new events, and the look-back read before and after it. */
  largest: { held: number; fresh: number; before: number; after: number };
  evaluatedEvents: number;
  engineSeconds: number;
  sourceSeconds: number;
  cpuSeconds: number;
  /** After gc, with the input (the parsed events and their in-memory indexes, the SQL stand-in) held. */
  heapBeforeMb: number;
  /** Highest heap used at the sampled points of every chunk (no gc: garbage included). */
  heapPeakMb: number;
  /** The same, in a second (untimed) pass that collects garbage before each sample: what the pass holds live. */
  liveHeapPeakMb: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  /** Merged detections: rule, dedupe key, and a digest of every other field (first/last event, count, evidence). */
  detections: Array<{ rule: string; key: string; digest: string }>;
  stateChanges: number;
  /** Of the changes with their data's keys sorted: the same whichever place kept them (jsonb orders keys its own way). */
  stateChecksum: string;
  /** Where the pass kept its rule state from chunk to chunk. */
  stateIn: StatePlace;
  errors: string[];
  loadAverage: [number, number];
}

/** `value` with every object's keys in sorted order. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]));
}

const mbOf = (bytes: number) => Math.round(bytes / 2 ** 20);
const collect = () => (globalThis as { gc?: () => void }).gc?.();

/** The tenant of `users` people, from the file: events parsed from JSON, as the hourly run parses `events.raw`. */
async function readTenant(file: string, users: number): Promise<OktaLogEvent[]> {
  const events: OktaLogEvent[] = [];
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    const tab = line.indexOf('\t');
    if (tab > 0 && Number(line.slice(0, tab)) < users) events.push(JSON.parse(line.slice(tab + 1)) as OktaLogEvent);
  }
  return events;
}

/**
 * The hourly run's pass over the tenant's hour (new) with its look-back (delivered before), from empty rule state, with
 * this chunk limit: the events in memory (bench/detect-driver.ts), the rule state where `stateIn` says
 * (bench/detect-hour-state.ts), wrapped to count what each chunk holds and to sample the heap when a chunk's events are
 * loaded, before and after it reads its state (its timeline built; then its state held too) and when it is evaluated.
 */
export async function measureHourPass(
  rules: readonly Rule[],
  file: string,
  users: number,
  hourStart: number,
  chunkLimit: number,
  stateIn: StatePlace,
): Promise<HourPass> {
  const events = await readTenant(file, users);
  const store = new MemoryEvents(events);
  const newStart = store.indexAt(hourStart);
  const state = new MemoryState();
  let heapPeak = 0;
  let sampleHeap = () => void (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed));
  const largest = { held: 0, fresh: 0, before: 0, after: 0 };
  let chunks = 0;
  /** The chunks are counted in the timed pass only. */
  let counted = false;
  let current: { held: number; fresh: number; before: number; after: number; from: number; to: number } | undefined;
  const inner = store.source(newStart, events.length);
  const source: EventSource = {
    newEventMinutes: () => inner.newEventMinutes(),
    watermark: () => inner.watermark(),
    // The pass reads a chunk in two calls: its range [newFrom, newTo), then the events around it (an empty range
    // ending where the chunk ends). The clock step for absences reads only around, and is not counted.
    async load(groups, newFrom, newTo, relevant) {
      const loaded = await inner.load(groups, newFrom, newTo, relevant);
      sampleHeap();
      if (counted) return loaded;
      if (newFrom < newTo) {
        chunks++;
        current = { held: loaded.events.length, fresh: 0, before: 0, after: 0, from: newFrom, to: newTo };
        for (const e of loaded.events) if (loaded.isNew(e)) current.fresh++;
      } else if (current && current.to === newTo) {
        current.held += loaded.events.length;
        for (const e of loaded.events) {
          if (Date.parse(e.published) < current.from) current.before++;
          else current.after++;
        }
        const { held, fresh, before, after } = current;
        if (held > largest.held) Object.assign(largest, { held, fresh, before, after });
        current = undefined;
      }
      return loaded;
    },
  };
  const passState = await benchPassState(stateIn, state, () => sampleHeap());
  try {
    const errors = new Set<string>();

    collect();
    collect();
    const heapBefore = process.memoryUsage().heapUsed;
    const sampler = startRssSampler();
    const rssBefore = sampler.reset();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    // The directory's size, as the hourly run reads it from the directory sync: tenant-wide counts follow it.
    const settings = { tenantUsers: users };
    const pass = await runDetectionPass(rules, source, await passState.open(), {
      settings,
      chunkNewEvents: chunkLimit,
      onProgress: sampleHeap,
      onRuleError: (id, err) => errors.add(`${id}: ${message(err)}`),
    });
    const wall = secondsSince(t0);
    const cpu = process.cpuUsage(cpu0);
    const rssPeak = sampler.peak();
    await sampler.stop();

    const sourceSeconds = store.seconds + state.seconds + passState.seconds;
    const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
    // Counted and digested now, so that the second pass below does not hold the first one's changes.
    const { stateChanges, stateChecksum } = await passState.changes().then((changes) => ({
      stateChanges: changes.length,
      stateChecksum: digest(changes.map((c) => ({ ...c, data: sortedKeys(c.data) }))),
    }));

    // The same pass again, not timed, collecting garbage at every sampled point: the heap the pass holds live.
    counted = true;
    let livePeak = heapBefore;
    sampleHeap = () => {
      collect();
      livePeak = Math.max(livePeak, process.memoryUsage().heapUsed);
    };
    await runDetectionPass(rules, source, await passState.open(), { settings, chunkNewEvents: chunkLimit, onProgress: sampleHeap });

    const detections = mergeMatches(pass.matches).map((d) => ({ rule: d.ruleId, key: d.dedupeKey, digest: digest(d) }));
    const [load1, load5] = os.loadavg();
    return {
      users, chunkLimit, hourEvents: events.length - newStart, lookbackEvents: newStart, chunks, largest,
      evaluatedEvents: pass.evaluatedEvents, engineSeconds: wall - sourceSeconds, sourceSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6,
      heapBeforeMb: mbOf(heapBefore), heapPeakMb: mbOf(Math.max(heapPeak, heapBefore)), liveHeapPeakMb: mbOf(livePeak), rssBeforeMb: rssBefore, rssPeakMb: rssPeak,
      detections, stateChanges, stateChecksum, stateIn,
      errors: [...errors], loadAverage: [load1, load5],
    };
  } finally {
    await passState.close();
  }
}

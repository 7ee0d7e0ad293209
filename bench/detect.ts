// Detection benchmark (prints figures; asserts nothing). No database, queue or Temporal: the engine and the
// hourly run's detection pass, with the rule set the hourly run loads (catalogue + Sigma rules), over
// simulated traffic generated beforehand. See bench/README.md for what each figure means.
//
//   npm run bench:detect -- --events 1000000 --users 5000 --seed bench-detect
//   npm run bench:detect -- --engine-only --repeat 3     # the engine against the parse floor only, three times
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { catalogue, type OktaLogEvent } from '../detections/index.js';
import { mergeMatches, type MergedDetection } from '../detections/run/merge.js';
import { loadRuleSet } from '../detections/run/rule-set.js';
import { MemoryEvents, MemoryState, backlogRun, hourlyRuns, type DriverResult } from './detect-driver.js';
import { Checksum, onePass, perRuleTimings, profiled, secondsSince, startGcTally, startRssSampler, type GcPauses } from './detect-engine.js';
import { byRule, fmt, log, mb, row, secs, severities, table } from './detect-report.js';
import { benignWeekReport } from './detect-week.js';
import { DAY_MS, START, backgroundEvents, benchOrg, benignDays, buildInjections, mixIn, roundTripJson } from './detect-traffic.js';

/** Issue 11: the whole catalogue over 1M events in under 10 s, the chunked hourly pass within 1.5× the one pass. */
const TARGET_SECONDS = 10;
const TARGET_CHUNKED_RATIO = 1.5;

function parseOptions() {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', short: 'n' }, users: { type: 'string' }, seed: { type: 'string' },
      injections: { type: 'string' }, 'warmup-days': { type: 'string' },
      'engine-only': { type: 'boolean' }, repeat: { type: 'string' }, profile: { type: 'string' },
    },
    allowPositionals: true,
    strict: false,
  });
  const int = (name: string, fallback: number, min: number): number => {
    const raw = values[name];
    if (raw === undefined || raw === true) return fallback;
    const n = Number(String(raw).replace(/_/g, ''));
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min} (got ${String(raw)}).`);
    return n;
  };
  return {
    events: int('events', 1_000_000, 1000),
    users: int('users', 5000, 20),
    injections: int('injections', 5, 1),
    warmupDays: int('warmup-days', 14, 0),
    seed: typeof values.seed === 'string' ? values.seed : 'bench-detect',
    /** Part (a)'s timed passes and the summary only: no per-rule tables or timings, no benign week. */
    engineOnly: values['engine-only'] === true,
    /** Times the one pass and the chunked pass are run (alternately); the summary takes the medians. */
    repeat: int('repeat', 1, 1),
    /** Directory for CPU profiles of the first one pass and chunked pass (the timings then include the profiler). */
    profile: typeof values.profile === 'string' ? values.profile : undefined,
  };
}

// Run with --expose-gc (the npm script does): generator garbage is collected before each timed stage, as a
// worker's detection step would not inherit it.
const collect = () => (globalThis as { gc?: () => void }).gc?.();

/** A full collection marks every held event (~2.7 GB at 1,000,000): see bench/README.md. */
const gcNote = (g: GcPauses) => `${g.full} full collection${g.full === 1 ? '' : 's'} (${secs(g.fullSeconds)})`;

const timed = <T>(fn: () => T): { value: T; seconds: number } => {
  const t0 = performance.now();
  const value = fn();
  return { value, seconds: secondsSince(t0) };
};

function printErrors(label: string, errors: ReadonlyMap<string, string>): void {
  for (const [id, msg] of errors) log(`  !! ${label}: rule ${id} threw (the hourly run would fail): ${msg}`);
}

function driverLines(r: DriverResult, hourly: boolean): void {
  row(hourly ? 'hourly runs (UTC hours with new events)' : 'chunks (≤ 50,000 new events each)', fmt(hourly ? r.runs : r.chunks));
  row('events evaluated, look-back included', fmt(r.evaluatedEvents), `${fmt(r.evaluatedEvents / Math.max(1, r.newEvents), 2)} × the new events`);
  row('engine time (runDetectionPass minus its sources)', secs(r.engineSeconds), `${fmt(r.newEvents / Math.max(1e-9, r.engineSeconds))} new events/s`);
  if (hourly) {
    row('slowest run / mean run', `${secs(r.slowestRunSeconds)}`, `${r.slowestRunAt}; mean ${fmt((r.engineSeconds / Math.max(1, r.runs)) * 1000, 1)} ms`);
  }
  row('in-memory event and state sources (stand-in for SQL)', secs(r.sourceSeconds), 'not engine time');
  row('state rows kept', fmt(r.stateRows));
}

async function main() {
  const opts = parseOptions();
  const started = performance.now();
  const sampler = startRssSampler();
  const cpus = os.cpus();
  const sigmaDir = process.env.SIGMA_RULES_DIR ?? fileURLToPath(new URL('../sigma-rules', import.meta.url));
  const { rules, sigmaErrors } = loadRuleSet(sigmaDir);
  const kinds = new Map<string, number>();
  for (const r of rules) kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);

  log(`oort-okta detection benchmark: ${fmt(opts.events)} events, ${fmt(opts.users)} users, seed "${opts.seed}"`);
  log(`  machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown'}, ${Math.round(os.totalmem() / 2 ** 30)} GB, ${os.platform()} ${os.release()}, Node ${process.version}`);
  log(`  heap limit ${fmt(getHeapStatistics().heap_size_limit / 2 ** 20)} MB; gc between stages: ${typeof (globalThis as { gc?: unknown }).gc === 'function' ? 'yes' : 'no (run with --expose-gc)'}; load average ${fmt(os.loadavg()[0], 2)}`);
  log(`  rule set (loadRuleSet, as the hourly run): ${rules.length} rules = ${catalogue.length} catalogue + ${rules.length - catalogue.length} Sigma from ${sigmaDir}; ` +
    `${rules.filter((r) => r.enabled).length} enabled; ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  for (const e of sigmaErrors) log(`  !! Sigma rule not loaded: ${e.message}`);

  // ------------------------------------------------------------------------------------------
  log('');
  log(`(a) ${fmt(opts.events)} events with the attack scenarios mixed in`);
  log('  generation (not part of the engine figures)');
  const org = timed(() => benchOrg(opts.seed, opts.users));
  row(`org of ${fmt(opts.users)} users`, secs(org.seconds));
  const bg = timed(() => backgroundEvents(org.value, opts.seed, opts.events));
  const spanFrom = Date.parse(bg.value[0].published);
  const spanTo = Date.parse(bg.value[bg.value.length - 1].published);
  row('everyday activity', secs(bg.seconds), `${fmt(bg.value.length)} events, ${fmt((spanTo - spanFrom) / DAY_MS, 1)} days from ${START.toISOString().slice(0, 10)}`);
  const inj = timed(() => buildInjections(org.value, opts.seed, spanFrom, spanTo, opts.injections));
  const injections = inj.value.injections;
  const scenarioNames = [...new Set(injections.map((i) => i.scenario))];
  const caseLabels = [...new Set([...injections.map((i) => i.label), ...inj.value.failures.map((f) => f.scenario)])];
  row(`${fmt(injections.length)} injections (${scenarioNames.length} scenarios, ${caseLabels.length} cases × ${opts.injections})`, secs(inj.seconds), `${fmt(inj.value.events.length)} events; background trimmed to keep ${fmt(opts.events)} in all`);
  for (const f of inj.value.failures) log(`  !! scenario case ${f.scenario} at ${f.at} could not be built: ${f.message}`);
  bg.value.length = Math.max(0, opts.events - inj.value.events.length);
  const json = timed(() => roundTripJson(mixIn(bg.value, inj.value.events)));
  let events: OktaLogEvent[] = json.value.events;
  row('JSON round trip (events as parsed from events.raw)', secs(json.seconds), `mean ${fmt(json.value.meanBytes)} B per event`);
  const parseSeconds = json.value.parseSeconds;
  row('  of which JSON.parse alone (the floor)', secs(parseSeconds), `${fmt(events.length / parseSeconds)} ev/s`);
  collect();
  row('RSS / heap used after generation', mb(sampler.reset()), `heap ${mb(Math.round(process.memoryUsage().heapUsed / 2 ** 20))}`);

  log('');
  log('  whole catalogue: one evaluateRun over every event (all new, no state, no clock)');
  collect();
  const rssBefore = sampler.reset();
  const cpu0 = process.cpuUsage();
  const gc = startGcTally();
  const pass = await profiled(opts.profile, 'one-pass', () => gc.around(() => onePass(rules, events)));
  const cpu = process.cpuUsage(cpu0);
  const passPeak = sampler.peak();
  const passGc = await gc.stop();
  const passDetections = mergeMatches(pass.matches);
  const passChecksum = new Checksum().matches(pass.matches).digest();
  printErrors('one pass', pass.errors);
  row('wall time', secs(pass.seconds), `target < ${TARGET_SECONDS} s ${pass.seconds < TARGET_SECONDS ? '(met)' : '(NOT met)'}; ${fmt(pass.seconds / parseSeconds, 2)} × JSON.parse`);
  row('events/s', fmt(events.length / pass.seconds));
  row('of which garbage-collection pauses', secs(passGc.seconds), gcNote(passGc));
  // CPU below wall time means the process waited for a core (the machine is shared); above it, GC threads helped.
  row('CPU time of this process during it', secs((cpu.user + cpu.system) / 1e6), `load average now ${fmt(os.loadavg()[0], 2)}`);
  row('matches → detections (mergeMatches)', `${fmt(pass.matches.length)} → ${fmt(passDetections.length)}`);
  row('peak RSS during the evaluation', mb(passPeak), `at start ${mb(rssBefore)} (+${mb(passPeak - rssBefore)})`);
  row('checksum of the matches', passChecksum);

  const store = new MemoryEvents(events);
  log('');
  log('  first hourly run over the whole backlog (runDetectionPass: chunks, look-back both sides, clock, state between chunks)');
  collect();
  const backlogRss = sampler.reset();
  const backlog = await profiled(opts.profile, 'chunked-pass', () => backlogRun(rules, store));
  const backlogPeak = sampler.peak();
  const backlogDetections = mergeMatches(backlog.matches);
  printErrors('backlog run', backlog.errors);
  driverLines(backlog, false);
  row('matches → detections', `${fmt(backlog.matches.length)} → ${fmt(backlogDetections.length)}`);
  row('peak RSS during the run', mb(backlogPeak), `at start ${mb(backlogRss)}`);
  const backlogChecksum = backlog.checksum.digest();
  row('checksum of the matches and state changes', backlogChecksum);

  // Further repetitions, alternating, so both figures see the same machine load; the summary takes medians.
  const passTimes = [pass.seconds];
  const passGcs = [passGc];
  const backlogTimes = [backlog.engineSeconds];
  for (let k = 2; k <= opts.repeat; k++) {
    collect();
    const gcAgain = startGcTally();
    const again = gcAgain.around(() => onePass(rules, events));
    passGcs.push(await gcAgain.stop());
    collect();
    const backlogAgain = await backlogRun(rules, store);
    passTimes.push(again.seconds);
    backlogTimes.push(backlogAgain.engineSeconds);
    const same = new Checksum().matches(again.matches).digest() === passChecksum && backlogAgain.checksum.digest() === backlogChecksum;
    row(`repeat ${k}: one pass / chunked engine time`, `${secs(again.seconds)} / ${secs(backlogAgain.engineSeconds)}`,
      `ratio ${fmt(backlogAgain.engineSeconds / again.seconds, 2)}; checksums ${same ? 'the same' : 'DIFFER'}; load average ${fmt(os.loadavg()[0], 2)}`);
  }
  const median = (xs: readonly number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  const onePassSeconds = median(passTimes);
  const chunkedSeconds = median(backlogTimes);
  const chunkedRatio = median(passTimes.map((t, i) => backlogTimes[i] / t));

  log('');
  log(`  the engine against the parse floor${opts.repeat > 1 ? ` (medians of ${opts.repeat} runs)` : ''}`);
  row('JSON.parse of the same events (the floor)', secs(parseSeconds), `${fmt(events.length / parseSeconds)} ev/s`);
  row('whole catalogue, one evaluateRun', secs(onePassSeconds),
    `${fmt(events.length / onePassSeconds)} ev/s; ${fmt(onePassSeconds / parseSeconds, 2)} × parse; target < ${TARGET_SECONDS} s ${onePassSeconds < TARGET_SECONDS ? '(met)' : '(NOT met)'}`);
  row('GC pauses inside each one pass', passGcs.map((g) => secs(g.seconds)).join(' / '), passGcs.map(gcNote).join('; '));
  row('chunked hourly pass (engine time)', secs(chunkedSeconds),
    `${fmt(events.length / chunkedSeconds)} ev/s; ${fmt(chunkedSeconds / parseSeconds, 2)} × parse; ${fmt(chunkedRatio, 2)} × one pass, target ≤ ${TARGET_CHUNKED_RATIO} ${chunkedRatio <= TARGET_CHUNKED_RATIO ? '(met)' : '(NOT met)'}`);
  row('peak RSS: one pass / chunked pass', `${mb(passPeak)} / ${mb(backlogPeak)}`, `${fmt(events.length)} parsed events held; load average ${fmt(os.loadavg()[0], 2)}`);
  row('checksums: one pass / chunked pass', `${passChecksum.split(' ')[0]} / ${backlogChecksum.split(' ')[0]}`);

  // Per rule and per scenario case, and each rule timed alone (not with --engine-only).
  const details = () => {
    // Per rule, split by whether a detection cites an injected event.
    injections.forEach((injection, i) => injection.uuids.forEach((u) => injectionOf.set(u, i)));
    const cited = (d: MergedDetection) => new Set(d.evidenceUuids.map((u) => injectionOf.get(u)).filter((i): i is number => i !== undefined));
    const views = { pass: byRule(passDetections), backlog: byRule(backlogDetections) };
    const ruleRows = rules
      .filter((r) => views.pass.has(r.id) || views.backlog.has(r.id))
      .map((r) => {
        const list = views.backlog.get(r.id) ?? [];
        const fromScenarios = list.filter((d) => cited(d).size > 0).length;
        return { id: r.id, sev: severities([...list, ...(views.pass.get(r.id) ?? [])]), pass: views.pass.get(r.id)?.length ?? 0, backlog: list.length, fromScenarios };
      })
      .sort((a, b) => b.backlog - a.backlog || b.pass - a.pass || a.id.localeCompare(b.id));
    log('');
    log('  detections per rule (the backlog run\'s split into "scenario" = cites an injected event, "background" = cites none)');
    table(
      ['rule', 'severity', 'one pass', 'backlog run', 'scenario', 'background'],
      ruleRows.map((r) => [r.id, r.sev, fmt(r.pass), fmt(r.backlog), fmt(r.fromScenarios), fmt(r.backlog - r.fromScenarios)]),
    );
    const silent = rules.filter((r) => r.enabled && !ruleRows.some((x) => x.id === r.id)).map((r) => r.id);
    log(`  ${silent.length} enabled rules raised nothing${silent.length ? `: ${silent.join(', ')}` : ''}; ${rules.filter((r) => !r.enabled).length} disabled rules.`);

    // Expected detections (simulator/scenario-expectations.ts): the dedupe key, citing the injection's events.
    log('');
    log('  scenario cases (backlog run): injections with every expected detection raised, and what is missing');
    const raisedFor = new Map<number, Set<string>>();
    for (const d of backlogDetections) {
      for (const i of cited(d)) (raisedFor.get(i) ?? raisedFor.set(i, new Set()).get(i)!).add(d.dedupeKey);
    }
    let expectedTotal = 0;
    let expectedRaised = 0;
    const caseRows = caseLabels.map((label) => {
      const mine = injections.map((x, i) => [x, i] as const).filter(([x]) => x.label === label);
      const missing = new Map<string, number>();
      const extra = new Map<string, number>();
      let complete = 0;
      for (const [x, i] of mine) {
        const raised = raisedFor.get(i) ?? new Set<string>();
        const lacking = x.expected.filter((k) => !raised.has(k));
        expectedTotal += x.expected.length;
        expectedRaised += x.expected.length - lacking.length;
        if (lacking.length === 0 && (x.expected.length > 0 || raised.size > 0)) complete++;
        for (const k of lacking) missing.set(k.split(':')[0], (missing.get(k.split(':')[0]) ?? 0) + 1);
        for (const k of raised) if (!x.expected.includes(k)) extra.set(k.split(':')[0], (extra.get(k.split(':')[0]) ?? 0) + 1);
      }
      const list = (m: Map<string, number>) => [...m].map(([id, n]) => `${id} ${n}`).join(', ') || '-';
      return [label, `${complete}/${mine.length}`, list(missing), list(extra)];
    });
    table(['case', 'complete', 'missing (injections)', 'also raised (injections)'], caseRows, 'lrll');
    log(`  expected detections raised: ${fmt(expectedRaised)} of ${fmt(expectedTotal)}`);
    // When: a stateful rule still learning (early in the stream) misses for a different reason than a broken one.
    injections.forEach((x, i) => {
      const lacking = x.expected.filter((k) => !(raisedFor.get(i)?.has(k) ?? false));
      if (lacking.length) log(`    missing: ${x.label} at ${x.at} (day ${fmt((Date.parse(x.at) - spanFrom) / DAY_MS, 1)} of the stream): ${lacking.join(', ')}`);
    });

    log('');
    log('  time per rule: each rule alone over the events of its types, minus an evaluation without rules over them');
    collect();
    const timings = timed(() => perRuleTimings(rules, events));
    const measured = timings.value.filter((t) => t.ms !== undefined).sort((a, b) => (b.ms ?? 0) - (a.ms ?? 0));
    const sumMs = measured.reduce((s, t) => s + (t.ms ?? 0), 0);
    const kindOf = new Map(rules.map((r) => [r.id, r.kind]));
    table(
      ['slowest rules', 'kind', 'events of its types', 'ms', 'µs/event', 'share'],
      measured.slice(0, 15).map((t) => [t.ruleId, kindOf.get(t.ruleId) ?? '', fmt(t.events), fmt(t.ms ?? 0), fmt(((t.ms ?? 0) * 1000) / Math.max(1, t.events), 2), `${fmt(((t.ms ?? 0) / Math.max(1e-9, sumMs)) * 100, 1)}%`]),
    );
    log(`  sum over ${measured.length} rules ${secs(sumMs / 1000)} (whole pass ${secs(pass.seconds)}); second pass took ${secs(timings.seconds)}`);
    for (const t of timings.value.filter((x) => x.note && x.note !== 'disabled')) log(`  not timed alone: ${t.ruleId} (${t.note})`);
    return { ruleRows, expectedRaised, expectedTotal, measured };
  };
  const injectionOf = new Map<string, number>();
  const { ruleRows, expectedRaised, expectedTotal, measured } = opts.engineOnly
    ? { ruleRows: [], expectedRaised: 0, expectedTotal: 0, measured: [] }
    : details();

  const partA = {
    events: events.length,
    days: (spanTo - spanFrom) / DAY_MS,
    generationSeconds: org.seconds + bg.seconds + inj.seconds,
    jsonRoundTripSeconds: json.seconds,
    meanEventBytes: json.value.meanBytes,
    injections: injections.length,
    injectedEvents: inj.value.events.length,
    onePass: { seconds: pass.seconds, gcPauses: passGc, cpuSeconds: (cpu.user + cpu.system) / 1e6, eventsPerSec: events.length / pass.seconds, detections: passDetections.length, peakRssMb: passPeak, rssAtStartMb: rssBefore },
    backlog: { engineSeconds: backlog.engineSeconds, chunks: backlog.chunks, evaluatedEvents: backlog.evaluatedEvents, detections: backlogDetections.length, peakRssMb: backlogPeak },
    parseSeconds,
    checksums: { onePass: passChecksum, chunked: backlogChecksum },
    repeats: { onePassSeconds: passTimes, onePassGcPauses: passGcs, chunkedSeconds: backlogTimes },
    summary: { parseSeconds, onePassSeconds, chunkedSeconds, chunkedRatio, onePassOverParse: onePassSeconds / parseSeconds },
    expectedDetections: { raised: expectedRaised, total: expectedTotal },
    perRule: Object.fromEntries(ruleRows.map((r) => [r.id, { pass: r.pass, backlog: r.backlog, scenario: r.fromScenarios }])),
    ruleMs: Object.fromEntries(measured.map((t) => [t.ruleId, Math.round(t.ms ?? 0)])),
  };
  events = [];
  injectionOf.clear();

  const benignWeek = opts.engineOnly ? undefined : await partB();
  async function partB() {
    // ------------------------------------------------------------------------------------------
    log('');
    log(`(b) benign week: 7 days from ${START.toISOString().slice(0, 10)} (Mon), the same ${fmt(opts.users)}-user org, no scenarios`);
    collect();
    const gen = timed(() => roundTripJson(benignDays(org.value, opts.seed, opts.warmupDays)).events);
    const weekStart = START.getTime();
    const all = new MemoryEvents(gen.value);
    const warmupCount = all.indexAt(weekStart);
    row(`generated (+ JSON round trip): ${opts.warmupDays} warm-up days + the week`, secs(gen.seconds), `${fmt(warmupCount)} + ${fmt(gen.value.length - warmupCount)} events`);
    collect();
    const steady = await hourlyRuns(rules, all, new MemoryState(), weekStart);
    printErrors('benign week', steady.errors);
    log(`  hourly runs: one runDetectionPass per UTC hour over the warm-up and the week (its new events, everything`);
    log(`  delivered so far, state kept between runs; only the week's runs counted):`);
    driverLines(steady, true);
    row('checksum of every hourly run (matches, state changes)', steady.checksum.digest());
    const week = gen.value.slice(warmupCount);
    const fresh = opts.warmupDays > 0 ? await hourlyRuns(rules, new MemoryEvents(week)) : steady;
    printErrors('first week', fresh.errors);
    const weekPass = onePass(rules, week);
    const figures = benignWeekReport({
      rules,
      week,
      weekStart,
      steady: mergeMatches(steady.matches),
      newTenant: mergeMatches(fresh.matches),
      onePass: mergeMatches(weekPass.matches),
      warmupDays: opts.warmupDays,
    });
    return { ...figures, hourlyRuns: steady.runs, engineSeconds: steady.engineSeconds, meanRunMs: (steady.engineSeconds / Math.max(1, steady.runs)) * 1000, slowestRunSeconds: steady.slowestRunSeconds, checksum: steady.checksum.digest() };
  }

  const total = secondsSince(started);
  log('');
  row('peak RSS of the process (maxRSS)', mb(Math.round(process.resourceUsage().maxRSS / 1024)));
  row('total', secs(total));
  await sampler.stop();
  log(JSON.stringify({
    bench: 'detect',
    date: new Date().toISOString(),
    options: opts,
    machine: { cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', node: process.version },
    rules: rules.length,
    a: partA,
    benignWeek,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    totalSeconds: total,
  }));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);

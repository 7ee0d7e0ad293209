// experiment harness (not committed): N events, one pass + chunked, checksums, optional profile
import { loadRuleSet } from './detections/run/rule-set.js';
import { benchOrg, backgroundEvents, buildInjections, mixIn, roundTripJson } from './bench/detect-traffic.js';
import { onePass, Checksum, profiled } from './bench/detect-engine.js';
import { MemoryEvents, backlogRun } from './bench/detect-driver.js';
const N = Number(process.env.N ?? 300000), U = Number(process.env.U ?? 3000), R = Number(process.env.R ?? 2);
const prof = process.env.PROF;
const { rules } = loadRuleSet('./sigma-rules');
const org = benchOrg('bench-detect', U);
const bg = backgroundEvents(org, 'bench-detect', N);
const spanFrom = Date.parse(bg[0].published), spanTo = Date.parse(bg[bg.length - 1].published);
const inj = buildInjections(org, 'bench-detect', spanFrom, spanTo, 5);
bg.length = Math.max(0, N - inj.events.length);
const json = roundTripJson(mixIn(bg, inj.events));
const events = json.events as any[];
console.log('parse', json.parseSeconds.toFixed(2));
const gc = (globalThis as any).gc;
const store = new MemoryEvents(events);
for (let r = 0; r < R; r++) {
  gc?.();
  const p = await profiled(r === 0 ? prof : undefined, 'one-pass', () => onePass(rules, events));
  gc?.();
  const b = await profiled(r === 0 ? prof : undefined, 'chunked-pass', () => backlogRun(rules, store));
  console.log(`one ${p.seconds.toFixed(2)} s  chunked ${b.engineSeconds.toFixed(2)} s  ratio ${(b.engineSeconds / p.seconds).toFixed(2)}  ${new Checksum().matches(p.matches).digest().split(' ')[0]} / ${b.checksum.digest().split(' ')[0]}`);
}

// Hourly runs in memory, for unit tests of stateful detections: each batch is one run's new events,
// evaluated by the same detection pass as the hourly run, with rule state kept between runs by the
// engine's own merge rule (the table's upsert) and matches merged as the detection step merges them.
import { mergeStateRows, type DetectionSettings, type OktaLogEvent, type Rule, type StateRow } from '../../detections/index.js';
import { mergeMatches, type MergedDetection } from '../../detections/run/merge.js';
import { passStateInMemory, runDetectionPass } from '../../detections/run/pass.js';
import { stateRowId } from '../../detections/kinds/state.js';
import { eventsInMemory } from '../../detections/run/offline.js';

export interface MemoryRuns {
  /** Runs one hourly run over `batch` (this run's new events); returns the run's detections. */
  run(batch: readonly OktaLogEvent[]): Promise<MergedDetection[]>;
  /** Every run's detections, merged across runs by dedupe key and period. */
  detections(): MergedDetection[];
  state(): StateRow[];
}

export function memoryRuns(rules: readonly Rule[], settings: DetectionSettings = {}): MemoryRuns {
  const delivered: OktaLogEvent[] = [];
  let rows: StateRow[] = [];
  const all: Parameters<typeof mergeMatches>[0][number][] = [];
  return {
    async run(batch) {
      const known = new Set(delivered.map((e) => e.uuid));
      const fresh = batch.filter((e) => !known.has(e.uuid));
      delivered.push(...fresh);
      const newUuids = new Set(fresh.map((e) => e.uuid));
      const stored = rows;
      const state = passStateInMemory({
        load: async (keys) => {
          const wanted = new Set(keys.map(stateRowId));
          return stored.filter((r) => wanted.has(stateRowId(r)));
        },
      });
      const pass = await runDetectionPass(rules, eventsInMemory(delivered, (e) => newUuids.has(e.uuid)), state, { settings });
      rows = mergeStateRows(rows, state.changes());
      all.push(...pass.matches);
      return mergeMatches(pass.matches);
    },
    detections: () => mergeMatches(all),
    state: () => rows,
  };
}

/** Single-event rules: every matching new event is a hit; hits of one group close together form one match. */
import { perFocusedEvent } from '../fields.js';
import type { MatchCandidate } from '../match.js';
import type { TimelineEntry } from '../timeline.js';
import type { SingleRule } from '../types.js';
import type { KindScan } from './context.js';

/**
 * Only new events are judged: a look-back event was judged in the run that first saw it, and single rules need
 * no history. Hits of the same group less than the dedupe period apart are merged, as the caller would merge them.
 */
export function singleScan(rule: SingleRule): KindScan {
  const periodMs = rule.dedupe.periodMinutes * 60_000;
  const match = perFocusedEvent(rule.match);
  const keyOf = perFocusedEvent(rule.dedupe.key);
  const open = new Map<string, TimelineEntry[]>();
  const candidates: MatchCandidate[] = [];
  return {
    visit(entry) {
      if (!entry.isNew || !match(entry.event)) return;
      // A keyless event stands alone rather than being merged with unrelated ones.
      const groupKey = keyOf(entry.event) ?? `event:${entry.event.uuid}`;
      const cluster = open.get(groupKey);
      if (cluster && entry.time - cluster[cluster.length - 1].time <= periodMs) {
        cluster.push(entry);
        return;
      }
      const fresh = [entry];
      open.set(groupKey, fresh);
      candidates.push({ groupKey, entries: fresh, trigger: fresh });
    },
    finish: () => candidates,
  };
}

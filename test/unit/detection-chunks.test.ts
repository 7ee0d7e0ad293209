// The detection pass cuts a run's new events into chunks: whole hours where they fit, and an hour with more new
// events than the chunk limit (a tenant of 100,000 users) in runs of whole minutes. The cut must change nothing a
// tenant sees: every new event is judged new in exactly one chunk (also events sharing a timestamp on a boundary), a
// threshold window crossing a boundary is one detection, and detections and rule state are those of one big chunk.
// (A burst longer than the look-back is cut at each chunk's look-back edge, so its details can differ: bench/README.md,
// bench/detect-hour.ts. The bursts here are shorter.)
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mergeMatches } from '../../detections/run/merge.js';
import { eventsInMemory } from '../../detections/run/offline.js';
import { CHUNK_NEW_EVENTS, chunksOfNewEvents, passStateInMemory, runDetectionPass } from '../../detections/run/pass.js';
import { loadRuleSet } from '../../detections/run/rule-set.js';
import { Random } from '../../simulator/index.js';
import { busyHour, H, judgingNew, SPRAY_IP } from '../support/busy-hour.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const minute = (hour: number, m: number, n: number) => ({ start: H + hour * HOUR + m * MINUTE, n });

/** How many of the counted minutes' events each chunk holds. */
function sizes(minutes: ReadonlyArray<{ start: number; n: number }>, chunks: ReadonlyArray<{ start: number; end: number }>): number[] {
  return chunks.map((c) => minutes.filter((m) => m.start >= c.start && m.start < c.end).reduce((s, m) => s + m.n, 0));
}

describe('chunksOfNewEvents', () => {
  it('keeps hours that fit whole and groups consecutive ones, as before hours could be split', () => {
    const minutes = [minute(0, 5, 10), minute(0, 59, 5), minute(1, 0, 10), minute(2, 30, 20), minute(4, 1, 3)];
    expect(chunksOfNewEvents(minutes, 30)).toEqual([
      { start: H, end: H + 2 * HOUR }, // 25 new events
      { start: H + 2 * HOUR, end: H + 3 * HOUR }, // 20 more would make 45
      { start: H + 4 * HOUR, end: H + 5 * HOUR }, // not adjacent: the empty hour is not read
    ]);
    expect(chunksOfNewEvents(minutes)).toEqual([{ start: H, end: H + 3 * HOUR }, { start: H + 4 * HOUR, end: H + 5 * HOUR }]);
    expect(CHUNK_NEW_EVENTS).toBe(50_000);
  });

  it('cuts an hour over the limit at minute starts into even pieces that cover the hour exactly', () => {
    const minutes = Array.from({ length: 60 }, (_, m) => minute(0, m, m % 3 === 0 ? 0 : 4)).filter((m) => m.n > 0); // 160 events
    const chunks = chunksOfNewEvents(minutes, 50);
    expect(chunks[0].start).toBe(H);
    expect(chunks[chunks.length - 1].end).toBe(H + HOUR);
    chunks.slice(1).forEach((c, i) => expect(c.start).toBe(chunks[i].end));
    for (const c of chunks) expect((c.start - H) % MINUTE).toBe(0);
    // ceil(160 / 50) = 4 pieces of about 40, not 50 + 50 + 50 + 10.
    expect(sizes(minutes, chunks)).toEqual([40, 40, 40, 40]);
  });

  it('never splits a minute: one over the limit is a chunk of its own, and its neighbours fit around it', () => {
    const minutes = [minute(0, 0, 8), minute(0, 10, 30), minute(0, 11, 5), minute(0, 40, 5)];
    const chunks = chunksOfNewEvents(minutes, 20);
    expect(chunks).toEqual([
      { start: H, end: H + 10 * MINUTE },
      { start: H + 10 * MINUTE, end: H + 11 * MINUTE },
      { start: H + 11 * MINUTE, end: H + HOUR },
    ]);
    expect(sizes(minutes, chunks)).toEqual([8, 30, 10]);
  });

  it('lets the pieces of a split hour join a neighbouring hour while they fit', () => {
    // The second hour's 30 are cut in two pieces of 15; the first piece and the first hour's 4 make 19.
    const minutes = [minute(0, 50, 4), ...Array.from({ length: 30 }, (_, m) => minute(1, m * 2, 1))];
    const chunks = chunksOfNewEvents(minutes, 20);
    expect(chunks).toEqual([{ start: H, end: H + HOUR + 30 * MINUTE }, { start: H + HOUR + 30 * MINUTE, end: H + 2 * HOUR }]);
    expect(sizes(minutes, chunks)).toEqual([19, 15]);
  });

  it('puts every counted minute in exactly one chunk, within the limit, over random backlogs', () => {
    const rng = new Random('detection-chunks');
    for (let round = 0; round < 200; round++) {
      const limit = rng.int(5, 400);
      const minutes: Array<{ start: number; n: number }> = [];
      for (let hour = 0; hour < 6; hour++) {
        if (rng.chance(0.2)) continue; // an hour without new events
        const busy = rng.chance(0.5) ? rng.int(1, 40) : rng.int(1, 3);
        for (let m = 0; m < 60; m++) if (rng.chance(0.6)) minutes.push(minute(hour, m, rng.chance(0.02) ? limit + rng.int(1, 9) : rng.int(0, busy) + 1));
      }
      const chunks = chunksOfNewEvents(minutes, limit);
      for (const m of minutes) expect(chunks.filter((c) => m.start >= c.start && m.start < c.end)).toHaveLength(1);
      chunks.slice(1).forEach((c, i) => expect(c.start).toBeGreaterThanOrEqual(chunks[i].end));
      sizes(minutes, chunks).forEach((n, i) => {
        const alone = minutes.filter((m) => m.start >= chunks[i].start && m.start < chunks[i].end).length === 1;
        expect(n <= limit || alone).toBe(true);
      });
      // An hour that fits is never cut: every boundary inside an hour belongs to an hour over the limit.
      const perHour = new Map<number, number>();
      for (const m of minutes) perHour.set(Math.floor(m.start / HOUR) * HOUR, (perHour.get(Math.floor(m.start / HOUR) * HOUR) ?? 0) + m.n);
      for (const c of chunks) {
        for (const edge of [c.start, c.end]) if (edge % HOUR !== 0) expect(perHour.get(Math.floor(edge / HOUR) * HOUR)).toBeGreaterThan(limit);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The pass over one busy hour, split and whole.

const rules = loadRuleSet(fileURLToPath(new URL('../../sigma-rules/', import.meta.url))).rules;

describe('the detection pass over an hour split into chunks', () => {
  it('judges every new event new exactly once and finds what one chunk finds, with the same rule state', async () => {
    const { all, isNew, spray } = busyHour();
    const fresh = all.filter(isNew);
    const oneState = passStateInMemory();
    const cutState = passStateInMemory();

    const whole = judgingNew(eventsInMemory(all, isNew));
    const one = await runDetectionPass(rules, whole.source, oneState, { chunkNewEvents: fresh.length });
    const split = judgingNew(eventsInMemory(all, isNew));
    const limit = Math.ceil(fresh.length / 7);
    const cut = await runDetectionPass(rules, split.source, cutState, { chunkNewEvents: limit });

    const chunks = chunksOfNewEvents(await eventsInMemory(all, isNew).newEventMinutes(), limit);
    expect(chunks.length).toBeGreaterThanOrEqual(7);
    expect(cut.chunks - one.chunks).toBe(chunks.length - 1); // the same clock step after the chunks in both
    for (const { judgedNew } of [whole, split]) {
      expect(judgedNew).toHaveLength(fresh.length);
      expect(new Set(judgedNew)).toEqual(new Set(fresh.map((e) => e.uuid)));
    }

    const detections = mergeMatches(one.matches);
    expect(mergeMatches(cut.matches)).toEqual(detections);
    expect(cutState.changes()).toEqual(oneState.changes());
    expect(cut.watermark).toBe(one.watermark);
    // Not an empty comparison: the attacks are found, and the state learnt.
    const found = new Set(detections.map((d) => d.ruleId));
    for (const id of ['okta-password-spray-single-source', 'okta-mfa-push-bombing', 'okta-impossible-travel', 'okta-admin-role-granted-user']) expect(found).toContain(id);
    expect(oneState.changes().length).toBeGreaterThan(100);
    // The spray crosses several cuts and is matched on both sides of them, yet it is one detection with every attempt.
    const sprayDetections = detections.filter((d) => d.dedupeKey === `okta-password-spray-single-source:ip:${SPRAY_IP}`);
    expect(sprayDetections).toEqual([expect.objectContaining({ count: spray.length })]);
    expect(cut.matches.filter((m) => m.dedupeKey === sprayDetections[0].dedupeKey).length).toBeGreaterThan(1);
  });
});

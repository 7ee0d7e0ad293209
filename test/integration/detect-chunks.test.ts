// The hourly run's detection step on PostgreSQL over an hour with more new events than its chunk limit: the backlog
// counted per minute, the hour cut at minute starts, each chunk's new events read from the backlog by `published`.
// Integrations hold the same events; one is evaluated in one chunk, the others in many, holding the pass's rule-state
// changes in memory, staging them in PostgreSQL after every chunk, or both (past a small limit): they must store the
// same detections and rule state and clear the same backlog. A pass whose attempt dies between chunks must end, once
// retried, in the same rows.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntegration } from '../../integrations/create.js';
import { openRun } from '../../ingest/runs.js';
import { insertEvents, toEventRow } from '../../ingest/store-batch.js';
import { backlogEvents, detectForRun } from '../../detections/run/detect-run.js';
import { passStateInMemory, runDetectionPass } from '../../detections/run/pass.js';
import { stagedPassState } from '../../detections/run/state.js';
import type { StateDelta } from '../../detections/kinds/state.js';
import type { StateKey, StateRow } from '../../detections/index.js';
import { loadRuleSet } from '../../detections/run/rule-set.js';
import type { OktaLogEvent as EnvelopeEvent } from '../../okta/envelope.js';
import { createWorld, type World } from '../support/world.js';
import { busyHour, H, judgingNew, SPRAY_IP } from '../support/busy-hour.js';

let world: World;
const rules = loadRuleSet(fileURLToPath(new URL('../../sigma-rules/', import.meta.url))).rules;

beforeAll(async () => {
  world = await createWorld();
});

afterAll(async () => {
  await world?.close();
});

/** An integration holding the hour and its look-back, with only the hour left in its detection backlog. */
async function integrationWith(events: ReturnType<typeof busyHour>['all']): Promise<{ integrationId: string; ingestRunId: number }> {
  const { integrationId } = await createIntegration(world.db, world.secretKey, {
    tenantId: 'globex', name: 'Globex Okta', oktaDomain: 'http://127.0.0.1:9', oktaOrg: 'initech', apiToken: 'unused', awsAccountId: world.config.awsAccountId,
  });
  const ingestRunId = await openRun(world.db, { integrationId, workflowId: 'detect-chunks', workflowRunId: randomBytes(8).toString('hex') }, 'hourly');
  const sql = world.db.$client;
  await sql.begin((tx) => insertEvents(tx, events.map((e) => toEventRow(integrationId, e as unknown as EnvelopeEvent, JSON.stringify(e), ingestRunId))));
  // Earlier runs analysed the hours before H.
  await sql`delete from detection_backlog where integration_id = ${integrationId} and published < ${new Date(H).toISOString()}`;
  return { integrationId, ingestRunId };
}

async function stored(integrationId: string) {
  const sql = world.db.$client;
  const detections = await sql`
    select rule_id, dedupe_key, severity, title, subject_user, first_event_at, last_event_at, count, evidence_uuids
    from detections where integration_id = ${integrationId} order by dedupe_key, first_event_at`;
  const state = await sql`
    select rule_id, entity, value, first_seen, last_seen, data, expires_at
    from detection_state where integration_id = ${integrationId} order by rule_id, entity, value`;
  const [{ backlog }] = await sql<{ backlog: number }[]>`select count(*)::int as backlog from detection_backlog where integration_id = ${integrationId}`;
  return { detections, state, backlog };
}

describe('the detection step over an hour cut into chunks', () => {
  it('stores what one chunk stores and clears the same backlog', async () => {
    const { all, isNew, spray } = busyHour();
    const fresh = all.filter(isNew).length;
    const whole = await integrationWith(all);
    const cut = await integrationWith(all);
    const staged = await integrationWith(all);
    const mixed = await integrationWith(all);

    // Read from the backlog chunk by chunk, every new event is judged new once, also those on a cut.
    const reading = judgingNew(backlogEvents(world.db.$client, cut.integrationId));
    await runDetectionPass(rules, reading.source, passStateInMemory(), { chunkNewEvents: Math.ceil(fresh / 7) });
    expect(reading.judgedNew).toHaveLength(fresh);
    expect(new Set(reading.judgedNew)).toEqual(new Set(all.filter(isNew).map((e) => e.uuid)));

    let wholeChunks = 0;
    let cutChunks = 0;
    const one = await detectForRun(world.db, whole.integrationId, whole.ingestRunId, rules, {}, (p) => (wholeChunks = p.chunks), { chunkNewEvents: fresh });
    const many = await detectForRun(world.db, cut.integrationId, cut.ingestRunId, rules, {}, (p) => (cutChunks = p.chunks), { chunkNewEvents: Math.ceil(fresh / 7) });
    expect(cutChunks - wholeChunks).toBeGreaterThanOrEqual(6);
    expect(many.evaluatedEvents).toBeGreaterThan(one.evaluatedEvents); // each chunk reads its own look-back
    // The same chunks with the changes staged after every chunk, and past 40 held changes: with more than 100 rows of
    // state (below), the held changes pass 40 at least once, so that pass holds changes and then stages them.
    const chunked = { chunkNewEvents: Math.ceil(fresh / 7) };
    await detectForRun(world.db, staged.integrationId, staged.ingestRunId, rules, {}, () => {}, { ...chunked, changesInMemory: 0 });
    await detectForRun(world.db, mixed.integrationId, mixed.ingestRunId, rules, {}, () => {}, { ...chunked, changesInMemory: 40 });

    const a = await stored(whole.integrationId);
    const b = await stored(cut.integrationId);
    expect(b.detections).toEqual(a.detections);
    expect(b.state).toEqual(a.state);
    expect([a.backlog, b.backlog]).toEqual([0, 0]);
    for (const other of [await stored(staged.integrationId), await stored(mixed.integrationId)]) expect(other).toEqual(a);
    expect(many.created).toBe(one.created);
    const sprayRows = a.detections.filter((d) => d.dedupe_key === `okta-password-spray-single-source:ip:${SPRAY_IP}`);
    expect(sprayRows).toEqual([expect.objectContaining({ count: spray.length })]);
    expect(a.detections.length).toBeGreaterThan(5);
    expect(a.state.length).toBeGreaterThan(100);
    for (const { integrationId } of [cut, staged, mixed]) expect(await pendingState(integrationId)).toBe(0);
  });

  it('ends, after an attempt that died between chunks, in the rows of an attempt that did not', async () => {
    const { all, isNew } = busyHour();
    const limit = Math.ceil(all.filter(isNew).length / 7);
    // Between the attempts the tenant turned a stateful rule off (settings are read by each attempt): what the dead
    // attempt carried for it must not reach the stored state.
    const dropped = 'okta-impossible-travel-velocity';
    const remaining = rules.filter((r) => r.id !== dropped);
    const whole = await integrationWith(all);
    const broken = await integrationWith(all);
    await detectForRun(world.db, whole.integrationId, whole.ingestRunId, remaining, {}, () => {}, { chunkNewEvents: limit });

    // The worker dies after the third chunk: what the pass carried so far is in PostgreSQL, nothing is stored yet.
    const died = new Error('worker lost after chunk 3');
    await expect(
      // Staged after every chunk, so that the dead attempt leaves its changes behind.
      detectForRun(world.db, broken.integrationId, broken.ingestRunId, rules, {}, (p) => {
        if (p.chunks === 3) throw died;
      }, { chunkNewEvents: limit, changesInMemory: 0 }),
    ).rejects.toBe(died);
    const sql = world.db.$client;
    const [{ taken, carried }] = await sql<{ taken: number; carried: number }[]>`
      select (select count(*)::int from detection_backlog where integration_id = ${broken.integrationId} and analysed) as taken,
        (select count(*)::int from detection_state_pending where integration_id = ${broken.integrationId} and rule_id = ${dropped}) as carried`;
    expect(taken).toBeGreaterThan(0);
    expect(carried).toBeGreaterThan(0);
    expect((await stored(broken.integrationId)).detections).toEqual([]);
    expect((await stored(broken.integrationId)).state).toEqual([]);

    // The retry starts over from what is stored and ends where the uninterrupted pass did.
    await detectForRun(world.db, broken.integrationId, broken.ingestRunId, remaining, {}, () => {}, { chunkNewEvents: limit });
    const a = await stored(whole.integrationId);
    const b = await stored(broken.integrationId);
    expect(b).toEqual(a);
    expect(b.state.length).toBeGreaterThan(10);
    expect(b.backlog).toBe(0);
    expect(await pendingState(broken.integrationId)).toBe(0);
  });
});

describe("a pass's rule-state changes, held in memory and staged in PostgreSQL past a limit", () => {
  const key = (value: string): StateKey => ({ ruleId: 'okta-new-ip', entity: 'user:00u1', value });
  const keys = ['ip:a', 'ip:b', 'ip:c', 'ip:d'].map(key);
  const at = (minute: number) => Date.parse('2026-03-03T15:00:00Z') + minute * 60_000;
  const change = (value: string, first: number, last: number, data: Record<string, unknown> | null): StateDelta => ({
    ...key(value), firstSeen: at(first), lastSeen: at(last), data, expiresAt: at(last + 1000),
  });
  // Stored before the pass: a and b. Then three chunks' changes, each key changed again in a later chunk, one change
  // without data (the older data stays) and one with an earlier first sighting.
  const stored: StateRow[] = [
    { ...key('ip:a'), firstSeen: new Date(at(-600)).toISOString(), lastSeen: new Date(at(-500)).toISOString(), data: { n: 1 } },
    { ...key('ip:b'), firstSeen: new Date(at(-400)).toISOString(), lastSeen: new Date(at(-300)).toISOString(), data: { n: 2 } },
  ];
  const chunks: StateDelta[][] = [
    [change('ip:a', 1, 2, { n: 3 }), change('ip:c', 1, 3, { n: 4 })],
    [change('ip:c', 5, 6, null), change('ip:d', 5, 5, { n: 5 }), change('ip:b', 4, 7, { n: 6 })],
    [change('ip:a', -700, 8, { n: 7 }), change('ip:d', 9, 9, { n: 8 })],
  ];

  it('shows every chunk the rows the in-memory state shows, and stores what it would store, at every limit', async () => {
    const sql = world.db.$client;
    const views: unknown[][] = [];
    const storedRows: unknown[] = [];
    for (const limit of [0, 1, 2, 3, 100]) {
      const { integrationId } = await integrationWith([]);
      await sql`
        insert into detection_state (integration_id, rule_id, entity, value, first_seen, last_seen, data, expires_at)
        select ${integrationId}, rule_id, entity, value, first_seen::timestamptz, last_seen::timestamptz, data::jsonb, ${new Date(at(0)).toISOString()}::timestamptz
        from unnest(${stored.map((r) => r.ruleId)}::text[], ${stored.map((r) => r.entity)}::text[], ${stored.map((r) => r.value)}::text[],
          ${stored.map((r) => String(r.firstSeen))}::text[], ${stored.map((r) => String(r.lastSeen))}::text[],
          ${stored.map((r) => JSON.stringify(r.data))}::text[]) as r(rule_id, entity, value, first_seen, last_seen, data)`;
      const state = stagedPassState(sql, integrationId, limit);
      const reference = passStateInMemory({ load: async (wanted) => stored.filter((r) => wanted.some((k) => k.value === r.value)) });
      const seen: unknown[] = [];
      for (const deltas of [...chunks, []]) {
        const [mine, theirs] = [await state.viewFor(keys), await reference.viewFor(keys)];
        const rows = keys.map((k) => mine.get(k.ruleId, k.entity, k.value));
        expect(rows).toEqual(keys.map((k) => theirs.get(k.ruleId, k.entity, k.value)));
        seen.push(rows);
        await state.apply(deltas);
        await reference.apply(deltas);
      }
      views.push(seen);
      await sql.begin((tx) => state.persist(tx));
      storedRows.push(await sql`
        select rule_id, entity, value, first_seen, last_seen, data, expires_at from detection_state
        where integration_id = ${integrationId} order by value`);
      expect(await pendingState(integrationId)).toBe(0);
    }
    // Every limit, from staging after every chunk to holding everything, gives the same views and the same rows.
    for (const other of views) expect(other).toEqual(views[0]);
    for (const other of storedRows) expect(other).toEqual(storedRows[0]);
    // And those rows are the stored ones merged with the pass's changes, as the engine's merge rule says.
    type Stored = { value: string; first_seen: string; last_seen: string; expires_at: string; data: unknown };
    expect((storedRows[0] as Stored[]).map((r) => [r.value, Date.parse(r.first_seen), Date.parse(r.last_seen), Date.parse(r.expires_at), r.data])).toEqual([
      ['ip:a', at(-700), at(8), at(1008), { n: 7 }],
      ['ip:b', at(-400), at(7), at(1007), { n: 6 }],
      ['ip:c', at(1), at(6), at(1006), { n: 4 }],
      ['ip:d', at(5), at(9), at(1009), { n: 8 }],
    ]);
  });
});

/** Rule-state changes a pass left in PostgreSQL between its chunks (none once it has stored them). */
async function pendingState(integrationId: string): Promise<number> {
  const [{ n }] = await world.db.$client<{ n: number }[]>`
    select count(*)::int as n from detection_state_pending where integration_id = ${integrationId}`;
  return n;
}

// The hourly run's detection step on PostgreSQL over an hour with more new events than its chunk limit: the backlog
// counted per minute, the hour cut at minute starts, each chunk's new events read from the backlog by `published`.
// Two integrations hold the same events; one is evaluated in one chunk, the other in many: they must store the same
// detections and rule state and clear the same backlog. A pass whose attempt dies between chunks must end, once
// retried, in the same rows.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntegration } from '../../integrations/create.js';
import { openRun } from '../../ingest/runs.js';
import { insertEvents, toEventRow } from '../../ingest/store-batch.js';
import { backlogEvents, detectForRun } from '../../detections/run/detect-run.js';
import { passStateInMemory, runDetectionPass } from '../../detections/run/pass.js';
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

    const a = await stored(whole.integrationId);
    const b = await stored(cut.integrationId);
    expect(b.detections).toEqual(a.detections);
    expect(b.state).toEqual(a.state);
    expect([a.backlog, b.backlog]).toEqual([0, 0]);
    expect(many.created).toBe(one.created);
    const sprayRows = a.detections.filter((d) => d.dedupe_key === `okta-password-spray-single-source:ip:${SPRAY_IP}`);
    expect(sprayRows).toEqual([expect.objectContaining({ count: spray.length })]);
    expect(a.detections.length).toBeGreaterThan(5);
    expect(a.state.length).toBeGreaterThan(100);
    expect(await pendingState(cut.integrationId)).toBe(0);
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
      detectForRun(world.db, broken.integrationId, broken.ingestRunId, rules, {}, (p) => {
        if (p.chunks === 3) throw died;
      }, { chunkNewEvents: limit }),
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

/** Rule-state changes a pass left in PostgreSQL between its chunks (none once it has stored them). */
async function pendingState(integrationId: string): Promise<number> {
  const [{ n }] = await world.db.$client<{ n: number }[]>`
    select count(*)::int as n from detection_state_pending where integration_id = ${integrationId}`;
  return n;
}

// The hourly run's detection step on PostgreSQL over an hour with more new events than its chunk limit: the backlog
// counted per minute, the hour cut at minute starts, each chunk's new events read from the backlog by `published`.
// Two integrations hold the same events; one is evaluated in one chunk, the other in many: they must store the same
// detections and rule state and clear the same backlog.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntegration } from '../../integrations/create.js';
import { openRun } from '../../ingest/runs.js';
import { insertEvents, toEventRow } from '../../ingest/store-batch.js';
import { backlogEvents, detectForRun } from '../../detections/run/detect-run.js';
import { runDetectionPass } from '../../detections/run/pass.js';
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
    const noState = { load: async () => [] };
    const reading = judgingNew(backlogEvents(world.db.$client, cut.integrationId));
    await runDetectionPass(rules, reading.source, noState, { chunkNewEvents: Math.ceil(fresh / 7) });
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
  });
});

// Two detection steps of one integration never work from the same rule state. Here an hourly run
// meets another step of the same integration (an operator's quarantine replay, stood in for by a
// session holding the integration's detection lock) that, before it lets go, records an AD agent
// source as known. The hourly run stores its events, waits, and only then reads the rule state:
// the source the other step recorded is known, a source nobody recorded is still new.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getText } from '../../detections/index.js';
import { minutesAfter, oktaEvent, oktaUser } from '../../detections/testing.js';
import { publishEnvelopes, toEventBridgeEnvelopes, type OktaLogEvent as SimulatedEvent } from '../../simulator/index.js';
import { createWorld, type World } from '../support/world.js';
import { runHourly, streamingIntegration, type StreamingIntegration } from '../support/fixtures.js';

let world: World;
let integration: StreamingIntegration;

beforeAll(async () => {
  world = await createWorld();
  await world.startWorker();
  integration = await streamingIntegration(world, { oktaDomain: 'http://127.0.0.1:9', oktaOrg: 'initech', apiToken: 'unused' });
});

afterAll(async () => {
  await world?.close();
});

const admin = oktaUser('walter.skinner@initech.example');
const otherAdmin = oktaUser('alvin.kersh@initech.example');
const T0 = '2026-11-10T09:00:00.000Z';
const agentAdded = (actor: typeof admin, ip: string) =>
  oktaEvent({ eventType: 'system.agent.ad.agent_instance_added', at: minutesAfter(T0, 1), actor, ip });
const RULE = 'okta-ad-agent-activity-new-source';

async function count(table: 'events' | 'detections'): Promise<number> {
  const [{ n }] = await world.db.$client.unsafe<{ n: number }[]>(`select count(*)::int as n from ${table} where integration_id = $1`, [integration.integrationId]);
  return n;
}

describe('the detection lock', () => {
  it('makes an hourly run wait for another detection step of the same integration, then read the state it left', async () => {
    const known = agentAdded(admin, '10.20.0.5');
    const fresh = agentAdded(otherAdmin, '10.20.0.6');
    const envelopes = toEventBridgeEnvelopes([known, fresh] as unknown as SimulatedEvent[], integration.destination, 'lock');
    expect((await publishEnvelopes(world.sqs, integration.queueUrl, envelopes)).failed).toEqual([]);

    const holder = await world.db.$client.reserve();
    const lockKey = `detections:${integration.integrationId}`;
    await holder`select pg_advisory_lock(hashtext(${lockKey}))`;
    let settled = false;
    const run = runHourly(world, integration.integrationId).finally(() => (settled = true));
    try {
      const deadline = Date.now() + 60_000;
      while ((await count('events')) < 2) {
        if (Date.now() > deadline) throw new Error('the hourly run did not store its events within 60 s');
        await new Promise((r) => setTimeout(r, 250));
      }
      // Time enough for a run that read the state without the lock to have done so.
      await new Promise((r) => setTimeout(r, 3_000));
      expect(settled).toBe(false);
      expect(await count('detections')).toBe(0);
      // The other step remembers the first admin's agent host, as its own run over earlier events would have.
      const ua = getText(known, 'client.userAgent.rawUserAgent');
      for (const term of ['register:ip:10.20.0.5', `register:ua:${ua}`]) {
        await holder`
          insert into detection_state (integration_id, rule_id, entity, value, first_seen, last_seen, expires_at)
          values (${integration.integrationId}, ${RULE}, ${`user:${admin.id}`}, ${`term:${term}`},
            '2026-11-01T00:00:00Z', '2026-11-09T00:00:00Z', '2027-03-01T00:00:00Z')`;
      }
    } finally {
      await holder`select pg_advisory_unlock(hashtext(${lockKey}))`;
      holder.release();
    }
    await run;
    const raised = await world.db.$client<{ dedupe_key: string }[]>`
      select dedupe_key from detections where integration_id = ${integration.integrationId} and rule_id = ${RULE}`;
    expect(raised.map((r) => r.dedupe_key)).toEqual([`${RULE}:user:${otherAdmin.id}`]);
  }, 120_000);
});

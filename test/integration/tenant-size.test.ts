// Tenant-wide counts follow the directory. The same quarter hour of failed sign-ins (27 attempts on 9 accounts from
// 20 addresses) is a password spray for an org of 5,000 people, and everyday mistyped passwords for an org of 30,000.
// The hourly run reads the size from the directory sync's rows (deprovisioned people left out).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishEnvelopes, toEventBridgeEnvelopes, type OktaLogEvent as SimulatedEvent } from '../../simulator/index.js';
import { createWorld, type World } from '../support/world.js';
import { runHourly, streamingIntegration } from '../support/fixtures.js';
import { failedSignInsAcrossTenant } from '../support/traffic.js';

const RULE = 'okta-password-spray-distributed';
const failures = failedSignInsAcrossTenant('2026-11-10T09:00:00.000Z', 'initech.example');

let world: World;

beforeAll(async () => {
  world = await createWorld();
  await world.startWorker();
});

afterAll(async () => {
  await world?.close();
});

/** An integration whose directory sync stored `active` people and `deprovisioned` ones, sent the failures. */
async function detectedRules(tenant: string, active: number, deprovisioned: number): Promise<string[]> {
  const integration = await streamingIntegration(world, { oktaDomain: 'http://127.0.0.1:9', oktaOrg: tenant, apiToken: 'unused', tenantId: tenant });
  const sql = world.db.$client;
  await sql`
    insert into okta_users (integration_id, id, status, raw)
    select ${integration.integrationId}, '00u' || g, case when g <= ${active} then 'ACTIVE' else 'DEPROVISIONED' end, '{}'::jsonb
    from generate_series(1, ${active + deprovisioned}) g`;
  const envelopes = toEventBridgeEnvelopes(failures as unknown as SimulatedEvent[], integration.destination, tenant);
  expect((await publishEnvelopes(world.sqs, integration.queueUrl, envelopes)).failed).toEqual([]);
  await runHourly(world, integration.integrationId);
  const rows = await sql<{ rule_id: string }[]>`select rule_id from detections where integration_id = ${integration.integrationId}`;
  return rows.map((r) => r.rule_id);
}

describe('tenant-wide counts and the directory size', () => {
  it('reports the spray for an org of 5,000 people (20,000 deprovisioned do not count)', async () => {
    expect(await detectedRules('initech', 5_000, 20_000)).toContain(RULE);
  });

  it('does not for an org of 30,000 people, whose counts are six times as high', async () => {
    const rules = await detectedRules('hooli', 30_000, 0);
    expect(rules).not.toContain(RULE);
  });
});

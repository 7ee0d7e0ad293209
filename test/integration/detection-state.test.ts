// Detections whose evidence is split across two hourly runs, on the real stack: a threshold window
// (password spray) and a sequence (push bombing, then the accepted push) each straddle the boundary
// between two runs and are each stored exactly once; an absence (MFA removed, not restored) is
// decided by a later run from the rule state kept in PostgreSQL; re-running changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { minutesAfter, oktaEvent, oktaUser, oktaVerifyEnrollment, type TestPrincipal } from '../../detections/testing.js';
import type { OktaLogEvent } from '../../detections/index.js';
import { publishEnvelopes, toEventBridgeEnvelopes, type OktaLogEvent as SimulatedEvent } from '../../simulator/index.js';
import { createWorld, type World } from '../support/world.js';
import { runHourly, streamingIntegration, type StreamingIntegration } from '../support/fixtures.js';

const T0 = '2026-11-10T09:40:00.000Z';
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

const dana = oktaUser('dana.scully@initech.example');
const helpdesk = oktaUser('help.desk@initech.example');
const staff = Array.from({ length: 16 }, (_, i) => oktaUser(`staff${i}@initech.example`));

const failed = (user: TestPrincipal, minute: number) =>
  oktaEvent({ eventType: 'user.session.start', at: minutesAfter(T0, minute), actor: user, ip: '185.220.101.9', result: 'FAILURE', reason: 'INVALID_CREDENTIALS', country: 'Germany' });
const push = (minute: number, result: 'SUCCESS' | 'FAILURE') =>
  oktaEvent({
    eventType: 'user.authentication.auth_via_mfa',
    at: minutesAfter(T0, minute),
    actor: dana,
    result,
    reason: result === 'FAILURE' ? 'INVALID_CREDENTIALS' : null,
    target: [dana, oktaVerifyEnrollment(dana)],
    debugData: { factor: 'OKTA_VERIFY_PUSH' },
  });
const factorRemoved = oktaEvent({
  eventType: 'user.mfa.factor.deactivate',
  at: minutesAfter(T0, 5),
  actor: helpdesk,
  target: [staff[15], oktaVerifyEnrollment(staff[15])],
});
const later = (minute: number) => oktaEvent({ eventType: 'user.session.end', at: minutesAfter(T0, minute), actor: helpdesk });

/** Spray: 16 users, 3 attempts each, 09:40–10:19; push barrage 09:52–09:59, approval 10:01. */
const spray = staff.flatMap((user, u) => [0, 1, 2].map((round) => failed(user, round * 13 + u * 0.5)));
const beforeTen = (e: OktaLogEvent) => e.published < '2026-11-10T10:00:00.000Z';

async function deliver(events: OktaLogEvent[], label: string) {
  const published = await publishEnvelopes(world.sqs, integration.queueUrl, toEventBridgeEnvelopes(events as unknown as SimulatedEvent[], integration.destination, label));
  expect(published.failed).toEqual([]);
}

async function detections() {
  return world.db.$client<{ rule_id: string; dedupe_key: string; count: number; ingest_run_id: number }[]>`
    select rule_id, dedupe_key, count, ingest_run_id::int as ingest_run_id from detections where integration_id = ${integration.integrationId} order by rule_id`;
}

describe('detections across hourly runs', () => {
  const pushes = [52, 53, 54, 55, 56, 58].map((m) => push(m, 'FAILURE'));
  const approval = push(61, 'SUCCESS');
  const first = [...spray.filter(beforeTen), ...pushes, factorRemoved];
  const second = [...spray.filter((e) => !beforeTen(e)), approval];

  it('finds a window and a sequence split by the hour once each', async () => {
    await deliver(first, 'run-1');
    const run1 = await runHourly(world, integration.integrationId);
    await deliver(second, 'run-2');
    const run2 = await runHourly(world, integration.integrationId);
    expect(run1.stored + run2.stored).toBe(first.length + second.length);

    const rows = await detections();
    const byRule = (id: string) => rows.filter((r) => r.rule_id === id);
    expect(byRule('okta-password-spray-single-source')).toHaveLength(1);
    expect(byRule('okta-password-spray-single-source')[0].count).toBe(spray.length);
    expect(byRule('okta-mfa-push-bombing')).toHaveLength(1);
    // The sequence is completed only by the second run's approval.
    expect(byRule('okta-mfa-push-bombing-success')).toEqual([expect.objectContaining({ ingest_run_id: run2.ingestRunId })]);
    expect(byRule('okta-mfa-removed-not-restored')).toEqual([]);
  });

  it('decides the absence in the run whose clock passes 12 hours, from state kept in PostgreSQL', async () => {
    const [{ n }] = await world.db.$client<{ n: number }[]>`
      select count(*)::int as n from detection_state where integration_id = ${integration.integrationId} and rule_id = 'okta-mfa-push-bombing-success'`;
    expect(n).toBe(0); // event-to-event sequences need no state
    await deliver([later(6 * 60)], 'run-3');
    await runHourly(world, integration.integrationId);
    expect((await detections()).filter((r) => r.rule_id === 'okta-mfa-removed-not-restored')).toEqual([]);
    await deliver([later(12 * 60 + 30)], 'run-4');
    await runHourly(world, integration.integrationId);
    expect((await detections()).filter((r) => r.rule_id === 'okta-mfa-removed-not-restored')).toHaveLength(1);
    const marker = await world.db.$client`
      select value from detection_state where integration_id = ${integration.integrationId} and rule_id = 'okta-mfa-removed-not-restored'`;
    expect(marker.map((r) => r.value)).toEqual([`reported:${factorRemoved.uuid}`]);
  });

  it('changes nothing when later runs find nothing new', async () => {
    const before = await detections();
    const state = await world.db.$client`select rule_id, entity, value, last_seen from detection_state where integration_id = ${integration.integrationId} order by 1, 2, 3`;
    await runHourly(world, integration.integrationId);
    await deliver([later(13 * 60)], 'run-6');
    await runHourly(world, integration.integrationId);
    expect(await detections()).toEqual(before);
    const after = await world.db.$client`select rule_id, entity, value, last_seen from detection_state where integration_id = ${integration.integrationId} order by 1, 2, 3`;
    expect(after.filter((r) => r.rule_id === 'okta-mfa-removed-not-restored')).toEqual(state.filter((r) => r.rule_id === 'okta-mfa-removed-not-restored'));
  });
});

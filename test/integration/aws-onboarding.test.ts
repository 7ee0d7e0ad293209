// The AWS side of onboarding, end to end on the real stack: Okta (the simulator) saves a log stream, which creates a
// PENDING partner event source in the EventBridge emulator; events Okta sends before the "EventBridge in place" signal
// are dropped, as in AWS; after it onboarding associates the source, routes it to the queue and the events arrive.
// Then: a source under another org name, a source someone else associated, a crash between any two AWS steps, a
// deletion after a partial setup, drift found by the daily check, and pause leaving AWS alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeEventBusCommand, DescribeRuleCommand, CreateEventBusCommand, ListTargetsByRuleCommand, RemoveTargetsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createWorld, type World } from '../support/world.js';
import { waitFor } from '../support/wait.js';
import { recentTraffic } from '../support/traffic.js';
import { eventBridgeStats, oktaEventBridge, platformEventBridge } from '../support/aws.js';
import { runHourly, storedEventCount } from '../support/fixtures.js';
import { generateOrg, makeEventBridgeLogStream, startOktaSimulator, type OktaSimulator } from '../../simulator/index.js';
import { createPartnerEventBridgeClient, publishPartnerEvents } from '../../simulator/partner-events.js';
import { createIntegration } from '../../integrations/create.js';
import { getIntegration } from '../../integrations/repository.js';
import { onboardingStatus, signalEventBridgeInPlace, startOnboarding } from '../../temporal/client.js';
import { pauseIntegration } from '../../operations/lifecycle.js';
import { deleteIntegrationWithData } from '../../operations/delete.js';
import { approximateDepth } from '../../aws/queues.js';
import { associateSource, inspectRoute, partnerSourceState, putRoutingRule, setQueuePolicies, putQueueTarget } from '../../aws/eventbridge.js';
import { INTEGRATION_TAG, QUEUE_TARGET_ID, routingPattern } from '../../aws/routing.js';
import { routeSpecOf } from '../../activities/aws-route.js';
import { runCli } from '../support/cli.js';
import type { OnboardingState } from '../../workflows/types.js';

const ORG = 'contoso';
const TOKEN = 'ssws-aws-side-token';
let world: World;
let sim: OktaSimulator;
let eb: EventBridgeClient;
const okta = createPartnerEventBridgeClient({ endpoint: oktaEventBridge().endpoint });

beforeAll(async () => {
  world = await createWorld();
  await world.startWorker();
  sim = await startOktaSimulator({ token: TOKEN, org: generateOrg({ seed: 'aws-side', users: 15, orgName: ORG, logStream: false }), eventBridge: oktaEventBridge() });
  eb = platformEventBridge();
});

afterAll(async () => {
  eb?.destroy();
  okta.destroy();
  await sim?.close();
  await world?.close();
});

/** A new integration whose onboarding waits for the signal; `oktaOrg` is what the operator entered. */
async function onboardingIntegration(oktaOrg = ORG) {
  const { integrationId } = await createIntegration(world.db, world.secretKey, {
    tenantId: 'contoso', name: 'Contoso Okta', oktaDomain: sim.url, oktaOrg, apiToken: TOKEN, awsAccountId: world.config.awsAccountId,
  });
  const handle = await startOnboarding(world.client, world.db, world.config.TEMPORAL_TASK_QUEUE, { integrationId, reminderAfter: '1 hour', firstEventPollInterval: '1 second' });
  await waitFor('awaiting_log_stream', async () => (await onboardingStatus(world.client, integrationId))?.status === 'awaiting_log_stream');
  return { integrationId, handle };
}

/** The customer saves the log stream in Okta: Okta creates the partner event source (PENDING). */
async function customerSavesLogStream(integrationId: string) {
  await sim.setLogStreams([makeEventBridgeLogStream({ eventSourceName: integrationId, accountId: world.config.awsAccountId, region: 'us-east-2' })]);
}

async function signalAndWait(integrationId: string, until: (s: OnboardingState) => boolean): Promise<OnboardingState> {
  const before = (await onboardingStatus(world.client, integrationId))!.streamChecks;
  await signalEventBridgeInPlace(world.client, integrationId);
  return waitFor('onboarding after the signal', async () => {
    const s = await onboardingStatus(world.client, integrationId);
    return s && s.streamChecks > before && until(s) ? s : undefined;
  });
}

const sourceOf = (integrationId: string, org = ORG) => `aws.partner/okta.com/${org}/${integrationId}`;

/** `n` events of the last hour, at any time of day (the generator follows office hours). */
const recentEvents = (n: number, seed: string) => recentTraffic(sim.org, seed, n, 60, 1);

/** The route as AWS holds it: every part, for comparing a crashed-and-resumed setup with a clean one. */
async function routeShape(integrationId: string) {
  const row = await getIntegration(world.db, integrationId);
  const spec = routeSpecOf(row, world.config.SQS_QUEUE_PREFIX);
  const bus = await eb.send(new DescribeEventBusCommand({ Name: spec.sourceName }));
  const rule = await eb.send(new DescribeRuleCommand({ Name: spec.ruleName, EventBusName: spec.sourceName }));
  const { Targets } = await eb.send(new ListTargetsByRuleCommand({ Rule: spec.ruleName, EventBusName: spec.sourceName }));
  const { Attributes } = await world.sqs.send(new GetQueueAttributesCommand({ QueueUrl: spec.queueUrl, AttributeNames: ['Policy', 'QueueArn'] }));
  return {
    source: await partnerSourceState(eb, spec.sourceName),
    bus: bus.Name === spec.sourceName,
    rule: { state: rule.State, pattern: JSON.parse(rule.EventPattern!) },
    targets: (Targets ?? []).map((t) => ({ id: t.Id, isQueue: t.Arn === Attributes?.QueueArn, dlq: Boolean(t.DeadLetterConfig?.Arn), retries: t.RetryPolicy?.MaximumRetryAttempts })),
    policyAllowsRule: (Attributes?.Policy ?? '').includes(rule.Arn!),
    problems: await inspectRoute(eb, world.sqs, spec),
  };
}

describe('onboarding on the AWS side', () => {
  let streamingId: string;

  it('drops what Okta sends before the signal, then connects the source and the events arrive', async () => {
    const { integrationId, handle } = await onboardingIntegration();
    streamingId = integrationId;
    await customerSavesLogStream(integrationId);
    expect(await partnerSourceState(eb, sourceOf(integrationId))).toBe('PENDING');

    const early = recentEvents(20, 'before-signal');
    const sentEarly = await publishPartnerEvents(okta, sourceOf(integrationId), early);
    expect(sentEarly).toMatchObject({ accepted: early.length, failed: 0 });
    const row = await getIntegration(world.db, integrationId);
    expect((await eventBridgeStats()).sources[sourceOf(integrationId)]).toMatchObject({ accepted: early.length, droppedUnassociated: early.length, delivered: 0 });
    expect(await approximateDepth(world.sqs, row.queueUrl!)).toBe(0);

    const after = await signalAndWait(integrationId, (s) => s.status === 'awaiting_first_event');
    expect(after.aws).toMatchObject({ setup: 'workflow', source: sourceOf(integrationId), sourceState: 'ACTIVE', done: ['partnerEventBus', 'rule', 'queuePolicy', 'target'], problem: null });
    const recorded = (await getIntegration(world.db, integrationId)).awsRoute!;
    expect(Object.keys(recorded.steps).sort()).toEqual(['partnerEventBus', 'queuePolicy', 'rule', 'target']);
    expect(recorded).toMatchObject({ sourceState: 'ACTIVE', problems: [] });
    // The operator sees the same in `integrations show`.
    const shown = await runCli(world.env, ['integrations', 'show', integrationId]);
    expect(shown.stdout).toContain(`AWS: source ${sourceOf(integrationId)} ACTIVE; partner event bus ✓, rule ✓, queue policies ✓, target ✓ (workflow`);
    const shape = await routeShape(integrationId);
    expect(shape).toEqual({
      source: 'ACTIVE', bus: true,
      rule: { state: 'ENABLED', pattern: routingPattern(sourceOf(integrationId)) },
      targets: [{ id: QUEUE_TARGET_ID, isQueue: true, dlq: true, retries: 185 }],
      policyAllowsRule: true, problems: [],
    });

    const late = recentEvents(30, 'after-signal');
    expect(await publishPartnerEvents(okta, sourceOf(integrationId), late)).toMatchObject({ accepted: late.length, failed: 0 });
    await handle.result();
    expect((await getIntegration(world.db, integrationId)).status).toBe('streaming');
    await runHourly(world, integrationId);
    const stored = await world.db.$client<{ uuid: string }[]>`select uuid from events where integration_id = ${integrationId}`;
    const storedIds = new Set(stored.map((r) => r.uuid));
    for (const e of late) expect(storedIds.has(e.uuid)).toBe(true);
    // The early ones were dropped by AWS; they are in Okta's System Log, which the backfill and gap fills read.
    expect((await eventBridgeStats()).sources[sourceOf(integrationId)]).toMatchObject({ delivered: late.length });
  });

  it('leaves the route alone on pause, and the daily check finds a route changed by hand: degraded, gap read from the API', async () => {
    const before = await routeShape(streamingId);
    await pauseIntegration(world.client, world.db, streamingId);
    expect(await routeShape(streamingId)).toEqual(before);
    await world.db.$client`update integrations set status = 'streaming', status_detail = null where id = ${streamingId}`;

    const spec = routeSpecOf(await getIntegration(world.db, streamingId), world.config.SQS_QUEUE_PREFIX);
    await eb.send(new RemoveTargetsCommand({ Rule: spec.ruleName, EventBusName: spec.sourceName, Ids: [QUEUE_TARGET_ID] }));
    await world.client.workflow.execute('directorySync', {
      taskQueue: world.config.TEMPORAL_TASK_QUEUE, workflowId: `drift-${streamingId}`, args: [{ integrationId: streamingId }],
    });
    const row = await getIntegration(world.db, streamingId);
    expect(row.status).toBe('degraded');
    expect(row.statusDetail).toMatch(/AWS route of the log stream is broken: the rule .* has no target for the queue/);
    expect(row.pollCursor).not.toBeNull();
    expect(row.awsRoute?.problems).toEqual([`the rule ${spec.ruleName} has no target for the queue`]);
  });

  it('names the source it expected and the ones it sees when the org name differs, and keeps waiting', async () => {
    const { integrationId, handle } = await onboardingIntegration('contoso-old');
    await customerSavesLogStream(integrationId);
    const s = await signalAndWait(integrationId, (st) => st.status === 'log_stream_misconfigured');
    expect(s.detail).toContain(`Okta has not created the partner event source ${sourceOf(integrationId, 'contoso-old')}`);
    expect(s.detail).toContain(sourceOf(integrationId));
    expect(s.aws).toMatchObject({ sourceState: 'absent', done: [] });
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await handle.terminate('test done');
  });

  it('reports a source already associated with a bus it did not create, and changes nothing of it', async () => {
    const { integrationId, handle } = await onboardingIntegration();
    await customerSavesLogStream(integrationId);
    await eb.send(new CreateEventBusCommand({ Name: sourceOf(integrationId), EventSourceName: sourceOf(integrationId), Tags: [{ Key: INTEGRATION_TAG, Value: 'someone-else' }] }));
    const s = await signalAndWait(integrationId, (st) => st.status === 'log_stream_misconfigured');
    expect(s.detail).toMatch(/already associated with an event bus that this integration did not create \(it belongs to someone-else\)/);
    const spec = routeSpecOf(await getIntegration(world.db, integrationId), world.config.SQS_QUEUE_PREFIX);
    await expect(eb.send(new DescribeRuleCommand({ Name: spec.ruleName, EventBusName: spec.sourceName }))).rejects.toThrow();
    await handle.terminate('test done');
  });

  it('ends in the same route after a crash between any two AWS steps', async () => {
    const steps = [
      async (spec: ReturnType<typeof routeSpecOf>) => void (await associateSource(eb, spec)),
      async (spec: ReturnType<typeof routeSpecOf>) => void (await putRoutingRule(eb, spec)),
      async (spec: ReturnType<typeof routeSpecOf>) => setQueuePolicies(world.sqs, spec, await putRoutingRule(eb, spec)),
      async (spec: ReturnType<typeof routeSpecOf>) => putQueueTarget(eb, world.sqs, spec),
    ];
    for (let crashedAfter = 1; crashedAfter <= steps.length; crashedAfter++) {
      const { integrationId, handle } = await onboardingIntegration();
      await customerSavesLogStream(integrationId);
      // What an attempt that died after `crashedAfter` steps had done, before it could record anything.
      const spec = routeSpecOf(await getIntegration(world.db, integrationId), world.config.SQS_QUEUE_PREFIX);
      for (const step of steps.slice(0, crashedAfter)) await step(spec);
      const s = await signalAndWait(integrationId, (st) => st.status === 'awaiting_first_event');
      expect(s.aws?.done, `crashed after ${crashedAfter} steps`).toEqual(['partnerEventBus', 'rule', 'queuePolicy', 'target']);
      expect(await routeShape(integrationId), `crashed after ${crashedAfter} steps`).toEqual({
        source: 'ACTIVE', bus: true,
        rule: { state: 'ENABLED', pattern: routingPattern(sourceOf(integrationId)) },
        targets: [{ id: QUEUE_TARGET_ID, isQueue: true, dlq: true, retries: 185 }],
        policyAllowsRule: true, problems: [],
      });
      await handle.terminate('test done');
    }
  });

  it('deletes a partly built route with the integration: the source is PENDING again, nothing of it is left', async () => {
    const { integrationId, handle } = await onboardingIntegration();
    await customerSavesLogStream(integrationId);
    const row = await getIntegration(world.db, integrationId);
    const spec = routeSpecOf(row, world.config.SQS_QUEUE_PREFIX);
    await associateSource(eb, spec);
    await putRoutingRule(eb, spec);
    await handle.terminate('operator deletes it');

    const report = await deleteIntegrationWithData(world.client, world.db, { sqs: world.sqs, eventBridge: eb, queuePrefix: world.config.SQS_QUEUE_PREFIX }, integrationId);
    expect(report.eventBridge).toEqual([`partner event bus ${spec.sourceName}`, `rule ${spec.ruleName}`]);
    expect(await partnerSourceState(eb, spec.sourceName)).toBe('PENDING');
    await expect(eb.send(new DescribeEventBusCommand({ Name: spec.sourceName }))).rejects.toThrow();
    await expect(eb.send(new DescribeRuleCommand({ Name: spec.ruleName, EventBusName: spec.sourceName }))).rejects.toThrow();
    await expect(world.sqs.send(new GetQueueAttributesCommand({ QueueUrl: row.queueUrl!, AttributeNames: ['QueueArn'] }))).rejects.toThrow();
    expect(await storedEventCount(world, integrationId)).toBe(0);
  });
});

// The EventBridge emulator of the test stack, through the real @aws-sdk/client-eventbridge and
// @aws-sdk/client-sqs, as Okta (PutPartnerEvents) and the platform (sources, buses, rules, targets,
// queue policies) use it: events of a PENDING source are accepted and dropped; creating the partner
// event bus associates the source; a rule with an SQS target and the queue policy delivers the
// EventBridge envelopes the product reads; without the policy delivery fails into the target's DLQ;
// deletions follow AWS's rules. The emulator is shared by the whole run, so every name here is unique.
import { randomBytes } from 'node:crypto';
import {
  CreateEventBusCommand, DeleteEventBusCommand, DeletePartnerEventSourceCommand, DeleteRuleCommand, DescribeEventBusCommand,
  DescribeEventSourceCommand, DescribeRuleCommand, EventBridgeClient, InvalidEventPatternException, ListEventBusesCommand,
  ListEventSourcesCommand, ListRulesCommand, ListTagsForResourceCommand, ListTargetsByRuleCommand, PutPartnerEventsCommand, PutRuleCommand,
  PutTargetsCommand, RemoveTargetsCommand, ResourceAlreadyExistsException, ResourceNotFoundException, TagResourceCommand,
  TestEventPatternCommand, UntagResourceCommand, type Target,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SetQueueAttributesCommand, SQSClient, type Message,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { EmulatorStats, SourceCounters } from '../../emulators/eventbridge/index.js';
import { OORT_AWS_ACCOUNTS } from '../../lib/config.js';
import { parseEnvelope } from '../../okta/envelope.js';
import { generateOrg, type EventBridgeDestination, type OktaLogEvent } from '../../simulator/index.js';
import { createPartnerEventBridgeClient, createPartnerEventSource, publishPartnerEvents } from '../../simulator/partner-events.js';
import { isoSeconds } from '../../simulator/time.js';
import { recentTraffic } from '../support/traffic.js';

const stack = inject('stack');
const REGION = 'us-east-2';
// The platform's account in the test environment: the stack's emulator is that account.
const ACCOUNT = OORT_AWS_ACCOUNTS.test;
const run = randomBytes(3).toString('hex');
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

let events: EventBridgeClient;
let okta: EventBridgeClient;
let sqs: SQSClient;
let activity: OktaLogEvent[];

beforeAll(() => {
  events = new EventBridgeClient({ endpoint: stack.eventBridgeEndpoint, region: REGION, credentials });
  okta = createPartnerEventBridgeClient({ endpoint: stack.eventBridgeEndpoint, region: REGION });
  sqs = new SQSClient({ endpoint: stack.sqsEndpoint, region: REGION, credentials });
  const now = Date.now();
  const org = generateOrg({ seed: 'eventbridge-emulator', users: 20, orgName: 'acme', logStream: false, asOf: new Date(now) });
  // Re-timed into the last two days: the generator's own last two days hold as few as 24 events on a Monday morning.
  activity = recentTraffic(org, 'eventbridge-emulator', 60, 2 * 24 * 60, 10);
});

afterAll(() => {
  events?.destroy();
  okta?.destroy();
  sqs?.destroy();
});

/** One integration's names, as onboarding would make them. */
function integration(label: string) {
  const id = `int-${label}-${run}`;
  const destination: EventBridgeDestination = { oktaOrg: 'acme', eventSourceName: id, account: ACCOUNT, region: REGION };
  const source = `aws.partner/okta.com/acme/${id}`;
  const rule = `oort-okta-${id}`;
  return { id, destination, source, rule, ruleArn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/${source}/${rule}` };
}

async function createQueue(name: string): Promise<{ url: string; arn: string }> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  return { url, arn };
}

/** The policy of deploy/aws/queue-policy.json: exactly this rule may send. */
async function allowRule(queue: { url: string; arn: string }, ruleArn: string): Promise<void> {
  const Policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: queue.arn,
      Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
    }],
  });
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queue.url, Attributes: { Policy } }));
}

/** Receives until `count` messages have arrived (or a second passes with none more once `count` is 0). */
async function receive(queueUrl: string, count: number): Promise<Message[]> {
  const messages: Message[] = [];
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const res = await sqs.send(new ReceiveMessageCommand({
      QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'], VisibilityTimeout: 300,
    }));
    messages.push(...(res.Messages ?? []));
    if (count === 0 || messages.length >= count) break;
  }
  return messages;
}

async function stats(source: string): Promise<SourceCounters> {
  const res = await fetch(`${stack.eventBridgeEndpoint}/_emulator/stats?settle=1`);
  const body = (await res.json()) as EmulatorStats;
  return body.sources[source] ?? { accepted: 0, rejected: 0, droppedUnassociated: 0, matched: 0, delivered: 0, failedDelivery: 0, deadLettered: 0 };
}

async function sourceState(source: string): Promise<string | undefined> {
  return (await events.send(new DescribeEventSourceCommand({ Name: source }))).State;
}

const pattern = (source: string) => JSON.stringify({ source: [source], 'detail-type': ['SystemLog'] });

describe('EventBridge emulator: Okta → partner source → bus → rule → SQS', () => {
  const a = integration('a');
  let queue: { url: string; arn: string };
  let dlq: { url: string; arn: string };
  let target: Target;

  beforeAll(async () => {
    queue = await createQueue(`oort-okta-${a.id}`);
    dlq = await createQueue(`oort-okta-${a.id}-dlq`);
    target = {
      Id: 'oort-okta-integration-queue', Arn: queue.arn, DeadLetterConfig: { Arn: dlq.arn },
      RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
    };
  });

  it('a PENDING source accepts PutPartnerEvents and drops them, counted, nothing in SQS', async () => {
    expect(await createPartnerEventSource(okta, a.destination)).toEqual({ name: a.source, created: true });
    // Okta saving the stream again finds the source there.
    expect(await createPartnerEventSource(okta, a.destination)).toEqual({ name: a.source, created: false });
    const described = await events.send(new DescribeEventSourceCommand({ Name: a.source }));
    expect(described).toMatchObject({
      Name: a.source, State: 'PENDING', CreatedBy: 'okta.com', Arn: `arn:aws:events:${REGION}::event-source/${a.source}`,
    });
    expect(described.CreationTime).toBeInstanceOf(Date);
    // No bus yet: nothing to put a rule on.
    await expect(events.send(new PutRuleCommand({ Name: a.rule, EventBusName: a.source, EventPattern: pattern(a.source) })))
      .rejects.toBeInstanceOf(ResourceNotFoundException);

    const published = await publishPartnerEvents(okta, a.source, activity.slice(0, 3));
    expect(published).toEqual({ accepted: 3, failed: 0, failures: [], requests: 1 });
    expect(await stats(a.source)).toMatchObject({ accepted: 3, droppedUnassociated: 3, matched: 0, delivered: 0 });
    expect(await receive(queue.url, 0)).toEqual([]);
  });

  it('CreateEventBus with the source associates it (ACTIVE); a second time is ResourceAlreadyExists', async () => {
    const bus = await events.send(new CreateEventBusCommand({ Name: a.source, EventSourceName: a.source, Tags: [{ Key: 'integration', Value: a.id }] }));
    expect(bus.EventBusArn).toBe(`arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${a.source}`);
    expect(await sourceState(a.source)).toBe('ACTIVE');
    await expect(events.send(new CreateEventBusCommand({ Name: a.source, EventSourceName: a.source }))).rejects.toBeInstanceOf(ResourceAlreadyExistsException);

    const listed = await events.send(new ListEventSourcesCommand({ NamePrefix: a.source }));
    expect(listed.EventSources?.map((s) => [s.Name, s.State])).toEqual([[a.source, 'ACTIVE']]);
    expect((await events.send(new DescribeEventBusCommand({ Name: a.source }))).Arn).toBe(bus.EventBusArn);
    expect((await events.send(new ListEventBusesCommand({ NamePrefix: a.source }))).EventBuses?.map((b) => b.Name)).toEqual([a.source]);

    expect((await events.send(new ListTagsForResourceCommand({ ResourceARN: bus.EventBusArn }))).Tags).toEqual([{ Key: 'integration', Value: a.id }]);
    await events.send(new TagResourceCommand({ ResourceARN: bus.EventBusArn, Tags: [{ Key: 'tenant', Value: 'acme' }] }));
    await events.send(new UntagResourceCommand({ ResourceARN: bus.EventBusArn, TagKeys: ['integration'] }));
    expect((await events.send(new ListTagsForResourceCommand({ ResourceARN: bus.EventBusArn }))).Tags).toEqual([{ Key: 'tenant', Value: 'acme' }]);
  });

  it('PutRule, PutTargets and the queue policy: events arrive in the queue as the envelopes the product reads', async () => {
    const put = () => events.send(new PutRuleCommand({ Name: a.rule, EventBusName: a.source, EventPattern: pattern(a.source), State: 'ENABLED', Description: 'to SQS' }));
    expect((await put()).RuleArn).toBe(a.ruleArn);
    expect((await put()).RuleArn).toBe(a.ruleArn);
    expect(await events.send(new DescribeRuleCommand({ Name: a.rule, EventBusName: a.source }))).toMatchObject({
      Name: a.rule, Arn: a.ruleArn, EventPattern: pattern(a.source), State: 'ENABLED', EventBusName: a.source, Description: 'to SQS',
    });
    expect((await events.send(new ListRulesCommand({ EventBusName: a.source }))).Rules?.map((r) => r.Name)).toEqual([a.rule]);

    await allowRule(queue, a.ruleArn);
    await allowRule(dlq, a.ruleArn);
    for (let i = 0; i < 2; i++) {
      expect(await events.send(new PutTargetsCommand({ Rule: a.rule, EventBusName: a.source, Targets: [target] }))).toMatchObject({ FailedEntryCount: 0 });
    }
    expect((await events.send(new ListTargetsByRuleCommand({ Rule: a.rule, EventBusName: a.source }))).Targets).toEqual([target]);

    const batch = activity.slice(3, 15);
    const published = await publishPartnerEvents(okta, a.source, batch);
    expect(published).toMatchObject({ accepted: 12, failed: 0, requests: 2 });
    const messages = await receive(queue.url, 12);
    expect(messages).toHaveLength(12);
    const bodies = messages.map((m) => JSON.parse(m.Body!));
    for (const body of bodies) {
      expect(Object.keys(body)).toEqual(['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail']);
      expect(body).toMatchObject({ version: '0', 'detail-type': 'SystemLog', source: a.source, account: ACCOUNT, region: REGION, resources: [] });
      const event = batch.find((e) => e.uuid === body.detail.uuid)!;
      expect(body.detail).toEqual(event);
      expect(body.time).toBe(isoSeconds(new Date(event.published)));
      const parsed = parseEnvelope(messages[bodies.indexOf(body)].Body!, { oktaOrg: 'acme', eventSourceName: a.id, awsAccountId: ACCOUNT, awsRegion: REGION });
      expect(parsed).toMatchObject({ ok: true });
    }
    expect(new Set(bodies.map((b) => b.id)).size).toBe(12);
    expect(new Set(bodies.map((b) => b.detail.uuid))).toEqual(new Set(batch.map((e) => e.uuid)));
    expect(await stats(a.source)).toMatchObject({ accepted: 15, droppedUnassociated: 3, matched: 12, delivered: 12, failedDelivery: 0 });
    expect(await receive(dlq.url, 0)).toEqual([]);
  });

  it('DeleteRule is refused while the rule has targets; RemoveTargets, then it goes, and again is no error', async () => {
    await expect(events.send(new DeleteRuleCommand({ Name: a.rule, EventBusName: a.source }))).rejects.toMatchObject({
      name: 'ValidationException', message: expect.stringMatching(/has targets/),
    });
    for (let i = 0; i < 2; i++) {
      expect(await events.send(new RemoveTargetsCommand({ Rule: a.rule, EventBusName: a.source, Ids: [target.Id!] }))).toMatchObject({ FailedEntryCount: 0 });
    }
    await events.send(new DeleteRuleCommand({ Name: a.rule, EventBusName: a.source }));
    await events.send(new DeleteRuleCommand({ Name: a.rule, EventBusName: a.source }));
    await expect(events.send(new DescribeRuleCommand({ Name: a.rule, EventBusName: a.source }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('DeleteEventBus returns the source to PENDING (events dropped again), deletes its rules, and again is no error', async () => {
    await events.send(new PutRuleCommand({ Name: a.rule, EventBusName: a.source, EventPattern: pattern(a.source) }));
    await events.send(new DeleteEventBusCommand({ Name: a.source }));
    await events.send(new DeleteEventBusCommand({ Name: a.source }));
    expect(await sourceState(a.source)).toBe('PENDING');
    await expect(events.send(new DescribeEventBusCommand({ Name: a.source }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(events.send(new ListRulesCommand({ EventBusName: a.source }))).rejects.toBeInstanceOf(ResourceNotFoundException);

    expect(await publishPartnerEvents(okta, a.source, activity.slice(15, 17))).toMatchObject({ accepted: 2, failed: 0 });
    expect(await stats(a.source)).toMatchObject({ accepted: 17, droppedUnassociated: 5, delivered: 12 });
    // The same source can be associated again, with a new bus and no rules.
    await events.send(new CreateEventBusCommand({ Name: a.source, EventSourceName: a.source }));
    expect(await sourceState(a.source)).toBe('ACTIVE');
    expect((await events.send(new ListRulesCommand({ EventBusName: a.source }))).Rules).toEqual([]);
  });

  it('the partner deleting an associated source leaves the bus and shows DELETED; its events then fail', async () => {
    await okta.send(new DeletePartnerEventSourceCommand({ Name: a.source, Account: ACCOUNT }));
    expect(await sourceState(a.source)).toBe('DELETED');
    const published = await publishPartnerEvents(okta, a.source, activity.slice(17, 18));
    expect(published).toMatchObject({ accepted: 0, failed: 1, failures: [{ code: 'NotAuthorizedForSourceException' }] });
    await events.send(new DeleteEventBusCommand({ Name: a.source }));
    await expect(sourceState(a.source)).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('EventBridge emulator: delivery without the queue policy', () => {
  it('fails (NO_PERMISSIONS) and lands in the target DLQ with the error attributes; without a DLQ policy it is dropped', async () => {
    const b = integration('b');
    const queue = await createQueue(`oort-okta-${b.id}`);
    const dlq = await createQueue(`oort-okta-${b.id}-dlq`);
    await createPartnerEventSource(okta, b.destination);
    await events.send(new CreateEventBusCommand({ Name: b.source, EventSourceName: b.source }));
    await events.send(new PutRuleCommand({ Name: b.rule, EventBusName: b.source, EventPattern: pattern(b.source) }));
    await events.send(new PutTargetsCommand({
      Rule: b.rule, EventBusName: b.source, Targets: [{ Id: 'queue', Arn: queue.arn, DeadLetterConfig: { Arn: dlq.arn }, RetryPolicy: { MaximumRetryAttempts: 2 } }],
    }));
    // The queue allows another rule only; the DLQ allows this one.
    await allowRule(queue, `${b.ruleArn}-other`);
    await allowRule(dlq, b.ruleArn);

    expect(await publishPartnerEvents(okta, b.source, activity.slice(20, 22))).toMatchObject({ accepted: 2 });
    expect(await stats(b.source)).toMatchObject({ matched: 2, delivered: 0, failedDelivery: 2, deadLettered: 2 });
    expect(await receive(queue.url, 0)).toEqual([]);
    const dead = await receive(dlq.url, 2);
    expect(dead).toHaveLength(2);
    for (const m of dead) {
      expect(JSON.parse(m.Body!)).toMatchObject({ source: b.source, 'detail-type': 'SystemLog' });
      const attr = (name: string) => m.MessageAttributes?.[name]?.StringValue;
      expect(attr('ERROR_CODE')).toBe('NO_PERMISSIONS');
      expect(attr('RULE_ARN')).toBe(b.ruleArn);
      expect(attr('TARGET_ARN')).toBe(queue.arn);
      expect(attr('RETRY_ATTEMPTS')).toBe('0');
      expect(attr('ERROR_MESSAGE')).toMatch(/denied/);
    }

    // A DLQ that does not allow the rule either: the events are dropped, and counted as failed only.
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: dlq.url, Attributes: { Policy: '' } }));
    await publishPartnerEvents(okta, b.source, activity.slice(22, 23));
    expect(await stats(b.source)).toMatchObject({ failedDelivery: 3, deadLettered: 2 });
    expect(await receive(dlq.url, 0)).toEqual([]);

    // With the policy in place, the next event is delivered.
    await allowRule(queue, b.ruleArn);
    await publishPartnerEvents(okta, b.source, activity.slice(23, 24));
    expect(await receive(queue.url, 1)).toHaveLength(1);
    expect(await stats(b.source)).toMatchObject({ delivered: 1, failedDelivery: 3 });
  });
});

describe('EventBridge emulator: wrong names, refusals, idempotency', () => {
  it('a wrong source name is ResourceNotFoundException for the customer and a failed entry for the partner', async () => {
    const wrong = `aws.partner/okta.com/acme/no-such-${run}`;
    await expect(events.send(new DescribeEventSourceCommand({ Name: wrong }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(events.send(new CreateEventBusCommand({ Name: wrong, EventSourceName: wrong }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    const res = await okta.send(new PutPartnerEventsCommand({
      Entries: [{ Source: wrong, DetailType: 'SystemLog', Detail: JSON.stringify(activity[0]), Time: new Date() }],
    }));
    expect(res).toMatchObject({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'NotAuthorizedForSourceException' }] });
    expect(await stats(wrong)).toMatchObject({ accepted: 0, rejected: 1 });
  });

  it("a source created in another account is not this account's", async () => {
    const c = integration('c');
    await createPartnerEventSource(okta, { ...c.destination, account: '111111111111' });
    await expect(sourceState(c.source)).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect((await events.send(new ListEventSourcesCommand({ NamePrefix: c.source }))).EventSources).toEqual([]);
    // Okta still accepts its events: they go nowhere, as they would in AWS.
    expect(await publishPartnerEvents(okta, c.source, activity.slice(0, 1))).toMatchObject({ accepted: 1 });
    expect(await stats(c.source)).toMatchObject({ droppedUnassociated: 1 });
  });

  it('refuses a bus named otherwise than its source, patterns it does not understand, and non-SQS targets', async () => {
    const d = integration('d');
    await createPartnerEventSource(okta, d.destination);
    await expect(events.send(new CreateEventBusCommand({ Name: `${d.source}-x`, EventSourceName: d.source }))).rejects.toMatchObject({ name: 'ValidationException' });
    await events.send(new CreateEventBusCommand({ Name: d.source, EventSourceName: d.source }));
    await expect(events.send(new PutRuleCommand({ Name: d.rule, EventBusName: d.source, EventPattern: '{"source":[{"suffix":"x"}]}' })))
      .rejects.toBeInstanceOf(InvalidEventPatternException);
    await events.send(new PutRuleCommand({ Name: d.rule, EventBusName: d.source, EventPattern: pattern(d.source) }));
    const res = await events.send(new PutTargetsCommand({
      Rule: d.rule, EventBusName: d.source, Targets: [{ Id: 'fn', Arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:f` }],
    }));
    expect(res).toMatchObject({ FailedEntryCount: 1, FailedEntries: [{ TargetId: 'fn', ErrorCode: 'ValidationException' }] });
    expect((await events.send(new ListTargetsByRuleCommand({ Rule: d.rule, EventBusName: d.source }))).Targets).toEqual([]);
  });

  it('TestEventPattern answers with the same matcher the rules use', async () => {
    const event = JSON.stringify({ id: '1', account: ACCOUNT, source: 'aws.partner/okta.com/acme/x', time: '2026-01-01T00:00:00Z', region: REGION, 'detail-type': 'SystemLog', resources: [], detail: {} });
    const test = (p: object) => events.send(new TestEventPatternCommand({ EventPattern: JSON.stringify(p), Event: event }));
    expect((await test({ source: [{ prefix: 'aws.partner/okta.com/' }] })).Result).toBe(true);
    expect((await test({ source: ['aws.partner/okta.com/acme/y'] })).Result).toBe(false);
  });

  it('speaks the JSON protocol: an unknown operation is a 400 with __type, the counters are JSON', async () => {
    const res = await fetch(stack.eventBridgeEndpoint, {
      method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' }, body: '{}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ __type: 'UnknownOperationException' });
    const body = (await (await fetch(`${stack.eventBridgeEndpoint}/_emulator/stats`)).json()) as EmulatorStats;
    expect(body.totals.accepted).toBeGreaterThan(0);
    expect(body.pendingDeliveries).toBeGreaterThanOrEqual(0);
  });
});

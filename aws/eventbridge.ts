// The AWS side of an integration, on the EventBridge and SQS APIs: find the partner event source Okta created,
// associate it (the partner event bus), route it to the integration's queue (rule, queue policies, target), check the
// route later, and take it down. Every step is safe to repeat: after a crash the next attempt finds what the last one
// made and goes on. Only resources tagged with the integration's id are ever changed or deleted.
import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeEventSourceCommand,
  DescribeRuleCommand,
  ListEventSourcesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TestEventPatternCommand,
  type EventBridgeClient,
} from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, SetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { queueArn } from './queues.js';
import { INTEGRATION_TAG, OKTA_PARTNER_PREFIX, QUEUE_TARGET_ID, TARGET_RETRY_POLICY, isQueuePolicyFor, queuePolicy, routingPattern } from './routing.js';

export interface RouteSpec {
  integrationId: string;
  oktaOrg: string;
  eventSourceName: string;
  /** `aws.partner/okta.com/<org>/<eventSourceName>`: the source's and its partner bus's name. */
  sourceName: string;
  ruleName: string;
  queueUrl: string;
  deadLetterQueueUrl: string;
}

/** What names the route's EventBridge resources (all a teardown needs). */
export type RouteNames = Pick<RouteSpec, 'integrationId' | 'sourceName' | 'ruleName'>;

/** The route's EventBridge resources that exist and are this integration's (what a teardown would remove). */
export async function ownRouteResources(eb: EventBridgeClient, spec: RouteNames): Promise<string[]> {
  if (!(await findOwnBus(eb, spec)).ok) return [];
  const found = [`partner event bus ${spec.sourceName}`];
  try {
    await eb.send(new DescribeRuleCommand({ Name: spec.ruleName, EventBusName: spec.sourceName }));
    found.push(`rule ${spec.ruleName}`);
    const { Targets } = await eb.send(new ListTargetsByRuleCommand({ Rule: spec.ruleName, EventBusName: spec.sourceName }));
    if (Targets?.some((t) => t.Id === QUEUE_TARGET_ID)) found.push(`target ${QUEUE_TARGET_ID}`);
  } catch (err) {
    if (!notFound(err)) throw err;
  }
  return found;
}

export type SourceState = 'absent' | 'PENDING' | 'ACTIVE' | 'DELETED';

const notFound = (err: unknown) => (err as { name?: string } | null)?.name === 'ResourceNotFoundException';
const alreadyExists = (err: unknown) => (err as { name?: string } | null)?.name === 'ResourceAlreadyExistsException';

export async function partnerSourceState(eb: EventBridgeClient, sourceName: string): Promise<SourceState> {
  try {
    const source = await eb.send(new DescribeEventSourceCommand({ Name: sourceName }));
    return (source.State as SourceState | undefined) ?? 'PENDING';
  } catch (err) {
    if (notFound(err)) return 'absent';
    throw err;
  }
}

/** Okta partner sources in the account that look like this integration's (same org, or same event source name). */
export async function similarSources(eb: EventBridgeClient, spec: Pick<RouteSpec, 'oktaOrg' | 'eventSourceName'>): Promise<string[]> {
  const found: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await eb.send(new ListEventSourcesCommand({ NamePrefix: OKTA_PARTNER_PREFIX, NextToken, Limit: 100 }));
    for (const s of page.EventSources ?? []) {
      const [org, name] = (s.Name ?? '').slice(OKTA_PARTNER_PREFIX.length).split('/');
      if (org === spec.oktaOrg || name === spec.eventSourceName) found.push(s.Name!);
    }
    NextToken = page.NextToken;
  } while (NextToken && found.length < 20);
  return found;
}

/** The integration a bus (or rule) was created for, from its tag; null when it carries none. */
async function ownerOf(eb: EventBridgeClient, arn: string): Promise<string | null> {
  const { Tags } = await eb.send(new ListTagsForResourceCommand({ ResourceARN: arn }));
  return Tags?.find((t) => t.Key === INTEGRATION_TAG)?.Value ?? null;
}

export type Association = { ok: true; created: boolean } | { ok: false; busOwner: string | null };

/** Associates a PENDING source by creating its partner event bus; a bus this integration made earlier is kept. */
export async function associateSource(eb: EventBridgeClient, spec: RouteSpec): Promise<Association> {
  try {
    await eb.send(new CreateEventBusCommand({
      Name: spec.sourceName,
      EventSourceName: spec.sourceName,
      Tags: [{ Key: INTEGRATION_TAG, Value: spec.integrationId }],
    }));
    return { ok: true, created: true };
  } catch (err) {
    if (!alreadyExists(err)) throw err;
  }
  return findOwnBus(eb, spec);
}

/** Whether the source's partner bus exists and is this integration's. */
export async function findOwnBus(eb: EventBridgeClient, spec: RouteNames): Promise<Association> {
  let arn: string | undefined;
  try {
    arn = (await eb.send(new DescribeEventBusCommand({ Name: spec.sourceName }))).Arn;
  } catch (err) {
    if (notFound(err)) return { ok: false, busOwner: null };
    throw err;
  }
  const owner = arn ? await ownerOf(eb, arn) : null;
  return owner === spec.integrationId ? { ok: true, created: false } : { ok: false, busOwner: owner };
}

async function anyBus(eb: EventBridgeClient, spec: RouteNames): Promise<Association> {
  try {
    await eb.send(new DescribeEventBusCommand({ Name: spec.sourceName }));
    return { ok: true, created: false };
  } catch (err) {
    if (notFound(err)) return { ok: false, busOwner: null };
    throw err;
  }
}

/** The rule on the partner bus that matches the integration's source and Okta's detail type. Returns its ARN. */
export async function putRoutingRule(eb: EventBridgeClient, spec: RouteSpec): Promise<string> {
  const { RuleArn } = await eb.send(new PutRuleCommand({
    Name: spec.ruleName,
    EventBusName: spec.sourceName,
    EventPattern: JSON.stringify(routingPattern(spec.sourceName)),
    State: 'ENABLED',
    Description: `Okta System Log of integration ${spec.integrationId} to its SQS queue (oort-okta)`,
    Tags: [{ Key: INTEGRATION_TAG, Value: spec.integrationId }],
  }));
  if (!RuleArn) throw new Error(`PutRule answered without the rule's ARN for ${spec.ruleName}`);
  return RuleArn;
}

/** Lets exactly this rule send to the queue and, for events it gives up on, to the dead-letter queue. */
export async function setQueuePolicies(sqs: SQSClient, spec: RouteSpec, ruleArn: string): Promise<void> {
  for (const url of [spec.queueUrl, spec.deadLetterQueueUrl]) {
    const arn = await queueArn(sqs, url);
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: queuePolicy(arn, ruleArn) } }));
  }
}

/** The queue as the rule's target, with the dead-letter queue for events EventBridge could not deliver in a day. */
export async function putQueueTarget(eb: EventBridgeClient, sqs: SQSClient, spec: RouteSpec): Promise<void> {
  const [queue, dlq] = await Promise.all([queueArn(sqs, spec.queueUrl), queueArn(sqs, spec.deadLetterQueueUrl)]);
  const result = await eb.send(new PutTargetsCommand({
    Rule: spec.ruleName,
    EventBusName: spec.sourceName,
    Targets: [{ Id: QUEUE_TARGET_ID, Arn: queue, DeadLetterConfig: { Arn: dlq }, RetryPolicy: TARGET_RETRY_POLICY }],
  }));
  if (result.FailedEntryCount) {
    const entry = result.FailedEntries?.[0];
    throw new Error(`PutTargets refused the queue target: ${entry?.ErrorCode ?? ''} ${entry?.ErrorMessage ?? ''}`.trim());
  }
}

/** An event as Okta's source puts it on the bus, to ask EventBridge whether a rule's pattern lets it through. */
function sampleEvent(spec: RouteSpec, account: string): string {
  return JSON.stringify({
    version: '0', id: '00000000-0000-4000-8000-000000000000', 'detail-type': 'SystemLog', source: spec.sourceName,
    account, time: '2026-01-01T00:00:00Z', region: 'us-east-2', resources: [], detail: {},
  });
}

/**
 * What is wrong with the route today; empty when the source is ACTIVE and every part still leads to the queue.
 * `ownBusOnly`: the bus must carry this integration's tag (the workflow built it); an operator's stack need not.
 */
export async function inspectRoute(eb: EventBridgeClient, sqs: SQSClient, spec: RouteSpec, { ownBusOnly = true } = {}): Promise<string[]> {
  const problems: string[] = [];
  const state = await partnerSourceState(eb, spec.sourceName);
  if (state !== 'ACTIVE') {
    problems.push(state === 'absent'
      ? `the partner event source ${spec.sourceName} no longer exists (the Okta log stream was deleted?)`
      : `the partner event source ${spec.sourceName} is ${state}, not ACTIVE`);
  }
  const bus = ownBusOnly ? await findOwnBus(eb, spec) : await anyBus(eb, spec);
  if (!bus.ok) {
    problems.push(bus.busOwner === null ? `the partner event bus ${spec.sourceName} is missing${ownBusOnly ? ' or not this integration\'s' : ''}` : `the partner event bus ${spec.sourceName} belongs to ${bus.busOwner}`);
    return problems;
  }
  let ruleArn: string | undefined;
  try {
    const rule = await eb.send(new DescribeRuleCommand({ Name: spec.ruleName, EventBusName: spec.sourceName }));
    ruleArn = rule.Arn;
    if (rule.State !== 'ENABLED') problems.push(`the rule ${spec.ruleName} is ${rule.State ?? 'not enabled'}`);
    const account = rule.Arn?.split(':')[4] ?? '';
    const { Result } = await eb.send(new TestEventPatternCommand({ EventPattern: rule.EventPattern ?? '{}', Event: sampleEvent(spec, account) }));
    if (!Result) problems.push(`the rule ${spec.ruleName} no longer matches the integration's events (its pattern was changed)`);
  } catch (err) {
    if (!notFound(err)) throw err;
    problems.push(`the rule ${spec.ruleName} is missing`);
    return problems;
  }
  const [queue, dlq] = await Promise.all([queueArn(sqs, spec.queueUrl), queueArn(sqs, spec.deadLetterQueueUrl)]);
  const { Targets } = await eb.send(new ListTargetsByRuleCommand({ Rule: spec.ruleName, EventBusName: spec.sourceName }));
  const target = Targets?.find((t) => t.Id === QUEUE_TARGET_ID);
  if (!target) problems.push(`the rule ${spec.ruleName} has no target for the queue`);
  else {
    if (target.Arn !== queue) problems.push(`the rule's target points at ${target.Arn}, not at the queue ${queue}`);
    if (target.DeadLetterConfig?.Arn !== dlq) problems.push('the rule\'s target has lost its dead-letter queue');
  }
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: spec.queueUrl, AttributeNames: ['Policy'] }));
  if (ruleArn && !isQueuePolicyFor(Attributes?.Policy, queue, ruleArn)) problems.push('the queue policy no longer lets the rule send to the queue');
  return problems;
}

/** Removes the target, the rule and the partner bus (which puts the source back to PENDING), if they are ours. */
export async function removeRoute(eb: EventBridgeClient, spec: RouteNames): Promise<string[]> {
  const removed: string[] = [];
  const bus = await findOwnBus(eb, spec);
  if (!bus.ok) return removed; // not associated by us: nothing of ours is on it
  try {
    await eb.send(new RemoveTargetsCommand({ Rule: spec.ruleName, EventBusName: spec.sourceName, Ids: [QUEUE_TARGET_ID] }));
    removed.push(`target ${QUEUE_TARGET_ID}`);
  } catch (err) {
    if (!notFound(err)) throw err;
  }
  try {
    await eb.send(new DeleteRuleCommand({ Name: spec.ruleName, EventBusName: spec.sourceName }));
    removed.push(`rule ${spec.ruleName}`);
  } catch (err) {
    if (!notFound(err)) throw err;
  }
  try {
    await eb.send(new DeleteEventBusCommand({ Name: spec.sourceName }));
    removed.push(`partner event bus ${spec.sourceName}`);
  } catch (err) {
    if (!notFound(err)) throw err;
  }
  return removed;
}

// Rules, targets, tags and TestEventPattern, with AWS's rules: PutRule creates or replaces (tags only
// at creation), DeleteRule refuses while targets remain, PutTargets replaces targets by Id (at most 5
// per rule), deleting what is not there succeeds. Targets are SQS queues only: any other target
// type, or a target option the emulator would ignore (Input, InputTransformer, …), is refused as a
// failed entry rather than accepted and never honoured.
import { parseSqsArn, ruleArn } from './arns.js';
import { ApiError, invalid, notFound } from './errors.js';
import {
  isObject, optionalNumber, optionalString, paginate, requiredList, requiredString, tagList, tagsOf, type Input,
} from './input.js';
import { busOf, ruleOf, type EventBus, type Rule, type State, type Target } from './model.js';
import { InvalidEventPattern, matchesPattern, parseEventPattern, type EventPattern } from './pattern.js';

const RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
const TARGET_ID = /^[.\-_A-Za-z0-9]{1,64}$/;
const MAX_TARGETS = 5;
const TARGET_MEMBERS = new Set(['Id', 'Arn', 'DeadLetterConfig', 'RetryPolicy']);

export function compilePattern(text: string): EventPattern {
  try {
    return parseEventPattern(text);
  } catch (err) {
    if (err instanceof InvalidEventPattern) throw new ApiError('InvalidEventPatternException', err.message);
    throw err;
  }
}

export function putRule(state: State, input: Input) {
  const name = requiredString(input, 'Name');
  if (!RULE_NAME.test(name)) throw invalid(`Rule name ${name} is not valid: [.-_A-Za-z0-9], at most 64 characters.`);
  if (input.ScheduleExpression !== undefined) throw invalid('ScheduleExpression is not supported by the EventBridge emulator.');
  const eventPattern = optionalString(input, 'EventPattern');
  if (eventPattern === undefined) throw invalid('Parameter(s) EventPattern or ScheduleExpression must be specified.');
  const ruleState = optionalString(input, 'State') ?? 'ENABLED';
  if (ruleState !== 'ENABLED' && ruleState !== 'DISABLED') throw invalid(`State ${ruleState} is not supported by the EventBridge emulator.`);
  const pattern = compilePattern(eventPattern);
  const bus = busOf(state, optionalString(input, 'EventBusName'));
  const description = optionalString(input, 'Description');
  const existing = bus.rules.get(name);
  if (existing) {
    // PutRule replaces the definition; the tags of an existing rule are left as they are.
    Object.assign(existing, { eventPattern, pattern, state: ruleState, description });
    return { RuleArn: existing.arn };
  }
  const rule: Rule = {
    name, arn: ruleArn(state, bus.name, name), busName: bus.name, eventPattern, pattern, state: ruleState, description,
    tags: tagsOf(input), targets: new Map(),
  };
  bus.rules.set(name, rule);
  return { RuleArn: rule.arn };
}

function describeRule(state: State, rule: Rule) {
  return {
    Name: rule.name,
    Arn: rule.arn,
    EventPattern: rule.eventPattern,
    State: rule.state,
    ...(rule.description !== undefined ? { Description: rule.description } : {}),
    EventBusName: rule.busName,
    CreatedBy: state.account,
  };
}

export function describeRuleOperation(state: State, input: Input) {
  return describeRule(state, ruleOf(state, requiredString(input, 'Name'), optionalString(input, 'EventBusName')));
}

export function deleteRule(state: State, input: Input) {
  const name = requiredString(input, 'Name');
  const bus = busOf(state, optionalString(input, 'EventBusName'));
  const rule = bus.rules.get(name);
  if (!rule) return {};
  if (rule.targets.size > 0) throw invalid("Rule can't be deleted since it has targets.");
  bus.rules.delete(name);
  return {};
}

export function listRules(state: State, input: Input) {
  const bus = busOf(state, optionalString(input, 'EventBusName'));
  const prefix = optionalString(input, 'NamePrefix') ?? '';
  const rules = [...bus.rules.values()].filter((r) => r.name.startsWith(prefix)).sort((a, b) => a.name.localeCompare(b.name));
  const { page, NextToken } = paginate(rules, input);
  const Rules = page.map((r) => {
    const { CreatedBy: _createdBy, ...rest } = describeRule(state, r);
    return rest;
  });
  return { Rules, ...(NextToken ? { NextToken } : {}) };
}

/** One target's problem, or undefined when the emulator can deliver to it as AWS would. */
function targetProblem(raw: Record<string, unknown>): string | undefined {
  const extra = Object.keys(raw).filter((k) => !TARGET_MEMBERS.has(k));
  if (extra.length) return `${extra.join(', ')} ${extra.length === 1 ? 'is' : 'are'} not supported by the EventBridge emulator.`;
  if (typeof raw.Arn !== 'string' || !parseSqsArn(raw.Arn)) return 'The EventBridge emulator delivers only to SQS queues (arn:aws:sqs:<region>:<account>:<queue>).';
  if (raw.Arn.endsWith('.fifo')) return 'FIFO queue targets (they need SqsParameters.MessageGroupId) are not supported by the EventBridge emulator.';
  if (raw.DeadLetterConfig !== undefined) {
    const dlq = isObject(raw.DeadLetterConfig) ? raw.DeadLetterConfig.Arn : undefined;
    if (typeof dlq !== 'string' || !parseSqsArn(dlq) || dlq.endsWith('.fifo')) return 'DeadLetterConfig.Arn must be the ARN of a standard SQS queue.';
  }
  return undefined;
}

export function putTargets(state: State, input: Input) {
  const rule = ruleOf(state, requiredString(input, 'Rule'), optionalString(input, 'EventBusName'));
  const list = requiredList(input, 'Targets');
  if (list.length < 1 || list.length > 10) throw invalid('Targets must hold 1 to 10 targets.');
  const failed: { TargetId: string; ErrorCode: string; ErrorMessage: string }[] = [];
  const accepted: Target[] = [];
  for (const raw of list) {
    if (!isObject(raw) || typeof raw.Id !== 'string' || !TARGET_ID.test(raw.Id)) throw invalid('Each target needs an Id of [.-_A-Za-z0-9], at most 64 characters.');
    const problem = targetProblem(raw);
    if (problem) {
      failed.push({ TargetId: raw.Id, ErrorCode: 'ValidationException', ErrorMessage: problem });
      continue;
    }
    const target: Target = { Id: raw.Id, Arn: raw.Arn as string };
    if (isObject(raw.DeadLetterConfig)) target.DeadLetterConfig = { Arn: raw.DeadLetterConfig.Arn as string };
    if (raw.RetryPolicy !== undefined) {
      const retry = isObject(raw.RetryPolicy) ? raw.RetryPolicy : {};
      const MaximumRetryAttempts = optionalNumber(retry, 'MaximumRetryAttempts', 0, 185);
      const MaximumEventAgeInSeconds = optionalNumber(retry, 'MaximumEventAgeInSeconds', 60, 86_400);
      target.RetryPolicy = {
        ...(MaximumRetryAttempts !== undefined ? { MaximumRetryAttempts } : {}),
        ...(MaximumEventAgeInSeconds !== undefined ? { MaximumEventAgeInSeconds } : {}),
      };
    }
    accepted.push(target);
  }
  const ids = new Set([...rule.targets.keys(), ...accepted.map((t) => t.Id)]);
  if (ids.size > MAX_TARGETS) throw new ApiError('LimitExceededException', `The requested resource exceeds the maximum number allowed (${MAX_TARGETS} targets per rule).`);
  for (const target of accepted) rule.targets.set(target.Id, target);
  return { FailedEntryCount: failed.length, FailedEntries: failed };
}

export function removeTargets(state: State, input: Input) {
  const rule = ruleOf(state, requiredString(input, 'Rule'), optionalString(input, 'EventBusName'));
  for (const id of requiredList(input, 'Ids')) if (typeof id === 'string') rule.targets.delete(id);
  return { FailedEntryCount: 0, FailedEntries: [] };
}

export function listTargetsByRule(state: State, input: Input) {
  const rule = ruleOf(state, requiredString(input, 'Rule'), optionalString(input, 'EventBusName'));
  const { page, NextToken } = paginate([...rule.targets.values()], input);
  return { Targets: page.map((t) => structuredClone(t)), ...(NextToken ? { NextToken } : {}) };
}

/** Buses and rules carry tags; anything else named by ARN does not exist here. */
function taggable(state: State, arn: string): EventBus | Rule {
  for (const bus of state.buses.values()) {
    if (bus.arn === arn) return bus;
    for (const rule of bus.rules.values()) if (rule.arn === arn) return rule;
  }
  throw notFound(`Resource ${arn} does not exist.`);
}

export function tagResource(state: State, input: Input) {
  const resource = taggable(state, requiredString(input, 'ResourceARN'));
  for (const [key, value] of tagsOf(input)) resource.tags.set(key, value);
  return {};
}

export function untagResource(state: State, input: Input) {
  const resource = taggable(state, requiredString(input, 'ResourceARN'));
  for (const key of requiredList(input, 'TagKeys')) if (typeof key === 'string') resource.tags.delete(key);
  return {};
}

export function listTagsForResource(state: State, input: Input) {
  return { Tags: tagList(taggable(state, requiredString(input, 'ResourceARN')).tags) };
}

const EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'detail-type'];

export function testEventPattern(_state: State, input: Input) {
  const pattern = compilePattern(requiredString(input, 'EventPattern'));
  let event: unknown;
  try {
    event = JSON.parse(requiredString(input, 'Event'));
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw invalid('Parameter Event is not valid: it is not JSON.');
  }
  if (!isObject(event) || EVENT_FIELDS.some((f) => !(f in event))) {
    throw invalid(`Parameter Event is not valid: an event needs the fields ${EVENT_FIELDS.join(', ')}.`);
  }
  return { Result: matchesPattern(pattern, event) };
}

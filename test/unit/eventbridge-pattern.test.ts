// The EventBridge emulator's pure parts: event-pattern matching (the subset the product writes, and
// every other operator refused so that nothing matches silently) and the SQS queue-policy check that
// decides whether a rule may deliver to a queue.
import { describe, expect, it } from 'vitest';
import { InvalidEventPattern, matchesPattern, parseEventPattern } from '../../emulators/eventbridge/pattern.js';
import { eventBridgeMaySend, glob } from '../../emulators/eventbridge/queue-policy.js';

const SOURCE = 'aws.partner/okta.com/acme/int-1';
const event = {
  version: '0',
  id: 'e1',
  'detail-type': 'SystemLog',
  source: SOURCE,
  account: '000000000000',
  time: '2026-01-01T00:00:00Z',
  region: 'us-east-2',
  resources: [],
  detail: {
    eventType: 'user.session.start',
    severity: 'INFO',
    outcome: { result: 'SUCCESS', reason: null },
    target: [{ type: 'User', id: '00u1' }, { type: 'AppInstance', id: '0oa1' }],
    debugContext: { debugData: { risk: 7, tags: ['a', 'b'] } },
    legacyEventType: null,
  },
};

const matches = (pattern: unknown, e: unknown = event) => matchesPattern(parseEventPattern(JSON.stringify(pattern)), e);

describe('event patterns: matching', () => {
  it("matches the rule the product writes: the integration's source and detail-type", () => {
    expect(matches({ source: [SOURCE], 'detail-type': ['SystemLog'] })).toBe(true);
    expect(matches({ source: ['aws.partner/okta.com/acme/int-2'], 'detail-type': ['SystemLog'] })).toBe(false);
    expect(matches({ source: [SOURCE], 'detail-type': ['Other'] })).toBe(false);
  });

  it('matches any value of a list, and every field of the pattern must match', () => {
    expect(matches({ source: ['x', SOURCE] })).toBe(true);
    expect(matches({ source: [SOURCE], region: ['eu-west-1'] })).toBe(false);
  });

  it('matches nested fields', () => {
    expect(matches({ detail: { eventType: ['user.session.start'] } })).toBe(true);
    expect(matches({ detail: { outcome: { result: ['SUCCESS'] } } })).toBe(true);
    expect(matches({ detail: { outcome: { result: ['FAILURE'] } } })).toBe(false);
    expect(matches({ detail: { debugContext: { debugData: { risk: [7] } } } })).toBe(true);
  });

  it('compares numbers as numbers and never a string with a number', () => {
    expect(matches({ detail: { debugContext: { debugData: { risk: [7.0] } } } })).toBe(true);
    expect(matches({ detail: { debugContext: { debugData: { risk: ['7'] } } } })).toBe(false);
  });

  it('matches null only as null', () => {
    expect(matches({ detail: { legacyEventType: [null] } })).toBe(true);
    expect(matches({ detail: { legacyEventType: ['null'] } })).toBe(false);
    expect(matches({ detail: { severity: [null] } })).toBe(false);
  });

  it('matches an array in the event when any element matches', () => {
    expect(matches({ detail: { debugContext: { debugData: { tags: ['b'] } } } })).toBe(true);
    expect(matches({ detail: { debugContext: { debugData: { tags: ['c'] } } } })).toBe(false);
  });

  it('matches a nested pattern over an array of objects within one element', () => {
    expect(matches({ detail: { target: { type: ['AppInstance'] } } })).toBe(true);
    expect(matches({ detail: { target: { type: ['User'], id: ['00u1'] } } })).toBe(true);
    // type of the first element, id of the second: no single element has both.
    expect(matches({ detail: { target: { type: ['User'], id: ['0oa1'] } } })).toBe(false);
  });

  it('prefix', () => {
    expect(matches({ source: [{ prefix: 'aws.partner/okta.com' }] })).toBe(true);
    expect(matches({ source: [{ prefix: 'aws.partner/okta.com/other' }] })).toBe(false);
    // prefix applies to strings only.
    expect(matches({ detail: { debugContext: { debugData: { risk: [{ prefix: '7' }] } } } })).toBe(false);
  });

  it('exists', () => {
    expect(matches({ detail: { eventType: [{ exists: true }] } })).toBe(true);
    expect(matches({ detail: { missing: [{ exists: true }] } })).toBe(false);
    expect(matches({ detail: { missing: [{ exists: false }] } })).toBe(true);
    expect(matches({ detail: { eventType: [{ exists: false }] } })).toBe(false);
    // Only leaves exist: an object is not one.
    expect(matches({ detail: { outcome: [{ exists: true }] } })).toBe(false);
    // A nested pattern of exists:false matches when the parent is absent altogether.
    expect(matches({ nothing: { here: [{ exists: false }] } })).toBe(true);
    expect(matches({ nothing: { here: [{ exists: true }] } })).toBe(false);
  });

  it('anything-but, with one value or a list, and never on an absent field', () => {
    expect(matches({ detail: { severity: [{ 'anything-but': 'DEBUG' }] } })).toBe(true);
    expect(matches({ detail: { severity: [{ 'anything-but': ['DEBUG', 'INFO'] }] } })).toBe(false);
    expect(matches({ detail: { debugContext: { debugData: { risk: [{ 'anything-but': 7 }] } } } })).toBe(false);
    expect(matches({ detail: { missing: [{ 'anything-but': 'x' }] } })).toBe(false);
  });

  it('combines matchers of one field with OR', () => {
    expect(matches({ detail: { eventType: [{ prefix: 'policy.' }, 'user.session.start'] } })).toBe(true);
    expect(matches({ detail: { eventType: [{ prefix: 'policy.' }, { exists: false }] } })).toBe(false);
  });

  it('does not match what is not an object', () => {
    expect(matchesPattern(parseEventPattern('{"source":["x"]}'), null)).toBe(false);
    expect(matchesPattern(parseEventPattern('{"source":[{"exists":false}]}'), 'text')).toBe(true);
  });
});

describe('event patterns: refused', () => {
  const refused = (text: string) => expect(() => parseEventPattern(text), text).toThrow(InvalidEventPattern);

  it('refuses text that is not a non-empty JSON object', () => {
    for (const text of ['', 'not json', '[]', '"x"', 'null', '{}']) refused(text);
  });

  it('refuses leaves that are not arrays of match values, and empty arrays', () => {
    for (const text of ['{"source":"x"}', '{"source":1}', '{"source":null}', '{"source":[]}', '{"source":{}}', '{"source":[["x"]]}']) refused(text);
  });

  it('refuses every operator beyond exact values, prefix, exists and anything-but', () => {
    const others = [
      { suffix: '.com' }, { 'equals-ignore-case': 'x' }, { wildcard: 'a*' }, { numeric: ['>', 0] }, { cidr: '10.0.0.0/8' },
      { 'anything-but': { prefix: 'x' } }, { 'anything-but': [] }, { 'anything-but': [{ suffix: 'x' }] }, { prefix: 1 }, { exists: 'yes' },
      { prefix: 'a', exists: true }, {},
    ];
    for (const op of others) refused(JSON.stringify({ source: [op] }));
    refused(JSON.stringify({ $or: [{ source: ['x'] }, { region: ['y'] }] }));
    expect(() => parseEventPattern(JSON.stringify({ source: [{ suffix: '.com' }] }))).toThrow(/suffix.*not supported/);
  });
});

describe('queue policy: may EventBridge deliver this rule to this queue?', () => {
  const queueArn = 'arn:aws:sqs:us-east-2:000000000000:oort-okta-int-1';
  const ruleArn = `arn:aws:events:us-east-2:000000000000:rule/${SOURCE}/oort-okta-int-1`;
  const context = { queueArn, ruleArn, account: '000000000000' };
  const statement = {
    Sid: 'FromRule', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: queueArn,
    Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
  };
  const policy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
  const allowed = (text: string | undefined) => eventBridgeMaySend(text, context).allowed;

  it('allows the policy the product writes (deploy/aws/queue-policy.json)', () => {
    expect(allowed(policy(statement))).toBe(true);
    expect(allowed(JSON.stringify({ Statement: statement }))).toBe(true);
  });

  it('refuses without a policy, or with one that is not JSON', () => {
    expect(eventBridgeMaySend(undefined, context)).toMatchObject({ allowed: false, reason: expect.stringMatching(/no policy/) });
    expect(allowed('{')).toBe(false);
  });

  it('refuses another rule, another queue, another principal or another action', () => {
    expect(allowed(policy({ ...statement, Condition: { ArnEquals: { 'aws:SourceArn': `${ruleArn}-other` } } }))).toBe(false);
    expect(allowed(policy({ ...statement, Resource: `${queueArn}-dlq` }))).toBe(false);
    expect(allowed(policy({ ...statement, Principal: { Service: 'sns.amazonaws.com' } }))).toBe(false);
    expect(allowed(policy({ ...statement, Action: 'sqs:ReceiveMessage' }))).toBe(false);
  });

  it('understands wildcards, lists, ArnLike/StringEquals and aws:SourceAccount', () => {
    expect(allowed(policy({ ...statement, Action: ['sqs:ReceiveMessage', 'SQS:*'], Resource: 'arn:aws:sqs:us-east-2:000000000000:oort-okta-*' }))).toBe(true);
    expect(allowed(policy({ ...statement, Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:events:us-east-2:000000000000:rule/${SOURCE}/*` } } }))).toBe(true);
    expect(allowed(policy({ ...statement, Condition: { StringEquals: { 'aws:SourceAccount': '000000000000' } } }))).toBe(true);
    expect(allowed(policy({ ...statement, Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } } }))).toBe(false);
    expect(allowed(policy({ ...statement, Principal: '*', Condition: undefined }))).toBe(true);
  });

  it('lets an explicit Deny win, and never applies what it does not understand', () => {
    expect(allowed(policy(statement, { ...statement, Sid: 'No', Effect: 'Deny' }))).toBe(false);
    expect(allowed(policy({ ...statement, Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }))).toBe(false);
    expect(allowed(policy({ ...statement, Condition: { ArnEquals: { 'aws:PrincipalArn': ruleArn } } }))).toBe(false);
    expect(allowed(policy({ ...statement, Principal: undefined, NotPrincipal: { Service: 'sns.amazonaws.com' } }))).toBe(false);
  });

  it('globs as IAM does: * any run, ? one character, everything else literal', () => {
    expect(glob('arn:aws:sqs:*:*:q', 'arn:aws:sqs:us-east-2:000000000000:q')).toBe(true);
    expect(glob('a?c', 'abc')).toBe(true);
    expect(glob('a.c', 'abc')).toBe(false);
    expect(glob('a+(b)', 'a+(b)')).toBe(true);
  });
});

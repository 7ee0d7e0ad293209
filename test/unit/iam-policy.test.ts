// The worker's IAM policy (deploy/aws/worker-iam-policy.json) against the code: every AWS command the product's code
// sends is allowed, on the resources the code names for an integration, and nothing beyond Okta's partner sources and
// the product's queue prefix is.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { partnerSourceName, routingRuleName } from '../../aws/routing.js';
import { queueNames } from '../../aws/queues.js';
import { loadConfig } from '../../lib/config.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ACCOUNT = '988897525199';
const REGION = 'us-east-2';
const PREFIX = loadConfig({}).SQS_QUEUE_PREFIX;

interface Statement { Effect: 'Allow' | 'Deny'; Action: string | string[]; Resource: string | string[] }
const policy = JSON.parse(readFileSync(join(ROOT, 'deploy/aws/worker-iam-policy.json'), 'utf8').replaceAll('<ACCOUNT_ID>', ACCOUNT)) as { Statement: Statement[] };

const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
/** IAM wildcards: `*` any run of characters, `?` one. Actions compare case-insensitively. */
function glob(pattern: string, value: string, caseless = false): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`, caseless ? 'si' : 's');
  return re.test(value);
}
function allowed(action: string, resource: string): boolean {
  const applies = (s: Statement) => list(s.Action).some((a) => glob(a, action, true)) && list(s.Resource).some((r) => glob(r, resource));
  return !policy.Statement.some((s) => s.Effect === 'Deny' && applies(s)) && policy.Statement.some((s) => s.Effect === 'Allow' && applies(s));
}

/** The product's own source files (not tests, benchmarks, the simulators or the emulators). */
function productFiles(dir = ROOT): string[] {
  const skip = new Set(['node_modules', 'test', 'bench', 'simulator', 'emulators', '.data', '.tools', '.git', 'scripts']);
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return skip.has(name) ? [] : productFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Every `new XCommand(` of the AWS SDK in the product, as the IAM action it needs (batch calls need the single one). */
function commandsInCode(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of productFiles()) {
    const src = readFileSync(file, 'utf8');
    const services: Array<[string, string]> = [];
    if (src.includes("'@aws-sdk/client-sqs'")) services.push(['sqs', '@aws-sdk/client-sqs']);
    if (src.includes("'@aws-sdk/client-eventbridge'")) services.push(['events', '@aws-sdk/client-eventbridge']);
    for (const [, name] of src.matchAll(/new ([A-Z][A-Za-z]+)Command\(/g)) {
      const service = services.find(([, pkg]) => new RegExp(`\\b${name}Command\\b[^;]*from '${pkg}'`, 's').test(src))?.[0];
      if (!service) continue;
      const action = `${service}:${service === 'sqs' ? name.replace(/Batch$/, '') : name}`;
      found.set(action, [...(found.get(action) ?? []), relative(ROOT, file)]);
    }
  }
  return found;
}

const integrationId = 'okta-0123456789abcdef';
const source = partnerSourceName('acme', integrationId);
const rule = routingRuleName(PREFIX, integrationId);
const names = queueNames(PREFIX, integrationId);
const RESOURCES = {
  eventSource: `arn:aws:events:${REGION}::event-source/${source}`,
  bus: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${source}`,
  rule: `arn:aws:events:${REGION}:${ACCOUNT}:rule/${source}/${rule}`,
  queue: `arn:aws:sqs:${REGION}:${ACCOUNT}:${names.queue}`,
  deadLetterQueue: `arn:aws:sqs:${REGION}:${ACCOUNT}:${names.deadLetter}`,
};
/** The resources each action is sent to, as the code names them (aws/eventbridge.ts, aws/queues.ts, ingest/). */
const TARGETS: Record<string, string[]> = {
  'events:ListEventSources': ['*'],
  'events:TestEventPattern': ['*'],
  'events:DescribeEventSource': [RESOURCES.eventSource],
  'events:CreateEventBus': [RESOURCES.bus, RESOURCES.eventSource],
  'events:DescribeEventBus': [RESOURCES.bus],
  'events:DeleteEventBus': [RESOURCES.bus],
  'events:ListTagsForResource': [RESOURCES.bus],
  'events:PutRule': [RESOURCES.rule],
  'events:DescribeRule': [RESOURCES.rule],
  'events:DeleteRule': [RESOURCES.rule],
  'events:PutTargets': [RESOURCES.rule],
  'events:RemoveTargets': [RESOURCES.rule],
  'events:ListTargetsByRule': [RESOURCES.rule],
  // Tags given when creating a bus or a rule need TagResource on it.
  'events:TagResource': [RESOURCES.bus, RESOURCES.rule],
};
const targetsOf = (action: string) => TARGETS[action] ?? (action.startsWith('sqs:') ? [RESOURCES.queue, RESOURCES.deadLetterQueue] : undefined);

describe('the worker IAM policy', () => {
  const inCode = commandsInCode();

  it('finds the AWS calls of the code (the scan itself works)', () => {
    for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:CreateQueue', 'events:CreateEventBus', 'events:PutTargets', 'events:DeleteEventBus']) {
      expect(inCode.has(action), action).toBe(true);
    }
    // Tags on creation are what makes TagResource necessary.
    const eventbridge = readFileSync(join(ROOT, 'aws/eventbridge.ts'), 'utf8');
    expect(eventbridge).toMatch(/CreateEventBusCommand\(\{[^}]*Tags:/s);
    expect(eventbridge).toMatch(/PutRuleCommand\(\{[\s\S]*?Tags:/);
  });

  it('allows every call the code makes, on the resources it makes it to', () => {
    const uncovered: string[] = [];
    for (const [action, files] of [...inCode, ['events:TagResource', ['aws/eventbridge.ts']] as const]) {
      const targets = targetsOf(action);
      if (!targets) {
        uncovered.push(`${action} (${files.join(', ')}): no resource known to this test — add it to TARGETS`);
        continue;
      }
      for (const resource of targets) if (!allowed(action, resource)) uncovered.push(`${action} on ${resource} (${files.join(', ')})`);
    }
    expect(uncovered).toEqual([]);
  });

  it('allows nothing beyond Okta partner sources and the product\'s queues', () => {
    const otherSource = 'aws.partner/salesforce.com/123/stream';
    expect(allowed('events:CreateEventBus', `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default`)).toBe(false);
    expect(allowed('events:DeleteEventBus', `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${otherSource}`)).toBe(false);
    expect(allowed('events:PutRule', `arn:aws:events:${REGION}:${ACCOUNT}:rule/default/${rule}`)).toBe(false);
    expect(allowed('events:PutTargets', `arn:aws:events:${REGION}:${ACCOUNT}:rule/${source}/someone-elses-rule`)).toBe(false);
    expect(allowed('events:PutEvents', RESOURCES.bus)).toBe(false);
    expect(allowed('sqs:DeleteQueue', `arn:aws:sqs:${REGION}:${ACCOUNT}:payments-queue`)).toBe(false);
    expect(allowed('sqs:PurgeQueue', RESOURCES.queue)).toBe(false);
    expect(allowed('iam:PassRole', '*')).toBe(false);
    expect(allowed('events:DescribeEventSource', `arn:aws:events:${REGION}::event-source/${otherSource}`)).toBe(false);
  });
});

// Whether an SQS queue's resource policy lets EventBridge deliver a rule's events to it. In AWS a
// rule can send to a queue only if the queue's policy allows the service principal
// events.amazonaws.com `sqs:SendMessage`, normally with the condition `aws:SourceArn` = the rule's
// ARN; without that every delivery fails (NO_PERMISSIONS) and, with a DLQ, lands there. This is the
// part of IAM policy evaluation such policies use: Allow/Deny, Principal, Action and Resource with
// wildcards, and the Arn*/String* conditions on aws:SourceArn and aws:SourceAccount. An explicit
// Deny wins; a condition the evaluator does not know is not satisfied.

export interface DeliveryContext {
  queueArn: string;
  ruleArn: string;
  /** The account the rule lives in (aws:SourceAccount). */
  account: string;
}

export type PolicyVerdict = { allowed: true } | { allowed: false; reason: string };

const SERVICE = 'events.amazonaws.com';
const ACTION = 'sqs:SendMessage';

export function eventBridgeMaySend(policyText: string | undefined, context: DeliveryContext): PolicyVerdict {
  if (!policyText) return { allowed: false, reason: `the queue has no policy, so ${SERVICE} may not send to it` };
  let policy: unknown;
  try {
    policy = JSON.parse(policyText);
  } catch {
    return { allowed: false, reason: 'the queue policy is not JSON' };
  }
  const statements = isObject(policy) ? asList(policy.Statement).filter(isObject) : [];
  const applicable = statements.filter((s) => applies(s, context));
  const deny = applicable.find((s) => s.Effect === 'Deny');
  if (deny) return { allowed: false, reason: `statement ${String(deny.Sid ?? '(no Sid)')} denies it` };
  if (applicable.some((s) => s.Effect === 'Allow')) return { allowed: true };
  return { allowed: false, reason: `no statement allows ${SERVICE} ${ACTION} on ${context.queueArn} from ${context.ruleArn}` };
}

function applies(statement: Record<string, unknown>, context: DeliveryContext): boolean {
  // NotPrincipal, NotAction and NotResource are outside the subset: such a statement never applies.
  if ('NotPrincipal' in statement || 'NotAction' in statement || 'NotResource' in statement) return false;
  return (
    principalMatches(statement.Principal) &&
    asList(statement.Action).some((a) => typeof a === 'string' && glob(a.toLowerCase(), ACTION.toLowerCase())) &&
    asList(statement.Resource).some((r) => typeof r === 'string' && glob(r, context.queueArn)) &&
    conditionsHold(statement.Condition, context)
  );
}

function principalMatches(principal: unknown): boolean {
  if (principal === '*') return true;
  if (!isObject(principal)) return false;
  return asList(principal.Service).includes(SERVICE) || asList(principal.AWS).includes('*');
}

function conditionsHold(condition: unknown, context: DeliveryContext): boolean {
  if (condition === undefined) return true;
  if (!isObject(condition)) return false;
  const keys: Record<string, string> = { 'aws:sourcearn': context.ruleArn, 'aws:sourceaccount': context.account };
  return Object.entries(condition).every(([operator, block]) => {
    if (!isObject(block)) return false;
    return Object.entries(block).every(([key, expected]) => {
      const actual = keys[key.toLowerCase()];
      if (actual === undefined) return false;
      const values = asList(expected).filter((v): v is string => typeof v === 'string');
      switch (operator) {
        case 'ArnEquals':
        case 'ArnLike':
        case 'StringLike':
          return values.some((v) => glob(v, actual));
        case 'StringEquals':
          return values.includes(actual);
        default:
          return false;
      }
    });
  });
}

/** IAM wildcards: `*` any run of characters, `?` one character. */
export function glob(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`, 's');
  return regex.test(value);
}

function asList(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

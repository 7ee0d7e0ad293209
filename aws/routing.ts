// The names, pattern and policies of an integration's route from its partner event source to its queue. Pure: the
// onboarding steps, the daily check, the teardown and the IAM policy test all derive them from here.
import { createHash } from 'node:crypto';

/** Okta's partner event sources are named `aws.partner/okta.com/<okta org>/<event source name>`. */
export const OKTA_PARTNER_PREFIX = 'aws.partner/okta.com/';
/** Tag on every EventBridge resource the product creates, so that it only ever changes or deletes its own. */
export const INTEGRATION_TAG = 'oort:integration-id';
/** The target id of the queue on the rule. */
export const QUEUE_TARGET_ID = 'oort-okta-integration-queue';
/** EventBridge retries a failed delivery for up to a day before it goes to the dead-letter queue. */
export const TARGET_RETRY_POLICY = { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 };

export function partnerSourceName(oktaOrg: string, eventSourceName: string): string {
  return `${OKTA_PARTNER_PREFIX}${oktaOrg}/${eventSourceName}`;
}

/** The rule's name on the partner bus: the queue prefix and the integration id (at most 64 characters, as AWS allows). */
export function routingRuleName(queuePrefix: string, integrationId: string): string {
  const name = `${queuePrefix}${integrationId}`;
  if (name.length <= 64) return name;
  const digest = createHash('sha256').update(integrationId).digest('hex').slice(0, 10);
  return `${name.slice(0, 53)}-${digest}`;
}

/** Events of exactly this source with Okta's detail type; nothing else on the bus reaches the queue. */
export function routingPattern(sourceName: string): Record<string, string[]> {
  return { source: [sourceName], 'detail-type': ['SystemLog'] };
}

/** A queue policy letting exactly this rule send to the queue (the queue and its dead-letter queue get one each). */
export function queuePolicy(queueArn: string, ruleArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: `${queueArn}/from-eventbridge`,
    Statement: [
      {
        Sid: 'OktaPartnerRuleSends',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
      },
    ],
  });
}

/** Whether a stored queue policy is ours for this rule (compared as JSON, not as text). */
export function isQueuePolicyFor(policyText: string | undefined, queueArn: string, ruleArn: string): boolean {
  if (!policyText) return false;
  try {
    return JSON.stringify(JSON.parse(policyText)) === queuePolicy(queueArn, ruleArn);
  } catch {
    return false;
  }
}

// ARNs as AWS forms them. A partner event source has no account in its ARN
// (arn:aws:events:<region>::event-source/aws.partner/…): it belongs to the partner's namespace, and
// every published Okta envelope and every AWS example carries it that way. Buses and rules are the
// customer's: arn:aws:events:<region>:<account>:event-bus/<bus> and …:rule/<bus>/<rule>
// (a rule on the default bus is …:rule/<rule>).

export interface Place {
  region: string;
  account: string;
}

export const eventSourceArn = (p: Place, name: string) => `arn:aws:events:${p.region}::event-source/${name}`;
export const eventBusArn = (p: Place, bus: string) => `arn:aws:events:${p.region}:${p.account}:event-bus/${bus}`;
export const ruleArn = (p: Place, bus: string, rule: string) =>
  `arn:aws:events:${p.region}:${p.account}:rule/${bus === 'default' ? '' : `${bus}/`}${rule}`;

export interface SqsQueueRef {
  region: string;
  account: string;
  queueName: string;
}

/** `arn:aws:sqs:<region>:<account>:<queueName>`, or undefined for anything else. */
export function parseSqsArn(arn: string): SqsQueueRef | undefined {
  const m = /^arn:aws:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,80}(?:\.fifo)?)$/.exec(arn);
  return m ? { region: m[1], account: m[2], queueName: m[3] } : undefined;
}

/** A bus named by name or by ARN (most calls accept either), as its name. */
export function busNameOf(p: Place, nameOrArn: string): string {
  const prefix = `arn:aws:events:${p.region}:${p.account}:event-bus/`;
  return nameOrArn.startsWith(prefix) ? nameOrArn.slice(prefix.length) : nameOrArn;
}

// What the customer must enter in Okta (Reports → Log Streaming → AWS EventBridge), and the check of
// what they entered, read back through the Log Streams API (docs/okta.md §1.4). Pure functions:
// the activity fetches the streams, this decides and words the verdict.

export interface LogStreamExpectation {
  eventSourceName: string;
  awsAccountId: string;
  awsRegion: string;
}

/** The subset of Okta's LogStream object the check reads. */
export interface LogStreamView {
  id: string;
  name: string;
  type: string;
  status: string;
  settings?: { accountId?: string; eventSourceName?: string; region?: string } | null;
}

export type LogStreamVerdict =
  | { ok: true; streamId: string; streamName: string }
  | { ok: false; problem: 'no_stream' | 'wrong_settings' | 'inactive'; message: string };

export function verifyLogStream(streams: LogStreamView[], expect: LogStreamExpectation): LogStreamVerdict {
  const eventBridge = streams.filter((s) => s.type === 'aws_eventbridge');
  if (eventBridge.length === 0) {
    return {
      ok: false,
      problem: 'no_stream',
      message:
        'No AWS EventBridge log stream exists in Okta. In the Okta Admin Console go to Reports → Log Streaming → Add Log Stream → AWS EventBridge, ' +
        `enter event source name "${expect.eventSourceName}", AWS account ${expect.awsAccountId} and region ${expect.awsRegion}, save, then send the signal again.`,
    };
  }
  const bySource = eventBridge.filter((s) => s.settings?.eventSourceName === expect.eventSourceName);
  if (bySource.length === 0) {
    const names = eventBridge.map((s) => `stream "${s.name}" uses event source name "${s.settings?.eventSourceName ?? ''}"`);
    return {
      ok: false,
      problem: 'wrong_settings',
      message:
        `${names.join('; ')}, expected "${expect.eventSourceName}". Okta cannot change a stream's settings: ` +
        'delete the stream and add it again with the right event source name, then send the signal again.',
    };
  }
  // Prefer a stream that is fully right (an active one first); otherwise report the first mismatch.
  const problems = bySource.map((s) => ({ stream: s, issues: settingIssues(s, expect) }));
  const correct = problems.filter((p) => p.issues.length === 0);
  const right = correct.find((p) => p.stream.status === 'ACTIVE') ?? correct[0];
  if (!right) {
    const { stream, issues } = problems[0];
    return {
      ok: false,
      problem: 'wrong_settings',
      message:
        `stream "${stream.name}" ${issues.join(' and ')}. Okta cannot change a stream's settings: ` +
        'delete the stream and add it again with the values shown in the setup, then send the signal again.',
    };
  }
  if (right.stream.status !== 'ACTIVE') {
    return {
      ok: false,
      problem: 'inactive',
      message:
        `stream "${right.stream.name}" is ${right.stream.status}, expected ACTIVE. Okta deactivates a stream after failed deliveries: ` +
        'check that the partner event source is associated with an event bus in AWS, activate the stream in Okta, then send the signal again.',
    };
  }
  return { ok: true, streamId: right.stream.id, streamName: right.stream.name };
}

function settingIssues(s: LogStreamView, expect: LogStreamExpectation): string[] {
  const issues: string[] = [];
  const account = s.settings?.accountId ?? '';
  const region = s.settings?.region ?? '';
  if (account !== expect.awsAccountId) issues.push(`uses account ${account}, expected ${expect.awsAccountId}`);
  if (region !== expect.awsRegion) issues.push(`uses region ${region}, expected ${expect.awsRegion}`);
  return issues;
}

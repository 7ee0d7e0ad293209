import { describe, expect, it } from 'vitest';
import { verifyLogStream, type LogStreamExpectation, type LogStreamView } from '../../okta/log-stream.js';

const expect_: LogStreamExpectation = { eventSourceName: 'okta-1a2b3c4d5e6f7a8b', awsAccountId: '909617834444', awsRegion: 'us-east-2' };

function stream(over: Partial<LogStreamView> & { settings?: LogStreamView['settings'] } = {}): LogStreamView {
  return {
    id: '0oa1ls9xQkZ3hT7d81d7',
    name: 'Oort',
    type: 'aws_eventbridge',
    status: 'ACTIVE',
    ...over,
    settings: { accountId: '909617834444', eventSourceName: 'okta-1a2b3c4d5e6f7a8b', region: 'us-east-2', ...over.settings },
  };
}

const splunk: LogStreamView = {
  id: '0oa1ls2sPlUnK0000001',
  name: 'Splunk Cloud',
  type: 'splunk_cloud_logstreaming',
  status: 'ACTIVE',
  settings: null,
};

function failure(streams: LogStreamView[]) {
  const v = verifyLogStream(streams, expect_);
  if (v.ok) throw new Error('expected a failed verdict');
  return v;
}

describe('verifyLogStream', () => {
  it('accepts the right stream', () => {
    expect(verifyLogStream([stream()], expect_)).toEqual({ ok: true, streamId: '0oa1ls9xQkZ3hT7d81d7', streamName: 'Oort' });
  });

  it('prefers the active one of two correct streams', () => {
    const inactive = stream({ id: '0oa1ls9xQkZ3hT7dOLD1', name: 'Old', status: 'INACTIVE' });
    expect(verifyLogStream([inactive, stream()], expect_)).toMatchObject({ ok: true, streamName: 'Oort' });
  });

  it('accepts when one of two streams is right', () => {
    const wrong = stream({ id: '0oa1ls9xQkZ3hT7d0000', name: 'Old', settings: { accountId: '111122223333' } });
    expect(verifyLogStream([splunk, wrong, stream()], expect_)).toMatchObject({ ok: true, streamName: 'Oort' });
  });

  it.each([
    ['no streams', [] as LogStreamView[]],
    ['only a Splunk stream', [splunk]],
  ])('with %s, says how to add the stream and the values to enter', (_, streams) => {
    const v = failure(streams);
    expect(v.problem).toBe('no_stream');
    expect(v.message).toContain('No AWS EventBridge log stream exists in Okta');
    expect(v.message).toContain('event source name "okta-1a2b3c4d5e6f7a8b", AWS account 909617834444 and region us-east-2');
  });

  it('names a wrong account', () => {
    const v = failure([stream({ settings: { accountId: '111122223333' } })]);
    expect(v.problem).toBe('wrong_settings');
    expect(v.message).toMatch(/^stream "Oort" uses account 111122223333, expected 909617834444\. /);
    expect(v.message).toContain('delete the stream and add it again');
  });

  it('names a wrong region', () => {
    const v = failure([stream({ settings: { region: 'us-west-2' } })]);
    expect(v.message).toMatch(/^stream "Oort" uses region us-west-2, expected us-east-2\. /);
  });

  it('names a wrong account and region together', () => {
    const v = failure([stream({ settings: { accountId: '988897525199', region: 'eu-west-1' } })]);
    expect(v.message).toContain('stream "Oort" uses account 988897525199, expected 909617834444 and uses region eu-west-1, expected us-east-2.');
  });

  it('names a wrong event source name and the expected one', () => {
    const v = failure([stream({ settings: { eventSourceName: 'oort-okta' } })]);
    expect(v.problem).toBe('wrong_settings');
    expect(v.message).toMatch(/^stream "Oort" uses event source name "oort-okta", expected "okta-1a2b3c4d5e6f7a8b"\. /);
  });

  it('reports an inactive stream and how to reactivate it', () => {
    const v = failure([stream({ status: 'INACTIVE' })]);
    expect(v.problem).toBe('inactive');
    expect(v.message).toMatch(/^stream "Oort" is INACTIVE, expected ACTIVE\. /);
    expect(v.message).toContain('activate the stream in Okta');
  });
});

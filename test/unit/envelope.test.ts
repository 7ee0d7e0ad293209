import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES, QUARANTINE_REASON_CODES, QUARANTINE_REASONS, parseEnvelope, type EnvelopeExpectation } from '../../okta/envelope.js';

const expectation: EnvelopeExpectation = {
  oktaOrg: 'northwind',
  eventSourceName: 'okta-1a2b3c4d5e6f7a8b',
  awsAccountId: '909617834444',
  awsRegion: 'us-east-2',
};

function envelope(overrides: Record<string, unknown> = {}, detail: Record<string, unknown> = {}) {
  return JSON.stringify({
    version: '0',
    id: '7f1c2a9e-0b3d-4c55-9e61-2d8f3a1b4c70',
    'detail-type': 'SystemLog',
    source: 'aws.partner/okta.com/northwind/okta-1a2b3c4d5e6f7a8b',
    account: '909617834444',
    time: '2026-11-02T09:15:04Z',
    region: 'us-east-2',
    resources: [],
    detail: {
      uuid: '3e0c6d52-b8a1-11f1-9c2e-5f1d2a7b9e11',
      published: '2026-11-02T09:15:04.512Z',
      eventType: 'user.session.start',
      actor: { id: '00u4kq9ZtW2mB7xN1d8e', type: 'User' },
      ...detail,
    },
    ...overrides,
  });
}

describe('parseEnvelope', () => {
  it('accepts the envelope Okta Log Streaming sends for this integration', () => {
    const r = parseEnvelope(envelope(), expectation);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.event.uuid).toBe('3e0c6d52-b8a1-11f1-9c2e-5f1d2a7b9e11');
  });

  it.each([
    ['not_json', '{"detail-type": "SystemLog",'],
    ['not_an_object', '[1,2,3]'],
    ['wrong_detail_type', envelope({ 'detail-type': 'Okta Log' })],
    ['foreign_source', envelope({ source: 'aws.partner/okta.com/northwind/okta-ffffffffffffffff' })],
    ['foreign_account', envelope({ account: '988897525199' })],
    ['foreign_region', envelope({ region: 'us-east-1' })],
    ['missing_detail', envelope({ detail: 'nope' })],
    ['missing_uuid', envelope({}, { uuid: undefined })],
    ['bad_published', envelope({}, { published: 'yesterday' })],
    ['missing_event_type', envelope({}, { eventType: '' })],
  ])('quarantines %s with a reason that names the problem', (code, body) => {
    const r = parseEnvelope(body, expectation);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code);
      expect(r.reason.length).toBeGreaterThan(10);
    }
  });

  it('names the expected value when the account is foreign', () => {
    const r = parseEnvelope(envelope({ account: '111122223333' }), expectation);
    expect(r).toMatchObject({ ok: false, reason: 'account is "111122223333", expected "909617834444"' });
  });

  it('refuses bodies above the size limit before parsing them', () => {
    const r = parseEnvelope(envelope({}, { padding: 'x'.repeat(MAX_MESSAGE_BYTES) }), expectation);
    expect(r).toMatchObject({ ok: false, code: 'oversize' });
  });

  it('names a missing uuid as the quarantine listing shows it', () => {
    const r = parseEnvelope(envelope({}, { uuid: undefined }), expectation);
    expect(r).toMatchObject({ ok: false, reason: 'detail.uuid is undefined, expected an Okta event uuid' });
  });

  it('keeps every reason code other code and stored quarantine rows already use, each with a meaning', () => {
    const existing = [
      'oversize', 'not_json', 'not_an_object', 'wrong_detail_type', 'foreign_source', 'foreign_account', 'foreign_region',
      'missing_detail', 'missing_uuid', 'bad_published', 'missing_event_type',
    ];
    expect(QUARANTINE_REASON_CODES).toEqual(expect.arrayContaining(existing));
    for (const code of QUARANTINE_REASON_CODES) expect(QUARANTINE_REASONS[code].length).toBeGreaterThan(10);
  });

  it('checks tenant isolation before the event, so a foreign envelope is named foreign whatever its content', () => {
    const r = parseEnvelope(envelope({ region: 'eu-west-1' }, { published: 'soon', uuid: 7 }), expectation);
    expect(r).toMatchObject({ ok: false, code: 'foreign_region' });
  });

  it('refuses a body of fewer characters than the limit whose UTF-8 is larger', () => {
    const r = parseEnvelope(envelope({}, { padding: '€'.repeat(MAX_MESSAGE_BYTES / 3 + 10) }), expectation);
    expect(r).toMatchObject({ ok: false, code: 'oversize' });
  });
});

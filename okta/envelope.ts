// Validates one SQS message body as the EventBridge envelope Okta Log Streaming sends
// (reference/okta.md §1.3) for one specific integration. Anything else is quarantined with a
// reason; a foreign envelope (another integration's source, account or region) is never stored.

export const MAX_MESSAGE_BYTES = 256 * 1024;
const UUID_LIKE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The integration a queue belongs to: what its envelopes must say. */
export interface EnvelopeExpectation {
  /** Okta org subdomain, e.g. `acme` for acme.okta.com. */
  oktaOrg: string;
  eventSourceName: string;
  awsAccountId: string;
  awsRegion: string;
}

export interface OktaLogEvent {
  uuid: string;
  published: string;
  eventType: string;
  [field: string]: unknown;
}

export type QuarantineReasonCode =
  | 'oversize'
  | 'not_json'
  | 'not_an_object'
  | 'wrong_detail_type'
  | 'foreign_source'
  | 'foreign_account'
  | 'foreign_region'
  | 'missing_detail'
  | 'missing_uuid'
  | 'bad_published'
  | 'missing_event_type';

export type EnvelopeResult =
  | { ok: true; event: OktaLogEvent }
  | { ok: false; code: QuarantineReasonCode; reason: string };

export function expectedSource(e: EnvelopeExpectation): string {
  return `aws.partner/okta.com/${e.oktaOrg}/${e.eventSourceName}`;
}

const reject = (code: QuarantineReasonCode, reason: string): EnvelopeResult => ({ ok: false, code, reason });

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseEnvelope(body: string, expect: EnvelopeExpectation): EnvelopeResult {
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > MAX_MESSAGE_BYTES) {
    return reject('oversize', `message is ${bytes} bytes, above the ${MAX_MESSAGE_BYTES}-byte limit for one Okta event`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    return reject('not_json', `body is not JSON: ${(err as Error).message}`);
  }
  if (!isObject(parsed)) return reject('not_an_object', 'body is JSON but not an EventBridge envelope object');

  const detailType = parsed['detail-type'];
  if (detailType !== 'SystemLog') {
    return reject('wrong_detail_type', `detail-type is ${JSON.stringify(detailType)}, expected "SystemLog"`);
  }
  const source = expectedSource(expect);
  if (parsed.source !== source) {
    return reject('foreign_source', `source is ${JSON.stringify(parsed.source)}, expected "${source}"`);
  }
  if (parsed.account !== expect.awsAccountId) {
    return reject('foreign_account', `account is ${JSON.stringify(parsed.account)}, expected "${expect.awsAccountId}"`);
  }
  if (parsed.region !== expect.awsRegion) {
    return reject('foreign_region', `region is ${JSON.stringify(parsed.region)}, expected "${expect.awsRegion}"`);
  }
  const detail = parsed.detail;
  if (!isObject(detail)) return reject('missing_detail', 'envelope has no detail object (the Okta LogEvent)');
  if (typeof detail.uuid !== 'string' || !UUID_LIKE.test(detail.uuid)) {
    return reject('missing_uuid', `detail.uuid is ${JSON.stringify(detail.uuid)}, expected an Okta event uuid`);
  }
  if (typeof detail.published !== 'string' || Number.isNaN(Date.parse(detail.published))) {
    return reject('bad_published', `detail.published is ${JSON.stringify(detail.published)}, expected an ISO-8601 time`);
  }
  if (typeof detail.eventType !== 'string' || detail.eventType.length === 0) {
    return reject('missing_event_type', 'detail.eventType is missing');
  }
  return { ok: true, event: detail as OktaLogEvent };
}

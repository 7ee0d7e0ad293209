// Validates one SQS message body as the EventBridge envelope Okta Log Streaming sends
// (docs/okta.md §1.3) for one specific integration. Anything else is quarantined with a
// reason; a foreign envelope (another integration's source, account or region) is never stored,
// and neither is an event PostgreSQL would refuse (okta/log-event-check.ts), so one bad message
// cannot fail a batch insert.
//
// Duplicate keys: JSON.parse keeps the last value of a repeated key, as PostgreSQL's jsonb does, and
// every later reading of the body (quarantine replay) uses the same parser, so the envelope is judged
// by what it will be read as. Only a sender allowed on the queue can write one, and that sender
// could as well write a single, valid `source`: rejecting repeats would cost a scan of every body
// and protect nothing.
import { checkEvent, shown, type EventCheckOptions } from './log-event-check.js';
import { explainNotAnObject, explainUnparsable } from './unreadable-body.js';

export { DEFAULT_FUTURE_SKEW_MS, MAX_EVENT_DEPTH, checkLogEvent, type EventCheckOptions } from './log-event-check.js';

export const MAX_MESSAGE_BYTES = 256 * 1024;

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

/** Every quarantine reason code the envelope check gives, with what it means (for listings and docs). */
export const QUARANTINE_REASONS = {
  oversize: `the body is larger than MAX_MESSAGE_BYTES (${MAX_MESSAGE_BYTES} bytes of UTF-8)`,
  not_json: 'the body is not JSON (empty, truncated, plain text, …)',
  byte_order_mark: 'the JSON is preceded by a UTF-8 byte order mark, which EventBridge never writes',
  encoded_body: 'the body is compressed (gzip, zlib) or encoded (base64, a JSON string) instead of the plain JSON envelope',
  multiple_documents: 'the body holds several JSON documents (JSON lines) instead of one envelope',
  not_an_object: 'the body is JSON but not an object (an array, a string, null, …)',
  wrong_detail_type: 'detail-type is not "SystemLog"',
  foreign_source: "source is not this integration's partner event source",
  foreign_account: "account is not this integration's AWS account",
  foreign_region: "region is not this integration's AWS region",
  missing_detail: 'the envelope has no detail object (the Okta LogEvent)',
  missing_uuid: 'the event has no uuid of the Okta form',
  bad_published: 'published is not a strict RFC 3339 time with an offset, a real calendar date and time, year 1970–9999',
  published_in_future: 'published is later than the ingest clock plus the allowed skew',
  missing_event_type: 'the event has no eventType, or an empty one',
  nul_character: 'a string or key of the event holds U+0000, which PostgreSQL cannot store (the reason gives its path)',
  unpaired_surrogate: 'a string or key of the event holds an unpaired UTF-16 surrogate, which jsonb refuses (the reason gives its path)',
  too_deep: 'the event nests objects or arrays deeper than MAX_EVENT_DEPTH',
} as const;

export type QuarantineReasonCode = keyof typeof QUARANTINE_REASONS;
export const QUARANTINE_REASON_CODES = Object.keys(QUARANTINE_REASONS) as QuarantineReasonCode[];

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

// JSON.parse yields a NUL or a lone surrogate only from a \u escape in the text (a raw control character is a
// parse error) or from a lone surrogate character already in the body. Neither occurs in almost every body, so
// the per-string look for them is skipped then.
const UNSTORABLE_ESCAPE = /\\u(?:0000|[dD][89a-fA-F])/;
const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

function mayHoldUnstorableText(body: string): boolean {
  return (body.includes('\\u') && UNSTORABLE_ESCAPE.test(body)) || !isWellFormed(body);
}

const NOW_AND_DEFAULT_SKEW: EventCheckOptions = {};

/**
 * The check, in order: size, JSON, shape, tenant isolation (detail-type, source, account, region), then the
 * event's content (uuid, published, eventType, storability). `opts.now` defaults to the current time.
 */
export function parseEnvelope(body: string, expect: EnvelopeExpectation, opts: EventCheckOptions = NOW_AND_DEFAULT_SKEW): EnvelopeResult {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit, so most bodies are too short to need counting.
  if (body.length > MAX_MESSAGE_BYTES / 3) {
    const bytes = Buffer.byteLength(body, 'utf8');
    if (bytes > MAX_MESSAGE_BYTES) {
      return reject('oversize', `message is ${bytes} bytes, above the ${MAX_MESSAGE_BYTES}-byte limit for one Okta event`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    return explainUnparsable(body, err);
  }
  if (!isObject(parsed)) return explainNotAnObject(parsed);

  const detailType = parsed['detail-type'];
  if (detailType !== 'SystemLog') {
    return reject('wrong_detail_type', `detail-type is ${shown(detailType)}, expected "SystemLog"`);
  }
  const source = expectedSource(expect);
  if (parsed.source !== source) {
    return reject('foreign_source', `source is ${shown(parsed.source)}, expected "${source}"`);
  }
  if (parsed.account !== expect.awsAccountId) {
    return reject('foreign_account', `account is ${shown(parsed.account)}, expected "${expect.awsAccountId}"`);
  }
  if (parsed.region !== expect.awsRegion) {
    return reject('foreign_region', `region is ${shown(parsed.region)}, expected "${expect.awsRegion}"`);
  }
  const detail = parsed.detail;
  if (!isObject(detail)) return reject('missing_detail', `envelope has no detail object (the Okta LogEvent): detail is ${shown(detail)}`);
  return checkEvent(detail, opts, 'detail', mayHoldUnstorableText(body));
}

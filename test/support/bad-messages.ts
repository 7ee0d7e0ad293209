/**
 * The bad-message corpus: SQS bodies the envelope check (okta/envelope.ts) must quarantine, one entry per distinct
 * kind, each with the reason code it must get. Every body is built for one integration, so the tenant-isolation
 * kinds are foreign to exactly that integration and each body has one fault only.
 *
 * Stable exports (used by test/unit/bad-messages.test.ts, test/integration/poison-messages.test.ts, bench/faults.ts):
 * - `badMessages(expect, { now })`: BadMessage[], kinds unique, order stable. `now` (default: the current time)
 *   only places the "in the future" kinds: they stay in the future for 10 minutes after the corpus is built.
 * - `validMessages(expect)`: ValidMessage[], awkward but valid bodies that must be accepted and stored (unicode,
 *   emoji, escapes, nesting at the limit, offsets); each has its own `detail.uuid`.
 * - `sqsDeliverable(body)`: whether SQS will carry the body at all (it refuses empty bodies, characters outside
 *   #x9 #xA #xD #x20–#xD7FF #xE000–#xFFFD — which in the local emulator includes surrogate pairs — and more than
 *   1 MiB). Entries carry it as `sqsDeliverable`: only those can be sent through a queue.
 *
 * All fixtures are written here by hand; the valid envelope is the simulator's (toEventBridgeEnvelope).
 */
import { gzipSync, deflateSync } from 'node:zlib';
import { MAX_EVENT_DEPTH, MAX_MESSAGE_BYTES, DEFAULT_FUTURE_SKEW_MS, type EnvelopeExpectation, type QuarantineReasonCode } from '../../okta/envelope.js';
import { toEventBridgeEnvelope, type OktaLogEvent } from '../../simulator/index.js';

export interface BadMessage {
  kind: string;
  body: string;
  expectedCode: QuarantineReasonCode;
  sqsDeliverable: boolean;
}

export interface ValidMessage {
  kind: string;
  body: string;
  sqsDeliverable: boolean;
}

// eslint-disable-next-line no-control-regex -- the characters SQS refuses are control characters
const SQS_REFUSED = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]/;
const SQS_MAX_BYTES = 1_048_576;

export function sqsDeliverable(body: string): boolean {
  return body.length > 0 && !SQS_REFUSED.test(body) && Buffer.byteLength(body) <= SQS_MAX_BYTES;
}

const PUBLISHED = '2026-11-02T09:15:04.512Z';

/** A sign-in to an app as Okta writes it, with every top-level field. */
function signInEvent(uuid: string): OktaLogEvent {
  const geo = { city: 'Lyon', state: 'Auvergne-Rhône-Alpes', country: 'France', postalCode: '69002', geolocation: { lat: 45.7578, lon: 4.832 } };
  return {
    uuid,
    published: PUBLISHED,
    eventType: 'user.authentication.sso',
    version: '0',
    severity: 'INFO',
    legacyEventType: 'app.auth.sso',
    displayMessage: 'User single sign on to app',
    actor: { id: '00u7wq2LmT4kZp9Xa1d6', type: 'User', alternateId: 'margot.dupuis@northwind.example', displayName: 'Margot Dupuis', detailEntry: null },
    client: {
      userAgent: { rawUserAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15', os: 'Mac OS X', browser: 'SAFARI' },
      zone: 'null', device: 'Computer', id: null, ipAddress: '81.250.17.94', geographicalContext: geo,
    },
    device: null,
    authenticationContext: {
      authenticationProvider: null, credentialProvider: null, credentialType: null, issuer: null, interface: null,
      authenticationStep: 0, externalSessionId: 'idx2rQm7TyC4bWn0PeL9sVd1a', rootSessionId: 'idx2rQm7TyC4bWn0PeL9sVd1a',
    },
    outcome: { result: 'SUCCESS', reason: null },
    securityContext: { asNumber: 3215, asOrg: 'orange', isp: 'Orange S.A.', domain: 'orange.fr', isProxy: false },
    debugContext: { debugData: { requestId: 'aW3kT0rX9pQ2mB7yLc5N1AAAB', requestUri: '/app/box/0oa5hD2kPq8Zr1Lm7x9w/sso/saml', url: '/app/box/0oa5hD2kPq8Zr1Lm7x9w/sso/saml' } },
    transaction: { type: 'WEB', id: 'aW3kT0rX9pQ2mB7yLc5N1AAAB', detail: {} },
    request: { ipChain: [{ ip: '81.250.17.94', version: 'V4', source: null, geographicalContext: geo }] },
    target: [
      { id: '0oa5hD2kPq8Zr1Lm7x9w', type: 'AppInstance', alternateId: 'Box', displayName: 'Box', detailEntry: { signOnModeType: 'SAML_2_0' } },
      { id: '0ua9Lk3Vb6Ns2Qw8Ey4r', type: 'AppUser', alternateId: 'margot.dupuis@northwind.example', displayName: 'Margot Dupuis', detailEntry: null },
    ],
  };
}

type Envelope = Record<string, unknown> & { detail: Record<string, unknown> & { debugContext: { debugData: Record<string, unknown> } } };

function template(expect: EnvelopeExpectation, uuid = '5b8e1f3a-c2d4-11f1-a7b3-2e4f6a8c0d1e'): Envelope {
  const destination = { oktaOrg: expect.oktaOrg, eventSourceName: expect.eventSourceName, account: expect.awsAccountId, region: expect.awsRegion };
  return toEventBridgeEnvelope(signInEvent(uuid), destination, { id: '0d9c8b7a-6f5e-4d3c-9b2a-1f0e9d8c7b6a' }) as unknown as Envelope;
}

/** The valid envelope, changed by `change`, as its JSON body. */
function variant(expect: EnvelopeExpectation, change: (e: Envelope) => void): string {
  const e = template(expect);
  change(e);
  return JSON.stringify(e);
}

/** `levels` nested objects: {} is one level, {"n":{}} two. */
function chain(levels: number): Record<string, unknown> {
  let v: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) v = { n: v };
  return v;
}

/** A valid body with `"__SPLICE__"` replaced by raw JSON text (for what JSON.stringify cannot write). */
function spliced(expect: EnvelopeExpectation, where: (e: Envelope) => void, text: string): string {
  return variant(expect, where).replace('"__SPLICE__"', () => text);
}

export function badMessages(expect: EnvelopeExpectation, opts: { now?: Date } = {}): BadMessage[] {
  const now = opts.now ?? new Date();
  const valid = variant(expect, () => {});
  const src = `aws.partner/okta.com/${expect.oktaOrg}/${expect.eventSourceName}`;
  const d = (change: (detail: Envelope['detail']) => void) => variant(expect, (e) => change(e.detail));
  const later = (ms: number) => new Date(now.getTime() + ms).toISOString();
  const pad = (filler: string) => d((x) => { x.debugContext.debugData.padding = filler; });

  const entries: [string, QuarantineReasonCode, string][] = [
    // Size first: nothing is parsed above the limit.
    ['oversize: ASCII padding above 256 KiB', 'oversize', pad('x'.repeat(MAX_MESSAGE_BYTES))],
    ['oversize: fewer characters than the limit, more UTF-8 bytes', 'oversize', pad('é'.repeat(MAX_MESSAGE_BYTES / 2 + 1024))],
    // Not JSON.
    ['empty body', 'not_json', ''],
    ['whitespace only', 'not_json', ' \n\t \r\n'],
    ['truncated JSON (cut mid-envelope)', 'not_json', valid.slice(0, Math.floor(valid.length / 2))],
    ['plain text', 'not_json', 'Okta System Log event for northwind'],
    ['JavaScript object literal with single quotes', 'not_json', `{'detail-type': 'SystemLog', 'source': '${src}'}`],
    ['trailing comma', 'not_json', valid.replace(/}$/, ',}')],
    ['raw NUL character inside a string', 'not_json', valid.replace('Margot Dupuis', 'Margot\u0000Dupuis')],
    ['NaN literal', 'not_json', spliced(expect, (e) => { e.detail.debugContext.debugData.risk = '__SPLICE__'; }, 'NaN')],
    ['comment before the JSON', 'not_json', `// from okta\n${valid}`],
    ['XML document', 'not_json', `<?xml version="1.0"?><Event><source>${src}</source></Event>`],
    ['two envelopes back to back on one line', 'not_json', valid + valid],
    ['JSON lines: two envelopes', 'multiple_documents', `${valid}\n${valid}\n`],
    ['UTF-8 byte order mark before the envelope', 'byte_order_mark', `\uFEFF${valid}`],
    ['byte order mark read as Latin-1', 'byte_order_mark', `\u00EF\u00BB\u00BF${valid}`],
    ['gzip-compressed envelope (raw bytes as Latin-1)', 'encoded_body', gzipSync(valid).toString('latin1')],
    ['gzip-compressed envelope, base64', 'encoded_body', gzipSync(valid).toString('base64')],
    ['zlib-compressed envelope, base64', 'encoded_body', deflateSync(valid).toString('base64')],
    ['base64 of the envelope', 'encoded_body', Buffer.from(valid).toString('base64')],
    // "ÿÿÿÿ" (C3 BF ×4 in UTF-8) encodes to a "_" at any alignment, so this body is base64url, not plain base64.
    ['base64url of the envelope', 'encoded_body', Buffer.from(d((x) => { x.debugContext.debugData.note = 'ÿÿÿÿ'; })).toString('base64url')],
    ['envelope encoded twice (a JSON string)', 'encoded_body', JSON.stringify(valid)],
    // JSON, not an envelope object.
    ['JSON null', 'not_an_object', 'null'],
    ['JSON number', 'not_an_object', '42'],
    ['JSON string', 'not_an_object', '"SystemLog"'],
    ['JSON boolean', 'not_an_object', 'true'],
    ['JSON array holding the envelope', 'not_an_object', `[${valid}]`],
    ['empty JSON array', 'not_an_object', '[]'],
    // Envelope shape and tenant isolation.
    ['detail-type missing', 'wrong_detail_type', variant(expect, (e) => { delete e['detail-type']; })],
    ['detail-type of another event', 'wrong_detail_type', variant(expect, (e) => { e['detail-type'] = 'Scheduled Event'; })],
    ['detail-type in lower case', 'wrong_detail_type', variant(expect, (e) => { e['detail-type'] = 'systemlog'; })],
    ['detail-type key spelled detailType', 'wrong_detail_type', variant(expect, (e) => { e.detailType = e['detail-type']; delete e['detail-type']; })],
    ['source of another integration of the org', 'foreign_source', variant(expect, (e) => { e.source = `${src}-siem`; })],
    ['source of another Okta org', 'foreign_source', variant(expect, (e) => { e.source = `aws.partner/okta.com/${expect.oktaOrg}-partner/${expect.eventSourceName}`; })],
    ['source of another SaaS partner', 'foreign_source', variant(expect, (e) => { e.source = `aws.partner/auth0.com/${expect.oktaOrg}/logs`; })],
    ['source with a trailing space', 'foreign_source', variant(expect, (e) => { e.source = `${src} `; })],
    ['source with the org in upper case', 'foreign_source', variant(expect, (e) => { e.source = src.replace(`/${expect.oktaOrg}/`, `/${expect.oktaOrg.toUpperCase()}/`); })],
    ['source missing', 'foreign_source', variant(expect, (e) => { delete e.source; })],
    ['duplicate source key, the last one foreign', 'foreign_source', valid.replace(/}$/, `,"source":"aws.partner/okta.com/${expect.oktaOrg}-partner/${expect.eventSourceName}"}`)],
    ['account of another AWS account', 'foreign_account', variant(expect, (e) => { e.account = expect.awsAccountId === '123456789012' ? '210987654321' : '123456789012'; })],
    ['account as an array nested 5,000 deep', 'foreign_account', spliced(expect, (e) => { e.account = '__SPLICE__'; }, `${'['.repeat(5000)}${']'.repeat(5000)}`)],
    ['account as a JSON number', 'foreign_account', variant(expect, (e) => { e.account = Number(expect.awsAccountId); })],
    ['region of another AWS region', 'foreign_region', variant(expect, (e) => { e.region = expect.awsRegion === 'eu-west-3' ? 'ap-south-1' : 'eu-west-3'; })],
    ['region in upper case', 'foreign_region', variant(expect, (e) => { e.region = expect.awsRegion.toUpperCase(); })],
    ['detail missing', 'missing_detail', variant(expect, (e) => { delete (e as Record<string, unknown>).detail; })],
    ['detail is the event as a JSON string', 'missing_detail', variant(expect, (e) => { (e as Record<string, unknown>).detail = JSON.stringify(e.detail); })],
    ['detail is an array', 'missing_detail', variant(expect, (e) => { (e as Record<string, unknown>).detail = [e.detail]; })],
    ['detail is null', 'missing_detail', variant(expect, (e) => { (e as Record<string, unknown>).detail = null; })],
    // The event's fields.
    ['uuid missing', 'missing_uuid', d((x) => { delete x.uuid; })],
    ['uuid is a number', 'missing_uuid', d((x) => { x.uuid = 5381; })],
    ['uuid malformed (a group short)', 'missing_uuid', d((x) => { x.uuid = '5b8e1f3a-c2d4-11f1-a7b3'; })],
    ['uuid empty', 'missing_uuid', d((x) => { x.uuid = ''; })],
    ['published missing', 'bad_published', d((x) => { delete x.published; })],
    ['published as epoch milliseconds', 'bad_published', d((x) => { x.published = Date.parse(PUBLISHED); })],
    ['published "1" (Date.parse reads it as 2001)', 'bad_published', d((x) => { x.published = '1'; })],
    ['published without an offset (would be read as local time)', 'bad_published', d((x) => { x.published = '2026-11-02T09:15:04.512'; })],
    ['published at the end of JavaScript time (+275760)', 'bad_published', d((x) => { x.published = '+275760-09-13T00:00:00.000Z'; })],
    ['published on 30 February', 'bad_published', d((x) => { x.published = '2026-02-30T10:00:00Z'; })],
    ['published as a date only', 'bad_published', d((x) => { x.published = '2026-11-02'; })],
    ['published at hour 24', 'bad_published', d((x) => { x.published = '2026-11-02T24:00:00Z'; })],
    ['published on a leap second', 'bad_published', d((x) => { x.published = '2016-12-31T23:59:60Z'; })],
    ['published before 1970', 'bad_published', d((x) => { x.published = '1969-12-31T23:59:59Z'; })],
    ['published with lower-case t and z', 'bad_published', d((x) => { x.published = '2026-11-02t09:15:04z'; })],
    ['published with an offset without colon', 'bad_published', d((x) => { x.published = '2026-11-02T09:15:04+0200'; })],
    ['published in RFC 2822 form', 'bad_published', d((x) => { x.published = 'Mon, 02 Nov 2026 09:15:04 GMT'; })],
    ['published in year 9999 (far future)', 'published_in_future', d((x) => { x.published = '9999-12-31T23:59:59Z'; })],
    ['published beyond the allowed clock skew', 'published_in_future', d((x) => { x.published = later(DEFAULT_FUTURE_SKEW_MS + 10 * 60_000); })],
    ['eventType missing', 'missing_event_type', d((x) => { delete x.eventType; })],
    ['eventType empty', 'missing_event_type', d((x) => { x.eventType = ''; })],
    ['eventType is a number', 'missing_event_type', d((x) => { x.eventType = 7; })],
    // What PostgreSQL's jsonb would refuse, or JSON.stringify could not write.
    ['NUL in a nested string', 'nul_character', d((x) => { x.debugContext.debugData.requestUri = '/app/box/sso\u0000/saml'; })],
    ['NUL in a key', 'nul_character', d((x) => { x.debugContext.debugData['behaviors\u0000'] = 'none'; })],
    ['NUL in a string of an array', 'nul_character', d((x) => { (x.target as { displayName: string }[])[1].displayName = 'Margot\u0000'; })],
    ['NUL at the end of eventType', 'nul_character', d((x) => { x.eventType = 'user.authentication.sso\u0000'; })],
    ['lone high surrogate (escaped)', 'unpaired_surrogate', d((x) => { x.displayMessage = 'User single sign on \ud83d'; })],
    ['lone low surrogate (escaped)', 'unpaired_surrogate', d((x) => { x.displayMessage = '\ude00 User single sign on'; })],
    ['surrogate pair in the wrong order', 'unpaired_surrogate', d((x) => { x.displayMessage = 'on to app \ude00\ud83d'; })],
    ['lone surrogate in a key', 'unpaired_surrogate', d((x) => { x.debugContext.debugData['\ud800risk'] = 'LOW'; })],
    ['lone surrogate as a raw character', 'unpaired_surrogate', valid.replace('Margot Dupuis', 'Margot \ud800Dupuis')],
    ['nesting 5,000 deep', 'too_deep', spliced(expect, (e) => { e.detail.debugContext.debugData.payload = '__SPLICE__'; }, `${'['.repeat(5000)}${']'.repeat(5000)}`)],
    ['nesting one level over the limit', 'too_deep', d((x) => { x.nested = chain(MAX_EVENT_DEPTH); })],
    ['nesting over the limit inside the target array', 'too_deep', d((x) => { (x.target as Record<string, unknown>[])[0].detailEntry = chain(MAX_EVENT_DEPTH); })],
  ];
  return entries.map(([kind, expectedCode, body]) => ({ kind, body, expectedCode, sqsDeliverable: sqsDeliverable(body) }));
}

/** Awkward but valid bodies: each must be accepted, and stored as it is. Their uuids are distinct. */
export function validMessages(expect: EnvelopeExpectation): ValidMessage[] {
  let n = 0;
  const d = (change: (detail: Envelope['detail']) => void) =>
    variant(expect, (e) => {
      e.detail.uuid = `5b8e1f3a-c2d4-11f1-a7b3-${(0x2e4f6a8c0e00 + ++n).toString(16)}`;
      change(e.detail);
    });
  const entries: [string, string][] = [
    ['as Okta sends it', d(() => {})],
    ['accented, CJK and right-to-left names', d((x) => { x.actor = { ...(x.actor as object), displayName: 'Zoë Ōtani 大谷 زوي' }; })],
    ['emoji (raw surrogate pairs)', d((x) => { x.displayMessage = 'User single sign on to app 🔐🚀'; })],
    ['emoji written as escaped surrogate pairs', d((x) => { x.displayMessage = '__EMOJI__'; }).replace('__EMOJI__', '\\ud83d\\udd10')],
    ['non-ASCII written as escapes', d((x) => { x.displayMessage = '__ESC__'; }).replace('__ESC__', 'caf\\u00e9 \\u65e5\\u672c')],
    ['the text \\u0000, not a NUL', d((x) => { x.debugContext.debugData.requestUri = '/search?q=\\u0000'; })],
    ['nesting exactly at the limit', d((x) => { x.nested = chain(MAX_EVENT_DEPTH - 1); })],
    ['published with a +02:00 offset', d((x) => { x.published = '2026-11-02T11:15:04.512+02:00'; })],
    ['published with a -05:30 offset and no fraction', d((x) => { x.published = '2026-11-02T03:45:04-05:30'; })],
    ['published with microseconds', d((x) => { x.published = '2026-11-02T09:15:04.512345Z'; })],
    ['published with nanoseconds', d((x) => { x.published = '2026-11-02T09:15:04.512345678Z'; })],
    ['published on 29 February of a leap year', d((x) => { x.published = '2024-02-29T12:00:00Z'; })],
    ['published in 1970', d((x) => { x.published = '1970-01-01T00:00:00Z'; })],
    ['unknown extra fields, nulls and large numbers', d((x) => { x.extension = { score: 1e308, tiny: -1e-308, none: null, list: [] }; })],
    ['just under the size limit', d((x) => { x.debugContext.debugData.padding = 'y'.repeat(MAX_MESSAGE_BYTES - 4096); })],
  ];
  return entries.map(([kind, body]) => ({ kind, body, sqsDeliverable: sqsDeliverable(body) }));
}

// Names what an SQS body is when it is not a JSON envelope object, so an operator reading the quarantine sees
// "gzip-compressed" or "two envelopes, one per line" rather than only the parser's complaint. Runs only on bodies
// JSON.parse refused or that parsed to something other than an object: the hot path never comes here.
import type { EnvelopeResult, QuarantineReasonCode } from './envelope.js';
import { shown } from './log-event-check.js';

const reject = (code: QuarantineReasonCode, reason: string): EnvelopeResult => ({ ok: false, code, reason });

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;
const UTF8_BOM = '\uFEFF';
/** The UTF-8 byte order mark read as Latin-1 / Windows-1252 (EF BB BF). */
const MISREAD_BOM = '\u00EF\u00BB\u00BF';

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** gzip or zlib by their magic bytes (zlib: CM 8, and the header checksum RFC 1950 requires). */
function compression(b0: number, b1: number): 'gzip' | 'zlib' | undefined {
  if (b0 === 0x1f && b1 === 0x8b) return 'gzip';
  if ((b0 & 0x0f) === 8 && b0 >> 4 <= 7 && ((b0 << 8) | b1) % 31 === 0) return 'zlib';
  return undefined;
}

/** What an encoded body holds, judged from its first decoded bytes; undefined when it does not look encoded. */
function encodingOf(body: string): string | undefined {
  // Raw compressed bytes carried as text: each byte a Latin-1 character, or bytes above 0x7f lost to U+FFFD.
  if (body.length >= 2) {
    const [c0, c1] = [body.charCodeAt(0), body.charCodeAt(1)];
    const kind = c1 === 0xfffd ? (c0 === 0x1f ? 'gzip' : c0 === 0x78 ? 'zlib' : undefined) : c1 <= 0xff ? compression(c0, c1) : undefined;
    // eslint-disable-next-line no-control-regex -- looking for control bytes is the point
    if (kind === 'gzip' || (kind === 'zlib' && /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\ufffd]/.test(body))) {
      return `${kind}-compressed bytes`;
    }
  }
  const text = body.trim();
  if (text.length < 8) return undefined;
  const alphabet = BASE64.test(text) ? 'base64' : BASE64URL.test(text) ? 'base64url' : undefined;
  if (!alphabet) return undefined;
  const bytes = Buffer.from(text, alphabet);
  const kind = bytes.length >= 2 ? compression(bytes[0], bytes[1]) : undefined;
  if (kind) return `${alphabet}-encoded ${kind}-compressed data`;
  const decoded = bytes.toString('utf8').trim();
  if ((decoded.startsWith('{') || decoded.startsWith('[')) && parses(decoded)) return `${alphabet}-encoded JSON`;
  return undefined;
}

/** JSON lines: two or more non-empty lines, each a JSON document of its own. */
function jsonLines(body: string): number {
  const lines = body.split(/\r?\n/).filter((l) => l.trim() !== '');
  return lines.length >= 2 && lines.every(parses) ? lines.length : 0;
}

/** The verdict on a body JSON.parse refused. */
export function explainUnparsable(body: string, error: unknown): EnvelopeResult {
  if (body.trim() === '') return reject('not_json', body === '' ? 'body is empty' : 'body is only whitespace');
  // A byte order mark is refused rather than stripped: EventBridge never writes one, so a body that has it came
  // from some other producer, and quarantining it (replayable) keeps the queue's contract exactly what Okta sends.
  for (const bom of [UTF8_BOM, MISREAD_BOM]) {
    if (body.startsWith(bom) && parses(body.slice(bom.length))) {
      return reject('byte_order_mark', `body starts with a UTF-8 byte order mark${bom === MISREAD_BOM ? ' (read as Latin-1: "ï»¿")' : ''} before its JSON; EventBridge never writes one`);
    }
  }
  const encoding = encodingOf(body);
  if (encoding) return reject('encoded_body', `body is ${encoding}, not the plain JSON envelope EventBridge delivers`);
  const documents = jsonLines(body);
  if (documents) {
    return reject('multiple_documents', `body holds ${documents} JSON documents, one per line; an SQS message carries exactly one EventBridge envelope`);
  }
  return reject('not_json', `body is not JSON: ${(error as Error).message}`);
}

/** The verdict on a body that is JSON but not an object. */
export function explainNotAnObject(parsed: unknown): EnvelopeResult {
  if (typeof parsed === 'string') {
    const inner = parsed.trim();
    if (inner.startsWith('{') && parses(inner)) {
      return reject('encoded_body', 'body is a JSON string holding a JSON object (the envelope encoded twice)');
    }
  }
  const what = parsed === null ? 'null' : Array.isArray(parsed) ? `an array of ${parsed.length}` : `${typeof parsed} ${shown(parsed)}`;
  return reject('not_an_object', `body is JSON (${what}) but not an EventBridge envelope object`);
}

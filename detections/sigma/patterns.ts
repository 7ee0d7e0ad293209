/**
 * Building blocks of value matching, all linear in the value: wildcard patterns (through `wildcard.ts`, no RegExp),
 * RE2 regular expressions, CIDR ranges, and the string encodings of the `windash`, `wide`/`utf16*` and
 * `base64`/`base64offset` modifiers.
 */
import { BlockList, isIP } from 'node:net';
import { RE2JS } from 're2js';
import { equalsIgnoreCase } from '../fields.js';
import { globTest, type Piece, type TextTest } from './wildcard.js';

/** Longest wildcard value, keyword or `|re` pattern a rule may hold, in characters as written; longer is refused. */
export const MAX_PATTERN_LENGTH = 4096;
/**
 * Only this many leading characters (UTF-16 code units) of a field value, or of the event's JSON text for keywords,
 * are matched by wildcard, keyword and `|re` values: a longer value is cut to them first. `cidr`, `exists` and `null`
 * look at the whole value.
 */
export const MAX_VALUE_LENGTH = 65_536;

export function head(text: string): string {
  return text.length > MAX_VALUE_LENGTH ? text.slice(0, MAX_VALUE_LENGTH) : text;
}

/** `contains` puts `*` on both sides, `startswith` after, `endswith` before (each only where none is yet). */
export function applyPosition(pieces: readonly Piece[], position: 'contains' | 'startswith' | 'endswith' | undefined): Piece[] {
  const before = position === 'contains' || position === 'endswith';
  const after = position === 'contains' || position === 'startswith';
  const out: Piece[] = [...(before && pieces[0] !== '*' ? ['*' as const] : []), ...pieces];
  if (after && out[out.length - 1] !== '*') out.push('*');
  // Collapse runs of '*' so the fast paths below see the common shapes.
  return out.filter((piece, i) => !(piece === '*' && out[i - 1] === '*'));
}

/** A whole-value matcher; case-insensitive unless `cased`. */
export function compilePattern(pieces: readonly Piece[], cased: boolean): TextTest {
  const norm = (text: string) => (cased ? text : text.toLowerCase());
  const literals = pieces.map((piece) => (typeof piece === 'string' ? undefined : norm(piece.literal)));
  const shape = pieces.map((piece) => (typeof piece === 'string' ? piece : 'L')).join('');

  if (shape === '') return (text) => text === '';
  if (shape === 'L') {
    const wanted = literals[0]!;
    // The common Sigma value (`outcome.result: FAILURE`): compared in place, without a lower-cased copy per event.
    // A length difference settles it, except for the rare characters whose lower case is longer (U+0130).
    if (cased) return (text) => text === wanted;
    return (text) => (text.length === wanted.length ? equalsIgnoreCase(text, wanted) : text.length < wanted.length && !isAscii(text) && text.toLowerCase() === wanted);
  }
  if (shape === '*') return () => true;
  if (shape === '*L*') {
    const wanted = literals[1]!;
    return (text) => norm(text).includes(wanted);
  }
  if (shape === 'L*') {
    const wanted = literals[0]!;
    return (text) => norm(text).startsWith(wanted);
  }
  if (shape === '*L') {
    const wanted = literals[1]!;
    return (text) => norm(text).endsWith(wanted);
  }
  const test = globTest(cased ? pieces : pieces.map((piece) => (typeof piece === 'string' ? piece : { literal: norm(piece.literal) })));
  return cased ? test : (text) => test(text.toLowerCase());
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return false;
  return true;
}

export function hasWildcard(pieces: readonly Piece[]): boolean {
  return pieces.some((piece) => typeof piece === 'string');
}

export function literalLength(pieces: readonly Piece[]): number {
  return pieces.reduce((sum, piece) => sum + (typeof piece === 'string' ? 1 : piece.literal.length), 0);
}

// ---------------------------------------------------------------------------------------------------------------
// Regular expressions

const RE2_FLAGS: Readonly<Record<string, number>> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL };

/**
 * Compiles for RE2 (re2js): linear time in the value, no backtracking. JavaScript spellings RE2 lacks (`\uXXXX`,
 * `\/`, `(?<name>…)`) are translated first. Throws on a pattern RE2 cannot parse.
 */
export function compileRe2(text: string, flags: string): RE2JS {
  let bits = 0;
  for (const flag of flags) bits |= RE2_FLAGS[flag] ?? 0;
  return RE2JS.compile(RE2JS.translateRegExp(text), bits);
}

/** A value inserted into a regular expression, matched literally. */
export function quoteRe2(value: string): string {
  return RE2JS.quote(value);
}

/** 'backreference' (`\1`, `\k<name>`) or 'lookaround' (`(?=`, `(?!`, `(?<=`, `(?<!`) outside a character class. */
export function unsupportedRegexFeature(text: string): 'backreference' | 'lookaround' | undefined {
  let inClass = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') {
      const next = text[i + 1] ?? '';
      if (!inClass && ((next >= '1' && next <= '9') || (next === 'k' && text[i + 2] === '<'))) return 'backreference';
      i++;
    } else if (inClass) {
      if (ch === ']') inClass = false;
    } else if (ch === '[') {
      inClass = true;
      if (text[i + 1] === ']') i++; // a leading ] is literal in RE2
    } else if (ch === '(' && text[i + 1] === '?') {
      const rest = text.slice(i + 2, i + 4);
      if (rest.startsWith('=') || rest.startsWith('!') || rest === '<=' || rest === '<!') return 'lookaround';
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// CIDR ranges

/** A test of addresses against one range (`10.0.0.0/8`, `2001:db8::/32`, or one address); undefined if invalid. */
export function cidrTest(text: string): TextTest | undefined {
  const [address, prefixText, ...rest] = text.trim().split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return undefined;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  if (prefixText === undefined) {
    list.addAddress(address, type);
  } else {
    const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
    if (!(prefix >= 0 && prefix <= (family === 4 ? 32 : 128))) return undefined;
    list.addSubnet(address, prefix, type);
  }
  return (value) => {
    const candidate = value.trim();
    const candidateFamily = isIP(candidate);
    if (candidateFamily === 0) return false;
    return list.check(candidate, candidateFamily === 4 ? 'ipv4' : 'ipv6');
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Encodings

/** The characters `windash` treats as one: hyphen, slash, en dash, em dash, horizontal bar. */
const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];
const DASH = /[-/\u2013\u2014\u2015]/g;

/** Every dash-like character as '-': a windash value and the text are both normalised, so any one matches any. */
export function normaliseDashes(text: string): string {
  return text.replace(DASH, '-');
}

/**
 * Explicit windash permutations (needed when an encoding follows): each dash-like character of the literals is
 * replaced by each of the five in turn. Undefined past `limit` variants.
 */
export function dashVariants(pieces: readonly Piece[], limit: number): Piece[][] | undefined {
  let variants: Piece[][] = [[]];
  for (const piece of pieces) {
    if (typeof piece === 'string') {
      variants.forEach((variant) => variant.push(piece));
      continue;
    }
    let texts = [''];
    for (const ch of piece.literal) {
      const options = DASHES.includes(ch) ? DASHES : [ch];
      if (texts.length * options.length * variants.length > limit) return undefined;
      texts = texts.flatMap((text) => options.map((option) => text + option));
    }
    variants = variants.flatMap((variant) => texts.map((text) => [...variant, { literal: text }]));
  }
  return variants;
}

/** UTF-16 of the text as a byte string (one character per byte, 0–255), little- or big-endian. */
export function utf16Bytes(text: string, endian: 'le' | 'be'): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const low = String.fromCharCode(unit & 0xff);
    const high = String.fromCharCode(unit >> 8);
    out += endian === 'le' ? low + high : high + low;
  }
  return out;
}

/** The byte order mark UTF-16 little-endian starts with, as a byte string. */
export const UTF16_BOM = '\xff\xfe';

/** Bytes of a literal: a byte string as is (after an utf16 modifier), any other text as UTF-8. */
export function bytesOf(text: string, isByteString: boolean): Buffer {
  return isByteString ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');
}

/**
 * The three base64 forms of `bytes` found inside a longer base64 text, whichever of the three positions modulo 3 the
 * bytes start at: the characters that also depend on neighbouring bytes are cut off at both ends. Empty forms (a
 * value too short to leave a character of its own) are left out.
 */
export function base64Offsets(bytes: Buffer): string[] {
  const forms: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    const start = [0, 2, 3][shift];
    const rest = (shift + bytes.length) % 3;
    const end = encoded.length - [0, 3, 2][rest];
    const form = encoded.slice(start, Math.max(start, end));
    if (form !== '') forms.push(form);
  }
  return forms;
}

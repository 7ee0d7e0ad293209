/**
 * One value of a field condition, under its modifiers, as a test of one text of the field.
 *
 * A value written once may stand for several (placeholders, `windash` and `base64offset` variants): the test is an
 * OR over them, as in pySigma, where such expansions are OR-groups inside the value list. A value whose placeholder
 * is unset stands for nothing and matches nothing.
 */
import type { Scalar } from 'yaml';
import { field, type Field } from '../fields.js';
import type { OktaLogEvent } from '../types.js';
import type { CompileContext } from './detection.js';
import type { Modifiers, Position, TimePart } from './modifiers.js';
import {
  MAX_PATTERN_LENGTH,
  UTF16_BOM,
  applyPosition,
  base64Offsets,
  bytesOf,
  cidrTest,
  compilePattern,
  compileRe2,
  dashVariants,
  hasWildcard,
  head,
  normaliseDashes,
  quoteRe2,
  unsupportedRegexFeature,
  utf16Bytes,
} from './patterns.js';
import { ExpansionError, expandPlaceholders, placeholderNames } from './placeholders.js';
import { parseWildcards, type Piece } from './wildcard.js';

/** Tests one text of the field; `event` is there for `fieldref`. */
export type TextMatcher = (text: string, event: OktaLogEvent) => boolean;

/** "The field has no value" (`null`), or a test of each of the field's texts. */
export type ValueTest = { readonly absent: true } | { readonly absent: false; readonly test: TextMatcher };

/** Most variants (windash, base64offset, placeholder values) one written value may stand for. */
const MAX_VARIANTS = 1024;

const NOTHING: TextMatcher = () => false;

export function compileValue(node: Scalar, modifiers: Modifiers, key: string, ctx: CompileContext): ValueTest {
  if (node.value === null || node.value === undefined) {
    if (modifiers.kind !== 'string' || modifiers.steps.length > 0) ctx.fail(node, `compares null with modifiers in '${key}'`);
    return { absent: true };
  }
  switch (modifiers.kind) {
    case 'compare':
      return { absent: false, test: compileComparison(node, modifiers, key, ctx) };
    case 'time':
      return { absent: false, test: compileTimePart(node, modifiers.timePart!, key, ctx) };
    case 'fieldref':
      return { absent: false, test: compileFieldRef(node, modifiers, key, ctx) };
    default:
      break;
  }
  const written = scalarText(node, key, ctx);
  checkPatternLength(written, node, key, ctx);
  const texts = expandedTexts(written, node, modifiers, key, ctx);
  if (texts.length === 0) return { absent: false, test: NOTHING };
  let tests: TextMatcher[];
  switch (modifiers.kind) {
    case 're':
      tests = texts.map((text) => {
        const regex = compileRegex(text, modifiers.regexFlags, node, key, ctx);
        return (value: string) => regex.test(head(value));
      });
      break;
    case 'cidr':
      tests = texts.map((text) => cidrTest(text) ?? ctx.fail(node, `has an invalid CIDR range '${text}' in '${key}'`));
      break;
    default:
      tests = texts.flatMap((text) => compileString(text, modifiers, node, key, ctx));
  }
  const anyTest: TextMatcher = (text, event) => {
    for (let i = 0; i < tests.length; i++) if (tests[i](text, event)) return true;
    return false;
  };
  return { absent: false, test: tests.length === 1 ? tests[0] : anyTest };
}

/** Placeholders substituted (with `expand`), or the value as written. */
function expandedTexts(written: string, node: Scalar, modifiers: Modifiers, key: string, ctx: CompileContext): string[] {
  if (!modifiers.expand) return [written];
  const names = placeholderNames(written);
  for (const name of names) ctx.usePlaceholder?.(name);
  if (names.length === 0) return [written.replaceAll('\\%', '%')];
  try {
    const texts = expandPlaceholders(written, ctx.placeholders, modifiers.kind === 're' ? quoteRe2 : undefined);
    if (texts.length > MAX_VARIANTS) throw new ExpansionError(`expands to ${texts.length} values, more than ${MAX_VARIANTS}`);
    for (const text of texts) checkPatternLength(text, node, key, ctx);
    return texts;
  } catch (error) {
    if (error instanceof ExpansionError) ctx.fail(node, `has a value '${written}' in '${key}' that ${error.message}`, 'placeholder expansion');
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Strings and their transformations

interface Variant {
  readonly pieces: Piece[];
  /** The literals are bytes (after `wide`/`utf16*`), one character per byte. */
  readonly bytes: boolean;
  /** Compared exactly: `cased`, or a base64 text (whose letter case is part of the bytes it encodes). */
  readonly cased: boolean;
  /** `windash` with no encoding after it: dash-like characters are normalised on both sides instead of expanded. */
  readonly dashes: boolean;
}

function compileString(text: string, modifiers: Modifiers, node: Scalar, key: string, ctx: CompileContext): TextMatcher[] {
  let variants: Variant[] = [{ pieces: parseWildcards(text), bytes: false, cased: modifiers.cased, dashes: false }];
  const steps = modifiers.steps;
  const fail = (detail: string, feature?: string): never => ctx.fail(node, `${detail} in '${key}'`, feature);
  steps.forEach((step, i) => {
    const encodingFollows = steps.slice(i + 1).some((later) => later !== 'contains' && later !== 'startswith' && later !== 'endswith');
    let next: Variant[];
    switch (step) {
      case 'contains':
      case 'startswith':
      case 'endswith':
        next = variants.map((variant) => ({ ...variant, pieces: applyPosition(variant.pieces, step) }));
        break;
      case 'windash':
        if (!encodingFollows) {
          next = variants.map((variant) => ({ ...variant, pieces: variant.pieces.map(dashPiece), dashes: true }));
          break;
        }
        next = variants.flatMap((variant) => {
          const expanded = dashVariants(variant.pieces, MAX_VARIANTS);
          if (!expanded) return fail(`has a value '${text}' with more windash variants than ${MAX_VARIANTS}`, 'windash variants');
          return expanded.map((pieces) => ({ ...variant, pieces }));
        });
        break;
      case 'utf16le':
      case 'utf16be':
      case 'utf16':
        next = variants.map((variant) => {
          const endian = step === 'utf16be' ? 'be' : 'le';
          const pieces = variant.pieces.map((piece) => (typeof piece === 'string' ? piece : { literal: utf16Bytes(piece.literal, endian) }));
          if (step === 'utf16') pieces.unshift({ literal: UTF16_BOM });
          return { ...variant, pieces: mergeLiterals(pieces), bytes: true };
        });
        break;
      case 'base64':
      case 'base64offset':
        next = variants.flatMap((variant) => {
          if (hasWildcard(variant.pieces)) fail(`has a value '${text}' with wildcards, which '${step}' cannot encode`);
          const bytes = bytesOf(literalOf(variant.pieces), variant.bytes);
          const forms = step === 'base64' ? [bytes.toString('base64')] : base64Offsets(bytes);
          if (forms.length === 0) fail(`has a value '${text}' too short for '${step}'`);
          return forms.map((form) => ({ pieces: [{ literal: form }], bytes: false, cased: true, dashes: false }));
        });
        break;
    }
    if (next.length > MAX_VARIANTS) fail(`has a value '${text}' that stands for more than ${MAX_VARIANTS} variants`, 'value variants');
    variants = next;
  });
  return variants.map((variant) => {
    const test = compilePattern(variant.pieces, variant.cased);
    return variant.dashes ? (value: string) => test(normaliseDashes(head(value))) : (value: string) => test(head(value));
  });
}

function dashPiece(piece: Piece): Piece {
  return typeof piece === 'string' ? piece : { literal: normaliseDashes(piece.literal) };
}

function literalOf(pieces: readonly Piece[]): string {
  return pieces.map((piece) => (typeof piece === 'string' ? '' : piece.literal)).join('');
}

function mergeLiterals(pieces: readonly Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const piece of pieces) {
    const last = out[out.length - 1];
    if (typeof piece !== 'string' && last !== undefined && typeof last !== 'string') out[out.length - 1] = { literal: last.literal + piece.literal };
    else out.push(piece);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Regular expressions

/**
 * `|re` patterns run on RE2: what it cannot run (backreferences, lookahead and lookbehind) or cannot parse is
 * refused here, at load, not when an event comes.
 */
function compileRegex(text: string, flags: string, node: Scalar, key: string, ctx: CompileContext) {
  // Checked on the pattern as written: the translation would quietly turn `\k<name>` into the letter k.
  const unsupported = unsupportedRegexFeature(text);
  if (unsupported) {
    ctx.fail(
      node,
      `has a regular expression '${text}' in '${key}' with a ${unsupported}, which linear-time matching (RE2) cannot run`,
      `regular expression ${unsupported}`,
    );
  }
  try {
    return compileRe2(text, flags);
  } catch (error) {
    return ctx.fail(node, `has an invalid regular expression '${text}' in '${key}': ${(error as Error).message}`, 'regular expression');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Numbers, dates and other fields

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

/** A field text as a number, when it is written as one ('42', '-1.5', '1e3'); NaN otherwise. */
export function numberOf(text: string): number {
  const trimmed = text.trim();
  return NUMBER.test(trimmed) ? Number(trimmed) : NaN;
}

function compileComparison(node: Scalar, modifiers: Modifiers, key: string, ctx: CompileContext): TextMatcher {
  const wanted = node.value;
  if (typeof wanted !== 'number' || !Number.isFinite(wanted)) {
    return ctx.fail(node, `compares '${key}' with '${String(wanted)}', which is not a number (write it unquoted)`);
  }
  switch (modifiers.comparison) {
    case 'gt':
      return (text) => numberOf(text) > wanted;
    case 'gte':
      return (text) => numberOf(text) >= wanted;
    case 'lt':
      return (text) => numberOf(text) < wanted;
    default:
      return (text) => numberOf(text) <= wanted;
  }
}

const ISO_DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * An ISO-8601 date or date-time in epoch ms; one without an offset is read as UTC, never in the machine's time zone
 * (Okta writes `published` in UTC with a Z). NaN for anything else.
 */
export function timestampOf(text: string): number {
  const parsed = ISO_DATE.exec(text.trim());
  if (!parsed) return NaN;
  const [, date, time, zone] = parsed;
  if (time === undefined) return Date.parse(`${date}T00:00:00Z`);
  const offset = zone === undefined ? 'Z' : zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  return Date.parse(`${date}T${time}${offset}`);
}

const TIME_RANGES: Readonly<Record<TimePart, readonly [number, number]>> = {
  minute: [0, 59],
  hour: [0, 23],
  day: [1, 31],
  week: [1, 53],
  month: [1, 12],
  year: [1, 9999],
};

/** `published|hour: 3`: the field read as a date (UTC), and the part compared with the value. */
function compileTimePart(node: Scalar, part: TimePart, key: string, ctx: CompileContext): TextMatcher {
  const wanted = node.value;
  const [low, high] = TIME_RANGES[part];
  if (typeof wanted !== 'number' || !Number.isInteger(wanted) || wanted < low || wanted > high) {
    return ctx.fail(node, `compares the ${part} of '${key}' with '${String(wanted)}', which is not a whole number from ${low} to ${high}`);
  }
  return (text) => {
    const time = timestampOf(text);
    return !Number.isNaN(time) && timePartOf(new Date(time), part) === wanted;
  };
}

export function timePartOf(date: Date, part: TimePart): number {
  switch (part) {
    case 'minute':
      return date.getUTCMinutes();
    case 'hour':
      return date.getUTCHours();
    case 'day':
      return date.getUTCDate();
    case 'month':
      return date.getUTCMonth() + 1;
    case 'year':
      return date.getUTCFullYear();
    case 'week': {
      // ISO week: the week (Monday to Sunday) holding the year's first Thursday is week 1.
      const day = (date.getUTCDay() + 6) % 7;
      const thursday = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - day + 3);
      const yearStart = Date.UTC(new Date(thursday).getUTCFullYear(), 0, 1);
      return Math.floor((thursday - yearStart) / (7 * 86_400_000)) + 1;
    }
  }
}

/**
 * `fieldref`: the value names another field of the same event; any text of this field must equal (or, with
 * contains/startswith/endswith, contain, start or end with) any text of that one. Case-insensitive unless `cased`.
 */
function compileFieldRef(node: Scalar, modifiers: Modifiers, key: string, ctx: CompileContext): TextMatcher {
  const path = typeof node.value === 'string' ? node.value.trim() : '';
  if (path === '' || /(?<!\\)[*?]/.test(path)) ctx.fail(node, `refers with '${key}' to '${String(node.value)}', which is not a field name`);
  let other: Field;
  try {
    other = field(path);
  } catch (error) {
    return ctx.fail(node, `refers with '${key}' to an invalid field name '${path}': ${(error as Error).message}`);
  }
  const positions = new Set<Position>(modifiers.steps as Position[]);
  // Like `*` before and after a string: endswith allows anything before the other field's value, startswith after.
  const anyBefore = positions.has('contains') || positions.has('endswith');
  const anyAfter = positions.has('contains') || positions.has('startswith');
  const norm = modifiers.cased ? (text: string) => head(text) : (text: string) => head(text).toLowerCase();
  const compare = (text: string, wanted: string): boolean => {
    if (anyBefore && anyAfter) return text.includes(wanted);
    if (anyAfter) return text.startsWith(wanted);
    if (anyBefore) return text.endsWith(wanted);
    return text === wanted;
  };
  return (text, event) => {
    const mine = norm(text);
    return other.texts(event).some((theirs) => compare(mine, norm(theirs)));
  };
}

// ---------------------------------------------------------------------------------------------------------------

/** Numbers keep their spelling in the rule (`0x17`, `1.0`); booleans become 'true'/'false'. */
export function scalarText(node: Scalar, key: string, ctx: CompileContext): string {
  const { value } = node;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return typeof node.source === 'string' && node.source !== '' ? node.source : String(value);
  if (typeof value === 'boolean') return String(value);
  return ctx.fail(node, `has a value of an unsupported type in '${key}'`);
}

export function checkPatternLength(text: string, node: Scalar, key: string, ctx: CompileContext): void {
  if (text.length > MAX_PATTERN_LENGTH) {
    ctx.fail(
      node,
      `has a pattern of ${text.length} characters in '${key}', longer than the limit of ${MAX_PATTERN_LENGTH}`,
      'pattern length',
    );
  }
}

/**
 * Compiles Sigma search identifiers (the named parts of `detection`) into event predicates.
 *
 * - A map is an AND of field conditions; a list of maps is an OR of the maps; a list of plain values is a keyword
 *   search over the whole event (its JSON text, case-insensitively).
 * - A field condition is `path|modifier|…: value or [values]`; several values are OR-ed (AND-ed with `|all`).
 *   Paths go through `fields.ts`: dotted, case-insensitive keys, any element of arrays, packed debugData strings.
 * - Plain values compare case-insensitively (`|cased` to compare exactly), with `*` and `?` wildcards and `\` escapes;
 *   numbers and booleans compare as text, so `'true'` matches a JSON `true`. `null` means missing or null.
 * - Modifiers: contains, startswith, endswith, re (with i/m/s), cidr, exists, all, cased. Anything else is refused.
 * - Matching takes linear time whatever the rule or the event hold: wildcards go through `wildcard.ts` (no RegExp),
 *   `|re` through RE2 (re2js), which refuses backreferences and lookaround at load. A pattern longer than
 *   MAX_PATTERN_LENGTH is refused at load; only the first MAX_VALUE_LENGTH characters of a value are matched.
 *
 * Each compiled selection also reports the eventTypes it can match, when it pins `eventType`, so the engine only
 * shows the rule those events.
 */
import { BlockList, isIP } from 'node:net';
import { RE2JS } from 're2js';
import { isMap, isPair, isScalar, isSeq, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { field, type Field } from '../fields.js';
import type { OktaLogEvent } from '../types.js';
import { globTest, parseWildcards, type Piece, type TextTest } from './wildcard.js';

export type EventMatcher = (event: OktaLogEvent) => boolean;

/** Longest wildcard value, keyword or `|re` pattern a rule may hold, in characters as written; longer is refused. */
export const MAX_PATTERN_LENGTH = 4096;
/**
 * Only this many leading characters (UTF-16 code units) of a field value, or of the event's JSON text for keywords,
 * are matched by wildcard, keyword and `|re` values: a longer value is cut to them first. `cidr`, `exists` and `null`
 * look at the whole value.
 */
export const MAX_VALUE_LENGTH = 65_536;

function head(text: string): string {
  return text.length > MAX_VALUE_LENGTH ? text.slice(0, MAX_VALUE_LENGTH) : text;
}

export interface CompiledSelection {
  readonly match: EventMatcher;
  /**
   * Event-type patterns (exact, or prefix ending in '*') outside which the selection can never match; undefined when
   * it does not pin `eventType`. Always a superset: it only narrows which events the engine shows the rule.
   */
  readonly eventTypes?: readonly string[];
  /** Field paths read, in order of appearance. */
  readonly fields: readonly string[];
}

/** What compiling needs from the loader: located errors and YAML alias resolution. */
export interface CompileContext {
  /** Throws a SigmaLoadError pointing at the node's line. */
  fail(node: unknown, detail: string, feature?: string): never;
  /** Follows a YAML alias to its node; any other value is returned as is. */
  deref(node: unknown): unknown;
}

export function compileSearchIdentifier(name: string, rawNode: unknown, ctx: CompileContext): CompiledSelection {
  const node = ctx.deref(rawNode);
  if (isMap(node)) return compileMap(name, node, ctx);
  if (isSeq(node)) {
    const items = node.items.map((item) => ctx.deref(item));
    if (items.length === 0) ctx.fail(node, `has an empty search identifier '${name}'`);
    if (items.every((item) => isMap(item))) {
      return anyOf(items.map((item) => compileMap(name, item as YAMLMap, ctx)));
    }
    if (items.every((item) => isScalar(item))) return compileKeywords(name, node, [], node, ctx);
    const odd = items.find((item) => !isMap(item));
    ctx.fail(odd ?? node, `mixes maps and plain values in the list '${name}' (a list holds either maps or keywords)`);
  }
  return ctx.fail(rawNode, `has a search identifier '${name}' that is neither a map, a list of maps nor a list of keywords`);
}

/** OR of selections; it pins eventType only if every branch does. */
export function anyOf(selections: readonly CompiledSelection[]): CompiledSelection {
  const matchers = selections.map((selection) => selection.match);
  const pinned = selections.every((selection) => selection.eventTypes !== undefined);
  return {
    match: matchers.length === 1 ? matchers[0] : (event) => matchers.some((match) => match(event)),
    ...(pinned ? { eventTypes: unique(selections.flatMap((selection) => selection.eventTypes ?? [])) } : {}),
    fields: unique(selections.flatMap((selection) => selection.fields)),
  };
}

/** AND of selections; any pinned branch bounds the whole, so the narrowest one is kept. */
export function allOf(selections: readonly CompiledSelection[]): CompiledSelection {
  const matchers = selections.map((selection) => selection.match);
  let eventTypes: readonly string[] | undefined;
  for (const selection of selections) {
    if (selection.eventTypes && (!eventTypes || selection.eventTypes.length < eventTypes.length)) eventTypes = selection.eventTypes;
  }
  return {
    match: matchers.length === 1 ? matchers[0] : (event) => matchers.every((match) => match(event)),
    ...(eventTypes ? { eventTypes } : {}),
    fields: unique(selections.flatMap((selection) => selection.fields)),
  };
}

export function negate(selection: CompiledSelection): CompiledSelection {
  const { match } = selection;
  return { match: (event) => !match(event), fields: selection.fields };
}

function compileMap(name: string, map: YAMLMap, ctx: CompileContext): CompiledSelection {
  if (map.items.length === 0) ctx.fail(map, `has an empty map in search identifier '${name}'`);
  return allOf(map.items.map((pair) => compileFieldCondition(pair, ctx)));
}

// ---------------------------------------------------------------------------------------------------------------
// Field conditions

type ValueType = 'contains' | 'startswith' | 'endswith' | 're' | 'cidr' | 'exists';
const VALUE_TYPES: ReadonlySet<string> = new Set<ValueType>(['contains', 'startswith', 'endswith', 're', 'cidr', 'exists']);
const REGEX_FLAGS: ReadonlySet<string> = new Set(['i', 'm', 's']);

interface Modifiers {
  type?: ValueType;
  all: boolean;
  cased: boolean;
  regexFlags: string;
}

/** One value of a field condition: either "the field has no value" or a test on each of the field's texts. */
type ValueTest = { readonly absent: true } | { readonly absent: false; readonly test: (text: string) => boolean };

function compileFieldCondition(rawPair: unknown, ctx: CompileContext): CompiledSelection {
  const pair = rawPair as Pair;
  if (!isPair(pair)) ctx.fail(rawPair, 'has a malformed detection map');
  const keyNode = ctx.deref(pair.key);
  if (!isScalar(keyNode) || typeof keyNode.value !== 'string') ctx.fail(pair.key, 'has a field name that is not a string');
  const key = (keyNode as Scalar<string>).value;
  const [rawPath, ...rawModifiers] = key.split('|');
  const path = rawPath.trim();
  const modifierNames = rawModifiers.map((modifier) => modifier.trim().toLowerCase());
  const valueNode = ctx.deref(pair.value);

  if (path === '') return compileKeywords(key, valueNode, modifierNames, keyNode, ctx);

  let accessor: Field;
  try {
    accessor = field(path);
  } catch (error) {
    return ctx.fail(keyNode, `has an invalid field name '${path}': ${(error as Error).message}`);
  }
  const modifiers = parseModifiers(modifierNames, keyNode, ctx);

  if (modifiers.type === 'exists') {
    if (!isScalar(valueNode) || typeof valueNode.value !== 'boolean') {
      ctx.fail(valueNode ?? keyNode, `uses '${key}' with a value other than true or false`);
    }
    const wanted = (valueNode as Scalar<boolean>).value;
    return { match: (event) => (accessor.first(event) !== undefined) === wanted, fields: [path] };
  }

  const valueNodes = valuesOf(valueNode, keyNode, key, ctx);
  const tests = valueNodes.map((node) => compileValue(node, modifiers, key, ctx));
  const needsTexts = tests.some((test) => !test.absent);
  const { all } = modifiers;
  const match: EventMatcher = (event) => {
    const texts = needsTexts ? accessor.texts(event) : [];
    const check = (value: ValueTest) =>
      value.absent ? accessor.first(event) === undefined : texts.some((text) => value.test(text));
    return all ? tests.every(check) : tests.some(check);
  };
  const eventTypes = path.toLowerCase() === 'eventtype' ? eventTypePins(valueNodes, modifiers) : undefined;
  return { match, ...(eventTypes ? { eventTypes } : {}), fields: [path] };
}

function parseModifiers(names: readonly string[], keyNode: unknown, ctx: CompileContext): Modifiers {
  const modifiers: Modifiers = { all: false, cased: false, regexFlags: '' };
  for (const name of names) {
    if (name === '') ctx.fail(keyNode, "has an empty modifier (two '|' in a row)");
    if (VALUE_TYPES.has(name)) {
      if (modifiers.type) {
        ctx.fail(keyNode, `combines the modifiers '${modifiers.type}' and '${name}', which cannot be used together`);
      }
      modifiers.type = name as ValueType;
    } else if (name === 'all') {
      modifiers.all = true;
    } else if (name === 'cased') {
      modifiers.cased = true;
    } else if (REGEX_FLAGS.has(name) && modifiers.type === 're') {
      if (!modifiers.regexFlags.includes(name)) modifiers.regexFlags += name;
    } else {
      ctx.fail(keyNode, `uses the modifier '${name}', which is not supported`, `modifier '${name}'`);
    }
  }
  if (modifiers.cased && (modifiers.type === 're' || modifiers.type === 'cidr' || modifiers.type === 'exists')) {
    ctx.fail(keyNode, `combines the modifiers 'cased' and '${modifiers.type}', which cannot be used together`);
  }
  if (modifiers.all && modifiers.type === 'exists') {
    ctx.fail(keyNode, "combines the modifiers 'all' and 'exists', which cannot be used together");
  }
  return modifiers;
}

/** The value nodes of a field condition: one scalar (null included) or a list of scalars. */
function valuesOf(valueNode: unknown, keyNode: unknown, key: string, ctx: CompileContext): Scalar[] {
  if (valueNode === null || valueNode === undefined) return [nullScalar()];
  if (isScalar(valueNode)) return [valueNode];
  if (isSeq(valueNode)) {
    const items = (valueNode as YAMLSeq).items.map((item) => ctx.deref(item));
    if (items.length === 0) ctx.fail(valueNode, `has an empty value list for '${key}'`);
    for (const item of items) {
      if (item !== null && !isScalar(item)) {
        ctx.fail(item, `has a nested ${isMap(item) ? 'map' : 'list'} in the values of '${key}' (use a list of maps for OR)`);
      }
    }
    return items.map((item) => (item === null ? nullScalar() : (item as Scalar)));
  }
  return ctx.fail(valueNode ?? keyNode, `has a map as the value of '${key}' (use a list of maps for OR)`);
}

function nullScalar(): Scalar {
  return { value: null } as Scalar;
}

function compileValue(node: Scalar, modifiers: Modifiers, key: string, ctx: CompileContext): ValueTest {
  if (node.value === null || node.value === undefined) {
    if (modifiers.type) ctx.fail(node, `compares null with the modifier '${modifiers.type}' in '${key}'`);
    return { absent: true };
  }
  const text = scalarText(node, key, ctx);
  switch (modifiers.type) {
    case 're': {
      const regex = compileRegex(text, modifiers.regexFlags, node, key, ctx);
      return { absent: false, test: (value) => regex.test(head(value)) };
    }
    case 'cidr':
      return { absent: false, test: compileCidr(text, node, key, ctx) };
    default: {
      checkPatternLength(text, node, key, ctx);
      const pieces = applyPosition(parseWildcards(text), modifiers.type);
      const test = compilePattern(pieces, modifiers.cased);
      return { absent: false, test: (value) => test(head(value)) };
    }
  }
}

/** Numbers keep their spelling in the rule (`0x17`, `1.0`); booleans become 'true'/'false'. */
function scalarText(node: Scalar, key: string, ctx: CompileContext): string {
  const { value } = node;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return typeof node.source === 'string' && node.source !== '' ? node.source : String(value);
  if (typeof value === 'boolean') return String(value);
  return ctx.fail(node, `has a value of an unsupported type in '${key}'`);
}

function checkPatternLength(text: string, node: Scalar, key: string, ctx: CompileContext): void {
  if (text.length > MAX_PATTERN_LENGTH) {
    ctx.fail(
      node,
      `has a pattern of ${text.length} characters in '${key}', longer than the limit of ${MAX_PATTERN_LENGTH}`,
      'pattern length',
    );
  }
}

const RE2_FLAGS: Readonly<Record<string, number>> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL };

/**
 * `|re` patterns run on RE2 (re2js): linear time in the value, no backtracking. JavaScript spellings RE2 lacks
 * (`\uXXXX`, `\/`, `(?<name>…)`) are translated first. What RE2 cannot run — backreferences, lookahead and
 * lookbehind — or cannot parse is refused here, at load, not when an event comes.
 */
function compileRegex(text: string, flags: string, node: Scalar, key: string, ctx: CompileContext): RE2JS {
  checkPatternLength(text, node, key, ctx);
  // Checked on the pattern as written: the translation would quietly turn `\k<name>` into the letter k.
  const unsupported = unsupportedRegexFeature(text);
  if (unsupported) {
    ctx.fail(
      node,
      `has a regular expression '${text}' in '${key}' with a ${unsupported}, which linear-time matching (RE2) cannot run`,
      `regular expression ${unsupported}`,
    );
  }
  let bits = 0;
  for (const flag of flags) bits |= RE2_FLAGS[flag] ?? 0;
  try {
    return RE2JS.compile(RE2JS.translateRegExp(text), bits);
  } catch (error) {
    return ctx.fail(node, `has an invalid regular expression '${text}' in '${key}': ${(error as Error).message}`, 'regular expression');
  }
}

/** 'backreference' (`\1`, `\k<name>`) or 'lookaround' (`(?=`, `(?!`, `(?<=`, `(?<!`) outside a character class. */
function unsupportedRegexFeature(text: string): 'backreference' | 'lookaround' | undefined {
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

function compileCidr(text: string, node: Scalar, key: string, ctx: CompileContext): (value: string) => boolean {
  const bad = (): never => ctx.fail(node, `has an invalid CIDR range '${text}' in '${key}'`);
  const [address, prefixText, ...rest] = text.trim().split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) bad();
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  if (prefixText === undefined) {
    list.addAddress(address, type);
  } else {
    const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
    if (!(prefix >= 0 && prefix <= (family === 4 ? 32 : 128))) bad();
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
// Keywords: plain values searched anywhere in the event

const eventTexts = new WeakMap<object, string>();

function eventText(event: OktaLogEvent): string {
  let text = eventTexts.get(event);
  if (text === undefined) {
    text = JSON.stringify(event).toLowerCase();
    eventTexts.set(event, text);
  }
  return text;
}

function compileKeywords(
  name: string,
  valueNode: unknown,
  modifierNames: readonly string[],
  at: unknown,
  ctx: CompileContext,
): CompiledSelection {
  let all = false;
  for (const modifier of modifierNames) {
    if (modifier === 'all') all = true;
    else ctx.fail(at, `uses the modifier '${modifier}' on a keyword search, which is not supported`, `keyword modifier '${modifier}'`);
  }
  const nodes = valuesOf(valueNode, at, name, ctx);
  const tests = nodes.map((node) => {
    if (node.value === null || node.value === undefined) ctx.fail(node, `has a null keyword in '${name}'`);
    // The event is searched as JSON text, so literal parts are JSON-escaped the same way (quotes, backslashes).
    const keyword = scalarText(node, name, ctx);
    checkPatternLength(keyword, node, name, ctx);
    const pieces = parseWildcards(keyword).map((piece) =>
      typeof piece === 'string' ? piece : { literal: JSON.stringify(piece.literal).slice(1, -1) },
    );
    return compilePattern(applyPosition(pieces, 'contains'), false);
  });
  return {
    match: (event) => {
      const text = head(eventText(event));
      return all ? tests.every((test) => test(text)) : tests.some((test) => test(text));
    },
    fields: [],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Wildcard strings

function applyPosition(pieces: readonly Piece[], type: ValueType | undefined): Piece[] {
  const out: Piece[] =
    type === 'contains' ? ['*', ...pieces, '*'] : type === 'startswith' ? [...pieces, '*'] : type === 'endswith' ? ['*', ...pieces] : [...pieces];
  // Collapse runs of '*' so the fast paths below see the common shapes.
  return out.filter((piece, i) => !(piece === '*' && out[i - 1] === '*'));
}

function compilePattern(pieces: readonly Piece[], cased: boolean): TextTest {
  const norm = (text: string) => (cased ? text : text.toLowerCase());
  const literals = pieces.map((piece) => (typeof piece === 'string' ? undefined : norm(piece.literal)));
  const shape = pieces.map((piece) => (typeof piece === 'string' ? piece : 'L')).join('');

  if (shape === '') return (text) => text === '';
  if (shape === 'L') {
    const wanted = literals[0]!;
    return (text) => norm(text) === wanted;
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

/** eventType patterns for the timeline: exact values, or the literal prefix before the first wildcard plus '*'. */
function eventTypePins(values: readonly Scalar[], modifiers: Modifiers): string[] | undefined {
  if (modifiers.type !== undefined && modifiers.type !== 'startswith') return undefined;
  const patterns: string[] = [];
  // With |all every value must match, so the first one alone bounds the selection.
  for (const node of modifiers.all ? values.slice(0, 1) : values) {
    if (typeof node.value !== 'string') return undefined;
    const pieces = applyPosition(parseWildcards(node.value), modifiers.type);
    const first = pieces[0];
    if (first === undefined || typeof first === 'string') return undefined;
    patterns.push(pieces.length === 1 ? first.literal : `${first.literal}*`);
  }
  return unique(patterns);
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

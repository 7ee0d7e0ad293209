/**
 * Compiles Sigma search identifiers (the named parts of `detection`) into event predicates.
 *
 * - A map is an AND of field conditions; a list of maps is an OR of the maps; a list of plain values is a keyword
 *   search over the whole event (its JSON text, case-insensitively).
 * - A field condition is `path|modifier|…: value or [values]`; several values are OR-ed (AND-ed with `|all`).
 *   Paths go through `fields.ts`: dotted, case-insensitive keys, any element of arrays, packed debugData strings.
 * - Plain values compare case-insensitively (`|cased` to compare exactly), with `*` and `?` wildcards and `\` escapes;
 *   numbers and booleans compare as text, so `'true'` matches a JSON `true`. `null` means missing or null.
 * - Modifiers: see `modifiers.ts` (parsing) and `values.ts` (what each value then matches); `neq` negates the whole
 *   field condition, so a missing field matches it.
 * - Matching takes linear time whatever the rule or the event hold: wildcards go through `wildcard.ts` (no RegExp),
 *   `|re` through RE2 (re2js), which refuses backreferences and lookaround at load. A pattern longer than
 *   MAX_PATTERN_LENGTH is refused at load; only the first MAX_VALUE_LENGTH characters of a value are matched.
 *
 * Each compiled selection also reports the eventTypes it can match, when it pins `eventType`, so the engine only
 * shows the rule those events.
 */
import { isMap, isPair, isScalar, isSeq, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { field, type Field } from '../fields.js';
import type { OktaLogEvent } from '../types.js';
import { parseModifiers, type Modifiers } from './modifiers.js';
import { applyPosition, compilePattern, head } from './patterns.js';
import type { PlaceholderValues } from './placeholders.js';
import { checkPatternLength, compileValue, scalarText, type ValueTest } from './values.js';
import { parseWildcards } from './wildcard.js';

export { MAX_PATTERN_LENGTH, MAX_VALUE_LENGTH } from './patterns.js';

export type EventMatcher = (event: OktaLogEvent) => boolean;

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

/** What compiling needs from the loader: located errors, YAML alias resolution and placeholder values. */
export interface CompileContext {
  /** Throws a SigmaLoadError pointing at the node's line. */
  fail(node: unknown, detail: string, feature?: string): never;
  /** Follows a YAML alias to its node; any other value is returned as is. */
  deref(node: unknown): unknown;
  /** Values of `%placeholders%` in `expand` values; unset ones (or all, when undefined) match nothing. */
  readonly placeholders?: PlaceholderValues;
  /** Told the name of each placeholder an `expand` value uses. */
  usePlaceholder?(name: string): void;
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
    match: matchers.length === 1 ? matchers[0] : (event) => {
      for (let i = 0; i < matchers.length; i++) if (matchers[i](event)) return true;
      return false;
    },
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
    match: matchers.length === 1 ? matchers[0] : (event) => {
      for (let i = 0; i < matchers.length; i++) if (!matchers[i](event)) return false;
      return true;
    },
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

function compileFieldCondition(rawPair: unknown, ctx: CompileContext): CompiledSelection {
  const pair = rawPair as { key: unknown; value: unknown };
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
  const modifiers = parseModifiers(modifierNames, key, keyNode, ctx);

  if (modifiers.kind === 'exists') {
    if (!isScalar(valueNode) || typeof valueNode.value !== 'boolean') {
      ctx.fail(valueNode ?? keyNode, `uses '${key}' with a value other than true or false`);
    }
    const wanted = (valueNode as Scalar<boolean>).value;
    return { match: (event) => (accessor.first(event) !== undefined) === wanted, fields: [path] };
  }

  const valueNodes = valuesOf(valueNode, keyNode, key, ctx);
  const tests = valueNodes.map((node) => compileValue(node, modifiers, key, ctx));
  const needsTexts = tests.some((test) => !test.absent);
  const { all, negated } = modifiers;
  // Loops rather than every/some with a closure: this runs for every event the rule is shown.
  const match: EventMatcher = (event) => {
    const texts = needsTexts ? accessor.texts(event) : NO_TEXTS;
    let hit = all;
    for (let i = 0; i < tests.length; i++) {
      if (holds(tests[i], accessor, texts, event) !== all) {
        hit = !all;
        break;
      }
    }
    return negated ? !hit : hit;
  };
  const fields = modifiers.kind === 'fieldref' ? [path, ...valueNodes.map((node) => String(node.value).trim())] : [path];
  const eventTypes = path.toLowerCase() === 'eventtype' ? eventTypePins(valueNodes, modifiers) : undefined;
  return { match, ...(eventTypes ? { eventTypes } : {}), fields: unique(fields) };
}

const NO_TEXTS: readonly string[] = [];

/** One value of a field condition holds: the field is absent (`null`), or one of its texts passes the test. */
function holds(value: ValueTest, accessor: Field, texts: readonly string[], event: OktaLogEvent): boolean {
  if (value.absent) return accessor.first(event) === undefined;
  for (let i = 0; i < texts.length; i++) if (value.test(texts[i], event)) return true;
  return false;
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


/**
 * eventType patterns for the timeline: exact values, or the literal prefix before the first wildcard plus '*'.
 * Only plain and `startswith` values pin; anything that transforms or negates them does not.
 */
function eventTypePins(values: readonly Scalar[], modifiers: Modifiers): string[] | undefined {
  if (modifiers.kind !== 'string' || modifiers.negated || modifiers.expand) return undefined;
  if (modifiers.steps.some((step) => step !== 'startswith')) return undefined;
  const position = modifiers.steps.length > 0 ? 'startswith' : undefined;
  const patterns: string[] = [];
  // With |all every value must match, so the first one alone bounds the selection.
  for (const node of modifiers.all ? values.slice(0, 1) : values) {
    if (typeof node.value !== 'string') return undefined;
    const pieces = applyPosition(parseWildcards(node.value), position);
    const first = pieces[0];
    if (first === undefined || typeof first === 'string') return undefined;
    patterns.push(pieces.length === 1 ? first.literal : `${first.literal}*`);
  }
  return unique(patterns);
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

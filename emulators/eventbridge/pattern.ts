// EventBridge event patterns, for the subset the product writes: exact values (strings, numbers,
// booleans, null), `prefix`, `exists` and `anything-but` (a value or a list of values), on top-level
// and nested fields. Any other operator (suffix, numeric, wildcard, $or, …) is refused with
// InvalidEventPattern, so that a pattern the emulator does not understand can never match silently.
//
// Matching follows AWS (the event-ruler library): every field of the pattern must match; a field
// matches when any of its values does; an array in the event matches when any element does; a nested
// pattern over an array of objects must match within one element; only `exists: false` matches a
// field that is absent.

export class InvalidEventPattern extends Error {}

type Scalar = string | number | boolean | null;

export type Matcher =
  | { kind: 'equals'; value: Scalar }
  | { kind: 'prefix'; value: string }
  | { kind: 'exists'; value: boolean }
  | { kind: 'anything-but'; values: Scalar[] };

export type PatternField = { key: string; matchers: Matcher[] } | { key: string; nested: EventPattern };

export interface EventPattern {
  fields: PatternField[];
}

const SUPPORTED = 'the emulator supports exact values, prefix, exists and anything-but';

/** Parses and checks a pattern (the JSON text of PutRule's EventPattern). */
export function parseEventPattern(text: string): EventPattern {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidEventPattern('Event pattern is not valid. Reason: it is not JSON.');
  }
  if (!isPlainObject(json) || Object.keys(json).length === 0) {
    throw new InvalidEventPattern('Event pattern is not valid. Reason: it must be a non-empty JSON object.');
  }
  return compileNode(json, '');
}

function compileNode(node: Record<string, unknown>, path: string): EventPattern {
  const fields: PatternField[] = [];
  for (const [key, value] of Object.entries(node)) {
    const at = path ? `${path}.${key}` : key;
    if (key.startsWith('$')) throw new InvalidEventPattern(`Event pattern is not valid. Reason: "${at}" is not supported (${SUPPORTED}).`);
    if (Array.isArray(value)) fields.push({ key, matchers: compileLeaf(value, at) });
    else if (isPlainObject(value) && Object.keys(value).length > 0) fields.push({ key, nested: compileNode(value, at) });
    else throw new InvalidEventPattern(`Event pattern is not valid. Reason: "${at}" must be an array of match values or a non-empty object.`);
  }
  return { fields };
}

function compileLeaf(values: unknown[], at: string): Matcher[] {
  if (values.length === 0) throw new InvalidEventPattern(`Event pattern is not valid. Reason: "${at}" is an empty array, which matches nothing.`);
  return values.map((value): Matcher => {
    if (isScalar(value)) return { kind: 'equals', value };
    if (!isPlainObject(value)) throw new InvalidEventPattern(`Event pattern is not valid. Reason: "${at}" holds a nested array.`);
    const keys = Object.keys(value);
    if (keys.length !== 1) throw new InvalidEventPattern(`Event pattern is not valid. Reason: a matcher in "${at}" must have exactly one operator.`);
    const [op] = keys;
    const arg = value[op];
    switch (op) {
      case 'prefix':
        if (typeof arg !== 'string') throw new InvalidEventPattern(`Event pattern is not valid. Reason: prefix in "${at}" must be a string.`);
        return { kind: 'prefix', value: arg };
      case 'exists':
        if (typeof arg !== 'boolean') throw new InvalidEventPattern(`Event pattern is not valid. Reason: exists in "${at}" must be true or false.`);
        return { kind: 'exists', value: arg };
      case 'anything-but': {
        const list = Array.isArray(arg) ? arg : [arg];
        if (list.length === 0 || !list.every((v) => typeof v === 'string' || typeof v === 'number')) {
          throw new InvalidEventPattern(
            `Event pattern is not valid. Reason: anything-but in "${at}" must be a string, a number or a list of them (operators inside anything-but are not supported by the emulator).`,
          );
        }
        return { kind: 'anything-but', values: list as Scalar[] };
      }
      default:
        throw new InvalidEventPattern(`Event pattern is not valid. Reason: operator "${op}" in "${at}" is not supported (${SUPPORTED}).`);
    }
  });
}

/** Whether `event` (the envelope: source, detail-type, detail, …) matches the pattern. */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return matchNode(pattern, isPlainObject(event) ? event : {});
}

function matchNode(pattern: EventPattern, object: Record<string, unknown>): boolean {
  return pattern.fields.every((field) => {
    const value = Object.hasOwn(object, field.key) ? object[field.key] : undefined;
    if ('nested' in field) return matchNested(field.nested, value);
    const leaves = leafValues(value);
    return field.matchers.some((m) => matchLeaf(m, leaves));
  });
}

function matchNested(pattern: EventPattern, value: unknown): boolean {
  if (isPlainObject(value)) return matchNode(pattern, value);
  if (Array.isArray(value)) {
    const objects = value.filter(isPlainObject);
    // One element must match the whole nested pattern (no mixing of fields from two elements).
    if (objects.length > 0) return objects.some((o) => matchNode(pattern, o));
  }
  // Absent, a scalar, or no objects: only patterns satisfied by absence (exists: false) match.
  return matchNode(pattern, {});
}

/** The scalar values at a field: the value itself, or the scalars of an array (flattened); objects are not leaves. */
function leafValues(value: unknown): Scalar[] {
  if (value === undefined) return [];
  if (isScalar(value)) return [value];
  if (Array.isArray(value)) return value.flatMap(leafValues);
  return [];
}

function matchLeaf(matcher: Matcher, leaves: Scalar[]): boolean {
  switch (matcher.kind) {
    case 'equals':
      return leaves.some((v) => same(v, matcher.value));
    case 'prefix':
      return leaves.some((v) => typeof v === 'string' && v.startsWith(matcher.value));
    case 'exists':
      return matcher.value ? leaves.length > 0 : leaves.length === 0;
    case 'anything-but':
      return leaves.some((v) => !matcher.values.some((excluded) => same(v, excluded)));
  }
}

/** Strings compare exactly, numbers numerically (JSON's 1 and 1.0 are one number); "1" never equals 1. */
function same(a: Scalar, b: Scalar): boolean {
  return a === b;
}

function isScalar(value: unknown): value is Scalar {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

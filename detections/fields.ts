/**
 * Field access by dotted path into a raw Okta event.
 *
 * Path syntax: `actor.alternateId`, `target.id` (any element of the array), `target[type=User].id` (elements whose
 * `type` equals `User`), `target[0].id` (one element), `target[].id` (same as `target.id`).
 *
 * Okta quirks handled here, so rules don't have to:
 * - key names resolve case-insensitively (`eventtype` finds `eventType`; old Sigma and Panther spell keys both ways);
 * - arrays are walked at every level and matched if any element matches; null and missing values are skipped;
 * - a path that continues into a string decodes it first: JSON in a string (`logOnlySecurityData`,
 *   `threatDetections`), Java-map strings `{k=v, …}` (`behaviors`, `risk`) and list-like strings `[A, B]`;
 * - leaves are returned raw (a packed string stays a string); `textOf` and `isTrue` normalise scalars
 *   (booleans and numbers become strings, `"true"` counts as true).
 */

interface Segment {
  readonly key: string;
  readonly lowerKey: string;
  /** The key also names something of Object.prototype (`constructor`…), so a lookup must check own keys. */
  readonly inherited: boolean;
  /** `[n]`: one element of an array. */
  readonly index?: number;
  /** `[key=value]`: elements whose key equals value, case-insensitively. */
  readonly where?: { readonly key: string; readonly lowerKey: string; readonly lowerValue: string };
}

/** A compiled path. Compile once (module load or rule load), call per event. */
export interface Field {
  readonly path: string;
  /** Every non-null value at the path, arrays flattened (kept for the focused event: do not change the array). */
  all(event: unknown): readonly unknown[];
  /** The first non-null value, or undefined. */
  first(event: unknown): unknown;
  /** The first scalar value as a string, or undefined. */
  text(event: unknown): string | undefined;
  /** Every scalar value as a string (kept for the focused event: do not change the array). */
  texts(event: unknown): readonly string[];
}

const compiled = new Map<string, Field>();

/** Compile (or fetch the cached compilation of) a path. */
export function field(path: string): Field {
  let result = compiled.get(path);
  if (!result) {
    result = compileField(path);
    compiled.set(path, result);
  }
  return result;
}

export function getAll(event: unknown, path: string): readonly unknown[] {
  return field(path).all(event);
}

export function getFirst(event: unknown, path: string): unknown {
  return field(path).first(event);
}

export function getText(event: unknown, path: string): string | undefined {
  return field(path).text(event);
}

/** Scalars as strings (true → "true", 42 → "42"); objects, null and undefined → undefined. */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return undefined;
}

/**
 * Case-insensitive equality without allocating: rules compare the same few values (`SUCCESS`/`FAILURE`, `User`) on
 * every event, and `toLowerCase()` on both sides made two strings per comparison. ASCII letters are folded in place;
 * anything else falls back to `toLowerCase`.
 */
export function equalsIgnoreCase(a: string, b: string): boolean {
  if (a === b) return true;
  const length = a.length;
  if (length !== b.length) return false;
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x > 127 || y > 127) return a.toLowerCase() === b.toLowerCase();
    // Same letter in the other case: differ by 32 and fold to the same lower-case letter.
    if ((x | 32) !== (y | 32) || (x | 32) < 97 || (x | 32) > 122) return false;
  }
  return true;
}

/** `text` is `expected` in any case (`textIs(actorType, 'user')`); undefined is nothing. */
export function textIs(text: string | undefined, expected: string): boolean {
  return text !== undefined && equalsIgnoreCase(text, expected);
}

/** A JSON boolean true or the string "true" (any case). Okta stores some flags one way, some the other. */
export function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

/**
 * The event every rule is being shown in turn (the engine's event-by-event scan), if any. Rules read the same few fields
 * of it over and over (`outcome.result` a dozen times per sign-in across the catalogue), so each compiled field keeps
 * its last answer for the focused event; a new focus (or none) invalidates every such answer at once. Events are not
 * changed while they are being evaluated, so an answer kept for the focused event stays true.
 */
let focused: unknown;
let focusStamp = 0;

/** The engine is about to show `event` to every rule that reads it. */
export function focusEvent(event: unknown): void {
  focused = event;
  focusStamp++;
}

/** No event is focused any more (the end of a scan). */
export function clearFocus(): void {
  focused = undefined;
  focusStamp++;
}

const focusedAnswers = new WeakMap<object, (event: never) => unknown>();

/**
 * `fn` answering once per focused event: rules share their predicates and group keys by identity (a dozen threshold
 * rules ask `isFailedPasswordAttempt` and build the same `user:…` key of every sign-in), so while an event is
 * focused the first answer is kept for the others. Events that are not focused are passed through. The same
 * function always gets the same wrapper, so every rule sharing it shares its answer.
 */
export function perFocusedEvent<E, T>(fn: (event: E) => T): (event: E) => T {
  const known = focusedAnswers.get(fn);
  if (known) return known as (event: E) => T;
  let stamp = -1;
  let value: T;
  const wrapped = (event: E): T => {
    if (event !== focused) return fn(event);
    if (stamp !== focusStamp) {
      value = fn(event);
      stamp = focusStamp;
    }
    return value;
  };
  focusedAnswers.set(fn, wrapped);
  return wrapped;
}

const normalisedReaders = new Map<string, (event: unknown) => string | undefined>();

/**
 * The first scalar at `path`, trimmed and lower-cased: how threshold rules compare distinct values. One reader per
 * path, answering once per focused event, so rules counting the same field share one string per event (and its hash).
 */
export function normalisedText(path: string): (event: unknown) => string | undefined {
  let reader = normalisedReaders.get(path);
  if (!reader) {
    const accessor = field(path);
    reader = perFocusedEvent((event: unknown) => accessor.text(event)?.trim().toLowerCase());
    normalisedReaders.set(path, reader);
  }
  return reader;
}

function compileField(path: string): Field {
  const segments = parsePath(path);
  // One collector per path, not a closure and an array per call: most events hold nothing at most paths, and get the
  // shared empty answer. walkFirst runs no caller code, so a collection is never interrupted by another of this path.
  let collected: unknown[] = [];
  const collect = (value: unknown): boolean => {
    collected.push(value);
    return false;
  };
  const walkAll = (event: unknown): readonly unknown[] => {
    walkFirst(event, segments, 0, collect);
    if (collected.length === 0) return NO_VALUES;
    const found = collected;
    collected = [];
    return found;
  };
  // Most paths are plain keys (`actor.alternateId`) and most events hold plain objects along them: follow the keys
  // in a loop, and fall back to the general walk only where an array or a packed string appears.
  const plain = segments.every((segment) => segment.index === undefined && !segment.where);
  // Plain paths first try a reader of their own (directReader), which leaves the shapes it cannot read to the walk.
  const direct = plain ? directReader(segments) : undefined;
  const firstAccepted = (accept: (value: unknown) => boolean) => {
    if (!plain) return (event: unknown) => walkFirst(event, segments, 0, accept);
    if (!direct) return (event: unknown) => walkPlain(event, segments, accept);
    return (event: unknown) => {
      const value = direct(event);
      if (value === UNDECIDED) return walkPlain(event, segments, accept);
      return value !== undefined && accept(value) ? value : undefined;
    };
  };
  const walkFirstPresent = firstAccepted(isPresent);
  const firstScalar = firstAccepted(isScalar);
  const walkText = (event: unknown) => textOf(firstScalar(event));

  // Answers for the focused event (see focusEvent): stamp, value.
  let firstStamp = -1;
  let firstValue: unknown;
  let textStamp = -1;
  let textValue: string | undefined;
  let allStamp = -1;
  let allValue: readonly unknown[] = [];
  let textsStamp = -1;
  let textsValue: readonly string[] = [];
  const walkTexts = (event: unknown): readonly string[] => {
    // A plain path's single scalar (the usual answer) needs no walk.
    const value = direct ? direct(event) : UNDECIDED;
    if (value !== UNDECIDED) {
      const text = textOf(value);
      return text === undefined ? NO_TEXTS : [text];
    }
    const values = walkAll(event);
    if (values.length === 0) return NO_TEXTS;
    const out: string[] = [];
    for (const value of values) {
      const text = textOf(value);
      if (text !== undefined) out.push(text);
    }
    return out;
  };

  const all = (event: unknown): readonly unknown[] => {
    if (event !== focused) return walkAll(event);
    if (allStamp !== focusStamp) {
      allValue = walkAll(event);
      allStamp = focusStamp;
    }
    return allValue;
  };
  return {
    path,
    all,
    first(event) {
      if (event !== focused) return walkFirstPresent(event);
      if (firstStamp !== focusStamp) {
        firstValue = walkFirstPresent(event);
        firstStamp = focusStamp;
      }
      return firstValue;
    },
    text(event) {
      if (event !== focused) return walkText(event);
      if (textStamp !== focusStamp) {
        textValue = walkText(event);
        textStamp = focusStamp;
      }
      return textValue;
    },
    texts(event) {
      if (event !== focused) return walkTexts(event);
      if (textsStamp !== focusStamp) {
        textsValue = walkTexts(event);
        textsStamp = focusStamp;
      }
      return textsValue;
    },
  };
}

// Shared empty answers (callers never change an answer: see Field). Not frozen: loops over frozen arrays are slower.
const NO_VALUES: readonly unknown[] = [];
const NO_TEXTS: readonly string[] = [];
const isPresent = (value: unknown): boolean => value !== null && value !== undefined;
const isScalar = (value: unknown): boolean => textOf(value) !== undefined;

const SEGMENT = /^([^[\]]+)(?:\[([^\]]*)\])?$/;

function parsePath(path: string): Segment[] {
  if (path.trim() === '') throw new Error('Empty field path');
  return splitPath(path).map((part) => {
    const parsed = SEGMENT.exec(part.trim());
    if (!parsed) throw new Error(`Invalid field path "${path}" at "${part}"`);
    const key = parsed[1];
    const bracket = parsed[2]?.trim();
    const segment: Segment = { key, lowerKey: key.toLowerCase(), inherited: key in Object.prototype };
    if (bracket === undefined || bracket === '') return segment;
    if (/^\d+$/.test(bracket)) return { ...segment, index: Number(bracket) };
    const eq = bracket.indexOf('=');
    if (eq <= 0) throw new Error(`Invalid element filter "[${bracket}]" in "${path}"`);
    const whereKey = bracket.slice(0, eq).trim();
    const lowerValue = bracket.slice(eq + 1).trim().toLowerCase();
    return { ...segment, where: { key: whereKey, lowerKey: whereKey.toLowerCase(), lowerValue } };
  });
}

/** Split on dots outside brackets, so `target[alternateId=a.b].id` keeps its filter value. */
function splitPath(path: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < path.length; i++) {
    const ch = path[i];
    if (ch === '[') depth++;
    else if (ch === ']') depth--;
    else if (ch === '.' && depth === 0) {
      parts.push(path.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(path.slice(start));
  return parts;
}

/**
 * Depth-first walk over the values at the path, in order, until `accept` takes one (returned); undefined if none
 * is taken. Allocates nothing: it is the per-event hot path, and `walkAll` collects with an accept that never takes.
 */
function walkFirst(value: unknown, segments: readonly Segment[], i: number, accept: (value: unknown) => boolean): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    for (let k = 0; k < value.length; k++) {
      const found = walkFirst(value[k], segments, i, accept);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (i === segments.length) return accept(value) ? value : undefined;
  const segment = segments[i];
  // A path that continues into a string continues into what the string packs.
  const container = typeof value === 'string' ? decodePackedString(value) : value;
  if (container === null || typeof container !== 'object') return undefined;
  if (Array.isArray(container)) return walkFirst(container, segments, i, accept);
  let child = property(container as Record<string, unknown>, segment.key, segment.lowerKey, segment.inherited);
  // No element selector: the common case, one property read.
  if (segment.index === undefined && !segment.where) return walkFirst(child, segments, i + 1, accept);
  if (typeof child === 'string') child = decodePackedString(child);
  if (segment.index !== undefined) {
    const element = Array.isArray(child) ? child[segment.index] : segment.index === 0 ? child : undefined;
    return walkFirst(element, segments, i + 1, accept);
  }
  if (!Array.isArray(child)) return isSelected(child, segment.where!) ? walkFirst(child, segments, i + 1, accept) : undefined;
  for (let k = 0; k < child.length; k++) {
    if (!isSelected(child[k], segment.where!)) continue;
    const found = walkFirst(child[k], segments, i + 1, accept);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Does an element pass a `[key=value]` selector (case-insensitively)? */
function isSelected(element: unknown, where: NonNullable<Segment['where']>): boolean {
  if (element === null || typeof element !== 'object') return false;
  const actual = textOf(property(element as Record<string, unknown>, where.key, where.lowerKey));
  return actual !== undefined && actual.toLowerCase() === where.lowerValue;
}

/** What a direct reader returns when the event is not the plain shape it reads (the general walk then decides). */
const UNDECIDED: unique symbol = Symbol('undecided');

/**
 * A reader of one plain path (`actor.alternateId`) with property loads of its own, as if written by hand: a walk
 * shared by every path makes each load site see every shape of every object and go megamorphic, while events of one
 * tenant share a few shapes per path. It only answers where the shape is plain: objects all along, the exact key
 * present, no array at the end; anything else (a key in another case, an array, a packed string) is UNDECIDED.
 * Keys are embedded as JSON string literals; paths naming members of Object.prototype get no direct reader.
 */
function directReader(segments: readonly Segment[]): ((event: unknown) => unknown) | undefined {
  if (segments.length > 8 || segments.some((segment) => segment.inherited)) return undefined;
  const steps = segments.map((segment) =>
    `if (v === null || typeof v !== 'object' || Array.isArray(v)) return U; v = v[${JSON.stringify(segment.key)}]; if (v === undefined) return U; if (v === null) return undefined;`,
  );
  const body = `return function (event) { let v = event; ${steps.join(' ')} return Array.isArray(v) ? U : v; };`;
  return new Function('U', body)(UNDECIDED) as (event: unknown) => unknown;
}

/** walkFirst for paths without element selectors, iterative while the values are plain objects. */
function walkPlain(event: unknown, segments: readonly Segment[], accept: (value: unknown) => boolean): unknown {
  let value = event;
  for (let i = 0; i < segments.length; i++) {
    if (value === null || value === undefined) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) return walkFirst(value, segments, i, accept);
    const segment = segments[i];
    value = property(value as Record<string, unknown>, segment.key, segment.lowerKey, segment.inherited);
  }
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return walkFirst(value, segments, segments.length, accept);
  return accept(value) ? value : undefined;
}

/**
 * Exact key first (the common, cheap case), then a case-insensitive scan. Most misses are keys an event simply
 * lacks, so only keys of the same length are lower-cased (lower-casing keeps the length of ASCII keys).
 */
function property(object: Record<string, unknown>, key: string, lowerKey: string, inherited = true): unknown {
  // One lookup when the key cannot resolve to something of Object.prototype (parsed JSON has no undefined values).
  const exact = object[key];
  if (inherited ? Object.prototype.hasOwnProperty.call(object, key) : exact !== undefined) return exact;
  const length = lowerKey.length;
  for (const candidate in object) {
    if (candidate.length === length && Object.prototype.hasOwnProperty.call(object, candidate) && candidate.toLowerCase() === lowerKey) {
      return object[candidate];
    }
  }
  return undefined;
}

// Packed strings repeat a lot (every event carries the same handful of behaviour strings), so decodings are cached.
const DECODE_CACHE_LIMIT = 2_000;
const decodeCache = new Map<string, unknown>();

/**
 * Decode a string that packs structure: JSON (`{"a":1}`, `["x"]`), a Java map (`{New IP=POSITIVE, level=HIGH}`)
 * or a list-like string (`[DEVICE_BOUND, PHISHING_RESISTANT]`). Anything else → undefined.
 */
export function decodePackedString(raw: string): unknown {
  const text = raw.trim();
  const open = text[0];
  const close = text[text.length - 1];
  if (!((open === '{' && close === '}') || (open === '[' && close === ']'))) return undefined;
  if (decodeCache.has(text)) return decodeCache.get(text);
  const decoded = decodeUncached(text);
  if (decodeCache.size >= DECODE_CACHE_LIMIT) decodeCache.clear();
  decodeCache.set(text, decoded);
  return decoded;
}

function decodeUncached(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: Okta's Java toString() formats.
  }
  return text[0] === '{' ? parseJavaMap(text) : splitTopLevel(text.slice(1, -1)).map((item) => item.trim());
}

/**
 * `{reasons=Anomalous Device, New IP, level=HIGH}` → { reasons: 'Anomalous Device, New IP', level: 'HIGH' }.
 * A comma-separated piece without '=' continues the previous value; nested `{…}` values are parsed too.
 */
function parseJavaMap(text: string): Record<string, unknown> | undefined {
  const result: Record<string, unknown> = {};
  let lastKey: string | undefined;
  for (const piece of splitTopLevel(text.slice(1, -1))) {
    const eq = piece.indexOf('=');
    if (eq <= 0) {
      if (lastKey === undefined) {
        if (piece.trim() === '') continue;
        return undefined;
      }
      result[lastKey] = `${String(result[lastKey])},${piece}`;
      continue;
    }
    lastKey = piece.slice(0, eq).trim();
    const value = piece.slice(eq + 1).trim();
    result[lastKey] = value.startsWith('{') && value.endsWith('}') ? (parseJavaMap(value) ?? value) : value;
  }
  return result;
}

/** Split on commas that are not inside braces or brackets. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (text.trim() !== '') parts.push(text.slice(start));
  return parts;
}

/**
 * Sigma value modifiers (`field|mod1|mod2: value`): which ones a field condition uses, checked for the combinations
 * the Sigma specification (modifiers appendix, v2.1) and pySigma allow, in the order written.
 *
 * - String transformations, applied in order: `contains`, `startswith`, `endswith`, `windash`, `base64`,
 *   `base64offset`, `wide` / `utf16le`, `utf16be`, `utf16`.
 * - Types: `re` (flags `i`, `m`, `s`, also spelled `ignorecase`, `multiline`, `dotall`), `cidr`, `gt` `gte` `lt`
 *   `lte` (numbers), `minute` `hour` `day` `week` `month` `year` (parts of a date), `fieldref`, `exists`.
 * - Flags: `all`, `cased`, `neq` (negates the whole field condition), `expand` (placeholders).
 */
import type { CompileContext } from './detection.js';

export type Position = 'contains' | 'startswith' | 'endswith';
export type Encoding = 'windash' | 'base64' | 'base64offset' | 'utf16le' | 'utf16be' | 'utf16';
export type Comparison = 'gt' | 'gte' | 'lt' | 'lte';
export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';
export type ValueKind = 'string' | 're' | 'cidr' | 'compare' | 'time' | 'fieldref' | 'exists';

export interface Modifiers {
  readonly kind: ValueKind;
  /** String transformations in the order written (positions only, for `re` and `fieldref`). */
  readonly steps: readonly (Position | Encoding)[];
  readonly comparison?: Comparison;
  readonly timePart?: TimePart;
  /** RE2 flags from `i`, `m`, `s`. */
  readonly regexFlags: string;
  readonly all: boolean;
  readonly cased: boolean;
  /** `neq`: the field condition is negated (a missing field then matches). */
  readonly negated: boolean;
  /** `expand`: `%name%` in the values are placeholders. */
  readonly expand: boolean;
}

const POSITIONS: ReadonlySet<string> = new Set<Position>(['contains', 'startswith', 'endswith']);
const ENCODINGS: Readonly<Record<string, Encoding>> = {
  windash: 'windash',
  base64: 'base64',
  base64offset: 'base64offset',
  wide: 'utf16le',
  utf16le: 'utf16le',
  utf16be: 'utf16be',
  utf16: 'utf16',
};
const COMPARISONS: ReadonlySet<string> = new Set<Comparison>(['gt', 'gte', 'lt', 'lte']);
const TIME_PARTS: ReadonlySet<string> = new Set<TimePart>(['minute', 'hour', 'day', 'week', 'month', 'year']);
const REGEX_FLAGS: Readonly<Record<string, string>> = { i: 'i', ignorecase: 'i', m: 'm', multiline: 'm', s: 's', dotall: 's' };

/** What each value type accepts besides `all` and `neq`. */
const ACCEPTS: Readonly<Record<ValueKind, { positions: boolean; encodings: boolean; cased: boolean; expand: boolean }>> = {
  string: { positions: true, encodings: true, cased: true, expand: true },
  re: { positions: true, encodings: false, cased: false, expand: true },
  cidr: { positions: false, encodings: false, cased: false, expand: true },
  compare: { positions: false, encodings: false, cased: false, expand: false },
  time: { positions: false, encodings: false, cased: false, expand: false },
  fieldref: { positions: true, encodings: false, cased: true, expand: false },
  exists: { positions: false, encodings: false, cased: false, expand: false },
};

/** Parses `mod1|mod2…` (already split and lower-cased); fails with the key's line on an unknown or bad combination. */
export function parseModifiers(names: readonly string[], key: string, keyNode: unknown, ctx: CompileContext): Modifiers {
  let kind: ValueKind | undefined;
  const steps: (Position | Encoding)[] = [];
  let comparison: Comparison | undefined;
  let timePart: TimePart | undefined;
  let regexFlags = '';
  let all = false;
  let cased = false;
  let negated = false;
  let expand = false;

  const setKind = (next: ValueKind, name: string) => {
    if (kind !== undefined && kind !== next) {
      ctx.fail(keyNode, `combines the modifiers '${kindName(kind, comparison, timePart)}' and '${name}' in '${key}', which cannot be used together`);
    }
    if (kind === next && next !== 'time' && next !== 'compare') ctx.fail(keyNode, `repeats the modifier '${name}' in '${key}'`);
    kind = next;
  };

  for (const name of names) {
    if (name === '') ctx.fail(keyNode, `has an empty modifier in '${key}' (two '|' in a row)`);
    if (POSITIONS.has(name)) {
      steps.push(name as Position);
    } else if (name in ENCODINGS) {
      steps.push(ENCODINGS[name]);
    } else if (name === 're') {
      if (steps.length > 0) ctx.fail(keyNode, `applies 're' after '${steps[0]}' in '${key}': 're' must come first`);
      setKind('re', name);
    } else if (name in REGEX_FLAGS) {
      if (kind !== 're') ctx.fail(keyNode, `uses the regular expression flag '${name}' without 're' before it in '${key}'`);
      if (!regexFlags.includes(REGEX_FLAGS[name])) regexFlags += REGEX_FLAGS[name];
    } else if (name === 'cidr') {
      setKind('cidr', name);
    } else if (COMPARISONS.has(name)) {
      if (comparison) ctx.fail(keyNode, `combines the modifiers '${comparison}' and '${name}' in '${key}' (one comparison per value)`);
      setKind('compare', name);
      comparison = name as Comparison;
    } else if (TIME_PARTS.has(name)) {
      if (timePart) ctx.fail(keyNode, `combines the modifiers '${timePart}' and '${name}' in '${key}' (one part of a date per value)`);
      setKind('time', name);
      timePart = name as TimePart;
    } else if (name === 'fieldref') {
      setKind('fieldref', name);
    } else if (name === 'exists') {
      if (names.length > 1) ctx.fail(keyNode, `combines 'exists' with other modifiers in '${key}' ('exists' stands alone)`);
      setKind('exists', name);
    } else if (name === 'all') {
      all = true;
    } else if (name === 'cased') {
      cased = true;
    } else if (name === 'neq') {
      negated = true;
    } else if (name === 'expand') {
      expand = true;
    } else {
      ctx.fail(keyNode, `uses the modifier '${name}' in '${key}', which is not a Sigma modifier`, `modifier '${name}'`);
    }
  }

  const finalKind: ValueKind = kind ?? 'string';
  const accepts = ACCEPTS[finalKind];
  const label = kindName(finalKind, comparison, timePart);
  const encoding = steps.find((step) => !POSITIONS.has(step));
  if (encoding && !accepts.encodings) ctx.fail(keyNode, `combines the modifiers '${label}' and '${encoding}' in '${key}', which cannot be used together`);
  const position = steps.find((step) => POSITIONS.has(step));
  if (position && !accepts.positions) ctx.fail(keyNode, `combines the modifiers '${label}' and '${position}' in '${key}', which cannot be used together`);
  if (cased && !accepts.cased) ctx.fail(keyNode, `combines the modifiers 'cased' and '${label}' in '${key}', which cannot be used together`);
  if (expand && !accepts.expand) ctx.fail(keyNode, `combines the modifiers 'expand' and '${label}' in '${key}', which cannot be used together`);
  if (finalKind === 'exists' && (all || negated)) ctx.fail(keyNode, `combines 'exists' with other modifiers in '${key}' ('exists' stands alone)`);
  return {
    kind: finalKind,
    steps,
    ...(comparison ? { comparison } : {}),
    ...(timePart ? { timePart } : {}),
    regexFlags,
    all,
    cased,
    negated,
    expand,
  };
}

function kindName(kind: ValueKind, comparison: Comparison | undefined, timePart: TimePart | undefined): string {
  if (kind === 'compare') return comparison ?? 'gt';
  if (kind === 'time') return timePart ?? 'hour';
  return kind;
}

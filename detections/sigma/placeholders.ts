/**
 * Sigma placeholders: `%name%` in a value with the `expand` modifier stands for a list of values that each
 * integration supplies in its detection settings (`sigmaPlaceholders`). Without `expand`, `%name%` is literal text;
 * `\%` is a literal percent sign in an expanded value.
 *
 * Expansion substitutes the values into the value as written, before the other modifiers apply, so
 * `actor.alternateId|contains|expand: '%admins%'` with admins = ['ops-', 'root'] reads as `contains: [ops-, root]`.
 * A value holding several placeholders stands for every combination of their values. A placeholder the integration
 * has not set (or set to an empty list) matches nothing, as in the reference tools: under `not`, it therefore
 * excludes nothing.
 */
import { sigmaPlaceholdersOf, withSettingsBinder, type SigmaPlaceholderValues } from '../settings.js';
import type { Rule } from '../types.js';

export type PlaceholderValues = SigmaPlaceholderValues;

/** Most texts one value may expand into (the product of its placeholders' value counts). */
export const MAX_EXPANSIONS = 10_000;

/** `%name%` not preceded by a backslash; a name is any run of characters other than `%`. */
const PLACEHOLDER = /(?<!\\)%([^%]+)%/g;

/** Placeholder names in a value, in order of appearance. */
export function placeholderNames(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[1]);
}

/** Parts of a value: literal text (with `\%` already turned into `%`) and placeholder names. */
type Part = { readonly literal: string } | { readonly name: string };

function parts(text: string): Part[] {
  const out: Part[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    out.push({ literal: text.slice(last, match.index).replaceAll('\\%', '%') });
    out.push({ name: match[1] });
    last = match.index + match[0].length;
  }
  out.push({ literal: text.slice(last).replaceAll('\\%', '%') });
  return out;
}

export class ExpansionError extends Error {}

/**
 * Every text the value stands for under these placeholder values: [] when one of its placeholders is unset or empty.
 * `quote` turns a placeholder value into the text to insert (regular expressions quote it, so a value is matched
 * literally). Throws ExpansionError past MAX_EXPANSIONS.
 */
export function expandPlaceholders(
  text: string,
  values: PlaceholderValues | undefined,
  quote: (value: string) => string = (value) => value,
): string[] {
  let texts = [''];
  for (const part of parts(text)) {
    if ('literal' in part) {
      texts = texts.map((prefix) => prefix + part.literal);
      continue;
    }
    const list = values && Object.prototype.hasOwnProperty.call(values, part.name) ? values[part.name] : undefined;
    if (!list || list.length === 0) return [];
    if (texts.length * list.length > MAX_EXPANSIONS) {
      throw new ExpansionError(`expands to more than ${MAX_EXPANSIONS} values (the placeholders' value lists multiplied)`);
    }
    texts = texts.flatMap((prefix) => list.map((value) => prefix + quote(value)));
  }
  return texts;
}

/** A key identifying the values of these placeholders (a compiled rule is reused for the same key). */
export function valuesKey(names: Iterable<string>, values: PlaceholderValues): string {
  const picked: (readonly string[] | null)[] = [];
  for (const name of names) picked.push(Object.prototype.hasOwnProperty.call(values, name) ? values[name] : null);
  return JSON.stringify(picked);
}

/** A small cache of compiled variants per placeholder values: integrations share rules, few differ in values. */
export class VariantCache<T> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly limit = 64) {}

  get(key: string, make: () => T): T {
    const known = this.entries.get(key);
    if (known !== undefined) return known;
    const made = make();
    if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, made);
    return made;
  }
}

/**
 * A loaded rule whose matching depends on placeholders: every evaluation rebuilds its matching parts from the
 * integration's `sigmaPlaceholders` (cached per values). Values that do not fit the rule (an invalid CIDR range for
 * a `cidr|expand` value, say) fail the evaluation with a message naming the rule, like any invalid setting.
 */
export function bindPlaceholders<R extends Rule>(rule: R, names: ReadonlySet<string>, parts: (values: PlaceholderValues | undefined) => Partial<R>): R {
  if (names.size === 0) return rule;
  const cache = new VariantCache<Partial<R>>();
  return withSettingsBinder(rule, (current, settings) => {
    const values = sigmaPlaceholdersOf(settings);
    let bound: Partial<R>;
    try {
      bound = cache.get(valuesKey(names, values), () => parts(values));
    } catch (error) {
      throw new RangeError(`Detection settings: a sigmaPlaceholders value does not fit ${rule.id}: ${(error as Error).message}`);
    }
    return { ...current, ...bound } as Rule;
  });
}

/**
 * A small SCIM filter evaluator for Okta's `filter` / `search` parameters:
 *   expr   := term ('or' term)*
 *   term   := factor ('and' factor)*
 *   factor := 'not'? '(' expr ')' | path 'pr' | path op value
 * with op ∈ eq ne co sw ew gt ge lt le and value a "string", number, true, false or null.
 * Paths are dotted; a path through an array (e.g. `target.id`) matches if any element does.
 */

export type ScimOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le' | 'pr';
type Value = string | number | boolean | null;

/** Why an expression was refused; the server turns it into a 400 E0000031. */
export class ScimFilterError extends Error {}

/** Per-endpoint restrictions, e.g. logs refuse `published` and `co` on URLs. */
export type ScimRule = (path: string, operator: ScimOperator) => string | null;

export type Predicate = (resource: unknown) => boolean;

const OPERATORS = new Set<ScimOperator>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr']);
const TOKEN = /\s*(?:(\()|(\))|"((?:[^"\\]|\\.)*)"|([^\s()"]+))/y;

type Token = { kind: 'open' | 'close' | 'string' | 'word'; text: string };

export function parseScimFilter(expression: string, rule: ScimRule = () => null): Predicate {
  const tokens = tokenize(expression);
  let i = 0;
  const peekWord = () => (tokens[i]?.kind === 'word' ? tokens[i].text.toLowerCase() : undefined);

  const parseOr = (): Predicate => {
    const terms = [parseAnd()];
    while (peekWord() === 'or') { i++; terms.push(parseAnd()); }
    return terms.length === 1 ? terms[0] : (r) => terms.some((t) => t(r));
  };
  const parseAnd = (): Predicate => {
    const factors = [parseFactor()];
    while (peekWord() === 'and') { i++; factors.push(parseFactor()); }
    return factors.length === 1 ? factors[0] : (r) => factors.every((f) => f(r));
  };
  const parseFactor = (): Predicate => {
    if (peekWord() === 'not') {
      i++;
      const inner = parseGroup();
      return (r) => !inner(r);
    }
    if (tokens[i]?.kind === 'open') return parseGroup();
    return parseComparison();
  };
  const parseGroup = (): Predicate => {
    if (tokens[i]?.kind !== 'open') throw new ScimFilterError('Expected "("');
    i++;
    const inner = parseOr();
    if (tokens[i]?.kind !== 'close') throw new ScimFilterError('Expected ")"');
    i++;
    return inner;
  };
  const parseComparison = (): Predicate => {
    const path = tokens[i];
    if (path?.kind !== 'word' || !/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(path.text)) {
      throw new ScimFilterError(`Invalid attribute ${path ? JSON.stringify(path.text) : 'at end of filter'}`);
    }
    const op = tokens[i + 1]?.text.toLowerCase() as ScimOperator | undefined;
    if (tokens[i + 1]?.kind !== 'word' || !op || !OPERATORS.has(op)) throw new ScimFilterError(`Invalid operator after ${path.text}`);
    const refusal = rule(path.text, op);
    if (refusal) throw new ScimFilterError(refusal);
    i += 2;
    if (op === 'pr') return (r) => valuesAt(r, path.text).some((v) => v !== null && v !== undefined && v !== '');
    const value = parseValue(tokens[i++]);
    return (r) => valuesAt(r, path.text).some((actual) => compare(actual, op, value));
  };

  const predicate = parseOr();
  if (i !== tokens.length) throw new ScimFilterError(`Unexpected ${JSON.stringify(tokens[i].text)}`);
  return predicate;
}

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.length) {
    if (/^\s*$/.test(expression.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(expression);
    if (!m || TOKEN.lastIndex === start) throw new ScimFilterError('Invalid search syntax.');
    if (m[1]) tokens.push({ kind: 'open', text: '(' });
    else if (m[2]) tokens.push({ kind: 'close', text: ')' });
    else if (m[3] !== undefined) tokens.push({ kind: 'string', text: m[3].replace(/\\(.)/g, '$1') });
    else tokens.push({ kind: 'word', text: m[4] });
  }
  if (tokens.length === 0) throw new ScimFilterError('Empty filter');
  return tokens;
}

function parseValue(token: Token | undefined): Value {
  if (!token) throw new ScimFilterError('Missing value');
  if (token.kind === 'string') return token.text;
  if (token.kind !== 'word') throw new ScimFilterError('Invalid value');
  const word = token.text.toLowerCase();
  if (word === 'true' || word === 'false') return word === 'true';
  if (word === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(token.text)) return Number(token.text);
  throw new ScimFilterError(`Invalid value ${token.text}; strings must be quoted`);
}

/** Every value reached by a dotted path, descending into arrays. */
function valuesAt(resource: unknown, path: string): unknown[] {
  let current: unknown[] = [resource];
  for (const key of path.split('.')) {
    const next: unknown[] = [];
    for (const value of current.flatMap((v) => (Array.isArray(v) ? v : [v]))) {
      if (value !== null && typeof value === 'object' && key in value) next.push((value as Record<string, unknown>)[key]);
    }
    current = next;
  }
  return current.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

function compare(actual: unknown, op: ScimOperator, expected: Value): boolean {
  if (expected === null) return op === 'eq' ? actual === null : op === 'ne' ? actual !== null : false;
  if (typeof expected === 'string') {
    if (typeof actual !== 'string') return op === 'ne';
    // SCIM string comparison is case-insensitive for Okta's attributes.
    const a = actual.toLowerCase();
    const e = expected.toLowerCase();
    switch (op) {
      case 'eq': return a === e;
      case 'ne': return a !== e;
      case 'co': return a.includes(e);
      case 'sw': return a.startsWith(e);
      case 'ew': return a.endsWith(e);
      case 'gt': return a > e;
      case 'ge': return a >= e;
      case 'lt': return a < e;
      case 'le': return a <= e;
      default: return false;
    }
  }
  switch (op) {
    case 'eq': return actual === expected;
    case 'ne': return actual !== expected;
    case 'gt': return typeof actual === 'number' && actual > (expected as number);
    case 'ge': return typeof actual === 'number' && actual >= (expected as number);
    case 'lt': return typeof actual === 'number' && actual < (expected as number);
    case 'le': return typeof actual === 'number' && actual <= (expected as number);
    default: return false;
  }
}

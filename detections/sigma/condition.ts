/**
 * Sigma `condition` expressions: a small recursive-descent parser.
 *
 *   expr    := and ('or' and)*
 *   and     := not ('and' not)*
 *   not     := 'not' not | primary
 *   primary := '(' expr ')' | ('1' | 'all') 'of' (pattern | 'them') | identifier
 *
 * Precedence, loosest first: or, and, not, `x of`, parentheses (Sigma specification). Operators are matched
 * case-insensitively. Identifier patterns use `*` wildcards anywhere; `them` means every search identifier not
 * starting with `_`. Aggregations (`| count() by …`) and `near` belong to Sigma v1 correlations and are refused.
 */
import { namePatternTest } from './wildcard.js';

export type ConditionNode =
  | { readonly type: 'identifier'; readonly name: string }
  | { readonly type: 'and'; readonly items: readonly ConditionNode[] }
  | { readonly type: 'or'; readonly items: readonly ConditionNode[] }
  | { readonly type: 'not'; readonly item: ConditionNode }
  /** `1 of x*` / `all of x*`; pattern undefined for `them`. */
  | { readonly type: 'of'; readonly quantifier: 'one' | 'all'; readonly pattern?: string };

/** A syntax error, or a construct the loader does not support (then `feature` names it). */
export class ConditionError extends Error {
  constructor(
    message: string,
    readonly feature?: string,
  ) {
    super(message);
  }
}

const RESERVED = new Set(['and', 'or', 'not', 'of', 'them', 'all', '1']);

export function isReservedWord(name: string): boolean {
  return RESERVED.has(name.toLowerCase());
}

export function parseCondition(text: string): ConditionNode {
  if (text.includes('|')) {
    throw new ConditionError(
      `uses an aggregation in its condition ('${text.slice(text.indexOf('|')).trim()}'), which is not supported: ` +
        'Sigma v1 aggregations need a window of events, and Sigma rules load as single-event rules',
      'aggregation',
    );
  }
  const tokens = text.match(/\(|\)|[^\s()]+/g) ?? [];
  if (tokens.length === 0) throw new ConditionError('has an empty condition');
  if (tokens.some((token) => token.toLowerCase() === 'near')) {
    throw new ConditionError("uses 'near' in its condition, which is not supported (a Sigma v1 correlation)", 'near');
  }
  let position = 0;

  const peek = (): string | undefined => tokens[position];
  const peekWord = (): string | undefined => tokens[position]?.toLowerCase();
  const describe = (token: string | undefined) => (token === undefined ? 'the end of the condition' : `'${token}'`);
  const fail = (expected: string): never => {
    throw new ConditionError(`has an invalid condition '${text}': expected ${expected} but found ${describe(peek())}`);
  };

  function parseOr(): ConditionNode {
    const items = [parseAnd()];
    while (peekWord() === 'or') {
      position++;
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0] : { type: 'or', items };
  }

  function parseAnd(): ConditionNode {
    const items = [parseNot()];
    while (peekWord() === 'and') {
      position++;
      items.push(parseNot());
    }
    return items.length === 1 ? items[0] : { type: 'and', items };
  }

  function parseNot(): ConditionNode {
    if (peekWord() === 'not') {
      position++;
      return { type: 'not', item: parseNot() };
    }
    return parsePrimary();
  }

  function parsePrimary(): ConditionNode {
    const token = peek();
    const word = token?.toLowerCase();
    if (token === '(') {
      position++;
      const inner = parseOr();
      if (peek() !== ')') fail("')'");
      position++;
      return inner;
    }
    if (tokens[position + 1]?.toLowerCase() === 'of') {
      if (word !== '1' && word !== 'all') {
        throw new ConditionError(
          `has an invalid condition '${text}': only '1 of' and 'all of' are defined, not '${token} of'`,
        );
      }
      position += 2;
      const target = peek();
      if (target === undefined || target === '(' || target === ')' || (isReservedWord(target) && target.toLowerCase() !== 'them')) {
        fail("a search identifier pattern or 'them' after 'of'");
      }
      position++;
      const quantifier = word === '1' ? 'one' : 'all';
      return target!.toLowerCase() === 'them' ? { type: 'of', quantifier } : { type: 'of', quantifier, pattern: target };
    }
    if (token === undefined || token === ')' || (word !== undefined && isReservedWord(word))) {
      return fail('a search identifier');
    }
    position++;
    if (token.includes('*')) {
      throw new ConditionError(
        `has an invalid condition '${text}': the pattern '${token}' can only follow '1 of' or 'all of'`,
      );
    }
    return { type: 'identifier', name: token };
  }

  const tree = parseOr();
  if (position < tokens.length) fail("'and', 'or' or the end of the condition");
  return tree;
}

/** Search identifiers a `x of pattern` refers to; `them` skips identifiers starting with `_`. */
export function expandPattern(pattern: string | undefined, identifiers: readonly string[]): string[] {
  if (pattern === undefined) return identifiers.filter((name) => !name.startsWith('_'));
  const test = namePatternTest(pattern);
  return identifiers.filter((name) => test(name));
}

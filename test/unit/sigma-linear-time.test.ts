// Sigma matching takes linear time whatever the rule or the event hold: wildcards never run a RegExp, |re runs on
// RE2 (backreferences and lookaround refused at load), patterns over 4,096 characters are refused and only the first
// 65,536 characters of a value are matched. The wildcard matcher gives the verdicts the old RegExp translation gave.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_PATTERN_LENGTH, MAX_VALUE_LENGTH } from '../../detections/sigma/detection.js';
import { globTest, parseWildcards, type Piece } from '../../detections/sigma/wildcard.js';
import { event, lineOf, loadError, probe, probeText } from './support/sigma.js';

/** RegExp executions (exec, test, match, replace, split, search all go through exec) while `work` runs. */
function regexRuns(work: () => void): number {
  const exec = vi.spyOn(RegExp.prototype, 'exec');
  try {
    work();
    return exec.mock.calls.length;
  } finally {
    exec.mockRestore();
  }
}

const onMessage = (value: string, key = 'displayMessage') =>
  probe(`
    selection:
        ${key}: ${JSON.stringify(value)}
    condition: selection
  `);

afterEach(() => vi.restoreAllMocks());

describe('wildcards match without backtracking', () => {
  it('*a*a*a*a*a*a*a*a*b against 50,000 a: no RegExp, done at once', () => {
    const rule = onMessage('*a*a*a*a*a*a*a*a*b');
    const long = event({ displayMessage: 'a'.repeat(50_000) });
    let verdict: boolean | undefined;
    const started = performance.now();
    const runs = regexRuns(() => {
      verdict = rule.match(long);
    });
    const elapsed = performance.now() - started;
    expect(verdict).toBe(false);
    expect(runs).toBe(0);
    expect(elapsed).toBeLessThan(5_000); // a backtracking RegExp takes minutes here
    expect(rule.match(event({ displayMessage: `${'a'.repeat(50_000)}b` }))).toBe(true);
  });

  it('?-segments between stars against a long near-miss value', () => {
    const rule = onMessage('*a?a?a?a?a?a?a?c*');
    const long = event({ displayMessage: 'ab'.repeat(30_000) });
    let verdict: boolean | undefined;
    const runs = regexRuns(() => {
      verdict = rule.match(long);
    });
    expect(verdict).toBe(false);
    expect(runs).toBe(0);
    expect(rule.match(event({ displayMessage: `${'ab'.repeat(100)}axaxaxaxaxaxaxc!` }))).toBe(true);
  });

  it('rule-name patterns in conditions: * anywhere, ? literal, case-sensitive', () => {
    const rule = probe(`
      sel_one_x:
          eventType: user.session.start
      sel_two_x:
          outcome.result: SUCCESS
      Sel_three_x:
          outcome.result: FAILURE
      condition: all of sel_*_x
    `);
    expect(rule.match(event())).toBe(true);
    expect(rule.match(event({ result: 'FAILURE' }))).toBe(false);
  });
});

describe('the wildcard matcher gives the verdicts of the RegExp translation it replaces', () => {
  // The translation the loader used before: ^…$ with .* for *, . for ?, case-insensitive unless cased, dot-all.
  const reference = (pieces: readonly Piece[], cased: boolean) => {
    const source = pieces
      .map((piece) => (piece === '*' ? '.*' : piece === '?' ? '.' : piece.literal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')))
      .join('');
    return new RegExp(`^${source}$`, cased ? 's' : 'is');
  };
  // Deterministic pseudo-random strings over a small alphabet, so that matches and near misses are both common.
  let seed = 0x5eed;
  const next = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  const pick = (alphabet: string, max: number) => {
    let text = '';
    for (let length = next() % (max + 1); length > 0; length--) text += alphabet[next() % alphabet.length];
    return text;
  };

  it('on 1,500 random patterns × 20 values, cased and not, through rules and the matcher alone', () => {
    let compared = 0;
    let matched = 0;
    for (let round = 0; round < 1500; round++) {
      const pattern = pick('abA*?\\\n', 8);
      const cased = round % 2 === 0;
      const modifier = ['', '|contains', '|startswith', '|endswith'][round % 4];
      const pieces = parseWildcards(pattern);
      const positioned: Piece[] =
        modifier === '|contains' ? ['*', ...pieces, '*'] : modifier === '|startswith' ? [...pieces, '*'] : modifier === '|endswith' ? ['*', ...pieces] : pieces;
      const regex = reference(positioned, cased);
      const rule = pattern === '' && modifier !== '' ? undefined : onMessage(pattern, `displayMessage${modifier}${cased ? '|cased' : ''}`);
      const plain = globTest(cased ? positioned : positioned.map((piece) => (typeof piece === 'string' ? piece : { literal: piece.literal.toLowerCase() })));
      for (let i = 0; i < 20; i++) {
        const value = pick('abAB\n', 12);
        const expected = regex.test(value);
        expect(plain(cased ? value : value.toLowerCase()), `${JSON.stringify(pattern)}${modifier} cased=${cased} on ${JSON.stringify(value)}`).toBe(expected);
        if (rule) expect(rule.match(event({ displayMessage: value })), `${JSON.stringify(pattern)}${modifier} on ${JSON.stringify(value)}`).toBe(expected);
        compared++;
        if (expected) matched++;
      }
    }
    expect(compared).toBe(30_000);
    expect(matched).toBeGreaterThan(2_500);
  });
});

describe('|re runs on RE2', () => {
  it('(a+)+$ against 30 a and ! is answered at once', () => {
    const rule = probe(`
      selection:
          displayMessage|re: '(a+)+$'
      condition: selection
    `);
    const started = performance.now();
    expect(rule.match(event({ displayMessage: `${'a'.repeat(30)}!` }))).toBe(false);
    expect(performance.now() - started).toBeLessThan(5_000); // V8's backtracking engine needs 2^30 steps here
    expect(rule.match(event({ displayMessage: 'aaa' }))).toBe(true);
  });

  it('maps |i, |m and |s; accepts JavaScript spellings \\uXXXX, \\/ and (?<name>…)', () => {
    const re = (modifiers: string, pattern: string) =>
      probe(`
        selection:
            displayMessage|re${modifiers}: ${JSON.stringify(pattern)}
        condition: selection
      `);
    const on = (text: string) => event({ displayMessage: text });
    expect(re('', 'RESET').match(on('reset'))).toBe(false);
    expect(re('|i', 'RESET').match(on('reset'))).toBe(true);
    expect(re('', '^b$').match(on('a\nb'))).toBe(false);
    expect(re('|m', '^b$').match(on('a\nb'))).toBe(true);
    expect(re('', 'a.b').match(on('a\nb'))).toBe(false);
    expect(re('|s', 'a.b').match(on('a\nb'))).toBe(true);
    expect(re('|i|m|s', '^X.Y$').match(on('0\nx\ny'))).toBe(true);
    expect(re('', 'caf\\u00e9').match(on('café'))).toBe(true);
    expect(re('', '^\\/api\\/v1\\/users').match(on('/api/v1/users/00u1'))).toBe(true);
    expect(re('', '(?<kind>factors|password)$').match(on('reset_password'))).toBe(true);
  });

  it('backreferences and lookaround are refused at load with file, line, rule and feature', () => {
    const cases: [string, string][] = [
      ['(a)\\1', 'regular expression backreference'],
      ['(?<x>a)\\k<x>', 'regular expression backreference'],
      ['admin(?=@)', 'regular expression lookaround'],
      ['admin(?!@)', 'regular expression lookaround'],
      ['(?<=@)example', 'regular expression lookaround'],
      ['(?<!@)example', 'regular expression lookaround'],
      ['[(?=]x(?=y)', 'regular expression lookaround'],
      ['(unclosed', 'regular expression'],
    ];
    for (const [pattern, feature] of cases) {
      const text = probeText(`
        selection:
            eventType: user.session.start
            actor.alternateId|re: ${JSON.stringify(pattern)}
        condition: selection
      `);
      const error = loadError(text);
      expect(error.feature, pattern).toBe(feature);
      expect(error.line).toBe(lineOf(text, 'actor.alternateId|re'));
      expect(error.message).toMatch(/^probe\.yml:\d+: rule 'Feature Probe' \(/);
      expect(error.message).toContain(`'actor.alternateId|re'`);
    }
  });
});

describe('caps', () => {
  it(`a value, keyword or |re pattern over ${MAX_PATTERN_LENGTH} characters is refused at load`, () => {
    const long = `*${'x'.repeat(MAX_PATTERN_LENGTH)}`;
    const bodies = [
      `selection:\n    displayMessage: '${long}'\ncondition: selection`,
      `selection:\n    displayMessage|contains: ['short', '${long}']\ncondition: selection`,
      `selection:\n    displayMessage|re: '${long.slice(1)}y'\ncondition: selection`,
      `keywords:\n    - '${long}'\ncondition: keywords`,
    ];
    for (const body of bodies) {
      const text = probeText(body);
      const error = loadError(text);
      expect(error.feature).toBe('pattern length');
      expect(error.detail).toMatch(/has a pattern of 4097 characters in '.*', longer than the limit of 4096$/);
      expect(error.line).toBe(lineOf(text, 'x'.repeat(30)));
    }
    expect(onMessage(long.slice(1)).match(event({ displayMessage: 'x'.repeat(MAX_PATTERN_LENGTH) }))).toBe(true);
  });

  it(`only the first ${MAX_VALUE_LENGTH} characters of a value are matched`, () => {
    const rule = (key: string, value: string) => onMessage(value, key);
    const pad = 'x'.repeat(MAX_VALUE_LENGTH - 4);
    const inside = event({ displayMessage: `${pad}MARK${'y'.repeat(10)}` });
    const beyond = event({ displayMessage: `${pad}xMARK` });
    for (const [key, value] of [
      ['displayMessage|contains', 'mark'],
      ['displayMessage', '*M?RK*'],
      ['displayMessage|re', 'MARK'],
    ]) {
      expect(rule(key, value).match(inside), key).toBe(true);
      expect(rule(key, value).match(beyond), key).toBe(false);
    }
    // Cut to its first characters, the value ends before its real end.
    expect(rule('displayMessage|endswith', 'xMARK').match(beyond)).toBe(false);
    expect(rule('displayMessage|endswith', 'xMAR').match(beyond)).toBe(true);
    expect(rule('displayMessage|startswith', 'xxx').match(beyond)).toBe(true);
    const keywords = probe(`
      keywords:
          - 'M?RK'
      condition: keywords
    `);
    expect(keywords.match(event({ displayMessage: 'a MARK' }))).toBe(true);
    expect(keywords.match(event({ displayMessage: `${'x'.repeat(MAX_VALUE_LENGTH)}MARK` }))).toBe(false);
  });
});

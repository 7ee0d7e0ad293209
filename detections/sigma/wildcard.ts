/**
 * Sigma wildcard strings (`*`, `?`, `\` escapes) and a matcher for them that never backtracks.
 *
 * A pattern is cut at its `*`s into segments (literal text and `?`s). The first segment must sit at the start of the
 * value and the last at its end (unless the pattern starts or ends with `*`); every segment in between is placed at
 * its leftmost occurrence after the previous one. Leftmost placement is always right for globs — a match that
 * places a segment further right can move it left without breaking anything after it — so nothing is retried and
 * the work is at most (value length × segment length) per segment, usually one `indexOf` each. No RegExp is used.
 */

/** A literal run of characters, or the wildcard `*` (any run, empty too) or `?` (exactly one UTF-16 code unit). */
export type Piece = { readonly literal: string } | '*' | '?';

/** A wildcard pattern matcher of whole values. */
export type TextTest = (text: string) => boolean;

/**
 * Sigma string syntax: `*` and `?` are wildcards; a backslash escapes `*`, `?` and itself; any other backslash is
 * literal (so `C:\Temp` needs no doubling).
 */
export function parseWildcards(text: string): Piece[] {
  const pieces: Piece[] = [];
  let literal = '';
  const flush = () => {
    if (literal !== '') pieces.push({ literal });
    literal = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') {
      const next = text[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        literal += next;
        i++;
      } else {
        literal += ch;
      }
    } else if (ch === '*' || ch === '?') {
      flush();
      pieces.push(ch);
    } else {
      literal += ch;
    }
  }
  flush();
  return pieces;
}

/**
 * One run of pattern between two `*`s: its length, its literal text with `?` positions marked in `any`, and the
 * longest literal stretch in it (found with indexOf, then the `?`s around it are checked).
 */
interface Segment {
  readonly length: number;
  readonly text: string;
  /** Positions holding a `?`; undefined when there is none. */
  readonly any?: readonly boolean[];
  /** The longest `?`-free stretch of the segment and where it starts in it; '' for a segment of only `?`s. */
  readonly anchor: string;
  readonly anchorAt: number;
}

function segment(pieces: readonly Piece[]): Segment {
  let text = '';
  let any: boolean[] | undefined;
  let anchor = '';
  let anchorAt = 0;
  for (const piece of pieces) {
    if (piece === '?') {
      any ??= Array.from({ length: text.length }, () => false);
      any.push(true);
      text += '?';
    } else if (piece !== '*') {
      if (piece.literal.length > anchor.length) {
        anchor = piece.literal;
        anchorAt = text.length;
      }
      if (any) for (let i = 0; i < piece.literal.length; i++) any.push(false);
      text += piece.literal;
    }
  }
  return { length: text.length, text, ...(any ? { any } : {}), anchor, anchorAt };
}

/** Does the segment sit at `start` in `text`? The caller has checked that it fits. */
function fitsAt(seg: Segment, text: string, start: number): boolean {
  if (!seg.any) return text.startsWith(seg.text, start);
  for (let i = 0; i < seg.length; i++) {
    if (!seg.any[i] && text.charCodeAt(start + i) !== seg.text.charCodeAt(i)) return false;
  }
  return true;
}

/** Leftmost start ≥ from where the segment fits and ends by `limit`, or -1. */
function find(seg: Segment, text: string, from: number, limit: number): number {
  const last = limit - seg.length;
  if (from > last) return -1;
  if (!seg.any) {
    const at = text.indexOf(seg.text, from);
    return at >= 0 && at <= last ? at : -1;
  }
  if (seg.anchor === '') return from;
  let search = from + seg.anchorAt;
  for (;;) {
    const hit = text.indexOf(seg.anchor, search);
    const start = hit - seg.anchorAt;
    if (hit < 0 || start > last) return -1;
    if (fitsAt(seg, text, start)) return start;
    search = hit + 1;
  }
}

/**
 * A whole-value matcher for the pieces, which must already be in the case the values will be given in (the caller
 * lower-cases both for case-insensitive matching).
 */
export function globTest(pieces: readonly Piece[]): TextTest {
  const groups: Piece[][] = [[]];
  for (const piece of pieces) {
    if (piece === '*') groups.push([]);
    else groups[groups.length - 1].push(piece);
  }
  const segments = groups.map(segment);
  if (segments.length === 1) {
    const [only] = segments;
    return (text) => text.length === only.length && fitsAt(only, text, 0);
  }
  const head = segments[0];
  const tail = segments[segments.length - 1];
  const middle = segments.slice(1, -1).filter((seg) => seg.length > 0);
  const fixed = head.length + tail.length;
  return (text) => {
    if (text.length < fixed) return false;
    const limit = text.length - tail.length;
    if (head.length > 0 && !fitsAt(head, text, 0)) return false;
    if (tail.length > 0 && !fitsAt(tail, text, limit)) return false;
    let position = head.length;
    for (const seg of middle) {
      const at = find(seg, text, position, limit);
      if (at < 0) return false;
      position = at + seg.length;
    }
    return true;
  };
}

/** Rule-name patterns of conditions (`selection_*`): only `*` is special, compared case-sensitively. */
export function namePatternTest(pattern: string): TextTest {
  const pieces: Piece[] = [];
  pattern.split('*').forEach((literal, i) => {
    if (i > 0) pieces.push('*');
    if (literal !== '') pieces.push({ literal });
  });
  return globTest(pieces);
}

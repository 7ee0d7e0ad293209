/** One YAML document of a Sigma file as the compilers see it: located errors, alias resolution, small readers. */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Pair, type YAMLMap } from 'yaml';
import type { CompileContext } from './detection.js';
import { SigmaLoadError } from './errors.js';
import type { PlaceholderValues } from './placeholders.js';

export class DocumentContext implements CompileContext {
  title?: string;
  sigmaId?: string;
  readonly placeholders?: PlaceholderValues;
  private readonly seen = new Set<string>();

  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
    private readonly document?: Document,
  ) {}

  /** The same document, compiled with these placeholder values. */
  withPlaceholders(values: PlaceholderValues): DocumentContext {
    const bound = Object.assign(new DocumentContext(this.file, this.lines, this.document), { placeholders: values });
    bound.title = this.title;
    bound.sigmaId = this.sigmaId;
    return bound;
  }

  usePlaceholder(name: string): void {
    this.seen.add(name);
  }

  /** Placeholder names the compiled values used. */
  get usedPlaceholders(): ReadonlySet<string> {
    return this.seen;
  }

  lineAt(offset: number | undefined): number | undefined {
    return offset === undefined ? undefined : this.lines.linePos(offset).line;
  }

  lineOf(node: unknown): number | undefined {
    const target = isPair(node) ? node.key : node;
    const range = (target as { range?: readonly number[] | null } | null | undefined)?.range;
    return range ? this.lineAt(range[0]) : undefined;
  }

  error(line: number | undefined, detail: string, feature?: string): SigmaLoadError {
    return new SigmaLoadError({
      file: this.file,
      line,
      ruleTitle: this.title,
      ruleId: this.sigmaId,
      detail,
      ...(feature ? { feature } : {}),
    });
  }

  fail(node: unknown, detail: string, feature?: string): never {
    throw this.error(this.lineOf(node), detail, feature);
  }

  deref(node: unknown): unknown {
    if (isAlias(node) && this.document) return node.resolve(this.document) ?? null;
    return node;
  }
}

export function pairOf(map: unknown, key: string): Pair | undefined {
  if (!isMap(map)) return undefined;
  return (map as YAMLMap).items.find((pair) => isScalar(pair.key) && pair.key.value === key) as Pair | undefined;
}

export function requireString(pair: Pair, name: string, ctx: DocumentContext): string {
  const node = ctx.deref(pair.value);
  if (!isScalar(node) || typeof node.value !== 'string' || node.value.trim() === '') {
    return ctx.fail(node ?? pair, `has a '${name}' that is not a non-empty string`);
  }
  return node.value.trim();
}

/** A list of strings (a single string is accepted as a one-item list); missing → []. */
export function stringList(pair: Pair | undefined, name: string, ctx: DocumentContext): string[] {
  return nodeList(pair, name, ctx).map(({ text }) => text);
}

/** Like stringList, with each item's node (for error lines). */
export function nodeList(pair: Pair | undefined, name: string, ctx: DocumentContext): { text: string; node: unknown }[] {
  if (!pair) return [];
  const node = ctx.deref(pair.value);
  if (node === null || (isScalar(node) && node.value === null)) return [];
  const items = isSeq(node) ? node.items.map((item) => ctx.deref(item)) : [node];
  return items.map((item) => {
    if (!isScalar(item) || (typeof item.value !== 'string' && typeof item.value !== 'number')) {
      return ctx.fail(item ?? pair, `has an item in '${name}' that is not a string`);
    }
    return { text: String(item.value).trim(), node: item };
  });
}

/** Keys of a map that are not strings fail; returns the string keys with their pairs. */
export function entriesOf(map: YAMLMap, ctx: DocumentContext): { key: string; pair: Pair }[] {
  return map.items.map((pair) => {
    const key = ctx.deref(pair.key);
    if (!isScalar(key) || (typeof key.value !== 'string' && typeof key.value !== 'number')) ctx.fail(pair, 'has a key that is not a string');
    return { key: String(key.value), pair: pair as Pair };
  });
}

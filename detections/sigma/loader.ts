/**
 * Sigma loader: Sigma files (YAML) → engine rules that run beside the built-in catalogue.
 *
 * A file holds one or more YAML documents (`---`): detection rules, correlation rules and meta filters, which may
 * refer to each other across the files loaded together. Detection rules become single-event rules, correlations
 * threshold or sequence rules (`correlation-rules.ts`); filters change the rules they name (`filters.ts`).
 *
 * Nothing is dropped silently: a document that uses anything outside the supported subset (sigma-rules/README.md),
 * or refers to one that did not load, is refused with a SigmaLoadError naming the file, line, rule and feature, and
 * the other documents still load. The caller decides what errors mean: `assertSigmaLoaded` turns them into one
 * error for a run that must not go on with a partial rule set.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, isMap, isScalar, parseAllDocuments, type YAMLMap } from 'yaml';
import type { Rule, SingleRule } from '../types.js';
import { assemble, type DetectionDocument, type FailedDocument, type SigmaDocument } from './collection.js';
import { parseCorrelation } from './correlation.js';
import { SigmaLoadError } from './errors.js';
import { parseFilter } from './filters.js';
import { checkLogsource, compileBody, readIdentity, readMeta, selectable } from './rule.js';
import { DocumentContext, pairOf } from './yaml.js';

export { SIGMA_DEDUPE_PERIOD_MINUTES } from './metadata.js';

export interface SigmaLoadResult {
  /** Engine rules in file and document order: single rules, and threshold or sequence rules from correlations. */
  readonly rules: Rule[];
  /** One per document (or file) that did not load, in file and line order. */
  readonly errors: SigmaLoadError[];
  /** Placeholder name → ids of the loaded rules using it: the values an integration may set (`sigmaPlaceholders`). */
  readonly placeholders: Record<string, string[]>;
  /** Files read. */
  readonly files: number;
}

/** A Sigma file's text and the name its errors cite. */
export interface SigmaSource {
  readonly file: string;
  readonly text: string;
}

const RULE_FILE = /\.ya?ml$/i;

/**
 * Loads every `*.yml` / `*.yaml` file under `dir` (subfolders included, in name order). Throws only when `dir`
 * itself cannot be read; every problem with a file or document is returned in `errors`.
 */
export function loadSigmaRules(dir: string): SigmaLoadResult {
  const sources: SigmaSource[] = [];
  const unreadable: SigmaLoadError[] = [];
  for (const file of ruleFiles(dir)) {
    try {
      sources.push({ file, text: readFileSync(file, 'utf8') });
    } catch (error) {
      unreadable.push(new SigmaLoadError({ file, detail: `could not be read: ${(error as Error)?.message ?? String(error)}` }));
    }
  }
  const result = loadSigmaSources(sources);
  return { ...result, errors: [...unreadable, ...result.errors], files: sources.length + unreadable.length };
}

/** Loads Sigma texts together, as one directory: references resolve across them. */
export function loadSigmaSources(sources: readonly SigmaSource[]): SigmaLoadResult {
  const documents: SigmaDocument[] = [];
  const failed: FailedDocument[] = [];
  const errors: SigmaLoadError[] = [];
  for (const { file, text } of sources) {
    const parsed = parseFile(text, file);
    documents.push(...parsed.documents);
    failed.push(...parsed.failed);
    errors.push(...parsed.errors);
  }
  const assembled = assemble(documents, failed);
  const order = new Map(sources.map(({ file }, i) => [file, i]));
  const all = [...errors, ...assembled.errors]
    .map((error, i) => ({ error, i }))
    .sort((a, b) => (order.get(a.error.file) ?? 0) - (order.get(b.error.file) ?? 0) || (a.error.line ?? 0) - (b.error.line ?? 0) || a.i - b.i)
    .map(({ error }) => error);
  return { rules: assembled.rules, errors: all, placeholders: assembled.placeholders, files: sources.length };
}

/** One Sigma text (one or more documents) on its own. */
export function loadSigmaText(text: string, file: string): SigmaLoadResult {
  return loadSigmaSources([{ file, text }]);
}

/**
 * Compiles a file holding one Sigma detection rule; throws its SigmaLoadError. `fileName` only serves the messages.
 * Correlations and filters need the rules they name: load them with `loadSigmaText` or `loadSigmaRules`.
 */
export function compileSigmaRule(yamlText: string, fileName: string): SingleRule {
  const { documents, errors } = parseFile(yamlText, fileName);
  if (errors.length > 0) throw errors[0];
  const [doc, extra] = documents;
  if (extra || doc.kind !== 'detection') {
    throw (extra ?? doc).ctx.error(
      undefined,
      extra ? `holds ${documents.length} Sigma documents; load them together with loadSigmaText` : `is a ${doc.kind === 'filter' ? 'meta filter' : 'correlation rule'}, not a detection rule; load it with the rules it names (loadSigmaText)`,
    );
  }
  const assembled = assemble(documents, []);
  if (assembled.errors.length > 0) throw assembled.errors[0];
  return assembled.rules[0] as SingleRule;
}

/** Thrown by `assertSigmaLoaded`: every load error, one per line. */
export class SigmaRuleSetError extends Error {
  override readonly name = 'SigmaRuleSetError';

  constructor(readonly errors: readonly SigmaLoadError[]) {
    super(`${errors.length} Sigma document(s) did not load:\n${errors.map((error) => `  ${error.message}`).join('\n')}`);
  }
}

/** Throws SigmaRuleSetError when anything failed to load: for callers that must not run a partial rule set. */
export function assertSigmaLoaded(result: Pick<SigmaLoadResult, 'errors'>): void {
  if (result.errors.length > 0) throw new SigmaRuleSetError(result.errors);
}

/** The Sigma files of a directory as the loader reads one: `*.yml` and `*.yaml`, subfolders included, in name order. */
export function ruleFiles(dir: string): string[] {
  const files: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...ruleFiles(path));
    else if (entry.isFile() && RULE_FILE.test(entry.name)) files.push(path);
  }
  return files;
}

// ---------------------------------------------------------------------------------------------------------------

interface ParsedFile {
  readonly documents: SigmaDocument[];
  readonly failed: FailedDocument[];
  readonly errors: SigmaLoadError[];
}

function parseFile(text: string, file: string): ParsedFile {
  const lines = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
  const all = Array.isArray(parsed) ? parsed : [];
  const present = all.filter((document) => document.contents !== null || document.errors.length > 0);
  const result: ParsedFile = { documents: [], failed: [], errors: [] };
  if (present.length === 0) {
    result.errors.push(new DocumentContext(file, lines).error(undefined, 'is empty: the file holds no YAML document'));
    return result;
  }
  for (const document of present) {
    const ctx: DocumentContext = new DocumentContext(file, lines, document);
    const root = document.contents;
    try {
      if (isMap(root)) readIdentity(root, ctx);
    } catch {
      // Reported below, with the rest of what is wrong.
    }
    try {
      const syntaxError = document.errors[0];
      if (syntaxError) throw ctx.error(ctx.lineAt(syntaxError.pos[0]), `is not valid YAML: ${syntaxError.message.split('\n')[0]}`);
      if (!isMap(root)) ctx.fail(root, 'is not a YAML map of rule attributes');
      result.documents.push(parseDocument(root, ctx));
    } catch (error) {
      result.errors.push(error instanceof SigmaLoadError ? error : ctx.error(undefined, `could not be loaded: ${(error as Error)?.message ?? String(error)}`));
      result.failed.push({ file, names: namesOf(root) });
    }
  }
  return result;
}

function parseDocument(root: YAMLMap, ctx: DocumentContext): SigmaDocument {
  const action = pairOf(root, 'action');
  if (action) {
    ctx.fail(
      action,
      "uses 'action' (a Sigma v1 rule collection), which is not supported: write complete documents, separated by ---",
      'rule collection',
    );
  }
  const identity = readIdentity(root, ctx);
  if (pairOf(root, 'correlation')) return parseCorrelation(root, identity, readMeta(root, identity.title, ctx), ctx);
  if (pairOf(root, 'filter') && !pairOf(root, 'detection')) return parseFilter(root, identity, ctx);

  checkLogsource(root, ctx);
  const pair = pairOf(root, 'detection');
  if (!pair) ctx.fail(root, "has no 'detection'");
  const detection = ctx.deref(pair.value);
  if (!isMap(detection)) return ctx.fail(pair, "has a 'detection' that is not a map");
  const body = selectable((bodyCtx) => compileBody(detection, pair, bodyCtx, 'detection'), ctx);
  const doc: DetectionDocument = { kind: 'detection', ctx, meta: readMeta(root, identity.title, ctx), body, ...identity };
  return doc;
}

/** What other documents may call a failed one: its id (lower-cased) and name, when readable. */
function namesOf(root: unknown): string[] {
  const names: string[] = [];
  for (const key of ['id', 'name']) {
    const pair = pairOf(root, key);
    if (pair && isScalar(pair.value) && typeof pair.value.value === 'string') {
      const value = pair.value.value.trim();
      names.push(key === 'id' ? value.toLowerCase() : value);
    }
  }
  return names;
}

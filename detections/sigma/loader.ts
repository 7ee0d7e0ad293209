/**
 * Sigma rule loader: Sigma detection rules (YAML) → single-event engine rules that run beside the built-in catalogue.
 *
 * One rule per file. A rule that uses anything outside the supported subset (rules/sigma/README.md) fails to load
 * with a SigmaLoadError naming the file, line, rule and feature; `loadSigmaRules` collects those errors and keeps
 * loading the other files, so one bad rule never takes the others down.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  LineCounter,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments,
  type Document,
  type Pair,
  type YAMLMap,
} from 'yaml';
import { groupKeys } from '../log-event.js';
import type { SingleRule } from '../types.js';
import { ConditionError, expandPattern, isReservedWord, parseCondition, type ConditionNode } from './condition.js';
import { allOf, anyOf, compileSearchIdentifier, negate, type CompileContext, type CompiledSelection } from './detection.js';
import { SigmaLoadError } from './errors.js';
import { attackOf, ruleIdOf, runbookOf, severityOf } from './metadata.js';

export interface SigmaLoadResult {
  readonly rules: SingleRule[];
  readonly errors: SigmaLoadError[];
}

/** Matches per actor are merged into one detection within this period. */
export const SIGMA_DEDUPE_PERIOD_MINUTES = 60;

const RULE_FILE = /\.ya?ml$/i;

/**
 * Loads every `*.yml` / `*.yaml` file under `dir` (subfolders included, in name order). Throws only when `dir`
 * itself cannot be read; every per-file problem is returned in `errors`.
 */
export function loadSigmaRules(dir: string): SigmaLoadResult {
  const rules: SingleRule[] = [];
  const errors: SigmaLoadError[] = [];
  const seen = new Map<string, string>();
  for (const file of ruleFiles(dir)) {
    try {
      const { rule, idLine, sigmaId } = compile(readFileSync(file, 'utf8'), file);
      const first = seen.get(rule.id);
      if (first !== undefined) {
        throw new SigmaLoadError({
          file,
          line: idLine,
          ruleTitle: rule.title,
          ruleId: sigmaId,
          detail: `has the same id as the rule in ${first} (rule id '${rule.id}')`,
        });
      }
      seen.set(rule.id, file);
      rules.push(rule);
    } catch (error) {
      errors.push(
        error instanceof SigmaLoadError
          ? error
          : new SigmaLoadError({ file, detail: `could not be loaded: ${(error as Error)?.message ?? String(error)}` }),
      );
    }
  }
  return { rules, errors };
}

/** Compiles one Sigma rule; throws SigmaLoadError. `fileName` only serves the error messages. */
export function compileSigmaRule(yamlText: string, fileName: string): SingleRule {
  return compile(yamlText, fileName).rule;
}

function ruleFiles(dir: string): string[] {
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

class RuleContext implements CompileContext {
  title?: string;
  sigmaId?: string;
  private document?: Document;

  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  use(document: Document): void {
    this.document = document;
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

interface Compiled {
  readonly rule: SingleRule;
  readonly sigmaId?: string;
  readonly idLine?: number;
}

function compile(yamlText: string, file: string): Compiled {
  const lines = new LineCounter();
  const ctx: RuleContext = new RuleContext(file, lines);
  const parsed = parseAllDocuments(yamlText, { lineCounter: lines, prettyErrors: false });
  const documents = Array.isArray(parsed) ? parsed : [];
  if (documents.length === 0 || documents[0].contents === null) throw ctx.error(undefined, 'is empty: the file holds no YAML document');
  const document = documents[0];
  ctx.use(document);
  const root = document.contents;

  // Name the rule as early as possible, so every later message can say which one it is.
  if (isMap(root)) {
    const title = pairOf(root, 'title');
    if (title && isScalar(title.value) && typeof title.value.value === 'string') ctx.title = title.value.value.trim();
    const id = pairOf(root, 'id');
    if (id && isScalar(id.value) && typeof id.value.value === 'string') ctx.sigmaId = id.value.value.trim();
  }
  const syntaxError = document.errors[0];
  if (syntaxError) throw ctx.error(ctx.lineAt(syntaxError.pos[0]), `is not valid YAML: ${syntaxError.message.split('\n')[0]}`);
  if (documents.length > 1) {
    const second = documents[1];
    throw ctx.error(
      ctx.lineAt(second.range[0]),
      `is followed by ${documents.length - 1} more YAML document(s) in the same file: multi-document Sigma files ` +
        '(rule collections, action: global) are not supported; put one rule per file',
      'multi-document file',
    );
  }
  if (!isMap(root)) return ctx.fail(root, 'is not a YAML map of rule attributes');

  refuseOtherRuleTypes(root, ctx);

  const titlePair = pairOf(root, 'title');
  if (!titlePair) ctx.fail(root, "has no 'title' (Sigma requires one)");
  const title = requireString(titlePair, 'title', ctx);
  const idPair = pairOf(root, 'id');
  const sigmaId = idPair ? requireString(idPair, 'id', ctx) : undefined;

  checkLogsource(root, ctx);
  const selection = compileDetection(root, ctx);

  const levelPair = pairOf(root, 'level');
  let severity = severityOf('medium')!;
  if (levelPair) {
    const level = requireString(levelPair, 'level', ctx);
    const mapped = severityOf(level);
    if (!mapped) ctx.fail(levelPair.value, `has an unknown level '${level}' (informational, low, medium, high or critical)`);
    severity = mapped;
  }
  const statusPair = pairOf(root, 'status');
  const status = statusPair ? requireString(statusPair, 'status', ctx).toLowerCase() : undefined;
  const descriptionPair = pairOf(root, 'description');
  const description = descriptionPair ? requireString(descriptionPair, 'description', ctx).replace(/\s+/g, ' ').trim() : title;

  const rule: SingleRule = {
    kind: 'single',
    id: ruleIdOf(sigmaId, title),
    title,
    description,
    severity,
    attack: attackOf(stringList(pairOf(root, 'tags'), 'tags', ctx)),
    eventTypes: selection.eventTypes ?? ['*'],
    fields: selection.fields,
    runbook: runbookOf(stringList(pairOf(root, 'falsepositives'), 'falsepositives', ctx)),
    dedupe: { periodMinutes: SIGMA_DEDUPE_PERIOD_MINUTES, key: groupKeys.actor },
    // Sigma marks retired rules as deprecated or unsupported: load them, but leave them off.
    enabled: status !== 'deprecated' && status !== 'unsupported',
    match: selection.match,
  };
  return { rule, ...(sigmaId !== undefined ? { sigmaId } : {}), ...(idPair ? { idLine: ctx.lineOf(idPair) } : {}) };
}

function refuseOtherRuleTypes(root: YAMLMap, ctx: RuleContext): void {
  const correlation = pairOf(root, 'correlation');
  if (correlation) {
    const typeNode = isMap(correlation.value) ? pairOf(correlation.value, 'type') : undefined;
    const type = typeNode && isScalar(typeNode.value) ? ` of type '${String(typeNode.value.value)}'` : '';
    ctx.fail(
      correlation,
      `is a Sigma correlation rule${type}, which is not supported: only single-event detection rules load ` +
        '(write counts and sequences as engine threshold rules)',
      'correlation rule',
    );
  }
  const filter = pairOf(root, 'filter');
  if (filter && !pairOf(root, 'detection')) {
    ctx.fail(filter, 'is a Sigma filter (meta filter), which is not supported: only detection rules load', 'filter rule');
  }
  const action = pairOf(root, 'action');
  if (action) {
    ctx.fail(action, "uses 'action' (a Sigma rule collection), which is not supported: put one complete rule per file", 'rule collection');
  }
}

/** Only Okta rules: `logsource` must name Okta as product or service, and nothing else. */
function checkLogsource(root: YAMLMap, ctx: RuleContext): void {
  const pair = pairOf(root, 'logsource');
  if (!pair) ctx.fail(root, "has no 'logsource' (expected product: okta / service: okta)", 'logsource');
  const logsource = ctx.deref(pair.value);
  if (!isMap(logsource)) ctx.fail(pair, "has a 'logsource' that is not a map (expected product: okta / service: okta)", 'logsource');
  const values: Record<string, string | undefined> = {};
  for (const key of ['product', 'service'] as const) {
    const item = pairOf(logsource, key);
    if (item) values[key] = requireString(item, `logsource.${key}`, ctx).toLowerCase();
  }
  const { product, service } = values;
  const okta = (value: string | undefined) => value === undefined || value === 'okta';
  if (!(product === 'okta' || service === 'okta') || !okta(product) || !okta(service)) {
    const described = Object.entries(values)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}: ${value}`)
      .join(', ');
    ctx.fail(
      pair,
      `has a logsource that is not Okta (${described || 'no product or service'}); only rules for product: okta / service: okta load`,
      'logsource',
    );
  }
}

function compileDetection(root: YAMLMap, ctx: RuleContext): CompiledSelection {
  const pair = pairOf(root, 'detection');
  if (!pair) ctx.fail(root, "has no 'detection'");
  const detection = ctx.deref(pair.value);
  if (!isMap(detection)) return ctx.fail(pair, "has a 'detection' that is not a map");

  const identifiers = new Map<string, CompiledSelection>();
  let conditionPair: Pair | undefined;
  for (const item of detection.items) {
    const key = ctx.deref(item.key);
    if (!isScalar(key)) ctx.fail(item, 'has a detection key that is not a string');
    const name = String(key.value);
    if (name === 'condition') {
      conditionPair = item;
    } else if (name === 'timeframe') {
      ctx.fail(
        item,
        "uses 'timeframe', which is not supported: Sigma rules load as single-event rules (write windowed logic as an engine threshold rule)",
        'timeframe',
      );
    } else {
      if (isReservedWord(name)) ctx.fail(item, `names a search identifier '${name}', which is a reserved word of conditions`);
      identifiers.set(name, compileSearchIdentifier(name, item.value, ctx));
    }
  }
  if (!conditionPair) return ctx.fail(pair, "has no 'detection.condition'");
  if (identifiers.size === 0) ctx.fail(pair, 'has no search identifiers in its detection');

  // A list of conditions is an OR of them.
  const conditionNode = ctx.deref(conditionPair.value);
  const conditionNodes = isSeq(conditionNode) ? conditionNode.items.map((node) => ctx.deref(node)) : [conditionNode];
  if (conditionNodes.length === 0) ctx.fail(conditionPair, 'has an empty condition list');
  const names = [...identifiers.keys()];
  const branches = conditionNodes.map((node) => {
    if (!isScalar(node) || typeof node.value !== 'string') return ctx.fail(node ?? conditionPair, 'has a condition that is not a string');
    let tree: ConditionNode;
    try {
      tree = parseCondition(node.value);
    } catch (error) {
      if (error instanceof ConditionError) ctx.fail(node, error.message, error.feature);
      throw error;
    }
    return build(tree, node.value);

    function build(tree: ConditionNode, text: string): CompiledSelection {
      switch (tree.type) {
        case 'identifier': {
          const selection = identifiers.get(tree.name);
          if (!selection) {
            ctx.fail(node, `has a condition '${text}' that refers to '${tree.name}', which is not a search identifier of its detection`);
          }
          return selection;
        }
        case 'and':
          return allOf(tree.items.map((item) => build(item, text)));
        case 'or':
          return anyOf(tree.items.map((item) => build(item, text)));
        case 'not':
          return negate(build(tree.item, text));
        case 'of': {
          const matched = expandPattern(tree.pattern, names);
          if (matched.length === 0) {
            ctx.fail(node, `has a condition '${text}' whose '${tree.pattern ?? 'them'}' matches no search identifier`);
          }
          const selections = matched.map((name) => identifiers.get(name)!);
          return tree.quantifier === 'one' ? anyOf(selections) : allOf(selections);
        }
      }
    }
  });
  return anyOf(branches);
}

// ---------------------------------------------------------------------------------------------------------------
// Small YAML helpers

function pairOf(map: unknown, key: string): Pair | undefined {
  if (!isMap(map)) return undefined;
  return (map as YAMLMap).items.find((pair) => isScalar(pair.key) && pair.key.value === key) as Pair | undefined;
}

function requireString(pair: Pair, name: string, ctx: RuleContext): string {
  const node = ctx.deref(pair.value);
  if (!isScalar(node) || typeof node.value !== 'string' || node.value.trim() === '') {
    return ctx.fail(node ?? pair, `has a '${name}' that is not a non-empty string`);
  }
  return node.value.trim();
}

/** A list of strings (a single string is accepted as a one-item list); missing → []. */
function stringList(pair: Pair | undefined, name: string, ctx: RuleContext): string[] {
  if (!pair) return [];
  const node = ctx.deref(pair.value);
  if (node === null || (isScalar(node) && node.value === null)) return [];
  const items = isSeq(node) ? node.items.map((item) => ctx.deref(item)) : [node];
  return items.map((item) => {
    if (!isScalar(item) || (typeof item.value !== 'string' && typeof item.value !== 'number')) {
      return ctx.fail(item ?? pair, `has an item in '${name}' that is not a string`);
    }
    return String(item.value);
  });
}

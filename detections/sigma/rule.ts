/**
 * The parts every Sigma document kind shares: identity (title, id, name), metadata (level, tags, status, …), the Okta
 * logsource check, and a detection body (`detection:` of a rule, `filter:` of a meta filter) compiled into one
 * selection, once per set of placeholder values.
 */
import { isMap, isScalar, isSeq, type Pair, type YAMLMap } from 'yaml';
import type { AttackMapping, Severity } from '../types.js';
import { ConditionError, expandPattern, isReservedWord, parseCondition, type ConditionNode } from './condition.js';
import { allOf, anyOf, compileSearchIdentifier, negate, type CompiledSelection } from './detection.js';
import { attackOf, ruleIdOf, runbookOf, severityOf } from './metadata.js';
import { VariantCache, valuesKey, type PlaceholderValues } from './placeholders.js';
import { entriesOf, pairOf, requireString, stringList, type DocumentContext } from './yaml.js';

export interface Identity {
  readonly title: string;
  /** The Sigma `id` as written. */
  readonly sigmaId?: string;
  /** The Sigma `name` (how correlations and filters may refer to the rule). */
  readonly name?: string;
  /** The engine rule id: `sigma-<id>`, or `sigma-<slug of the title>`. */
  readonly engineId: string;
  readonly idLine?: number;
  readonly nameLine?: number;
}

/** Names the document early (for every later message), then checks the title, id and name. */
export function readIdentity(root: YAMLMap, ctx: DocumentContext): Identity {
  const early = (key: string) => {
    const pair = pairOf(root, key);
    return pair && isScalar(pair.value) && typeof pair.value.value === 'string' ? pair.value.value.trim() : undefined;
  };
  ctx.title = early('title');
  ctx.sigmaId = early('id');
  const titlePair = pairOf(root, 'title');
  if (!titlePair) ctx.fail(root, "has no 'title' (Sigma requires one)");
  const title = requireString(titlePair, 'title', ctx);
  const idPair = pairOf(root, 'id');
  const sigmaId = idPair ? requireString(idPair, 'id', ctx) : undefined;
  const namePair = pairOf(root, 'name');
  const name = namePair ? requireString(namePair, 'name', ctx) : undefined;
  return {
    title,
    ...(sigmaId !== undefined ? { sigmaId, idLine: ctx.lineOf(idPair) } : {}),
    ...(name !== undefined ? { name, nameLine: ctx.lineOf(namePair) } : {}),
    engineId: ruleIdOf(sigmaId, title),
  };
}

export interface RuleMeta {
  readonly description: string;
  readonly severity: Severity;
  readonly attack: AttackMapping;
  readonly tags: readonly string[];
  readonly runbook: string;
  /** `status: deprecated` / `unsupported`: loaded, but off. */
  readonly retired: boolean;
}

export function readMeta(root: YAMLMap, title: string, ctx: DocumentContext): RuleMeta {
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
  const tags = stringList(pairOf(root, 'tags'), 'tags', ctx);
  return {
    description,
    severity,
    attack: attackOf(tags),
    tags,
    runbook: runbookOf(stringList(pairOf(root, 'falsepositives'), 'falsepositives', ctx)),
    // Sigma marks retired rules as deprecated or unsupported: load them, but leave them off.
    retired: status === 'deprecated' || status === 'unsupported',
  };
}

/** Only Okta: `logsource` must name Okta as product or service, and nothing else. */
export function checkLogsource(root: YAMLMap, ctx: DocumentContext): void {
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

/**
 * A detection body: search identifiers plus `condition` (a string, or a list of strings OR-ed). `skip` names keys
 * that are not identifiers (a filter's `rules`); `where` names the body in messages ('detection', 'filter').
 */
export function compileBody(body: YAMLMap, bodyPair: Pair, ctx: DocumentContext, where: string, skip: ReadonlySet<string> = new Set()): CompiledSelection {
  const identifiers = new Map<string, CompiledSelection>();
  let conditionPair: Pair | undefined;
  for (const { key: name, pair: item } of entriesOf(body, ctx)) {
    if (skip.has(name)) continue;
    if (name === 'condition') {
      conditionPair = item;
    } else if (name === 'timeframe') {
      ctx.fail(
        item,
        "uses 'timeframe', which is not supported: a Sigma v1 aggregation window (write it as a correlation rule with a timespan)",
        'timeframe',
      );
    } else {
      if (isReservedWord(name)) ctx.fail(item, `names a search identifier '${name}', which is a reserved word of conditions`);
      identifiers.set(name, compileSearchIdentifier(name, item.value, ctx));
    }
  }
  if (!conditionPair) return ctx.fail(bodyPair, `has no '${where}.condition'`);
  if (identifiers.size === 0) ctx.fail(bodyPair, `has no search identifiers in its ${where}`);

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
    const text = node.value;
    const build = (tree: ConditionNode): CompiledSelection => {
      switch (tree.type) {
        case 'identifier': {
          const selection = identifiers.get(tree.name);
          if (!selection) {
            ctx.fail(node, `has a condition '${text}' that refers to '${tree.name}', which is not a search identifier of its ${where}`);
          }
          return selection;
        }
        case 'and':
          return allOf(tree.items.map(build));
        case 'or':
          return anyOf(tree.items.map(build));
        case 'not':
          return negate(build(tree.item));
        case 'of': {
          const matched = expandPattern(tree.pattern, names);
          if (matched.length === 0) {
            ctx.fail(node, `has a condition '${text}' whose '${tree.pattern ?? 'them'}' matches no search identifier`);
          }
          const selections = matched.map((name) => identifiers.get(name)!);
          return tree.quantifier === 'one' ? anyOf(selections) : allOf(selections);
        }
      }
    };
    return build(tree);
  });
  return anyOf(branches);
}

/** A compiled body for any placeholder values: `base` with none set (every placeholder then matches nothing). */
export interface Selectable {
  readonly base: CompiledSelection;
  /** Placeholder names its `expand` values use. */
  readonly placeholders: ReadonlySet<string>;
  at(values: PlaceholderValues | undefined): CompiledSelection;
}

/** Compiles once without placeholder values; recompiles (cached per values) only when the body uses some. */
export function selectable(compile: (ctx: DocumentContext) => CompiledSelection, ctx: DocumentContext): Selectable {
  const base = compile(ctx);
  const placeholders = new Set(ctx.usedPlaceholders);
  if (placeholders.size === 0) return { base, placeholders, at: () => base };
  const cache = new VariantCache<CompiledSelection>();
  return {
    base,
    placeholders,
    at: (values) => (values ? cache.get(valuesKey(placeholders, values), () => compile(ctx.withPlaceholders(values))) : base),
  };
}

/** AND of bodies (a rule and the meta filters applied to it). */
export function allOfSelectables(parts: readonly Selectable[]): Selectable {
  if (parts.length === 1) return parts[0];
  const placeholders = new Set(parts.flatMap((part) => [...part.placeholders]));
  const base = allOf(parts.map((part) => part.base));
  if (placeholders.size === 0) return { base, placeholders, at: () => base };
  const cache = new VariantCache<CompiledSelection>();
  return {
    base,
    placeholders,
    at: (values) => (values ? cache.get(valuesKey(placeholders, values), () => allOf(parts.map((part) => part.at(values)))) : base),
  };
}

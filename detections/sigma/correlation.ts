/**
 * Sigma correlation rules (correlation specification v2.1): the document, read and checked. `correlation-rules.ts`
 * turns a resolved one into an engine rule.
 *
 *   correlation:
 *       type: event_count | value_count | temporal | temporal_ordered
 *       rules: [ids or names of detection rules or other correlations]
 *       group-by: [field paths or aliases]
 *       timespan: 10m                        # s, m, h, d, w (and pySigma's M, y), at most 7 days
 *       condition: { gte: 10 }               # gt, gte, lt, lte, eq, neq; several are AND-ed; value_count adds `field`
 *       aliases: { alias: { rule name: field path } }
 *   generate: false                          # also emit the referenced rules on their own (default: no)
 *
 * The metric types of v2.1 (`value_sum`, `value_avg`, `value_percentile`) and pySigma's expression conditions
 * (`condition: rule_a and rule_b`) are refused with a message saying so.
 */
import { isMap, isScalar, isSeq, type Pair, type YAMLMap } from 'yaml';
import { field } from '../fields.js';
import type { Reference } from './filters.js';
import type { Identity, RuleMeta } from './rule.js';
import { entriesOf, nodeList, pairOf, requireString, type DocumentContext } from './yaml.js';

export type CorrelationType = 'event_count' | 'value_count' | 'temporal' | 'temporal_ordered';
export type BoundOp = 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';

export interface Bound {
  readonly op: BoundOp;
  readonly value: number;
}

export interface CorrelationDocument extends Identity {
  readonly kind: 'correlation';
  readonly ctx: DocumentContext;
  readonly meta: RuleMeta;
  readonly type: CorrelationType;
  readonly rules: readonly Reference[];
  readonly groupBy: readonly string[];
  readonly timespanMinutes: number;
  /** As written, for messages (`10m`). */
  readonly timespan: string;
  /** Absent for temporal types without one (then: every referenced rule). */
  readonly bounds?: readonly Bound[];
  /** value_count: the field whose distinct values are counted. */
  readonly valueField?: string;
  /** alias → (rule id or name → field path). */
  readonly aliases: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Emit the referenced rules as rules of their own too. */
  readonly generate: boolean;
  /** The `correlation:` pair and its parts, for error lines. */
  readonly nodes: { readonly correlation: Pair; readonly condition?: unknown; readonly rules: unknown };
}

const TYPES: ReadonlySet<string> = new Set<CorrelationType>(['event_count', 'value_count', 'temporal', 'temporal_ordered']);
const METRIC_TYPES: ReadonlySet<string> = new Set(['value_sum', 'value_avg', 'value_percentile']);
const OPS: ReadonlySet<string> = new Set<BoundOp>(['gt', 'gte', 'lt', 'lte', 'eq', 'neq']);
const KNOWN_KEYS: ReadonlySet<string> = new Set(['type', 'rules', 'group-by', 'timespan', 'condition', 'aliases', 'generate']);

/** Seconds per timespan unit (pySigma's table: a month is 1/12 of a Gregorian year). */
const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, M: 2_629_746, y: 31_556_952 };

/** Longest timespan: the hourly run reloads this much history for the rule on every run. */
export const MAX_TIMESPAN_MINUTES = 7 * 24 * 60;

export function parseCorrelation(root: YAMLMap, identity: Identity, meta: RuleMeta, ctx: DocumentContext): CorrelationDocument {
  const pair = pairOf(root, 'correlation')!;
  const body = ctx.deref(pair.value);
  if (!isMap(body)) return ctx.fail(pair, "has a 'correlation' that is not a map (type, rules, group-by, timespan, condition)");
  if (pairOf(root, 'detection')) ctx.fail(pairOf(root, 'detection'), "has both 'correlation' and 'detection': a document is either a rule or a correlation");
  for (const { key, pair: item } of entriesOf(body, ctx)) {
    if (!KNOWN_KEYS.has(key)) ctx.fail(item, `has an unknown key 'correlation.${key}' (type, rules, group-by, timespan, condition, aliases, generate)`);
  }

  const typePair = pairOf(body, 'type');
  if (!typePair) ctx.fail(pair, "has no 'correlation.type' (event_count, value_count, temporal or temporal_ordered)");
  const type = requireString(typePair, 'correlation.type', ctx);
  if (METRIC_TYPES.has(type)) {
    ctx.fail(
      typePair.value,
      `is a '${type}' correlation, which is not supported: the engine counts events and distinct values, it does not sum, ` +
        'average or rank them (event_count, value_count, temporal and temporal_ordered are)',
      `correlation type ${type}`,
    );
  }
  if (!TYPES.has(type)) ctx.fail(typePair.value, `has an unknown correlation type '${type}' (event_count, value_count, temporal or temporal_ordered)`);

  const rulesPair = pairOf(body, 'rules');
  if (!rulesPair) ctx.fail(pair, "has no 'correlation.rules' (the ids or names of the rules it correlates)");
  const rules = nodeList(rulesPair, 'correlation.rules', ctx).map(({ text, node }) => ({ text, node }));
  if (rules.length === 0) ctx.fail(rulesPair, "has an empty 'correlation.rules'");
  const duplicate = rules.find((rule, i) => rules.findIndex((other) => other.text === rule.text) !== i);
  if (duplicate) ctx.fail(duplicate.node, `names the rule '${duplicate.text}' twice in 'correlation.rules'`);

  const groupPair = pairOf(body, 'group-by');
  const groupBy = nodeList(groupPair, 'correlation.group-by', ctx);
  const aliases = readAliases(pairOf(body, 'aliases'), ctx);
  for (const { text, node } of groupBy) {
    if (aliases.has(text)) continue;
    try {
      field(text);
    } catch (error) {
      ctx.fail(node, `groups by an invalid field name '${text}': ${(error as Error).message}`);
    }
  }

  const spanPair = pairOf(body, 'timespan');
  if (!spanPair) ctx.fail(pair, "has no 'correlation.timespan' (e.g. 10m, 1h, 1d)");
  const timespan = requireString(spanPair, 'correlation.timespan', ctx);
  const timespanMinutes = parseTimespan(timespan, spanPair, ctx);

  const conditionPair = pairOf(body, 'condition');
  const condition = conditionPair ? readCondition(conditionPair, type as CorrelationType, ctx) : undefined;
  if (!condition && (type === 'event_count' || type === 'value_count')) {
    ctx.fail(pair, `has no 'correlation.condition': a ${type} correlation needs one (e.g. gte: 10)`);
  }
  if (type === 'value_count' && !condition?.field) {
    ctx.fail(conditionPair ?? pair, "has no 'condition.field': a value_count correlation counts the distinct values of one field");
  }

  const generatePair = pairOf(root, 'generate') ?? pairOf(body, 'generate');
  const generateNode = generatePair ? ctx.deref(generatePair.value) : undefined;
  if (generatePair && !(isScalar(generateNode) && typeof generateNode.value === 'boolean')) {
    ctx.fail(generatePair, "has a 'generate' that is not true or false");
  }
  return {
    kind: 'correlation',
    ctx,
    meta,
    ...identity,
    type: type as CorrelationType,
    rules,
    groupBy: groupBy.map(({ text }) => text),
    timespan,
    timespanMinutes,
    ...(condition ? { bounds: condition.bounds } : {}),
    ...(condition?.field ? { valueField: condition.field } : {}),
    aliases,
    generate: isScalar(generateNode) && generateNode.value === true,
    nodes: { correlation: pair, rules: rulesPair, ...(conditionPair ? { condition: conditionPair } : {}) },
  };
}

function parseTimespan(text: string, pair: Pair, ctx: DocumentContext): number {
  const parsed = /^(\d+)([smhdwMy])$/.exec(text);
  if (!parsed) ctx.fail(pair.value, `has an invalid timespan '${text}' (a number and one of s, m, h, d, w: 30s, 10m, 1h, 2d)`);
  const minutes = (Number(parsed[1]) * UNIT_SECONDS[parsed[2]]) / 60;
  if (!(minutes > 0)) ctx.fail(pair.value, `has a timespan '${text}' of zero`);
  if (minutes > MAX_TIMESPAN_MINUTES) {
    ctx.fail(
      pair.value,
      `has a timespan '${text}' longer than 7 days, which is not supported: every hourly run would reload that much history`,
      'timespan',
    );
  }
  return minutes;
}

function readCondition(pair: Pair, type: CorrelationType, ctx: DocumentContext): { bounds: Bound[]; field?: string } {
  const node = ctx.deref(pair.value);
  if (isScalar(node) && typeof node.value === 'string') {
    ctx.fail(
      pair,
      `has a condition written as an expression ('${node.value}'), a pySigma extension that is not supported: write a map such as gte: 2`,
      'correlation condition expression',
    );
  }
  if (!isMap(node)) return ctx.fail(pair, "has a 'correlation.condition' that is not a map (e.g. gte: 10)");
  const bounds: Bound[] = [];
  let fieldName: string | undefined;
  for (const { key, pair: item } of entriesOf(node, ctx)) {
    const value = ctx.deref(item.value);
    if (key === 'field') {
      if (type !== 'value_count') ctx.fail(item, `has 'condition.field', which only a value_count correlation takes`);
      const names = isSeq(value) ? value.items.map((entry) => ctx.deref(entry)) : [value];
      if (names.length !== 1 || !isScalar(names[0]) || typeof names[0].value !== 'string' || names[0].value.trim() === '') {
        ctx.fail(item, "has a 'condition.field' that is not one field name (the engine counts the distinct values of one field)");
      }
      fieldName = String((names[0] as { value: string }).value).trim();
      try {
        field(fieldName);
      } catch (error) {
        ctx.fail(item, `counts an invalid field name '${fieldName}': ${(error as Error).message}`);
      }
    } else if (OPS.has(key)) {
      if (!isScalar(value) || typeof value.value !== 'number' || !Number.isInteger(value.value) || value.value < 0) {
        ctx.fail(item, `has a condition '${key}' whose value is not a whole number`);
      }
      bounds.push({ op: key as BoundOp, value: value.value });
    } else {
      ctx.fail(item, `has an unknown condition '${key}' (gt, gte, lt, lte, eq, neq${type === 'value_count' ? ', field' : ''})`);
    }
  }
  if (bounds.length === 0) ctx.fail(pair, 'has a correlation condition without a comparison (gt, gte, lt, lte, eq or neq)');
  return { bounds, ...(fieldName ? { field: fieldName } : {}) };
}

function readAliases(pair: Pair | undefined, ctx: DocumentContext): Map<string, Map<string, string>> {
  const aliases = new Map<string, Map<string, string>>();
  if (!pair) return aliases;
  const node = ctx.deref(pair.value);
  if (!isMap(node)) return ctx.fail(pair, "has 'correlation.aliases' that is not a map (alias: { rule name: field })");
  for (const { key: alias, pair: item } of entriesOf(node, ctx)) {
    const perRule = ctx.deref(item.value);
    if (!isMap(perRule)) ctx.fail(item, `has an alias '${alias}' that is not a map of rule names to fields`);
    const fields = new Map<string, string>();
    for (const { key: rule, pair: entry } of entriesOf(perRule, ctx)) {
      const path = requireString(entry, `aliases.${alias}.${rule}`, ctx);
      try {
        field(path);
      } catch (error) {
        ctx.fail(entry, `has an alias '${alias}' with an invalid field name '${path}': ${(error as Error).message}`);
      }
      fields.set(rule, path);
    }
    aliases.set(alias, fields);
  }
  return aliases;
}

/** Does a count meet every bound? */
export function meets(bounds: readonly Bound[], count: number): boolean {
  return bounds.every(({ op, value }) => {
    switch (op) {
      case 'gt':
        return count > value;
      case 'gte':
        return count >= value;
      case 'lt':
        return count < value;
      case 'lte':
        return count <= value;
      case 'eq':
        return count === value;
      case 'neq':
        return count !== value;
    }
  });
}

/** The smallest count ≥ 1 the lower bounds allow (gt, gte, eq); the upper ones are checked on each window. */
export function lowerBound(bounds: readonly Bound[]): number {
  let lowest = 1;
  for (const { op, value } of bounds) {
    if (op === 'gte' || op === 'eq') lowest = Math.max(lowest, value);
    if (op === 'gt') lowest = Math.max(lowest, value + 1);
  }
  return lowest;
}

export function describeBounds(bounds: readonly Bound[]): string {
  const symbols: Record<BoundOp, string> = { gt: '>', gte: '≥', lt: '<', lte: '≤', eq: '=', neq: '≠' };
  return bounds.map(({ op, value }) => `${symbols[op]} ${value}`).join(' and ');
}

/**
 * A resolved Sigma correlation as an engine rule of an existing kind, so it runs inside the engine and its chunked,
 * stateful hourly passes like the catalogue's threshold and sequence rules (look-back of one timespan; detections
 * a chain waits on are remembered in rule state):
 *
 * - event_count → threshold rule: events of the referenced rules per group in a sliding window of the timespan;
 * - value_count → threshold rule counting distinct values of `condition.field` (case-insensitive);
 *   bounds are tested on every window of one timespan ending at an event of the group: `gte`/`gt`/`eq` set the
 *   threshold, `lt`/`lte`/`eq`/`neq` are checked on the window (so `lt` is met by nearly every group with events,
 *   as in the reference backends' bucketed counts);
 * - temporal_ordered of two rules → sequence rule (first then second within the timespan); a referenced
 *   correlation becomes an alert step, so "many failures, then a success" chains an event_count into it;
 * - temporal → threshold rule counting, per window, the referenced rules present (told apart by eventType, which
 *   works when each rule pins eventTypes no other one can match); otherwise, for two rules, a sequence in both
 *   orders (its group keys name which rule came first).
 *
 * Events missing a group-by field are left out (as `stats … by` does). Without group-by the whole tenant is one group.
 */
import { field, type Field } from '../fields.js';
import { alertSteps } from '../settings.js';
import type { AttackMapping, OktaLogEvent, Rule, SequenceStep, SequenceRule, ThresholdRule, WindowStats } from '../types.js';
import { describeBounds, lowerBound, meets, type Bound, type CorrelationDocument } from './correlation.js';
import type { EventMatcher } from './detection.js';
import type { Reference } from './filters.js';
import { SIGMA_DEDUPE_PERIOD_MINUTES } from './metadata.js';
import { bindPlaceholders, type PlaceholderValues } from './placeholders.js';
import type { Selectable } from './rule.js';

/** A referenced rule, resolved. `names`: its id, name and the reference as written (what aliases may key on). */
export type CorrelationInput =
  | {
      readonly kind: 'detection';
      readonly reference: Reference;
      readonly names: readonly string[];
      readonly body: Selectable;
      readonly attack: AttackMapping;
    }
  | { readonly kind: 'correlation'; readonly reference: Reference; readonly names: readonly string[]; readonly rule: Rule };

type Parts<R extends Rule> = (values: PlaceholderValues | undefined) => Partial<R>;

export function compileCorrelation(doc: CorrelationDocument, inputs: readonly CorrelationInput[], enabled: boolean): Rule {
  const { ctx } = doc;
  const keys = inputs.map((input) => groupKeyOf(doc, input));
  const detections = inputs.filter((input) => input.kind === 'detection');
  const placeholders = new Set(detections.flatMap((input) => [...input.body.placeholders]));
  const base = {
    id: doc.engineId,
    title: doc.title,
    description: doc.meta.description,
    severity: doc.meta.severity,
    attack: attackOf(doc, inputs),
    runbook: doc.meta.runbook,
    enabled,
    fields: unique([
      ...inputs.flatMap(fieldsOf),
      ...doc.groupBy.filter((name) => !doc.aliases.has(name)),
      ...[...doc.aliases.values()].flatMap((perRule) => [...perRule.values()]),
      ...(doc.valueField ? [doc.valueField] : []),
    ]),
  };
  const dedupe = (key: (event: OktaLogEvent) => string | undefined) => ({
    periodMinutes: Math.max(SIGMA_DEDUPE_PERIOD_MINUTES, Math.ceil(doc.timespanMinutes)),
    key,
  });
  /** Matchers of the referenced detection rules for these placeholder values (correlation inputs: never). */
  const matchers = (values: PlaceholderValues | undefined): EventMatcher[] =>
    inputs.map((input) => (input.kind === 'detection' ? input.body.at(values).match : () => false));
  /** The group key of an event: by the first rule it matches when aliases make keys differ per rule. */
  const keyFor = (match: readonly EventMatcher[]) => {
    if (doc.aliases.size === 0) return keys[0];
    return (event: OktaLogEvent) => {
      const i = match.findIndex((test) => test(event));
      return i < 0 ? undefined : keys[i](event);
    };
  };

  const refuse = (node: unknown, detail: string, feature?: string): never => ctx.fail(node, detail, feature);
  if (doc.type === 'event_count' || doc.type === 'value_count') {
    const correlation = inputs.find((input) => input.kind === 'correlation');
    if (correlation) {
      refuse(
        correlation.reference.node,
        `counts the events of '${correlation.reference.text}', a correlation: ${doc.type} counts events of detection rules ` +
          '(put a correlation after another with temporal_ordered)',
      );
    }
    const bounds = doc.bounds!;
    checkSatisfiable(doc, bounds, Infinity);
    const measure = doc.type === 'event_count' ? (stats: WindowStats) => stats.count : (stats: WindowStats) => stats.distinct;
    const upper = bounds.filter(({ op }) => op !== 'gt' && op !== 'gte');
    const parts: Parts<ThresholdRule> = (values) => {
      const match = matchers(values);
      return { filter: (event) => match.some((test) => test(event)), dedupe: dedupe(keyFor(match)) };
    };
    const rule: ThresholdRule = {
      kind: 'threshold',
      ...base,
      eventTypes: eventTypesOf(inputs),
      window: doc.timespanMinutes,
      threshold: lowerBound(bounds),
      ...(doc.valueField ? { distinct: doc.valueField } : {}),
      ...(upper.length > 0 ? { having: (stats: WindowStats) => meets(upper, measure(stats)) } : {}),
      ...(parts(undefined) as Pick<ThresholdRule, 'filter' | 'dedupe'>),
    };
    return bindPlaceholders(rule, placeholders, parts);
  }

  const bounds = doc.bounds ?? [{ op: 'gte', value: inputs.length }];
  checkSatisfiable(doc, bounds, inputs.length);
  const everyRule = meets(bounds, inputs.length) && !meets(bounds, inputs.length - 1);

  if (doc.type === 'temporal') {
    const pins = detections.length === inputs.length ? disjointPins(detections.map((input) => input.body.base.eventTypes)) : undefined;
    if (pins) {
      const present = (stats: WindowStats): number => {
        let count = 0;
        for (const patterns of pins) if ([...stats.perValue.keys()].some((type) => patterns.some((pattern) => typeMatches(pattern, type)))) count++;
        return count;
      };
      const parts: Parts<ThresholdRule> = (values) => {
        const match = matchers(values);
        return { filter: (event) => match.some((test) => test(event)), dedupe: dedupe(keyFor(match)) };
      };
      const rule: ThresholdRule = {
        kind: 'threshold',
        ...base,
        eventTypes: eventTypesOf(inputs),
        window: doc.timespanMinutes,
        threshold: lowerBound(bounds),
        distinct: 'eventType',
        having: (stats) => meets(bounds, present(stats)),
        ...(parts(undefined) as Pick<ThresholdRule, 'filter' | 'dedupe'>),
      };
      return bindPlaceholders(rule, placeholders, parts);
    }
    if (inputs.length !== 2 || detections.length !== 2 || !everyRule) {
      refuse(
        doc.nodes.rules,
        `is a temporal correlation of ${inputs.length} rules${detections.length < inputs.length ? ' including a correlation' : ''} whose ` +
          'events cannot be told apart by eventType: the engine runs temporal correlations of two detection rules, or of rules that ' +
          'each pin eventTypes no other one can match (use temporal_ordered to require an order instead)',
        'temporal correlation',
      );
    }
    // Two rules in either order: a sequence whose entity also says which rule came first, so A→A never pairs.
    const [a, b] = inputs as [CorrelationInput, CorrelationInput];
    const parts: Parts<SequenceRule> = (values) => {
      const [matchA, matchB] = matchers(values);
      const key = keyFor([matchA, matchB]);
      const first = (event: OktaLogEvent) => {
        const group = key(event);
        return group === undefined ? undefined : `${group} (${label(matchA(event) ? a : b)} first)`;
      };
      const then = (event: OktaLogEvent) => {
        const group = key(event);
        return group === undefined ? undefined : `${group} (${label(matchB(event) ? a : b)} first)`;
      };
      const either = (event: OktaLogEvent) => matchA(event) || matchB(event);
      return { first: { match: either, key: first }, then: { match: either, key: then }, dedupe: dedupe(key) };
    };
    const rule: SequenceRule = {
      kind: 'sequence',
      ...base,
      eventTypes: eventTypesOf(inputs),
      within: doc.timespanMinutes,
      ...(parts(undefined) as Pick<SequenceRule, 'first' | 'then' | 'dedupe'>),
    };
    return bindPlaceholders(rule, placeholders, parts);
  }

  // temporal_ordered
  if (inputs.length !== 2) {
    refuse(
      doc.nodes.rules,
      `orders ${inputs.length} rules, and the engine's sequences have two steps: chain two correlations instead ` +
        '(temporal_ordered of a temporal_ordered of the first two, then the last)',
      'temporal_ordered of more than two rules',
    );
  }
  if (!everyRule) {
    refuse(doc.nodes.condition ?? doc.nodes.correlation, `has a condition (${describeBounds(bounds)}) that does not require both rules, which temporal_ordered needs`);
  }
  for (const input of inputs) {
    if (input.kind === 'correlation' && alertSteps(input.rule).length > 0) {
      refuse(
        input.reference.node,
        `follows '${input.reference.text}', a correlation that itself follows a correlation: the engine chains detections one level deep`,
        'correlation chain depth',
      );
    }
  }
  const parts: Parts<SequenceRule> = (values) => {
    const match = matchers(values);
    const step = (i: number): SequenceStep => {
      const input = inputs[i];
      const key = keys[i];
      return input.kind === 'detection' ? { match: match[i], key } : { alerts: [input.rule.id], key };
    };
    return { first: step(0), then: step(1), dedupe: dedupe(keyFor(match)) };
  };
  const rule: SequenceRule = {
    kind: 'sequence',
    ...base,
    // Only event steps read events of their own; detections of a referenced correlation come from the engine.
    eventTypes: eventTypesOf(detections),
    within: doc.timespanMinutes,
    ...(parts(undefined) as Pick<SequenceRule, 'first' | 'then' | 'dedupe'>),
  };
  return bindPlaceholders(rule, placeholders, parts);
}

/** `field=value` per group-by field (aliases resolved for this rule), or 'tenant' without group-by. */
function groupKeyOf(doc: CorrelationDocument, input: CorrelationInput): (event: OktaLogEvent) => string | undefined {
  if (doc.groupBy.length === 0) return () => 'tenant';
  const accessors: Field[] = doc.groupBy.map((name) => {
    const alias = doc.aliases.get(name);
    if (!alias) return field(name);
    const path = input.names.map((known) => alias.get(known)).find((found) => found !== undefined);
    if (path === undefined) {
      return doc.ctx.fail(
        input.reference.node,
        `groups by the alias '${name}', which names no field for the rule '${input.reference.text}' (aliases.${name}.<rule name>)`,
      );
    }
    return field(path);
  });
  return (event) => {
    const parts: string[] = [];
    for (let i = 0; i < accessors.length; i++) {
      const value = accessors[i].text(event);
      if (value === undefined || value === '') return undefined;
      parts.push(`${doc.groupBy[i]}=${value}`);
    }
    return parts.join(' ');
  };
}

function checkSatisfiable(doc: CorrelationDocument, bounds: readonly Bound[], most: number): void {
  const low = lowerBound(bounds);
  for (let count = low; count <= Math.min(most, low + 2); count++) if (meets(bounds, count)) return;
  doc.ctx.fail(doc.nodes.condition ?? doc.nodes.correlation, `has a condition (${describeBounds(bounds)}) that no count can meet`);
}

/** Event-type pins of each rule, lower-cased, when every rule pins and no two can match the same type. */
function disjointPins(pins: readonly (readonly string[] | undefined)[]): string[][] | undefined {
  if (pins.some((list) => list === undefined || list.length === 0 || list.includes('*'))) return undefined;
  const lists = pins.map((list) => list!.map((pattern) => pattern.toLowerCase()));
  for (let i = 0; i < lists.length; i++) {
    for (let j = i + 1; j < lists.length; j++) {
      if (lists[i].some((p) => lists[j].some((q) => overlap(p, q)))) return undefined;
    }
  }
  return lists;
}

function overlap(p: string, q: string): boolean {
  const prefix = (pattern: string) => (pattern.endsWith('*') ? pattern.slice(0, -1) : undefined);
  const [pp, qp] = [prefix(p), prefix(q)];
  if (pp !== undefined && qp !== undefined) return pp.startsWith(qp) || qp.startsWith(pp);
  if (pp !== undefined) return q.startsWith(pp);
  if (qp !== undefined) return p.startsWith(qp);
  return p === q;
}

function typeMatches(pattern: string, type: string): boolean {
  return pattern.endsWith('*') ? type.startsWith(pattern.slice(0, -1)) : type === pattern;
}

function eventTypesOf(inputs: readonly CorrelationInput[]): string[] {
  const types: string[] = [];
  for (const input of inputs) {
    const own = input.kind === 'detection' ? input.body.base.eventTypes : input.rule.eventTypes;
    if (!own || own.includes('*')) return ['*'];
    types.push(...own);
  }
  return unique(types);
}

function fieldsOf(input: CorrelationInput): readonly string[] {
  return input.kind === 'detection' ? input.body.base.fields : input.rule.fields;
}

/** The correlation's own tags, or else those of the rules it correlates. */
function attackOf(doc: CorrelationDocument, inputs: readonly CorrelationInput[]): AttackMapping {
  if (doc.meta.tags.length > 0) return doc.meta.attack;
  const own = inputs.map((input) => (input.kind === 'detection' ? input.attack : input.rule.attack));
  return { tactics: unique(own.flatMap((attack) => attack.tactics)), techniques: unique(own.flatMap((attack) => attack.techniques)) };
}

function label(input: CorrelationInput): string {
  return input.reference.text;
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

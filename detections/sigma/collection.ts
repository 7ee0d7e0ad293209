/**
 * A set of Sigma documents loaded together (a directory, or several files) becomes engine rules: references by id
 * or name are resolved across files, meta filters are added to the rules they name, correlations are built on the
 * rules they correlate, and every document that cannot be used is reported, never dropped silently.
 *
 * - A detection rule runs on its own unless a correlation refers to it without `generate: true` (Sigma's default:
 *   only the correlation is generated); it is then loaded switched off, and a tenant may still switch it on.
 *   The same holds for a correlation another correlation refers to.
 * - A document whose reference cannot be resolved (unknown, failed to load, a cycle) is refused with its own error.
 */
import { groupKeys } from '../log-event.js';
import type { Rule, SingleRule } from '../types.js';
import { compileCorrelation, type CorrelationInput } from './correlation-rules.js';
import type { CorrelationDocument } from './correlation.js';
import { SigmaLoadError } from './errors.js';
import type { FilterDocument, Reference } from './filters.js';
import { SIGMA_DEDUPE_PERIOD_MINUTES } from './metadata.js';
import { bindPlaceholders } from './placeholders.js';
import { allOfSelectables, type Identity, type RuleMeta, type Selectable } from './rule.js';
import type { DocumentContext } from './yaml.js';

export interface DetectionDocument extends Identity {
  readonly kind: 'detection';
  readonly ctx: DocumentContext;
  readonly meta: RuleMeta;
  readonly body: Selectable;
}

export type SigmaDocument = DetectionDocument | FilterDocument | CorrelationDocument;

/** A document that failed to load, by what others may call it. */
export interface FailedDocument {
  readonly file: string;
  readonly names: readonly string[];
}

export interface Assembled {
  readonly rules: Rule[];
  readonly errors: SigmaLoadError[];
  /** Placeholder name → ids of the loaded rules that use it. */
  readonly placeholders: Record<string, string[]>;
}

export function assemble(documents: readonly SigmaDocument[], failed: readonly FailedDocument[]): Assembled {
  const errors: SigmaLoadError[] = [];
  const dead = new Set<SigmaDocument>();
  const refuse = (doc: SigmaDocument, error: unknown) => {
    dead.add(doc);
    errors.push(error instanceof SigmaLoadError ? error : doc.ctx.error(undefined, `could not be loaded: ${(error as Error)?.message ?? String(error)}`));
  };

  // Ids and names are unique across the set.
  const engineIds = new Map<string, string>();
  const byId = new Map<string, SigmaDocument>();
  const byName = new Map<string, SigmaDocument>();
  for (const doc of documents) {
    const sameId = doc.sigmaId !== undefined ? byId.get(doc.sigmaId.toLowerCase()) : undefined;
    const sameEngineId = doc.kind !== 'filter' || doc.sigmaId !== undefined ? engineIds.get(doc.engineId) : undefined;
    if (sameId || sameEngineId !== undefined) {
      refuse(doc, doc.ctx.error(doc.idLine, `has the same id as the rule in ${sameId?.ctx.file ?? sameEngineId} (rule id '${doc.engineId}')`));
      continue;
    }
    const sameName = doc.name !== undefined ? byName.get(doc.name) : undefined;
    if (sameName) {
      refuse(doc, doc.ctx.error(doc.nameLine, `has the same name '${doc.name}' as the rule in ${sameName.ctx.file}`));
      continue;
    }
    if (doc.kind !== 'filter' || doc.sigmaId !== undefined) engineIds.set(doc.engineId, doc.ctx.file);
    if (doc.sigmaId !== undefined) byId.set(doc.sigmaId.toLowerCase(), doc);
    if (doc.name !== undefined) byName.set(doc.name, doc);
  }
  const failedFile = new Map<string, string>();
  for (const { file, names } of failed) for (const name of names) if (!failedFile.has(name)) failedFile.set(name, file);

  /** The document a reference names; fails with a message saying why there is none. */
  const resolve = (from: SigmaDocument, reference: Reference): SigmaDocument => {
    const found = byId.get(reference.text.toLowerCase()) ?? byName.get(reference.text);
    if (found && !dead.has(found)) return found;
    const where = found ? found.ctx.file : (failedFile.get(reference.text) ?? failedFile.get(reference.text.toLowerCase()));
    const why = where !== undefined ? `which did not load (see the error for ${where})` : 'which is not the id or name of a loaded Sigma rule';
    return from.ctx.fail(reference.node, `refers to '${reference.text}', ${why}`, 'rule reference');
  };

  // Meta filters, added to the detection rules they name.
  const filtersOf = new Map<DetectionDocument, FilterDocument[]>();
  for (const doc of documents) {
    if (doc.kind !== 'filter' || dead.has(doc)) continue;
    try {
      const targets =
        doc.targets === 'any'
          ? documents.filter((other): other is DetectionDocument => other.kind === 'detection' && !dead.has(other))
          : doc.targets.map((reference) => {
              const target = resolve(doc, reference);
              if (target.kind !== 'detection') {
                doc.ctx.fail(
                  reference.node,
                  `filters '${reference.text}', a ${target.kind === 'filter' ? 'meta filter' : 'correlation'}: meta filters apply to ` +
                    'detection rules (filter the rules a correlation correlates)',
                );
              }
              return target as DetectionDocument;
            });
      for (const target of targets) filtersOf.set(target, [...(filtersOf.get(target) ?? []), doc]);
    } catch (error) {
      refuse(doc, error);
    }
  }
  const bodyOf = (doc: DetectionDocument): Selectable => allOfSelectables([doc.body, ...(filtersOf.get(doc) ?? []).map((filter) => filter.body)]);

  // Who is referred to by a correlation, and whether one of those asks for it to be generated on its own as well.
  const referenced = new Map<SigmaDocument, boolean>();
  for (const doc of documents) {
    if (doc.kind !== 'correlation' || dead.has(doc)) continue;
    for (const reference of doc.rules) {
      const target = byId.get(reference.text.toLowerCase()) ?? byName.get(reference.text);
      if (target) referenced.set(target, (referenced.get(target) ?? false) || doc.generate);
    }
  }
  const enabledOf = (doc: DetectionDocument | CorrelationDocument) => !doc.meta.retired && referenced.get(doc) !== false;

  // Correlations, each after the correlations it refers to.
  const compiled = new Map<CorrelationDocument, Rule>();
  const building = new Set<CorrelationDocument>();
  const build = (doc: CorrelationDocument): Rule | undefined => {
    if (dead.has(doc)) return undefined;
    const known = compiled.get(doc);
    if (known) return known;
    building.add(doc);
    try {
      const inputs = doc.rules.map((reference): CorrelationInput => {
        const target = resolve(doc, reference);
        const names = [target.sigmaId, target.name, reference.text].filter((name): name is string => name !== undefined);
        if (target.kind === 'detection') return { kind: 'detection', reference, names, body: bodyOf(target), attack: target.meta.attack };
        if (target.kind === 'filter') return doc.ctx.fail(reference.node, `refers to '${reference.text}', a meta filter, not a rule`);
        if (building.has(target)) return doc.ctx.fail(reference.node, `refers to '${reference.text}', which refers back to it (a cycle)`);
        const rule = build(target);
        if (!rule) return doc.ctx.fail(reference.node, `refers to '${reference.text}', which did not load (see the error for ${target.ctx.file})`);
        return { kind: 'correlation', reference, names, rule };
      });
      const rule = compileCorrelation(doc, inputs, enabledOf(doc));
      compiled.set(doc, rule);
      return rule;
    } catch (error) {
      refuse(doc, error);
      return undefined;
    } finally {
      building.delete(doc);
    }
  };

  const rules: Rule[] = [];
  const placeholders: Record<string, string[]> = {};
  const note = (names: Iterable<string>, id: string) => {
    for (const name of names) (placeholders[name] ??= []).push(id);
  };
  for (const doc of documents) {
    if (dead.has(doc)) continue;
    if (doc.kind === 'detection') {
      const body = bodyOf(doc);
      rules.push(singleRule(doc, body, enabledOf(doc)));
      note(body.placeholders, doc.engineId);
    } else if (doc.kind === 'correlation') {
      const rule = build(doc);
      if (!rule) continue;
      rules.push(rule);
      const inputs = doc.rules.map((reference) => byId.get(reference.text.toLowerCase()) ?? byName.get(reference.text));
      note(new Set(inputs.flatMap((input) => (input?.kind === 'detection' ? [...bodyOf(input).placeholders] : []))), doc.engineId);
    }
  }
  return { rules, errors, placeholders };
}

function singleRule(doc: DetectionDocument, body: Selectable, enabled: boolean): SingleRule {
  const rule: SingleRule = {
    kind: 'single',
    id: doc.engineId,
    title: doc.title,
    description: doc.meta.description,
    severity: doc.meta.severity,
    attack: doc.meta.attack,
    eventTypes: body.base.eventTypes ?? ['*'],
    fields: body.base.fields,
    runbook: doc.meta.runbook,
    dedupe: { periodMinutes: SIGMA_DEDUPE_PERIOD_MINUTES, key: groupKeys.actor },
    enabled,
    match: body.base.match,
  };
  return bindPlaceholders(rule, body.placeholders, (values) => ({ match: body.at(values).match }));
}

/**
 * Sigma meta filters (filters specification v2.1): a `filter:` document adds its condition to the rules it names,
 * so one exclusion is written once for many rules — typically a tenant's known-good activity:
 *
 *   title: Our IT automation
 *   logsource: { product: okta }
 *   filter:
 *       rules: [okta_api_token_created, 8e6a7d8f-…]     # ids or names; `any` (or an empty list): every rule
 *       automation:
 *           actor.alternateId|expand: '%it_automation_accounts%'
 *       condition: not automation
 *
 * As in pySigma, a rule it names then matches only when `(rule condition) and (filter condition)` holds, so an
 * exclusion is written `not …`. Filters apply to detection rules (a correlation sees its rules' events already
 * filtered) and never raise anything themselves. With `expand`, each integration supplies its own values in its
 * detection settings, which makes a filter a per-tenant exclusion; an unset placeholder matches nothing, so
 * `not <placeholder selection>` then excludes nothing.
 */
import { isMap, isScalar, isSeq, type YAMLMap } from 'yaml';
import { checkLogsource, compileBody, selectable, type Identity, type Selectable } from './rule.js';
import { pairOf, type DocumentContext } from './yaml.js';

export interface Reference {
  /** An id or a name, as written. */
  readonly text: string;
  readonly node: unknown;
}

export interface FilterDocument extends Identity {
  readonly kind: 'filter';
  readonly ctx: DocumentContext;
  /** The rules it applies to, or 'any': every detection rule loaded with it. */
  readonly targets: readonly Reference[] | 'any';
  readonly body: Selectable;
}

const NOT_IDENTIFIERS: ReadonlySet<string> = new Set(['rules']);

export function parseFilter(root: YAMLMap, identity: Identity, ctx: DocumentContext): FilterDocument {
  checkLogsource(root, ctx);
  const pair = pairOf(root, 'filter')!;
  const filter = ctx.deref(pair.value);
  if (!isMap(filter)) return ctx.fail(pair, "has a 'filter' that is not a map (rules, search identifiers and condition)");
  if (pairOf(root, 'detection')) ctx.fail(pairOf(root, 'detection'), "has both 'filter' and 'detection': a document is either a rule or a meta filter");

  const rulesPair = pairOf(filter, 'rules');
  if (!rulesPair) ctx.fail(pair, "has no 'filter.rules' (rule ids or names, or 'any' for every rule)");
  const rulesNode = ctx.deref(rulesPair.value);
  let targets: readonly Reference[] | 'any';
  if (isScalar(rulesNode) && typeof rulesNode.value === 'string') {
    targets = rulesNode.value.trim().toLowerCase() === 'any' ? 'any' : [{ text: rulesNode.value.trim(), node: rulesNode }];
  } else if (isSeq(rulesNode)) {
    const items = rulesNode.items.map((item) => ctx.deref(item));
    targets =
      items.length === 0
        ? 'any'
        : items.map((item) => {
            if (!isScalar(item) || typeof item.value !== 'string' || item.value.trim() === '') {
              return ctx.fail(item ?? rulesPair, "has an item in 'filter.rules' that is not a rule id or name");
            }
            return { text: item.value.trim(), node: item };
          });
  } else {
    return ctx.fail(rulesPair, "has a 'filter.rules' that is neither a list of rule ids or names nor 'any'");
  }

  const condition = pairOf(filter, 'condition');
  if (condition && isSeq(ctx.deref(condition.value))) {
    ctx.fail(condition, 'has a list of filter conditions: a meta filter has exactly one condition');
  }
  const body = selectable((bodyCtx) => compileBody(filter as YAMLMap, pair, bodyCtx, 'filter', NOT_IDENTIFIERS), ctx);
  return { kind: 'filter', ctx, targets, body, ...identity };
}

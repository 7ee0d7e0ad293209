/** Catalogue sanity checks, run once at load so a broken rule fails at start-up, not in the middle of a run. */
import { field } from './fields.js';
import { SEVERITIES, type Rule } from './types.js';

const RULE_ID = /^okta-[a-z0-9]+(?:-[a-z0-9]+)*$/;
const TACTIC = /^TA\d{4}$/;
const TECHNIQUE = /^T\d{4}(?:\.\d{3})?$/;

export function validateRules(rules: readonly Rule[]): void {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const rule of rules) {
    const where = rule.id || '(rule without id)';
    const problem = (text: string) => problems.push(`${where}: ${text}`);
    if (!RULE_ID.test(rule.id)) problem('id must look like okta-some-name');
    if (ids.has(rule.id)) problem('duplicate id');
    ids.add(rule.id);
    if (typeof rule.severity === 'string' && !SEVERITIES.includes(rule.severity)) problem(`unknown severity ${rule.severity}`);
    if (rule.attack.tactics.length === 0 || !rule.attack.tactics.every((id) => TACTIC.test(id))) problem('bad ATT&CK tactics');
    if (!rule.attack.techniques.every((id) => TECHNIQUE.test(id))) problem('bad ATT&CK techniques');
    if (rule.eventTypes.length === 0) problem('eventTypes is empty (use ["*"] for every type)');
    if (!(rule.dedupe.periodMinutes > 0)) problem('dedupe.periodMinutes must be > 0');
    for (const path of rule.fields) {
      try {
        field(path);
      } catch (error) {
        problem((error as Error).message);
      }
    }
    if (rule.kind === 'threshold') {
      if (!(rule.window > 0)) problem('window must be > 0 minutes');
      if (!Number.isInteger(rule.threshold) || rule.threshold < 1) problem('threshold must be a positive integer');
      for (const path of [rule.distinct, rule.countOnceBy]) {
        if (path === undefined) continue;
        try {
          field(path);
        } catch (error) {
          problem((error as Error).message);
        }
      }
    }
  }
  if (problems.length > 0) throw new Error(`Invalid detection rules:\n${problems.join('\n')}`);
}

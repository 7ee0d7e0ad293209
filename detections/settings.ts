/** Per-tenant rule settings. For now: rules on/off and threshold overrides; allow-lists join later. */
import type { DetectionSettings, Rule } from './types.js';

/**
 * The rules a tenant actually runs: enabled by override or by default, with threshold overrides applied.
 * Overrides for unknown rule ids are ignored (a rule may have been retired); an invalid threshold is an error,
 * because silently running a different rule than the tenant configured is worse than failing the run.
 */
export function applySettings(rules: readonly Rule[], settings: DetectionSettings | undefined): Rule[] {
  const overrides = settings?.rules ?? {};
  const result: Rule[] = [];
  for (const rule of rules) {
    const override = Object.prototype.hasOwnProperty.call(overrides, rule.id) ? overrides[rule.id] : undefined;
    if (!(override?.enabled ?? rule.enabled)) continue;
    const threshold = override?.threshold;
    if (threshold === undefined || rule.kind !== 'threshold') {
      result.push(rule);
      continue;
    }
    if (!Number.isInteger(threshold) || threshold < 1) {
      throw new RangeError(`Detection setting for ${rule.id}: threshold must be a positive integer, got ${threshold}`);
    }
    result.push({ ...rule, threshold });
  }
  return result;
}

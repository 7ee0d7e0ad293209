// The rules a tenant's events are judged by: the built-in catalogue plus the Sigma rules of the
// configured directory. The hourly run and the offline `detect` command both load them here, so
// they use exactly the same engine and rules.
import { existsSync } from 'node:fs';
import { catalogue, type Rule } from '../index.js';
import { SigmaRuleSetError, loadSigmaRules, type SigmaLoadError } from '../sigma/index.js';

export interface RuleSet {
  rules: readonly Rule[];
  /** Sigma rules that could not be loaded, each naming the file, line and unsupported feature. */
  sigmaErrors: SigmaLoadError[];
}

const cache = new Map<string, RuleSet>();

export function loadRuleSet(sigmaDir?: string): RuleSet {
  const key = sigmaDir ?? '';
  const cached = cache.get(key);
  if (cached) return cached;
  let set: RuleSet = { rules: catalogue, sigmaErrors: [] };
  if (sigmaDir) {
    if (!existsSync(sigmaDir)) throw new Error(`SIGMA_RULES_DIR ${sigmaDir} does not exist; create it or unset the variable.`);
    const sigma = loadSigmaRules(sigmaDir);
    set = { rules: [...catalogue, ...sigma.rules], sigmaErrors: sigma.errors };
  }
  cache.set(key, set);
  return set;
}

/**
 * The rule set the hourly run and a quarantine replay judge events by. A Sigma document that does not load fails the
 * step visibly (the run fails, its events stay in the detection backlog for the run after the fix) instead of running
 * without it: a partial rule set would be a silent gap in detection.
 */
export function loadCompleteRuleSet(sigmaDir?: string): readonly Rule[] {
  const { rules, sigmaErrors } = loadRuleSet(sigmaDir);
  if (sigmaErrors.length > 0) throw new SigmaRuleSetError(sigmaErrors);
  return rules;
}

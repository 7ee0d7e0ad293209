/**
 * Sigma support: load Okta Sigma rules, correlation rules and meta filters (YAML) as engine rules. See
 * sigma-rules/README.md.
 */
export {
  assertSigmaLoaded,
  compileSigmaRule,
  loadSigmaRules,
  loadSigmaSources,
  loadSigmaText,
  ruleFiles,
  SIGMA_DEDUPE_PERIOD_MINUTES,
  SigmaRuleSetError,
  type SigmaLoadResult,
  type SigmaSource,
} from './loader.js';
export { SigmaLoadError, type SigmaLoadErrorInit } from './errors.js';
export { parseCondition, type ConditionNode } from './condition.js';
export { attackOf, severityOf, TACTIC_IDS } from './metadata.js';
export { MAX_TIMESPAN_MINUTES } from './correlation.js';
export { MAX_EXPANSIONS, placeholderNames, type PlaceholderValues } from './placeholders.js';
export { SIGMA_PLACEHOLDER_LIMITS, sigmaPlaceholderProblems } from '../settings.js';

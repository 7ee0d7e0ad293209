/** Sigma rule support: load Okta Sigma rules (YAML) as single-event engine rules. See rules/sigma/README.md. */
export { compileSigmaRule, loadSigmaRules, SIGMA_DEDUPE_PERIOD_MINUTES, type SigmaLoadResult } from './loader.js';
export { SigmaLoadError, type SigmaLoadErrorInit } from './errors.js';
export { parseCondition, type ConditionNode } from './condition.js';
export { attackOf, severityOf, TACTIC_IDS } from './metadata.js';

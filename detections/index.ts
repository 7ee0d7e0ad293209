/** Public API of the detection engine. Test helpers live in `./testing.js` and are not exported here. */
export { evaluate, evaluateRun, stateKeys } from './engine.js';
export { decidesByClock, eventLoadPlan, lookbackMinutes, lookbackRelevance, type EventLoadGroup, type LookbackFilter } from './load-plan.js';
export { catalogue, findRule } from './catalogue.js';
export { allowListPolicy, applySettings, cidrMatcher, compileAllowList, type AllowListMatcher } from './settings.js';
export { validateRules } from './validate.js';
export { decodePackedString, field, getAll, getFirst, getText, isTrue, textOf, type Field } from './fields.js';
export { actorSubject, commonFields, groupKeys, hasOutcome, isOneOf, knownId, targetUserSubject } from './log-event.js';
export { mergeStateRows, stateValue, TENANT_ENTITY } from './kinds/state.js';
export { typeMatches } from './timeline.js';
export { haversineKm } from './kinds/geo.js';
export { ABSENCE_GRACE_MINUTES } from './kinds/sequence.js';
export {
  SEVERITIES,
  type AllowList,
  type AllowListPolicy,
  type AttackMapping,
  type BaselineRule,
  type DedupePolicy,
  type DetectionMatch,
  type DetectionSettings,
  type DetectionState,
  type EvaluateOptions,
  type GeoVelocityRule,
  type OktaLogEvent,
  type Rule,
  type RuleKind,
  type RuleOverride,
  type RunResult,
  type SequenceAlertStep,
  type SequenceEventStep,
  type SequenceRule,
  type SequenceStep,
  type Severity,
  type SingleRule,
  type StateChange,
  type StateKey,
  type StateRow,
  type SubjectUser,
  type ThresholdRule,
  type WindowStats,
} from './types.js';

/** Public API of the detection engine. Test helpers live in `./testing.js` and are not exported here. */
export { evaluate, lookbackMinutes } from './engine.js';
export { catalogue, findRule } from './catalogue.js';
export { applySettings } from './settings.js';
export { validateRules } from './validate.js';
export { decodePackedString, field, getAll, getFirst, getText, isTrue, textOf, type Field } from './fields.js';
export { actorSubject, commonFields, groupKeys, hasOutcome, isOneOf, knownId, targetUserSubject } from './log-event.js';
export {
  SEVERITIES,
  type AttackMapping,
  type DedupePolicy,
  type DetectionMatch,
  type DetectionSettings,
  type EvaluateOptions,
  type OktaLogEvent,
  type Rule,
  type RuleKind,
  type RuleOverride,
  type Severity,
  type SingleRule,
  type SubjectUser,
  type ThresholdRule,
  type WindowStats,
} from './types.js';

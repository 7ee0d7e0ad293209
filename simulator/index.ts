/** The project's Okta simulator: generated orgs and activity, attack scenarios, a local Management API, EventBridge delivery. */
export * from './types.js';
export { Random, hashSeed, type Seed } from './random.js';
export { generateOrg, makeEventBridgeLogStream, type OrgOptions, type EventBridgeStreamOptions } from './org.js';
export { generateActivity, sortByPublished, type ActivityOptions } from './activity.js';
export {
  SCENARIOS, buildScenario, describeScenarios, injectScenario,
  type InjectOptions, type ScenarioInjection, type ScenarioName, type ScenarioOptions, type ScenarioSubjects,
} from './scenarios.js';
export { SCENARIO_EXPECTATIONS, scenarioCases, type ExpectedDetection, type ScenarioCase } from './scenario-expectations.js';
export { defineScenario, type ScenarioContext, type ScenarioDefinition, type ScenarioOutcome } from './scenarios/context.js';
export { EVENT_TYPES, buildEvent, type EventSpec, type KnownEventType, type RequestSource } from './events.js';
export { startOktaSimulator, type InjectedFaults, type OktaSimulator, type OktaSimulatorOptions, type RecordedRequest } from './server.js';
export type { HostileBehaviour, HostileMode } from './hostile.js';
export type { RateLimitBucket, RateLimitConfig, RateLimitSettings, RateLimitWindow } from './rate-limiter.js';
export type {
  BucketCounts, BudgetReport, BudgetReportOptions, EarlyRequest, FaultMode, RateLimitStorm, ServerErrorFaults, ServerErrorStatus,
} from './api-faults.js';
export type { OktaErrorBody } from './api-errors.js';
export {
  partnerEventSource, publishEnvelopes, toEventBridgeEnvelope, toEventBridgeEnvelopes,
  type EventBridgeDestination, type EventBridgeEnvelope, type PublishFailure, type PublishOptions, type PublishResult,
} from './eventbridge.js';
export {
  duplicateDeliveries, foreignEnvelopes, isFromDestination, malformedBodies,
  type ForeignEnvelope, type ForeignKind, type MalformedBody, type MalformedKind,
} from './delivery-faults.js';

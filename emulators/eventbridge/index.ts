// The local EventBridge emulator: see server.ts for what it speaks, pattern.ts for the patterns it
// matches, delivery.ts for how events reach SQS, stats.ts for what it counts.
export { startEventBridgeEmulator, SUPPORTED_OPERATIONS, type EventBridgeEmulator, type EventBridgeEmulatorOptions } from './server.js';
export type { EmulatorStats, SourceCounters } from './stats.js';
export type { Envelope } from './partner-events.js';
export { InvalidEventPattern, matchesPattern, parseEventPattern, type EventPattern } from './pattern.js';
export { eventBridgeMaySend, type DeliveryContext, type PolicyVerdict } from './queue-policy.js';
export { DEFAULT_PORT, EMULATOR_ENV_KEYS, emulatorSettingsFromEnv } from './settings.js';

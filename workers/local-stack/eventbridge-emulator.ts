// The project's EventBridge emulator (emulators/eventbridge: partner event sources, buses, rules,
// delivery to the SQS emulator) for the local stack and the tests; production uses AWS EventBridge.
// Started after the SQS emulator, whose queues its rules deliver to, and stopped before it.
import { startEventBridgeEmulator as startEmulator, type EmulatorStats } from '../../emulators/eventbridge/index.js';

export interface EventBridgeEmulator {
  endpoint: string;
  stats(): EmulatorStats;
  /** Resolves once the deliveries under way have finished. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** `account` is the platform's AWS account of the environment: Okta creates partner sources there. */
export async function startEventBridgeEmulator(opts: { sqsEndpoint: string; account: string; port?: number; region?: string }): Promise<EventBridgeEmulator> {
  const emulator = await startEmulator({ sqsEndpoint: opts.sqsEndpoint, port: opts.port ?? 0, region: opts.region, account: opts.account });
  return { endpoint: emulator.endpoint, stats: emulator.stats, idle: emulator.idle, stop: emulator.stop };
}

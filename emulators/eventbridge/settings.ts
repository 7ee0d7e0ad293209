// The standalone emulator's settings from the environment (emulators/eventbridge/main.ts, the
// docker-compose service). Kept apart from main.ts so that test/unit/docker-compose.test.ts can check
// the compose file against the very function the container runs.
import type { EventBridgeEmulatorOptions } from './server.js';

export const DEFAULT_PORT = 4567;

/** Every variable the standalone emulator reads. */
export const EMULATOR_ENV_KEYS = ['EVENTBRIDGE_PORT', 'EVENTBRIDGE_HOST', 'SQS_ENDPOINT', 'AWS_REGION', 'EVENTBRIDGE_ACCOUNT'] as const;

export function emulatorSettingsFromEnv(env: Record<string, string | undefined>): EventBridgeEmulatorOptions {
  const port = env.EVENTBRIDGE_PORT ? Number(env.EVENTBRIDGE_PORT) : DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`EVENTBRIDGE_PORT=${env.EVENTBRIDGE_PORT} is not a TCP port.`);
  const sqsEndpoint = env.SQS_ENDPOINT;
  if (!sqsEndpoint) throw new Error('SQS_ENDPOINT is required: the SQS emulator the targets live in.');
  new URL(sqsEndpoint);
  const account = env.EVENTBRIDGE_ACCOUNT || '000000000000';
  if (!/^\d{12}$/.test(account)) throw new Error(`EVENTBRIDGE_ACCOUNT=${account} is not a 12-digit AWS account id.`);
  return {
    port,
    // Loopback unless told otherwise: a container sets 0.0.0.0 so that its published port reaches it.
    host: env.EVENTBRIDGE_HOST || '127.0.0.1',
    sqsEndpoint,
    region: env.AWS_REGION || 'us-east-2',
    account,
  };
}

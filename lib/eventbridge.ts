// The EventBridge client: AWS in production, the local emulator when EVENTBRIDGE_ENDPOINT is set.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Config } from './config.js';

export function createEventBridgeClient(config: Pick<Config, 'EVENTBRIDGE_ENDPOINT' | 'AWS_REGION'>): EventBridgeClient {
  if (config.EVENTBRIDGE_ENDPOINT) {
    // The emulator accepts any credentials; fixed ones keep the SDK from searching for a profile.
    return new EventBridgeClient({
      endpoint: config.EVENTBRIDGE_ENDPOINT,
      region: config.AWS_REGION,
      credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'local', secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'local' },
    });
  }
  return new EventBridgeClient({ region: config.AWS_REGION });
}

// The SQS client: AWS in production, the local emulator when SQS_ENDPOINT is set.
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Config } from './config.js';

/**
 * Each command type's middleware stack is resolved once per client instead of on every request (a drain sends
 * about one request per five events; resolving the stack was ~13 % of the SDK's CPU per request). The SDK uses the
 * cache only for `send(command)` without per-call options, and drops it on a call with options: the hot paths
 * (receive, delete) pass none.
 */
const SHARED = { cacheMiddleware: true } as const;

export function createSqsClient(config: Pick<Config, 'SQS_ENDPOINT' | 'AWS_REGION'>): SQSClient {
  if (config.SQS_ENDPOINT) {
    // The emulator accepts any credentials; fixed ones keep the SDK from searching for a profile.
    return new SQSClient({
      ...SHARED,
      endpoint: config.SQS_ENDPOINT,
      region: config.AWS_REGION,
      credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'local', secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'local' },
    });
  }
  return new SQSClient({ ...SHARED, region: config.AWS_REGION });
}

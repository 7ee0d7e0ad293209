// The SQS client: AWS in production, the local emulator when SQS_ENDPOINT is set.
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Config } from './config.js';

/**
 * Settings of every SQS client:
 * - each command type's middleware stack is resolved once per client instead of on every request (a drain sends
 *   about one request per five events; resolving the stack was 5–13 % of the SDK's CPU per request). The SDK uses
 *   the cache only for `send(command)` without per-call options, and drops it on a call with options: the hot paths
 *   (receive, delete) pass none, so only the few timed calls (a queue's depth, once per run) make it resolve again;
 * - a request on a connection that stalls fails instead of waiting forever (the SDK sets no timeout by default): the
 *   drain does not abort its receives on cancellation, so a receive must end by itself. The socket may stay silent for
 *   a whole long poll (20 s at most in SQS), so the limit is above it; the SDK's retries then apply.
 */
const SHARED = {
  cacheMiddleware: true,
  requestHandler: { connectionTimeout: 5_000, socketTimeout: 30_000 },
} as const;

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

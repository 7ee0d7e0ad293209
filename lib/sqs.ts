// The SQS client: AWS in production, the local emulator when SQS_ENDPOINT is set.
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Config } from './config.js';

export function createSqsClient(config: Pick<Config, 'SQS_ENDPOINT' | 'AWS_REGION'>): SQSClient {
  if (config.SQS_ENDPOINT) {
    // The emulator accepts any credentials; fixed ones keep the SDK from searching for a profile.
    return new SQSClient({
      endpoint: config.SQS_ENDPOINT,
      region: config.AWS_REGION,
      credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'local', secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'local' },
    });
  }
  return new SQSClient({ region: config.AWS_REGION });
}

// What activities need from the process: built once by the worker and injected (testable, no globals).
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { BatchStore } from '../ingest/batch-store.js';
import type { Database } from '../schema/db.js';
import type { Config } from '../lib/config.js';
import type { Logger } from '../lib/logger.js';
import type { SecretKeys } from '../lib/secrets.js';

export interface ActivityDeps {
  db: Database;
  /** Where the drains' batches are parsed and committed (store threads, or this thread through `db`). */
  batchStore: BatchStore;
  config: Config;
  secretKey: SecretKeys;
  sqs: SQSClient;
  eventBridge: EventBridgeClient;
  log: Logger;
  /** The clock; tests may pin it. */
  now?: () => Date;
}

// One test file's view of the real stack: its own task queue, a worker running the real
// activities in this process, a Temporal client, the database and SQS clients, and captured logs
// (so tests can assert what was — and was not — logged).
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { inject } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { loadConfig, type Config } from '../../lib/config.js';
import { freeLoopbackPort } from '../../lib/ports.js';
import { createLogger, type Logger } from '../../lib/logger.js';
import { generateSecretKey, parseSecretKey, type SecretKeys } from '../../lib/secrets.js';
import { createSqsClient } from '../../lib/sqs.js';
import { connectDatabase, closeDatabase, type Database } from '../../schema/db.js';
import { startWorker, WORKFLOWS_PATH, type RunningWorker } from '../../workers/worker.js';

export interface World {
  config: Config;
  env: Record<string, string>;
  db: Database;
  sqs: SQSClient;
  client: Client;
  secretKey: SecretKeys;
  log: Logger;
  logLines: string[];
  worker?: RunningWorker;
  startWorker(): Promise<RunningWorker>;
  close(): Promise<void>;
}

let bundle: Promise<{ code: string }> | undefined;
/** The workflow bundle, built once per test file (webpack + swc, a few seconds). */
export function workflowBundle(): Promise<{ code: string }> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never });
  return bundle;
}

export interface WorldOptions {
  /** Serve the worker's Prometheus endpoint (with the Temporal runtime's metrics) on a free loopback port. */
  metrics?: boolean;
}

export async function createWorld(overrides: Record<string, string> = {}, opts: WorldOptions = {}): Promise<World> {
  const stack = inject('stack');
  const env: Record<string, string> = {
    DATABASE_URL: stack.databaseUrl,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_TASK_QUEUE: `test-${randomBytes(4).toString('hex')}`,
    SQS_ENDPOINT: stack.sqsEndpoint,
    EVENTBRIDGE_ENDPOINT: stack.eventBridgeEndpoint,
    SQS_QUEUE_PREFIX: `t${randomBytes(3).toString('hex')}-`,
    OORT_SECRET_KEY: generateSecretKey(),
    // The simulator and the webhook receivers listen on loopback over plain http: only development/test allow that.
    OORT_ENVIRONMENT: 'test',
    OKTA_MAX_RETRIES: '4',
    LOG_LEVEL: 'info',
    // Off unless asked for: test files (and the worker processes they spawn) would fight over one port.
    METRICS_PORT: opts.metrics ? String(await freeLoopbackPort()) : '0',
    // The findings pages likewise: a test that opens them passes FINDINGS_PORT (a free port) in its overrides.
    FINDINGS_PORT: '0',
    ...overrides,
  };
  const config = loadConfig(env);
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  const log = createLogger(config.LOG_LEVEL, sink);
  const db = connectDatabase(config.DATABASE_URL, { max: 4 });
  const sqs = createSqsClient(config);
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection });

  const world: World = {
    config,
    env,
    db,
    sqs,
    client,
    secretKey: parseSecretKey(config.OORT_SECRET_KEY),
    log,
    logLines,
    async startWorker() {
      world.worker = await startWorker(config, log, { workflowBundle: await workflowBundle() });
      return world.worker;
    },
    async close() {
      await world.worker?.shutdown();
      await connection.close();
      sqs.destroy();
      await closeDatabase(db);
    },
  };
  return world;
}

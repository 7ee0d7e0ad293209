// The ingest benchmark's own stack, brought up as the tests do: a fresh PostgreSQL database (dropped at the
// end), the fauxqs SQS emulator (in this process or one of its own) and, only when a stage needs it, the Temporal dev server plus an
// in-process worker. Also the database helpers the stages share: streaming integrations, ingest runs, and
// resetting and checksumming the events table.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { Client, Connection } from '@temporalio/client';
import { createIntegration } from '../integrations/create.js';
import { envelopeExpectation, getIntegration } from '../integrations/repository.js';
import { loadConfig, type Config } from '../lib/config.js';
import { createLogger } from '../lib/logger.js';
import { parseSecretKey, type SecretKeys } from '../lib/secrets.js';
import { createSqsClient } from '../lib/sqs.js';
import type { EnvelopeExpectation } from '../okta/envelope.js';
import { createIntegrationQueues } from '../aws/queues.js';
import { openBatchStore, type BatchStore } from '../ingest/batch-store.js';
import { closeDatabase, connectDatabase, type Database } from '../schema/db.js';
import type { EventBridgeDestination } from '../simulator/index.js';
import { startWorker, type RunningWorker } from '../workers/worker.js';
import { dropDatabase, ensureDatabase } from '../workers/local-stack/postgres.js';
import { startSqsEmulator, type SqsEmulator } from '../workers/local-stack/sqs-emulator.js';
import { ensureTemporalCli, startTemporalDevServer, type TemporalDevServer } from '../workers/local-stack/temporal-cli.js';
import { startSqsEmulatorProcess } from './sqs-emulator-process.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The simulated Okta org: every bench integration belongs to it, and the generated traffic comes from it. */
export const ORG = 'initech';

export interface Stack {
  config: Config;
  databaseUrl: string;
  db: Database;
  sqs: SQSClient;
  /** `pid` when the emulator runs in a process of its own. */
  emulator: SqsEmulator & { pid?: number };
  secretKey: SecretKeys;
  /** Where the stages' batches are committed, as the worker's drains commit them (ingest/batch-store.ts). */
  batchStore: BatchStore;
  /** The environment every config of this run is loaded from (database and SQS endpoint added). */
  env: Record<string, string>;
  /** Where the stack reports what it does (building the Temporal CLI, a database it could not drop). */
  progress: (line: string) => void;
  temporal?: TemporalDevServer;
  worker?: RunningWorker;
  connection?: Connection;
}

function benchEnv(stack: Pick<Stack, 'databaseUrl' | 'emulator' | 'env'>): Record<string, string> {
  return { ...stack.env, DATABASE_URL: stack.databaseUrl, SQS_ENDPOINT: stack.emulator.endpoint };
}

/** Where the SQS emulator runs: `inline` in the bench's own process, or a `process` of its own (as SQS is remote). */
export type EmulatorPlacement = 'inline' | 'process';

/** The emulator and the database (created if missing); Temporal waits for `ensureTemporal`. */
export async function startStack(
  databaseUrl: string,
  env: Record<string, string>,
  progress: (line: string) => void,
  emulatorIn: EmulatorPlacement = 'inline',
  storeThreads?: number,
): Promise<Stack> {
  const emulator = emulatorIn === 'process' ? await startSqsEmulatorProcess() : await startSqsEmulator();
  await ensureDatabase(databaseUrl);
  const config = loadConfig(benchEnv({ databaseUrl, emulator, env }));
  const db = connectDatabase(databaseUrl, { max: 10 });
  const batchStore = openBatchStore(db, { databaseUrl, threads: storeThreads, connections: 10, sqs: config });
  return { config, databaseUrl, db, batchStore, emulator, sqs: createSqsClient(config), secretKey: parseSecretKey(config.OORT_SECRET_KEY), env, progress };
}

/** Stops everything `startStack` and `ensureTemporal` started and drops the database; never throws. */
export async function stopStack(stack: Stack): Promise<void> {
  await stack.worker?.shutdown().catch(() => {});
  await stack.connection?.close().catch(() => {});
  await stack.temporal?.stop().catch(() => {});
  stack.sqs.destroy();
  await stack.emulator.stop().catch(() => {});
  await stack.batchStore.close().catch(() => {});
  await closeDatabase(stack.db).catch(() => {});
  const name = new URL(stack.databaseUrl).pathname.slice(1);
  await dropDatabase(stack.databaseUrl).catch((err) => stack.progress(`could not drop ${name}: ${String(err)}`));
}

/** The Temporal dev server and a worker on this run's task queue, started on first use. */
export async function ensureTemporal(stack: Stack): Promise<Client> {
  if (!stack.temporal) {
    const cliPath = await ensureTemporalCli(ROOT, stack.progress);
    stack.temporal = await startTemporalDevServer({ cliPath });
    stack.config = loadConfig({ ...benchEnv(stack), TEMPORAL_ADDRESS: stack.temporal.address });
    stack.worker = await startWorker(stack.config, createLogger('silent'));
    stack.connection = await Connection.connect({ address: stack.temporal.address });
  }
  return new Client({ connection: stack.connection! });
}

export interface BenchIntegration {
  integrationId: string;
  queueUrl: string;
  destination: EventBridgeDestination;
  expect: EnvelopeExpectation & { integrationId: string };
}

/** An integration that is already streaming, with its queues (as test/support/fixtures.ts does). */
export async function streamingIntegration(stack: Stack, name: string): Promise<BenchIntegration> {
  const { integrationId } = await createIntegration(stack.db, stack.secretKey, {
    tenantId: 'bench',
    name,
    oktaDomain: `${ORG}.okta.com`,
    oktaOrg: ORG,
    apiToken: 'ssws-unused-in-bench',
    awsAccountId: stack.config.awsAccountId,
  });
  const { queueUrl, deadLetterQueueUrl } = await createIntegrationQueues(stack.sqs, integrationId, {
    prefix: stack.config.SQS_QUEUE_PREFIX,
    visibilityTimeoutSeconds: stack.config.SQS_VISIBILITY_TIMEOUT_SECONDS,
  });
  await stack.db.$client`
    update integrations set status = 'streaming', queue_url = ${queueUrl}, dead_letter_queue_url = ${deadLetterQueueUrl}
    where id = ${integrationId}`;
  const row = await getIntegration(stack.db, integrationId);
  return {
    integrationId,
    queueUrl,
    destination: { oktaOrg: ORG, eventSourceName: integrationId, account: stack.config.awsAccountId, region: stack.config.AWS_REGION },
    expect: { ...envelopeExpectation(row), integrationId },
  };
}

export async function openRun(db: Database, integrationId: string, label: string): Promise<number> {
  const [r] = await db.$client<{ id: string }[]>`
    insert into ingest_runs (integration_id, workflow_id, workflow_run_id)
    values (${integrationId}, ${`bench:${label}`}, ${`bench:${label}:${randomBytes(4).toString('hex')}`})
    returning id`;
  return Number(r.id);
}

/** Empties `events` and checkpoints, so every timed insert starts from the same state. */
export async function resetEvents(db: Database): Promise<void> {
  await db.$client`truncate events, detection_backlog`;
  try {
    await db.$client`checkpoint`;
  } catch {
    // not allowed for this role: measurements are just noisier
  }
}

export async function eventsChecksum(db: Database, integrationId: string): Promise<{ n: number; sum: string }> {
  const [r] = await db.$client<{ n: number; sum: string }[]>`
    select count(*)::int as n, coalesce(sum(hashtext(concat_ws('|', uuid, published::text, event_type, severity, actor_id,
      actor_alternate_id, actor_type, target_ids::text, target_user_ids::text, outcome_result, outcome_reason, client_ip,
      country, city, session_id, root_session_id, raw::text, ingest_run_id::text))::bigint), 0)::text as sum
    from events where integration_id = ${integrationId}`;
  return r;
}

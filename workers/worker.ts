// The oort-okta worker: runs every workflow and activity of the integration lifecycle on one task
// queue. Applies the database migrations at start-up. Configuration: environment (lib/config.ts).
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { loadConfig, type Config } from '../lib/config.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { parseSecretKey } from '../lib/secrets.js';
import { createSqsClient } from '../lib/sqs.js';
import { closeDatabase, connectDatabase } from '../schema/db.js';
import { applyMigrations } from '../schema/migrate.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

let runtimeInstalled = false;

/** Routes the Temporal runtime's logs into our structured logger (once per process). */
export function installRuntime(log: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => {
      const level = entry.level.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error';
      log[level]({ ...entry.meta }, entry.message);
    }),
    shutdownSignals: [],
  });
}

export interface RunningWorker {
  worker: Worker;
  /** Resolves when the worker has shut down. */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

export async function startWorker(config: Config, log: Logger, opts: { workflowBundle?: { code: string } } = {}): Promise<RunningWorker> {
  const secretKey = parseSecretKey(config.OORT_SECRET_KEY);
  const db = connectDatabase(config.DATABASE_URL);
  await applyMigrations(db);
  const sqs = createSqsClient(config);
  installRuntime(log);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities({ db, config, secretKey, sqs, log }),
    maxConcurrentActivityTaskExecutions: 20,
    maxCachedWorkflows: 200,
    shutdownGraceTime: '20s',
  });
  const done = worker.run().finally(async () => {
    await connection.close();
    await closeDatabase(db);
    sqs.destroy();
  });
  log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, temporal: config.TEMPORAL_ADDRESS }, 'worker started');
  return {
    worker,
    done,
    shutdown: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

async function main() {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  const running = await startWorker(config, log);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'shutting down');
      void running.shutdown();
    });
  }
  await running.done;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}

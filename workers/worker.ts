// The oort-okta worker: runs the workflows and activities of the integration lifecycle on two task queues, the
// main one (interactive workflows and their quick steps) and `<queue>-heavy` (the Schedules' runs and every long
// step; temporal/shared/task-queues.ts), each with its own activity slots. Applies the database migrations at
// start-up. Configuration: environment (lib/config.ts).
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { loadRuleSet } from '../detections/run/rule-set.js';
import { activityInterceptors } from './activity-interceptor.js';
import { loadConfig, type Config } from '../lib/config.js';
import { startMetricsServer } from '../lib/metrics.js';
import { freeLoopbackPort } from '../lib/ports.js';
import { startFindings, type FindingsServer } from '../findings/server.js';
import { createFatalLogger, createLogger, errorFields, type Logger } from '../lib/logger.js';
import { parseSecretKeyring } from '../lib/secrets.js';
import { createSqsClient } from '../lib/sqs.js';
import { createEventBridgeClient } from '../lib/eventbridge.js';
import { closeDatabase, connectDatabase } from '../schema/db.js';
import { openBatchStore, type BatchStore } from '../ingest/batch-store.js';
import { applyMigrations } from '../schema/migrate.js';
import { describeTemporalSecurity, temporalConnectionOptions } from '../lib/temporal-connection.js';
import { heavyTaskQueue } from '../temporal/shared/task-queues.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

let runtime: Promise<string | undefined> | undefined;

/**
 * Installs the Temporal runtime, once per process (Core allows one): its logs go into our structured
 * logger and, with `coreMetrics`, Core's Prometheus exporter listens on a free loopback port that the
 * worker's own endpoint re-serves. Returns that exporter's URL; a later call gets the first call's
 * answer, so a process whose first worker had metrics off has no Temporal metrics.
 */
export function installRuntime(log: Logger, opts: { coreMetrics?: boolean } = {}): Promise<string | undefined> {
  runtime ??= (async () => {
    const bindAddress = opts.coreMetrics ? `127.0.0.1:${await freeLoopbackPort()}` : undefined;
    Runtime.install({
      logger: new DefaultLogger('WARN', (entry) => {
        const level = entry.level.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error';
        log[level]({ ...entry.meta }, entry.message);
      }),
      ...(bindAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress } } } } : {}),
      shutdownSignals: [],
    });
    return bindAddress ? `http://${bindAddress}/metrics` : undefined;
  })();
  return runtime;
}

export interface RunningWorker {
  /** The main queue's Worker and the heavy queue's, or one of them (WORKER_TASK_QUEUES). */
  workers: Worker[];
  /** Resolves when the worker has shut down. */
  done: Promise<void>;
  /** The Prometheus endpoint, when METRICS_PORT is not 0. */
  metricsUrl?: string;
  /** The read-only findings pages (findings/server.ts), when FINDINGS_PORT is not 0. */
  findingsUrl?: string;
  shutdown(): Promise<void>;
}

/**
 * The longest the SDK holds back an activity's heartbeats before sending the latest to the server. Its default is
 * 0.8 × the step's heartbeat timeout (24 s of the drain's 30 s): the server then heard from a live drain every 24 s,
 * 6 s from being declared dead, a margin that a saturated machine can eat. Every 5 s leaves 25 s, at one heartbeat
 * call per 5 s per running step; a cancellation also reaches the step sooner (it comes back with a heartbeat).
 */
export const HEARTBEAT_THROTTLE = '5s';

export async function startWorker(config: Config, log: Logger, opts: { workflowBundle?: { code: string } } = {}): Promise<RunningWorker> {
  const secretKey = parseSecretKeyring(config.OORT_SECRET_KEY, config.OORT_SECRET_KEYS_PREVIOUS);
  // More connections than activity slots: a detection step holds a reserved connection for its advisory lock and takes
  // another from the pool for its work, so with as many connections as concurrent detection steps every step waited
  // for a connection forever (bench/tenants: one worker, 1,000 tenants' slot, stuck at 10 concurrent detection steps).
  const slots = (config.WORKER_TASK_QUEUES !== 'heavy' ? config.WORKER_ACTIVITY_SLOTS : 0) + (config.WORKER_TASK_QUEUES !== 'main' ? config.WORKER_HEAVY_ACTIVITY_SLOTS : 0);
  const db = connectDatabase(config.DATABASE_URL, { max: slots + 5 });
  await applyMigrations(db);
  const sqs = createSqsClient(config);
  const metricsOn = config.METRICS_PORT !== 0;
  const coreMetricsUrl = await installRuntime(log, { coreMetrics: metricsOn });
  if (metricsOn && !coreMetricsUrl) log.warn('the Temporal runtime was installed without metrics in this process; /metrics has the pipeline\'s only');
  const metrics = metricsOn
    ? await startMetricsServer({ host: config.METRICS_HOST, port: config.METRICS_PORT, coreMetricsUrl, log })
    : undefined;
  let connection: NativeConnection | undefined;
  const workers: Worker[] = [];
  let findings: FindingsServer | undefined;
  let batchStore: BatchStore | undefined;
  try {
    batchStore = openBatchStore(db, { databaseUrl: config.DATABASE_URL, threads: config.INGEST_STORE_THREADS, connections: config.WORKER_HEAVY_ACTIVITY_SLOTS, sqs: config });
    findings = await startFindings(config, log);
    const temporal = temporalConnectionOptions(config);
    log.info({ temporal: describeTemporalSecurity(temporal) }, 'connecting to Temporal');
    connection = await NativeConnection.connect(temporal);
    const common = {
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      activities: createActivities({ db, batchStore, config, secretKey, sqs, eventBridge: createEventBridgeClient(config), log }),
      interceptors: { activity: [activityInterceptors(log)] },
      shutdownGraceTime: '20s',
      maxHeartbeatThrottleInterval: HEARTBEAT_THROTTLE,
    };
    // Both queues carry workflows: interactive ones on the main queue, the Schedules' runs on the heavy one. One bundle
    // serves both (webpack otherwise runs once per Worker: seconds of a start, tens of seconds on a busy machine).
    const workflows = { workflowBundle: opts.workflowBundle ?? (await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: Runtime.instance().logger })) };
    if (config.WORKER_TASK_QUEUES !== 'heavy') {
      workers.push(await Worker.create({
        ...common,
        ...workflows,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        maxConcurrentActivityTaskExecutions: config.WORKER_ACTIVITY_SLOTS,
        maxCachedWorkflows: 200,
      }));
    }
    if (config.WORKER_TASK_QUEUES !== 'main') {
      workers.push(await Worker.create({
        ...common,
        ...workflows,
        taskQueue: heavyTaskQueue(config.TEMPORAL_TASK_QUEUE),
        maxConcurrentActivityTaskExecutions: config.WORKER_HEAVY_ACTIVITY_SLOTS,
        // The hourly runs' quick steps (local activities) share the pool with the heavy slots: as many at once.
        maxConcurrentLocalActivityExecutions: config.WORKER_HEAVY_ACTIVITY_SLOTS,
      }));
    }
  } catch (err) {
    // A listening endpoint would keep a failed start's process alive.
    await connection?.close().catch(() => {});
    await metrics?.close();
    await findings?.close();
    await batchStore?.close();
    throw err;
  }
  // One Worker failing stops the other: the process restarts whole rather than serving half its queues. Both have
  // stopped before the connection and the pool close.
  const runs = workers.map((w) => w.run().catch((err: unknown) => {
    for (const other of workers) if (other.getState() === 'RUNNING') other.shutdown();
    throw err;
  }));
  const done = Promise.allSettled(runs).then((results) => {
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }).finally(async () => {
    await connection.close();
    await batchStore?.close();
    await closeDatabase(db);
    sqs.destroy();
    await metrics?.close();
    await findings?.close();
  });
  log.info({ environment: config.OORT_ENVIRONMENT, okta_allow_private_addresses_ignored: config.OKTA_ALLOW_PRIVATE_ADDRESSES || undefined }, ['development', 'test'].includes(config.OORT_ENVIRONMENT) ? 'outbound mode: development (plain http and loopback targets such as the Okta simulator allowed)' : 'outbound mode: public https only (loopback, private and other special-purpose addresses refused)');
  logRuleSet(config, log);
  log.info({
    taskQueues: workers.map((w) => w.options.taskQueue),
    activitySlots: { main: config.WORKER_ACTIVITY_SLOTS, heavy: config.WORKER_HEAVY_ACTIVITY_SLOTS },
    temporal: config.TEMPORAL_ADDRESS,
  }, 'worker started');
  return {
    workers,
    done,
    metricsUrl: metrics?.url,
    findingsUrl: findings?.url,
    shutdown: async () => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}

/**
 * An uncaught exception or unhandled rejection ends the process (its state is unknown) after one fatal JSON line on
 * stderr with the error's name, message and stack; the process manager starts it again, and Temporal retries the
 * activities it had. Installed by the worker's entry point only, not by code that embeds `startWorker`.
 */
export function installFatalHandlers(exit: (code: number) => void = (code) => process.exit(code)): void {
  const fatal = createFatalLogger();
  for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
    process.on(event, (err: unknown) => {
      try {
        fatal.fatal({ event, error: errorFields(err) }, `${event}: the worker exits`);
      } finally {
        exit(1);
      }
    });
  }
}

async function main() {
  installFatalHandlers();
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
    createFatalLogger().fatal({ error: errorFields(err) }, `the worker failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}

/**
 * The rule set, once at start: how many rules, and every Sigma document that does not load (file, line, rule, why).
 * Such errors also fail each detection step until fixed, so a broken rule file is never a silent gap.
 */
function logRuleSet(config: Config, log: Logger): void {
  try {
    const { rules, sigmaErrors } = loadRuleSet(config.SIGMA_RULES_DIR);
    for (const e of sigmaErrors) log.error({ file: e.file, line: e.line, rule: e.ruleId ?? e.ruleTitle, err: e.message }, 'Sigma rule not loaded: detection steps fail until it is fixed');
    log.info({ rules: rules.length, sigmaErrors: sigmaErrors.length, sigmaRulesDir: config.SIGMA_RULES_DIR }, 'rule set loaded');
  } catch (err) {
    log.error({ err: (err as Error).message }, 'rule set not loaded: detection steps fail until it is fixed');
  }
}

// Process configuration, read once from the environment and validated with zod so a wrong value
// fails at start-up with the variable's name and what to set, not deep inside an activity.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** Where `npm start` (the local stack) keeps its generated key; used when no key is configured. */
export const LOCAL_SECRET_KEY_FILE = '.data/secret.key';

/**
 * The AWS accounts customers enter in Okta as the log stream target, per Oort environment. `development` (the
 * local stack) and `test` (the test suite) are the only environments that may reach plain http and loopback
 * targets (lib/outbound.ts); they show the staging account, since no customer streams to them.
 */
export const OORT_AWS_ACCOUNTS = {
  development: '909617834444',
  test: '909617834444',
  staging: '909617834444',
  production: '988897525199',
} as const;
export type OortEnvironment = keyof typeof OORT_AWS_ACCOUNTS;

/** Okta's log stream region for Oort: US East (Ohio). */
export const OORT_AWS_REGION = 'us-east-2';
export const OORT_AWS_REGION_LABEL = 'US East (Ohio)';

export const TASK_QUEUE_DEFAULT = 'oort-okta';

const duration = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(ms|s|m|h|d)$/, 'a duration such as 30s, 15m, 3d');

const schema = z.object({
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/oort_okta'),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  // Its heavy queue is `<queue>-heavy` (temporal/shared/task-queues.ts): a name ending so would be its own heavy queue.
  TEMPORAL_TASK_QUEUE: z
    .string()
    .refine((q) => !q.endsWith('-heavy'), 'must not end in "-heavy": that suffix names the heavy task queue of another queue')
    .default(TASK_QUEUE_DEFAULT),
  /** Mutual TLS to Temporal: PEM client certificate and key files; the CA and server name when not public (lib/temporal-connection.ts). */
  TEMPORAL_TLS_CERT_FILE: z.string().optional(),
  TEMPORAL_TLS_KEY_FILE: z.string().optional(),
  TEMPORAL_TLS_CA_FILE: z.string().optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
  /** TLS without a client certificate. */
  TEMPORAL_TLS: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** A Temporal Cloud API key (implies TLS), or a file holding it. */
  TEMPORAL_API_KEY: z.string().optional(),
  TEMPORAL_API_KEY_FILE: z.string().optional(),
  /** production | staging, or development | test: only these two allow plain http and loopback targets (the simulator). */
  OORT_ENVIRONMENT: z.enum(['development', 'test', 'staging', 'production']).default('staging'),
  /** base64 of 32 random bytes: the AES-256-GCM key that encrypts Okta API tokens at rest. */
  OORT_SECRET_KEY: z.string().optional(),
  /** Alternatively, a file holding that key (the local stack keeps one in .data/secret.key). */
  OORT_SECRET_KEY_FILE: z.string().optional(),
  /**
   * Keys the secrets were sealed with before the current one (comma-separated base64): still read, never used to seal.
   * After a rotation, `npx oort-okta secrets reseal` moves every stored secret to the current key; then drop them.
   */
  OORT_SECRET_KEYS_PREVIOUS: z.string().optional(),
  /** SQS endpoint override (the local emulator); unset in AWS. */
  SQS_ENDPOINT: z.string().url().optional(),
  AWS_REGION: z.string().default(OORT_AWS_REGION),
  /** EventBridge endpoint override (the local emulator); unset in AWS. */
  EVENTBRIDGE_ENDPOINT: z.string().url().optional(),
  /**
   * Who connects an integration's partner event source to its queue: `workflow` (onboarding does it with the
   * EventBridge API) or `manual` (an operator deploys deploy/aws/integration-stack.yaml; onboarding only checks it).
   */
  AWS_SETUP: z.enum(['workflow', 'manual']).default('workflow'),
  /** Prefix of per-integration queue names, e.g. `oort-okta-<integrationId>`. */
  SQS_QUEUE_PREFIX: z.string().default('oort-okta-'),
  /** Visibility timeout given to newly created integration queues. */
  SQS_VISIBILITY_TIMEOUT_SECONDS: z.coerce.number().int().min(0).max(43200).default(300),
  /**
   * An hourly drain takes what is queued plus what arrives for at most this long after it was scheduled, then stops
   * and leaves the rest to the next run (well inside the hour, so that detection and notification follow).
   */
  DRAIN_DEADLINE: duration.default('30m'),
  /** …and at most this many messages. */
  DRAIN_MAX_MESSAGES: z.coerce.number().int().min(1).default(1_000_000),
  /**
   * Threads beside the activities' own that parse and commit the drains' batches (ingest/batch-store.ts), each with a
   * PostgreSQL pool of WORKER_HEAVY_ACTIVITY_SLOTS connections. Default: one per four cores, 1 to 4. 0 commits on the
   * activities' thread, through the worker's pool.
   */
  INGEST_STORE_THREADS: z.coerce.number().int().min(0).max(16).optional(),
  /**
   * An event published further than this ahead of the worker's clock is quarantined (`published_in_future`): it
   * would move the detection clock, the stream-health clock and `last_event_at`. `quarantine replay` stores it once
   * its time has come.
   */
  FUTURE_SKEW_TOLERANCE: duration.default('5m'),
  /**
   * Retention of the time-partitioned tables, in days (schema/partitions.ts): a partition is dropped once its whole
   * range is older than this. Events and Activity rows by `published`, quarantine by `received_at`, detections by
   * `created_at` (kept longer: they are the findings).
   */
  EVENTS_RETENTION_DAYS: z.coerce.number().int().min(1).default(90),
  DETECTIONS_RETENTION_DAYS: z.coerce.number().int().min(1).default(365),
  ONBOARDING_REMINDER_AFTER: duration.default('3d'),
  /** How long onboarding waits for the first streamed event before it checks the queue again. */
  FIRST_EVENT_POLL_INTERVAL: duration.default('5m'),
  /**
   * Deprecated: accepted, but it no longer opens anything. Loopback and plain http (the simulator) are allowed
   * exactly when OORT_ENVIRONMENT is development or test; staging and production refuse them whatever this says.
   */
  OKTA_ALLOW_PRIVATE_ADDRESSES: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Okta request timeout (ms) and retry attempts for 5xx/network errors. */
  OKTA_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  OKTA_MAX_RETRIES: z.coerce.number().int().min(0).default(4),
  /** Page size of System Log reads (Okta's maximum, 1000, uses the rate budget best). */
  OKTA_LOG_PAGE_LIMIT: z.coerce.number().int().min(1).max(1000).default(1000),
  /** A streaming integration whose stream delivered nothing for this long becomes `degraded` (gap filled from the API). */
  STREAM_SILENCE_ALERT_AFTER: duration.default('6h'),
  /** API reads start this long before the newest event held, so a switch or a gap fill misses nothing. */
  SYSTEM_LOG_POLL_OVERLAP: duration.default('15m'),
  /** System Log pages one hourly run reads at most (the rest waits for the next run); 60/min is Okta's per-token budget. */
  SYSTEM_LOG_MAX_PAGES_PER_RUN: z.coerce.number().int().min(1).default(2400),
  /** Days of System Log onboarding reads (backfill) for new integrations: 1–90 (Okta keeps 90). */
  BACKFILL_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  /** Sigma rules (YAML) run beside the built-in catalogue; default: the examples shipped in sigma-rules. */
  SIGMA_RULES_DIR: z.string().default(fileURLToPath(new URL('../sigma-rules', import.meta.url))),
  /**
   * Activities one worker process runs at once on each of its two task queues (temporal/shared/task-queues.ts): the
   * main queue's quick steps (refreshUser, onboarding's checks, opening and closing runs) and the heavy queue's drains,
   * API reads, detection passes, Activity days and directory syncs. Its PostgreSQL pool holds both plus 5.
   */
  WORKER_ACTIVITY_SLOTS: z.coerce.number().int().min(1).max(200).default(5),
  WORKER_HEAVY_ACTIVITY_SLOTS: z.coerce.number().int().min(1).max(200).default(15),
  /**
   * Which queues this process serves: `both`, `main` (onboarding and refreshUser, their workflows and quick steps) or
   * `heavy` (the Schedules' runs, their workflows and every step, and onboarding's long steps: add heavy-only processes
   * to scale the hourly slot).
   */
  WORKER_TASK_QUEUES: z.enum(['both', 'main', 'heavy']).default('both'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** The worker's Prometheus endpoint (GET /metrics): its port (0 turns it off) and listen address. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * The worker's read-only findings pages (findings/server.ts: detections, evidence, deliveries): port (0 turns them
   * off) and listen address. Without FINDINGS_TOKEN only a loopback address is accepted.
   */
  FINDINGS_PORT: z.coerce.number().int().min(0).max(65535).default(9465),
  FINDINGS_HOST: z.string().min(1).default('127.0.0.1'),
  /** When set, every findings request must carry it: `Authorization: Bearer <token>`, or HTTP Basic with it as the password. */
  FINDINGS_TOKEN: z.string().min(16, 'at least 16 characters (e.g. `openssl rand -hex 24`)').optional(),
  /** The findings pages' public address (behind a proxy), used in notification links; default: http://FINDINGS_HOST:FINDINGS_PORT. */
  FINDINGS_BASE_URL: z.string().url().regex(/^https?:\/\//, 'an http(s) URL').optional(),
  /** The Temporal UI (or Temporal Cloud's) address: the findings pages link each run to its workflow there. */
  TEMPORAL_UI_URL: z.string().url().regex(/^https?:\/\//, 'an http(s) URL').default('http://127.0.0.1:8233'),
});

/** Every environment variable the worker reads. */
export const CONFIG_KEYS = Object.keys(schema.shape);

export type Config = z.infer<typeof schema> & { awsAccountId: string };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(
      `Invalid configuration in the environment:\n${lines.join('\n')}\nFix these variables (see README "Configuration") and start again.`,
    );
  }
  const data = parsed.data;
  const keyFile = data.OORT_SECRET_KEY_FILE ?? (existsSync(LOCAL_SECRET_KEY_FILE) ? LOCAL_SECRET_KEY_FILE : undefined);
  const secretKey = data.OORT_SECRET_KEY ?? (keyFile ? readFileSync(keyFile, 'utf8').trim() : undefined);
  return { ...data, OORT_SECRET_KEY: secretKey, awsAccountId: OORT_AWS_ACCOUNTS[data.OORT_ENVIRONMENT] };
}

// Where the local stack (`npm start`) listens and keeps its state, from the environment, and the
// operator commands it prints — written so that they reach this stack exactly as printed.
import { isAbsolute, join, relative, resolve } from 'node:path';
import { loadConfig } from '../../lib/config.js';

export interface DevStackSettings {
  /** State kept across restarts: Temporal's SQLite file, the secret key, the embedded PostgreSQL. */
  dataDir: string;
  temporalPort: number;
  temporalUiPort: number;
  sqsPort: number;
  oktaPort: number;
  /** The local receivers of the demo's notifications: a signed-webhook endpoint and a Slack-compatible incoming webhook. */
  webhookReceiverPort: number;
  slackReceiverPort: number;
  /** The environment the worker and the demo run with. */
  env: NodeJS.ProcessEnv;
  /** Where the token-sealing key was read from, when the environment did not give it. */
  secretKeyFile?: string;
}

const DEFAULTS = { temporalUi: 8233, okta: 8085, webhookReceiver: 8086, slackReceiver: 8087 };
const CLI_DEFAULTS = loadConfig({});

function port(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name}=${value} is not a TCP port.`);
  return n;
}

function portOf(name: string, address: string): number {
  const n = Number(new URL(address.includes('://') ? address : `tcp://${address}`).port);
  if (!n) throw new Error(`${name}=${address} names no port.`);
  return n;
}

/**
 * TEMPORAL_ADDRESS, SQS_ENDPOINT and DATABASE_URL say where the stack's own Temporal dev server, SQS
 * emulator and (if it has to start one) PostgreSQL listen; OORT_TEMPORAL_UI_PORT, OORT_OKTA_SIMULATOR_PORT,
 * OORT_WEBHOOK_RECEIVER_PORT and OORT_SLACK_RECEIVER_PORT place the UI, the simulator and the two notification
 * receivers (all on 127.0.0.1); OORT_DATA_DIR the state (default `.data`).
 */
export function devStackSettings(
  root: string,
  source: NodeJS.ProcessEnv,
  secretKey: (file: string) => string,
): DevStackSettings {
  const dataDir = resolve(root, source.OORT_DATA_DIR || '.data');
  const secretKeyFile = source.OORT_SECRET_KEY || source.OORT_SECRET_KEY_FILE ? undefined : join(dataDir, 'secret.key');
  const temporalAddress = source.TEMPORAL_ADDRESS || '127.0.0.1:7233';
  const sqsEndpoint = source.SQS_ENDPOINT || 'http://127.0.0.1:4566';
  const env: NodeJS.ProcessEnv = {
    ...source,
    TEMPORAL_ADDRESS: temporalAddress,
    SQS_ENDPOINT: sqsEndpoint,
    ...(secretKeyFile ? { OORT_SECRET_KEY: secretKey(secretKeyFile) } : {}),
    // The demo's Okta simulator listens on 127.0.0.1 over plain http: only development (or test) allows that.
    OORT_ENVIRONMENT: source.OORT_ENVIRONMENT === 'test' ? 'test' : 'development',
    LOG_LEVEL: source.LOG_LEVEL || 'warn',
  };
  return {
    dataDir,
    temporalPort: portOf('TEMPORAL_ADDRESS', temporalAddress),
    temporalUiPort: port('OORT_TEMPORAL_UI_PORT', source.OORT_TEMPORAL_UI_PORT, DEFAULTS.temporalUi),
    sqsPort: portOf('SQS_ENDPOINT', sqsEndpoint),
    oktaPort: port('OORT_OKTA_SIMULATOR_PORT', source.OORT_OKTA_SIMULATOR_PORT, DEFAULTS.okta),
    webhookReceiverPort: port('OORT_WEBHOOK_RECEIVER_PORT', source.OORT_WEBHOOK_RECEIVER_PORT, DEFAULTS.webhookReceiver),
    slackReceiverPort: port('OORT_SLACK_RECEIVER_PORT', source.OORT_SLACK_RECEIVER_PORT, DEFAULTS.slackReceiver),
    env,
    secretKeyFile,
  };
}

function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A DATABASE_URL's password is not printed; the printed command then names the variable instead. */
function printable(url: string): string {
  const u = new URL(url);
  return u.password ? '"$DATABASE_URL"' : shellWord(url);
}

/**
 * `npm run cli -- <args>`, prefixed with the settings in which this stack differs from the CLI's
 * defaults (on a default `npm start`, none), so the command reaches this stack when pasted.
 */
export function cliCommand(root: string, s: DevStackSettings, args: string[]): string {
  const prefix: string[] = [];
  const env = s.env;
  if (env.DATABASE_URL && env.DATABASE_URL !== CLI_DEFAULTS.DATABASE_URL) prefix.push(`DATABASE_URL=${printable(env.DATABASE_URL)}`);
  for (const key of ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE'] as const) {
    const value = env[key];
    if (value && value !== CLI_DEFAULTS[key]) prefix.push(`${key}=${shellWord(value)}`);
  }
  // Run from the project, the CLI finds the stack's key in ./.data/secret.key by itself.
  if (s.secretKeyFile && relative(root, s.secretKeyFile) !== join('.data', 'secret.key')) {
    prefix.push(`OORT_SECRET_KEY_FILE=${shellWord(s.secretKeyFile)}`);
  }
  return [...prefix, 'npm', 'run', 'cli', '--', ...args.map(shellWord)].join(' ');
}

/** The Temporal CLI as the operator would type it: relative to the project when it was built there. */
export function temporalCommand(root: string, cliPath: string, s: DevStackSettings, args: string[]): string {
  const inProject = isAbsolute(cliPath) && !relative(root, cliPath).startsWith('..');
  const program = inProject ? relative(root, cliPath) : cliPath;
  const address = s.env.TEMPORAL_ADDRESS !== '127.0.0.1:7233' ? ['--address', s.env.TEMPORAL_ADDRESS!] : [];
  return [program, ...args, ...address].map(shellWord).join(' ');
}

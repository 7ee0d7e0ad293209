// Brings up the real local stack once per test run: the pinned Temporal CLI dev server (built with
// `go install` on first use), a fresh PostgreSQL database (dropped at the end), the SQS emulator and,
// after it, the EventBridge emulator that delivers to it.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { ensureTemporalCli, startTemporalDevServer } from '../../workers/local-stack/temporal-cli.js';
import { dropDatabase, ensureDatabase } from '../../workers/local-stack/postgres.js';
import { OORT_AWS_ACCOUNTS } from '../../lib/config.js';
import { startSqsEmulator } from '../../workers/local-stack/sqs-emulator.js';
import { startEventBridgeEmulator } from '../../workers/local-stack/eventbridge-emulator.js';
import { connectDatabase, closeDatabase } from '../../schema/db.js';
import { applyMigrations } from '../../schema/migrate.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface TestStack {
  temporalAddress: string;
  temporalCliPath: string;
  databaseUrl: string;
  sqsEndpoint: string;
  /** The EventBridge emulator (emulators/eventbridge), delivering to the SQS emulator above; region us-east-2. */
  eventBridgeEndpoint: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: TestStack;
  }
}

export default async function setup(project: TestProject) {
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/oort_okta_test_${randomBytes(4).toString('hex')}`;
  const databaseUrl = base.toString();

  const cliPath = await ensureTemporalCli(ROOT, (line) => console.log(line));
  const [temporal, { sqs, eventBridge }] = await Promise.all([
    startTemporalDevServer({ cliPath }),
    (async () => {
      const sqs = await startSqsEmulator();
      return { sqs, eventBridge: await startEventBridgeEmulator({ sqsEndpoint: sqs.endpoint, account: OORT_AWS_ACCOUNTS.test }) };
    })(),
    (async () => {
      await ensureDatabase(databaseUrl);
      const db = connectDatabase(databaseUrl, { max: 2 });
      await applyMigrations(db);
      await closeDatabase(db);
    })(),
  ]);
  project.provide('stack', {
    temporalAddress: temporal.address,
    temporalCliPath: cliPath,
    databaseUrl,
    sqsEndpoint: sqs.endpoint,
    eventBridgeEndpoint: eventBridge.endpoint,
  });

  return async () => {
    await temporal.stop();
    await eventBridge.stop();
    await sqs.stop();
    await dropDatabase(databaseUrl);
  };
}

// `npm start`: the whole product on one machine with embedded defaults — the Temporal dev server
// (with its UI, and a state file so a restart keeps workflows and Schedules), the local
// PostgreSQL, the SQS emulator, the worker, and a demo tenant on the Okta simulator.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, LOCAL_SECRET_KEY_FILE } from '../lib/config.js';
import { createLogger } from '../lib/logger.js';
import { generateSecretKey, parseSecretKey } from '../lib/secrets.js';
import { createSqsClient } from '../lib/sqs.js';
import { closeDatabase, connectDatabase } from '../schema/db.js';
import { ensureTemporalCli, startTemporalDevServer } from './local-stack/temporal-cli.js';
import { ensureDatabase } from './local-stack/postgres.js';
import { startSqsEmulator } from './local-stack/sqs-emulator.js';
import { startDemo } from './local-stack/demo.js';
import { startWorker } from './worker.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PORTS = { temporal: 7233, temporalUi: 8233, sqs: 4566, okta: 8085 };

function localSecretKey(): string {
  const file = join(ROOT, LOCAL_SECRET_KEY_FILE);
  if (!existsSync(file)) writeFileSync(file, `${generateSecretKey()}\n`, { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

async function main() {
  process.chdir(ROOT);
  mkdirSync(join(ROOT, '.data'), { recursive: true });
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? `127.0.0.1:${PORTS.temporal}`,
    SQS_ENDPOINT: process.env.SQS_ENDPOINT ?? `http://127.0.0.1:${PORTS.sqs}`,
    OORT_SECRET_KEY: process.env.OORT_SECRET_KEY ?? localSecretKey(),
    OKTA_ALLOW_PRIVATE_ADDRESSES: 'true',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  const config = loadConfig(env);
  const log = createLogger(config.LOG_LEVEL);
  const say = (line: string) => console.log(line);

  say('Starting the local stack…');
  const cliPath = await ensureTemporalCli(ROOT, say);
  await ensureDatabase(config.DATABASE_URL);
  const temporal = await startTemporalDevServer({
    cliPath,
    port: PORTS.temporal,
    uiPort: PORTS.temporalUi,
    dbFilename: join(ROOT, '.data', 'temporal.db'),
  });
  const sqsEmulator = await startSqsEmulator({ port: PORTS.sqs });
  const worker = await startWorker(config, log);

  const db = connectDatabase(config.DATABASE_URL, { max: 4 });
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const sqs = createSqsClient(config);
  const demo = await startDemo({ db, client, sqs, config, secretKey: parseSecretKey(config.OORT_SECRET_KEY), log, oktaPort: PORTS.okta });

  say('');
  say(`oort-okta is running.`);
  say(`  Temporal UI:        ${temporal.uiUrl}`);
  say(`  Demo integration:   ${demo.integrationId} (Okta simulator at ${demo.sim.url})`);
  say(`  PostgreSQL:         ${new URL(config.DATABASE_URL).host}${new URL(config.DATABASE_URL).pathname}`);
  say(`  SQS emulator:       ${config.SQS_ENDPOINT}`);
  say('');
  say('The demo customer has created its Okta log stream. Signal it, as their technical contact would:');
  say(`  npm run cli -- integrations eventbridge-in-place ${demo.integrationId}`);
  say(`Then follow it with: npm run cli -- integrations show ${demo.integrationId}`);
  say('Press Ctrl-C to stop; starting again continues where it stopped.');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    say('\nStopping…');
    await demo.stop();
    await worker.shutdown();
    await connection.close();
    sqs.destroy();
    await closeDatabase(db);
    await sqsEmulator.stop();
    await temporal.stop();
    say('Stopped.');
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

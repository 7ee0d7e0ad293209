// `npm start`: the whole product on one machine with embedded defaults — the Temporal dev server
// (with its UI, and a state file so a restart keeps workflows and Schedules), PostgreSQL (the local
// server, or an embedded one when none answers), the SQS emulator, the EventBridge emulator, the local webhook
// and Slack receivers of the demo's notifications, the worker, and a demo tenant on the Okta simulator. Every
// server listens on 127.0.0.1. Ports and the state directory come from the environment (local-stack/settings.ts;
// EVENTBRIDGE_ENDPOINT here).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../lib/config.js';
import { createLogger } from '../lib/logger.js';
import { generateSecretKey, parseSecretKey } from '../lib/secrets.js';
import { createSqsClient } from '../lib/sqs.js';
import { closeDatabase, connectDatabase } from '../schema/db.js';
import { scheduleId } from '../temporal/shared/ids.js';
import { detectionsPath } from '../findings/links.js';
import { ensureTemporalCli, startTemporalDevServer } from './local-stack/temporal-cli.js';
import { ensureDatabase, isLocalDatabase, serverAnswers } from './local-stack/postgres.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './local-stack/embedded-postgres.js';
import { StackProcesses } from './local-stack/leftovers.js';
import { cliCommand, devStackSettings, temporalCommand } from './local-stack/settings.js';
import { startSqsEmulator } from './local-stack/sqs-emulator.js';
import { startEventBridgeEmulator } from './local-stack/eventbridge-emulator.js';
import { DEMO_INTEGRATION_ID, startDemo, webhookSecretsFor } from './local-stack/demo.js';
import { startSlackReceiver, startWebhookReceiver } from './local-stack/receivers.js';
import { createEventBridgeClient } from '../lib/eventbridge.js';
import { startWorker } from './worker.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function localSecretKey(file: string): string {
  if (!existsSync(file)) writeFileSync(file, `${generateSecretKey()}\n`, { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

async function main() {
  process.chdir(ROOT);
  const settings = devStackSettings(ROOT, process.env, (file) => {
    mkdirSync(join(file, '..'), { recursive: true });
    return localSecretKey(file);
  });
  mkdirSync(settings.dataDir, { recursive: true });
  const eventBridgePort = eventBridgePortOf(settings.env);
  const config = loadConfig(settings.env);
  const log = createLogger(config.LOG_LEVEL);
  const say = (line: string) => console.log(line);
  const processes = new StackProcesses(join(settings.dataDir, 'local-stack.pids'));
  // A failed start or a forced exit leaves no server behind.
  process.once('exit', () => processes.signalAll());
  // Until everything runs, Ctrl-C just exits (and so asks the servers started so far to stop).
  let stop: (() => Promise<void>) | undefined;
  const onSignal = () => (stop ? void stop() : process.exit(130));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  say('Starting the local stack…');
  await processes.endLeftovers(say);
  const cliPath = await ensureTemporalCli(ROOT, say);

  let embedded: EmbeddedPostgres | undefined;
  let postgresLine = `PostgreSQL server at ${new URL(config.DATABASE_URL).host}`;
  if (isLocalDatabase(config.DATABASE_URL) && !(await serverAnswers(config.DATABASE_URL))) {
    say(`No PostgreSQL answers at ${new URL(config.DATABASE_URL).host}: starting an embedded one (data in ${join(settings.dataDir, 'postgres')}).`);
    embedded = await startEmbeddedPostgres(config.DATABASE_URL, settings.dataDir);
    processes.add('embedded PostgreSQL', embedded.process, 'postgres', 'SIGINT');
    postgresLine = `embedded PostgreSQL ${embedded.version} at ${new URL(config.DATABASE_URL).host} (run ${embedded.how}; log ${embedded.logFile})`;
  }
  await ensureDatabase(config.DATABASE_URL);

  const temporal = await startTemporalDevServer({
    cliPath,
    port: settings.temporalPort,
    uiPort: settings.temporalUiPort,
    dbFilename: join(settings.dataDir, 'temporal.db'),
    ownProcessGroup: true,
    log: say,
  });
  processes.add('Temporal dev server', temporal.process, 'temporal', 'SIGTERM');
  const sqsEmulator = await startSqsEmulator({ port: settings.sqsPort });
  const eventBridge = await startEventBridgeEmulator({ sqsEndpoint: config.SQS_ENDPOINT!, port: eventBridgePort, region: config.AWS_REGION, account: config.awsAccountId });
  const db = connectDatabase(config.DATABASE_URL, { max: 4 });
  const secretKey = parseSecretKey(config.OORT_SECRET_KEY);
  // Before the worker, so that no delivery finds them missing. The webhook receiver verifies with the demo
  // channel's secrets, read from the database at each delivery (as the demo is created after it, and a
  // rotation changes them).
  const webhookReceiver = await startWebhookReceiver({
    port: settings.webhookReceiverPort,
    file: join(settings.dataDir, 'received-webhooks.jsonl'),
    secrets: () => webhookSecretsFor(db, secretKey, DEMO_INTEGRATION_ID, webhookReceiver.postUrl),
  });
  const slackReceiver = await startSlackReceiver({ port: settings.slackReceiverPort, file: join(settings.dataDir, 'received-slack.jsonl') });
  const worker = await startWorker(config, log);

  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const sqs = createSqsClient(config);
  const demo = await startDemo({
    db, client, sqs, eventBridge: createEventBridgeClient(config), eventBridgeEndpoint: eventBridge.endpoint, config, secretKey, log, oktaPort: settings.oktaPort, say,
    receivers: { webhookUrl: webhookReceiver.postUrl, slackUrl: slackReceiver.postUrl },
  });

  const id = demo.integrationId;
  const cli = (...args: string[]) => cliCommand(ROOT, settings, args);
  say('');
  say('oort-okta is running.');
  say(`  Temporal UI:        ${temporal.uiUrl}`);
  say(`    its workflows:    ${temporal.uiUrl}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows?query=${encodeURIComponent(`IntegrationId="${id}"`)}`);
  say(`  Demo integration:   ${id} (tenant demo-acme; Okta simulator at ${demo.sim.url})`);
  say(`  Webhook receiver:   ${webhookReceiver.url} (notifications of the demo's detections arrive here, signatures verified)`);
  say(`  Slack receiver:     ${slackReceiver.url} (the same notifications, as Slack messages)`);
  say(`  PostgreSQL:         ${postgresLine}, database ${new URL(config.DATABASE_URL).pathname.slice(1)}`);
  say(`  SQS emulator:       ${config.SQS_ENDPOINT}`);
  say(`  EventBridge:        ${eventBridge.endpoint} (emulator: partner event sources, rules, delivery to SQS; counters at ${eventBridge.endpoint}/_emulator/stats)`);
  if (worker.findingsUrl) say(`  Findings pages:     ${worker.findingsUrl}${detectionsPath('', id)} (the demo's detections; each notification links to its page)`);
  say(`  Metrics:            ${worker.metricsUrl ?? 'off (METRICS_PORT=0)'}`);
  say(`  State:              ${settings.dataDir}`);
  say('');
  // Skip, as the Schedule itself: a run already draining the queue makes a second one pointless.
  const trigger = cli('schedules', 'trigger', id, '--overlap-policy', 'Skip');
  if (demo.awaitingSignal) {
    say('The demo customer has created its Okta log stream. Signal it, as their technical contact would:');
    say(`  ${cli('integrations', 'eventbridge-in-place', id)}`);
    say('Then follow onboarding (it creates the Schedules), trigger the first hourly run, and read its detections:');
  } else {
    say(`The demo integration is past onboarding (${demo.status}); its Schedules run. Follow it, trigger an hourly run, read detections:`);
  }
  say(`  ${cli('integrations', 'show', id)}`);
  say(`  ${trigger}`);
  say(`  ${cli('detections', 'list', id)}`);
  say(`(or in the Temporal UI: Schedules → ${scheduleId('hourly', id)} → Trigger; with the Temporal CLI: ${temporalCommand(ROOT, cliPath, settings, ['schedule', 'trigger', '--schedule-id', scheduleId('hourly', id), '--overlap-policy', 'Skip'])})`);
  say('Press Ctrl-C to stop; starting again continues where it stopped.');

  let stoppingSince = 0;
  stop = async () => {
    if (stoppingSince) {
      // npm forwards the terminal's SIGINT, so one Ctrl-C can arrive twice: only a later one forces.
      if (Date.now() - stoppingSince < 2000) return;
      say('Stopping at once (the servers finish shutting down on their own).');
      process.exit(130);
    }
    stoppingSince = Date.now();
    say('\nStopping…');
    await demo.stop();
    await worker.shutdown();
    await webhookReceiver.stop();
    await slackReceiver.stop();
    await connection.close();
    sqs.destroy();
    await closeDatabase(db);
    await eventBridge.stop();
    await sqsEmulator.stop();
    await temporal.stop();
    await embedded?.stop();
    processes.clear();
    say('Stopped.');
    process.exit(0);
  };
}

/**
 * EVENTBRIDGE_ENDPOINT (default http://127.0.0.1:4567) says where the stack's EventBridge emulator listens, on
 * loopback only. The default is written into the stack's environment, beside SQS_ENDPOINT, for what reads it there.
 */
function eventBridgePortOf(env: NodeJS.ProcessEnv): number {
  env.EVENTBRIDGE_ENDPOINT ||= 'http://127.0.0.1:4567';
  const url = new URL(env.EVENTBRIDGE_ENDPOINT);
  if (!['127.0.0.1', 'localhost'].includes(url.hostname) || !url.port) {
    throw new Error(`EVENTBRIDGE_ENDPOINT=${env.EVENTBRIDGE_ENDPOINT}: the local EventBridge listens on 127.0.0.1, at an explicit port.`);
  }
  return Number(url.port);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

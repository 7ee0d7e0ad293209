// The demo tenant of the local stack: an Okta org simulated with live, generated activity (and an
// attack now and then), whose log stream to "EventBridge" is already set up, so the only step
// left to the operator is the one in the setup guide: signal that EventBridge is in place.
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Client } from '@temporalio/client';
import type { Database } from '../../schema/db.js';
import type { Config } from '../../lib/config.js';
import type { Logger } from '../../lib/logger.js';
import { createIntegration } from '../../integrations/create.js';
import { getIntegration, IntegrationNotFoundError } from '../../integrations/repository.js';
import { startOnboarding } from '../../integrations/lifecycle.js';
import { createIntegrationQueues } from '../../pipeline/queue.js';
import {
  SCENARIOS,
  buildScenario,
  generateActivity,
  generateOrg,
  makeEventBridgeLogStream,
  publishEnvelopes,
  startOktaSimulator,
  toEventBridgeEnvelopes,
  type OktaSimulator,
  type ScenarioName,
} from '../../simulator/index.js';

export const DEMO_INTEGRATION_ID = 'okta-demo';
export const DEMO_OKTA_TOKEN = 'demo-ssws-token-for-the-local-simulator';
const DEMO_ORG = 'demo-acme';

export interface Demo {
  sim: OktaSimulator;
  integrationId: string;
  stop(): Promise<void>;
}

export async function startDemo(deps: { db: Database; client: Client; sqs: SQSClient; config: Config; secretKey: Buffer; log: Logger; oktaPort: number }): Promise<Demo> {
  const { db, client, sqs, config, secretKey, log } = deps;
  const org = generateOrg({
    seed: 'oort-demo',
    users: 200,
    orgName: DEMO_ORG,
    asOf: new Date(),
    logStream: { eventSourceName: DEMO_INTEGRATION_ID, accountId: config.awsAccountId, region: config.AWS_REGION },
  });
  const sim = await startOktaSimulator({ token: DEMO_OKTA_TOKEN, org, port: deps.oktaPort });
  sim.setLogStreams([makeEventBridgeLogStream({ name: 'Oort (demo)', eventSourceName: DEMO_INTEGRATION_ID, accountId: config.awsAccountId, region: config.AWS_REGION })]);

  try {
    await getIntegration(db, DEMO_INTEGRATION_ID);
    // Restarted: the integration's token still points at the previous simulator port.
    await db.$client`update integrations set okta_domain = ${sim.url} where id = ${DEMO_INTEGRATION_ID}`;
  } catch (err) {
    if (!(err instanceof IntegrationNotFoundError)) throw err;
    await createIntegration(db, secretKey, {
      integrationId: DEMO_INTEGRATION_ID,
      tenantId: 'demo-acme',
      tenantName: 'Acme (demo)',
      name: 'Acme Okta (simulated)',
      oktaDomain: sim.url,
      oktaOrg: DEMO_ORG,
      apiToken: DEMO_OKTA_TOKEN,
      awsAccountId: config.awsAccountId,
    });
  }
  const row = await getIntegration(db, DEMO_INTEGRATION_ID);
  if (row.queueUrl) {
    // The emulator keeps no state across restarts; recreating is idempotent and gives the same URL.
    await createIntegrationQueues(sqs, DEMO_INTEGRATION_ID, { prefix: config.SQS_QUEUE_PREFIX, visibilityTimeoutSeconds: config.SQS_VISIBILITY_TIMEOUT_SECONDS });
  }
  if (!['streaming', 'paused', 'degraded', 'removed'].includes(row.status)) {
    await startOnboarding(client, db, config.TEMPORAL_TASK_QUEUE, {
      integrationId: DEMO_INTEGRATION_ID,
      reminderAfter: config.ONBOARDING_REMINDER_AFTER,
      firstEventPollInterval: '15 seconds',
    });
  }

  // Live traffic: every tick, the activity of the last tick, into Okta's System Log and — once
  // onboarding has created the queue — through "EventBridge" into it; an attack every ~10 minutes.
  // One seed for all ticks: each tick takes its slice of the same simulated days.
  const seed = 'oort-demo-live';
  const perUserPerDay = 60;
  const tickMs = 20_000;
  let last = new Date();
  // Okta's System Log already holds the org's last three days (what "Refresh User Data" reads).
  sim.addEvents(generateActivity(sim.org, { seed, start: new Date(last.getTime() - 3 * 86_400_000), end: last, eventsPerUserPerDay: perUserPerDay }));
  let ticks = 0;
  const scenarios = Object.keys(SCENARIOS) as ScenarioName[];
  const tick = async () => {
    const now = new Date();
    const events = generateActivity(sim.org, { seed, start: last, end: now, eventsPerUserPerDay: perUserPerDay });
    if (ticks % 30 === 5) {
      const name = scenarios[Math.floor(ticks / 30) % scenarios.length];
      events.push(...buildScenario(sim.org, name, { seed: ticks, at: new Date(now.getTime() - 60_000) } as never).events);
      log.info({ scenario: name }, 'demo: attack scenario injected');
    }
    last = now;
    ticks += 1;
    if (events.length === 0) return;
    sim.addEvents(events);
    const { queueUrl } = await getIntegration(db, DEMO_INTEGRATION_ID);
    if (!queueUrl) return;
    const destination = { oktaOrg: DEMO_ORG, eventSourceName: DEMO_INTEGRATION_ID, account: config.awsAccountId, region: config.AWS_REGION };
    await publishEnvelopes(sqs, queueUrl, toEventBridgeEnvelopes(events, destination));
  };
  const timer = setInterval(() => tick().catch((err) => log.warn({ err: String(err) }, 'demo: publishing failed')), tickMs);

  return {
    sim,
    integrationId: DEMO_INTEGRATION_ID,
    stop: async () => {
      clearInterval(timer);
      await sim.close();
    },
  };
}

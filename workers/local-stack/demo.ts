// The demo tenant of the local stack: an Okta org simulated with live, generated activity (and an
// attack now and then), whose log stream to EventBridge is already saved (its partner event source waits, PENDING,
// in the EventBridge emulator), so the only step left to the operator is the one in the setup guide: signal that
// EventBridge is in place. Events go Okta → EventBridge → rule → SQS, as in production: until onboarding has
// connected the source, AWS drops them. Its two notification channels, a signed webhook and a Slack incoming webhook,
// point at the stack's local receivers (receivers.ts), so each detection of an hourly run shows up there.
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Client } from '@temporalio/client';
import type { Database } from '../../schema/db.js';
import type { Config } from '../../lib/config.js';
import type { Logger } from '../../lib/logger.js';
import type { IntegrationStatus } from '../../integrations/status.js';
import { createIntegration } from '../../integrations/create.js';
import { channelAad, channelSecrets, enabledChannels, generateWebhookSecret, nextChannelId, openChannelSecret } from '../../notify/channels.js';
import { receiverSecret } from '../../notify/webhook.js';
import { redactSlackUrl } from '../../notify/slack.js';
import { encryptSecret } from '../../lib/secrets.js';
import { getIntegration, IntegrationNotFoundError } from '../../integrations/repository.js';
import { startOnboarding } from '../../temporal/client.js';
import { createIntegrationQueues } from '../../aws/queues.js';
import { associateSource, putQueueTarget, putRoutingRule, setQueuePolicies } from '../../aws/eventbridge.js';
import { routeSpecOf } from '../../activities/aws-route.js';
import { createPartnerEventBridgeClient, publishPartnerEvents } from '../../simulator/partner-events.js';
import { partnerEventSource } from '../../simulator/eventbridge.js';
import {
  buildScenario,
  generateActivity,
  generateOrg,
  makeEventBridgeLogStream,
  startOktaSimulator,
  scenarioCases,
  type InjectOptions,
  type OktaLogEvent,
  type OktaSimulator,
  type ScenarioCase,
  type ScenarioName,
  type SimulatedOrg,
} from '../../simulator/index.js';
import type { SecretKeys } from '../../lib/secrets.js';

export const DEMO_INTEGRATION_ID = 'okta-demo';
export const DEMO_OKTA_TOKEN = 'demo-ssws-token-for-the-local-simulator';
const DEMO_ORG = 'demo-acme';

export interface Demo {
  sim: OktaSimulator;
  integrationId: string;
  /** The integration's status when the demo started. */
  status: IntegrationStatus;
  /** Onboarding still waits for the "EventBridge in place" signal. */
  awaitingSignal: boolean;
  stop(): Promise<void>;
}

/** Before the signal was accepted: onboarding has not verified the log stream yet. */
const BEFORE_SIGNAL: readonly IntegrationStatus[] = ['validating_credentials', 'syncing_directory', 'awaiting_log_stream', 'log_stream_misconfigured', 'credentials_invalid'];

export interface DemoDeps {
  db: Database;
  client: Client;
  sqs: SQSClient;
  /** The platform's EventBridge client (the emulator's customer side). */
  eventBridge: EventBridgeClient;
  /** Where Okta's side reaches the EventBridge emulator. */
  eventBridgeEndpoint: string;
  config: Config;
  secretKey: SecretKeys;
  log: Logger;
  oktaPort: number;
  /** Where the demo's channels deliver: the local webhook receiver's POST URL and the Slack receiver's hook URL. */
  receivers: { webhookUrl: string; slackUrl: string };
  /** Lines for the operator's console. */
  say: (line: string) => void;
}

/**
 * The events of the demo's `n`-th attack, generated at `now`: the scenario ends at `now` at the latest
 * (one that plays out over half an hour began half an hour ago), so nothing is dated in the future.
 */
export function demoAttack(org: SimulatedOrg, attack: ScenarioCase, n: number, now: Date): OktaLogEvent[] {
  const at = new Date(now.getTime() - 60_000);
  return buildScenario(org, attack.scenario, { ...attack.options, seed: `demo-${n}`, at, now } as InjectOptions<ScenarioName>).events;
}

export async function startDemo(deps: DemoDeps): Promise<Demo> {
  const { db, client, sqs, eventBridge, config, secretKey, log, say } = deps;
  const org = generateOrg({
    seed: 'oort-demo',
    users: 200,
    orgName: DEMO_ORG,
    asOf: new Date(),
    logStream: { eventSourceName: DEMO_INTEGRATION_ID, accountId: config.awsAccountId, region: config.AWS_REGION },
  });
  const sim = await startOktaSimulator({
    token: DEMO_OKTA_TOKEN, org, port: deps.oktaPort,
    eventBridge: { endpoint: deps.eventBridgeEndpoint, account: config.awsAccountId, region: config.AWS_REGION },
  });
  await sim.setLogStreams([makeEventBridgeLogStream({ name: 'Oort (demo)', eventSourceName: DEMO_INTEGRATION_ID, accountId: config.awsAccountId, region: config.AWS_REGION })]);

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
      webhook: { url: deps.receivers.webhookUrl, secret: generateWebhookSecret(), minSeverity: 'low' },
      slack: { webhookUrl: deps.receivers.slackUrl, minSeverity: 'low' },
    });
  }
  // Restarted (or created before it had channels): the channels exist and point at this start's receivers.
  await ensureDemoChannels(db, secretKey, DEMO_INTEGRATION_ID, deps.receivers);
  const row = await getIntegration(db, DEMO_INTEGRATION_ID);
  if (row.queueUrl) {
    // The emulator keeps no state across restarts; recreating is idempotent and gives the same URL.
    await createIntegrationQueues(sqs, DEMO_INTEGRATION_ID, { prefix: config.SQS_QUEUE_PREFIX, visibilityTimeoutSeconds: config.SQS_VISIBILITY_TIMEOUT_SECONDS });
  }
  if (row.queueUrl && row.awsRoute?.steps.target) {
    // Neither does the EventBridge emulator: the route onboarding built before the restart is built again, the same
    // idempotent way (in AWS it simply stays).
    const spec = routeSpecOf(row, config.SQS_QUEUE_PREFIX);
    await associateSource(eventBridge, spec);
    await setQueuePolicies(sqs, spec, await putRoutingRule(eventBridge, spec));
    await putQueueTarget(eventBridge, sqs, spec);
  }
  if (!['streaming', 'paused', 'degraded', 'removed'].includes(row.status)) {
    await startOnboarding(client, db, config.TEMPORAL_TASK_QUEUE, {
      integrationId: DEMO_INTEGRATION_ID,
      reminderAfter: config.ONBOARDING_REMINDER_AFTER,
      firstEventPollInterval: '15 seconds',
    });
  }

  // Live traffic: every tick (20 s), the activity since the last, into Okta's System Log and through EventBridge
  // (dropped there until onboarding has connected the source, as in AWS). The first tick after the route is in
  // place carries an attack, so the first hourly run has detections; then one every ~10 minutes.
  // One seed for all ticks: each tick takes its slice of the same simulated days.
  const seed = 'oort-demo-live';
  const perUserPerDay = 60;
  const tickMs = 20_000;
  const attackEveryTicks = 30;
  let last = new Date();
  // Okta's System Log already holds the org's last three days (what "Refresh User Data" reads).
  sim.addEvents(generateActivity(sim.org, { seed, start: new Date(last.getTime() - 3 * 86_400_000), end: last, eventsPerUserPerDay: perUserPerDay }));
  const cases = scenarioCases();
  const okta = createPartnerEventBridgeClient({ endpoint: deps.eventBridgeEndpoint, region: config.AWS_REGION });
  let attacks = 0;
  let ticksSinceAttack = 0;
  const tick = async () => {
    const now = new Date();
    const events = generateActivity(sim.org, { seed, start: last, end: now, eventsPerUserPerDay: perUserPerDay });
    last = now;
    const routed = Boolean((await getIntegration(db, DEMO_INTEGRATION_ID)).awsRoute?.steps.target);
    ticksSinceAttack += 1;
    const attack = routed && (attacks === 0 || ticksSinceAttack >= attackEveryTicks) ? cases[attacks % cases.length] : undefined;
    if (attack) events.push(...demoAttack(sim.org, attack, attacks, now));
    if (events.length === 0) return;
    sim.addEvents(events);
    await publishPartnerEvents(okta, partnerEventSource(DEMO_ORG, DEMO_INTEGRATION_ID), events);
    if (attack) {
      attacks += 1;
      ticksSinceAttack = 0;
      say(`Demo: attack ${attack.label} streamed; the next hourly run raises ${attack.ruleIds.join(', ')}.`);
    }
  };
  // Until onboarding has connected the source, look often: the first attack then streams soon after.
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  const schedule = (ms: number) => {
    timer = setTimeout(() => {
      inFlight = tick()
        .catch((err) => log.warn({ err: String(err) }, 'demo: publishing failed'))
        .finally(() => !stopped && schedule(attacks > 0 ? tickMs : 2_000));
    }, ms);
  };
  schedule(2_000);

  return {
    sim,
    integrationId: DEMO_INTEGRATION_ID,
    status: row.status,
    awaitingSignal: BEFORE_SIGNAL.includes(row.status),
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
      okta.destroy();
      await sim.close();
    },
  };
}

/**
 * The demo integration has a webhook channel and a Slack channel pointing at the local receivers: a missing one is
 * added (the webhook with a new `whsec_` secret), one pointing elsewhere (another port) is pointed here; the webhook
 * channel keeps its secret. Idempotent, in one transaction.
 */
export async function ensureDemoChannels(
  db: Database,
  secretKey: SecretKeys,
  integrationId: string,
  to: { webhookUrl: string; slackUrl: string },
): Promise<void> {
  await db.$client.begin(async (tx) => {
    const rows = await tx<{ id: string; kind: 'webhook' | 'slack'; url: string; secret_encrypted: string }[]>`
      select id, kind::text as kind, url, secret_encrypted from notification_channels
      where integration_id = ${integrationId} order by id for update`;
    const webhook = rows.find((r) => r.kind === 'webhook');
    if (!webhook) {
      const id = await nextChannelId(tx);
      await tx`insert into notification_channels ${tx({
        id,
        integration_id: integrationId,
        kind: 'webhook',
        url: to.webhookUrl,
        secret_encrypted: encryptSecret(generateWebhookSecret(), secretKey, channelAad(integrationId, id)),
        min_severity: 'low',
      })}`;
    } else if (webhook.url !== to.webhookUrl) {
      await tx`update notification_channels set url = ${to.webhookUrl} where id = ${webhook.id}`;
    }
    // A Slack channel's URL is its sealed secret (the `url` column shows it redacted).
    const slack = rows.find((r) => r.kind === 'slack');
    if (!slack) {
      const id = await nextChannelId(tx);
      await tx`insert into notification_channels ${tx({
        id,
        integration_id: integrationId,
        kind: 'slack',
        url: redactSlackUrl(to.slackUrl),
        secret_encrypted: encryptSecret(to.slackUrl, secretKey, channelAad(integrationId, id)),
        min_severity: 'low',
      })}`;
    } else if (openChannelSecret(slack.secret_encrypted, secretKey, integrationId, Number(slack.id)).plain !== to.slackUrl) {
      await tx`
        update notification_channels
        set url = ${redactSlackUrl(to.slackUrl)}, secret_encrypted = ${encryptSecret(to.slackUrl, secretKey, channelAad(integrationId, Number(slack.id)))}
        where id = ${slack.id}`;
    }
  });
}

/**
 * What the local webhook receiver verifies with, read as the tenant's side would hold it: the secrets (`whsec_…`) of
 * the integration's enabled webhook channels that deliver to `url` — the current one and, during a rotation
 * (`integrations channel rotate-secret`), the previous one too.
 */
export async function webhookSecretsFor(db: Database, secretKey: SecretKeys, integrationId: string, url: string): Promise<string[]> {
  const secrets: string[] = [];
  for (const c of await enabledChannels(db, integrationId)) {
    if (c.kind !== 'webhook' || c.url !== url) continue;
    const { current, previous } = channelSecrets(c, secretKey, integrationId, c.id);
    secrets.push(receiverSecret(current), ...(previous ? [receiverSecret(previous)] : []));
  }
  return secrets;
}

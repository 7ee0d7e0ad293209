// Handlers of `oort-okta integrations …` (definitions in cli/commands/integrations.ts).
import type { CliContext } from '../context.js';
import { readSecret } from '../secrets.js';
import { Refusal, type Output } from '../run.js';
import { Failure, NotFound, UsageError } from '../errors.js';
import { table, time, took } from '../format.js';
import { checkDisplayName, checkOktaAccess, createIntegration, rotateToken } from '../../integrations/create.js';
import { assertOktaDomain, normalizeCustomDomain } from '../../okta/client.js';
import { assertSlackUrl, assertWebhookUrl } from '../../lib/outbound.js';
import { getIntegration, oktaConnection, setOktaDomain } from '../../integrations/repository.js';
import { IllegalTransitionError } from '../../integrations/status.js';
import { listIntegrations, recentRuns } from '../../integrations/operator-queries.js';
import { describeRunCounts } from '../run-counts.js';
import { deadLetterStatus } from '../../ingest/dead-letter.js';
import { deleteIntegrationWithData, planDeletion, type DeletionPlan } from '../../operations/delete.js';
import { finishSecretRotation, listChannels as channelsOf, rotateChannelSecret as rotateSecret } from '../../notify/channels.js';
import { receiverSecret, WEBHOOK_TOLERANCE_SECONDS } from '../../notify/webhook.js';
import {
  onboardingStatus,
  signalCredentialsUpdated,
  signalEventBridgeInPlace,
  startOnboarding,
} from '../../temporal/client.js';
import { pauseIntegration, removeIntegration, resumeIntegration } from '../../operations/lifecycle.js';

export async function create(ctx: CliContext, out: Output, opts: Record<string, string | undefined>): Promise<void> {
  // Refused at the door: the name, the domain (syntax, Okta suffix or the registered custom domain, https) and the
  // notification URLs are checked before anything else, the token against Okta before anything is stored.
  checkDisplayName('The integration name', opts.name!);
  const environment = ctx.config.OORT_ENVIRONMENT;
  const customDomain = opts.customDomain === undefined ? undefined : normalizeCustomDomain(opts.customDomain);
  assertOktaDomain(opts.oktaDomain!, { environment, customDomain });
  if (opts.webhookUrl) assertWebhookUrl(opts.webhookUrl, environment);
  const apiToken = readSecret({ file: opts.tokenFile, envVar: 'OKTA_API_TOKEN', what: 'Okta API token' });
  const webhook = opts.webhookUrl
    ? {
        url: opts.webhookUrl,
        secret: readSecret({ file: opts.webhookSecretFile, envVar: 'OORT_WEBHOOK_SECRET', what: 'webhook secret', fileOption: '--webhook-secret-file' }),
        minSeverity: opts.minSeverity,
      }
    : undefined;
  const slack =
    opts.slack || opts.slackWebhookFile
      ? {
          webhookUrl: readSecret({ file: opts.slackWebhookFile, envVar: 'OORT_SLACK_WEBHOOK_URL', what: 'Slack webhook URL', fileOption: '--slack-webhook-file' }),
          minSeverity: opts.slackMinSeverity,
        }
      : undefined;
  const digestAfter = Number(opts.digestAfter);
  if (!Number.isInteger(digestAfter) || digestAfter < 1) throw new UsageError(`--digest-after must be a whole number ≥ 1, got "${opts.digestAfter}".`);
  const backfillDays = opts.backfillDays === undefined ? ctx.config.BACKFILL_DAYS : Number(opts.backfillDays);
  if (!Number.isInteger(backfillDays) || backfillDays < 1 || backfillDays > 90) {
    throw new UsageError(`--backfill-days must be a whole number from 1 to 90 (Okta keeps 90 days), got "${opts.backfillDays}".`);
  }
  if (slack) assertSlackUrl(slack.webhookUrl, environment);
  await checkOktaAccess({ domain: opts.oktaDomain!, token: apiToken.trim(), customDomain }, { environment, requestTimeoutMs: ctx.config.OKTA_REQUEST_TIMEOUT_MS });
  const polling = opts.mode === 'polling';
  // Temporal reachable before anything is stored: a create that cannot start the onboarding stores nothing.
  const client = await ctx.client();
  const { integrationId } = await createIntegration(ctx.db, ctx.secretKey, {
    tenantId: opts.tenant!,
    name: opts.name!,
    oktaDomain: opts.oktaDomain!,
    oktaOrg: opts.oktaOrg,
    oktaCustomDomain: customDomain,
    apiToken,
    awsAccountId: ctx.config.awsAccountId,
    webhook,
    slack,
    digestAfter,
    integrationId: opts.integrationId,
    ingestMode: polling ? 'polling' : 'streaming',
    backfillDays,
  });
  try {
    await startOnboarding(client, ctx.db, ctx.config.TEMPORAL_TASK_QUEUE, {
      integrationId,
      reminderAfter: ctx.config.ONBOARDING_REMINDER_AFTER,
      firstEventPollInterval: ctx.config.FIRST_EVENT_POLL_INTERVAL,
    });
  } catch (err) {
    // Nothing half-made stays behind: the new integration (no data yet; its channels cascade) goes with the failed start.
    await ctx.db.$client`delete from integrations where id = ${integrationId}`;
    throw err;
  }
  if (polling) {
    out.print(
      [
        `Integration ${integrationId} created in polling mode; onboarding started (workflow onboarding:${integrationId}).`,
        `It reads the last ${backfillDays} days of System Log, then the hourly Schedule reads the System Log API. No Okta log stream is needed.`,
        `Follow it with: npx oort-okta integrations show ${integrationId}`,
      ].join('\n'),
      { integrationId, mode: 'polling', backfillDays },
    );
    return;
  }
  out.print(
    [
      `Integration ${integrationId} created; onboarding started (workflow onboarding:${integrationId}).`,
      'The customer enters in Okta → Reports → Log Streaming → Add Log Stream → AWS EventBridge:',
      `  AWS Event Source Name: ${integrationId}`,
      `  AWS account ID:        ${ctx.config.awsAccountId}`,
      `  AWS region:            US East (Ohio) (${ctx.config.AWS_REGION})`,
      `Once they confirm, run: npx oort-okta integrations eventbridge-in-place ${integrationId}`,
    ].join('\n'),
    { integrationId, eventSourceName: integrationId, awsAccountId: ctx.config.awsAccountId, awsRegion: ctx.config.AWS_REGION },
  );
}

export async function list(ctx: CliContext, out: Output): Promise<void> {
  const rows = await listIntegrations(ctx.db);
  out.print(
    table(['ID', 'TENANT', 'STATUS', 'LAST EVENT', 'NAME'], rows.map((r) => [r.id, r.tenantId, r.status, time(r.lastEventAt), r.name]), 'No integrations yet.'),
    rows,
  );
}

const AWS_STEPS = [['partnerEventBus', 'partner event bus'], ['rule', 'rule'], ['queuePolicy', 'queue policies'], ['target', 'target']] as const;

/** The AWS route in a line: the source's state, each step done or not, and what the last look found wrong. */
function describeAwsRoute(route: NonNullable<Awaited<ReturnType<typeof getIntegration>>['awsRoute']>): string {
  const steps = AWS_STEPS.map(([key, label]) => `${label} ${route.steps[key] ? '✓' : '–'}`).join(', ');
  const problems = route.problems.length > 0 ? `; wrong: ${route.problems.join('; ')}` : '';
  return `source ${route.source} ${route.sourceState}; ${steps} (${route.setup}, checked ${time(route.checkedAt)})${problems}`;
}

export async function show(ctx: CliContext, out: Output, integrationId: string): Promise<void> {
  const row = await getIntegration(ctx.db, integrationId);
  const onboarding = await onboardingStatus(await ctx.client(), integrationId);
  const deadLetter = await deadLetterStatus(ctx.sqs, row);
  const [lastRun] = await recentRuns(ctx.db, integrationId, 1);
  const data = {
    integrationId: row.id,
    tenantId: row.tenantId,
    name: row.name,
    status: row.status,
    statusDetail: row.statusDetail,
    oktaDomain: row.oktaDomain,
    setup: { eventSourceName: row.eventSourceName, awsAccountId: row.awsAccountId, awsRegion: row.awsRegion },
    queueUrl: row.queueUrl,
    awsRoute: row.awsRoute,
    deadLetter,
    firstEventAt: row.firstEventAt,
    lastEventAt: row.lastEventAt,
    onboarding,
    lastRun: lastRun ?? null,
  };
  out.print(
    [
      `${row.id} (${row.name}, tenant ${row.tenantId}): ${row.status}`,
      row.statusDetail ? `  ${row.statusDetail}` : undefined,
      `  Okta log stream: event source name ${row.eventSourceName}, account ${row.awsAccountId}, region ${row.awsRegion}`,
      row.queueUrl ? `  queue: ${row.queueUrl}` : undefined,
      row.awsRoute ? `  AWS: ${describeAwsRoute(row.awsRoute)}` : undefined,
      deadLetter
        ? `  dead-letter queue: ${deadLetter.queueUrl}, ${deadLetter.messages === null ? `depth unknown (${deadLetter.error})` : `${deadLetter.messages} message${deadLetter.messages === 1 ? '' : 's'}`}`
        : undefined,
      deadLetter?.warning ? `  warning: ${deadLetter.warning}` : undefined,
      row.lastEventAt ? `  events: first ${time(row.firstEventAt)}, last ${time(row.lastEventAt)}` : undefined,
      onboarding ? `  onboarding: ${onboarding.status}, signals ${onboarding.signalsReceived}, reminders ${onboarding.remindersSent}` : undefined,
      lastRun
        ? `  last run ${lastRun.id} (${lastRun.kind}, ${lastRun.status}, started ${time(lastRun.startedAt)}, took ${took(lastRun.startedAt, lastRun.finishedAt)}): ` +
          `${describeRunCounts(lastRun)}. Every run: \`npx oort-okta runs ${row.id}\``
        : '  no runs yet',
    ]
      .filter(Boolean)
      .join('\n'),
    data,
  );
}

export async function eventBridgeInPlace(ctx: CliContext, out: Output, integrationId: string): Promise<void> {
  await getIntegration(ctx.db, integrationId);
  await signalEventBridgeInPlace(await ctx.client(), integrationId);
  out.print(`Signal sent: onboarding of ${integrationId} now verifies the log stream. Follow it with \`npx oort-okta integrations show ${integrationId}\`.`, {
    integrationId,
    signalled: true,
  });
}

export async function rotate(ctx: CliContext, out: Output, integrationId: string, opts: { tokenFile?: string }): Promise<void> {
  const row = await getIntegration(ctx.db, integrationId);
  const token = readSecret({ file: opts.tokenFile, envVar: 'OKTA_API_TOKEN', what: 'Okta API token' });
  // The stored domain is judged by today's rules, and the new token by Okta, before the old token is replaced.
  const customDomain = row.oktaCustomDomain ?? undefined;
  assertOktaDomain(row.oktaDomain, { environment: ctx.config.OORT_ENVIRONMENT, customDomain });
  await checkOktaAccess(
    { domain: row.oktaDomain, token: token.trim(), customDomain },
    { environment: ctx.config.OORT_ENVIRONMENT, requestTimeoutMs: ctx.config.OKTA_REQUEST_TIMEOUT_MS },
  );
  await rotateToken(ctx.db, ctx.secretKey, integrationId, token);
  const resumed = await signalCredentialsUpdated(await ctx.client(), integrationId);
  out.print(`Token of ${integrationId} replaced${resumed ? '; onboarding re-validates it now' : ''}.`, { integrationId, rotated: true, revalidating: resumed });
}

export async function setDomain(
  ctx: CliContext,
  out: Output,
  integrationId: string,
  opts: { oktaDomain: string; customDomain?: string | boolean },
): Promise<void> {
  const row = await getIntegration(ctx.db, integrationId);
  const environment = ctx.config.OORT_ENVIRONMENT;
  // --custom-domain <host> registers one, --no-custom-domain forgets it; neither keeps the registered one.
  const customDomain =
    typeof opts.customDomain === 'string' ? normalizeCustomDomain(opts.customDomain) : opts.customDomain === false ? null : row.oktaCustomDomain;
  assertOktaDomain(opts.oktaDomain, { environment, customDomain });
  // The stored token must work there: a token belongs to one org, so this also shows the domain is the same org's.
  const { token } = oktaConnection(row, ctx.secretKey);
  await checkOktaAccess({ domain: opts.oktaDomain, token, customDomain }, { environment, requestTimeoutMs: ctx.config.OKTA_REQUEST_TIMEOUT_MS });
  await setOktaDomain(ctx.db, integrationId, { oktaDomain: opts.oktaDomain, oktaCustomDomain: customDomain });
  out.print(`Okta calls of ${integrationId} now go to ${opts.oktaDomain}${customDomain ? ` (custom domain ${customDomain} registered)` : ''}.`, {
    integrationId,
    oktaDomain: opts.oktaDomain,
    oktaCustomDomain: customDomain,
  });
}

const LIFECYCLE = {
  pause: ['paused', pauseIntegration],
  resume: ['resumed', resumeIntegration],
  remove: ['removed', removeIntegration],
} as const;

export function lifecycle(name: keyof typeof LIFECYCLE) {
  return async (ctx: CliContext, out: Output, integrationId: string): Promise<void> => {
    const [verb, fn] = LIFECYCLE[name];
    await getIntegration(ctx.db, integrationId);
    try {
      await fn(await ctx.client(), ctx.db, integrationId);
    } catch (err) {
      if (!(err instanceof IllegalTransitionError)) throw err;
      throw new Failure(
        `${err.message.replace(/\.$/, '')}: only a streaming integration can be paused, only a paused one resumed; see \`npx oort-okta integrations show ${integrationId}\``,
        { reason: 'wrong_status' },
      );
    }
    out.print(`Integration ${integrationId} ${verb}.`, { integrationId, status: verb });
  };
}

export async function remove(ctx: CliContext, out: Output, integrationId: string, opts: { yes?: boolean }): Promise<void> {
  const client = await ctx.client();
  if (!opts.yes) {
    const plan = await planDeletion(client, ctx.db, ctx.aws, integrationId);
    out.print(`Would delete:\n${describePlan(plan)}`, { ...plan, deleted: false });
    throw new Refusal(`nothing deleted; to delete ${integrationId} and all of its data, run \`npx oort-okta integrations delete ${integrationId} --yes\``);
  }
  const report = await deleteIntegrationWithData(client, ctx.db, ctx.aws, integrationId, out.progress);
  out.print(`Deleted:\n${describePlan(report)}`, report);
}

function describePlan(p: DeletionPlan): string {
  const rows = Object.entries(p.rows).filter(([, n]) => n > 0);
  return [
    `  integration ${p.integrationId} (${p.name}, tenant ${p.tenantId}, ${p.status})`,
    `  Schedules: ${p.schedules.join(', ') || 'none'}; running workflows: ${p.runningWorkflows}`,
    `  queues: ${p.queues.join(', ') || 'none'}`,
    `  EventBridge: ${p.eventBridge.join(', ') || 'nothing of this integration'}`,
    `  rows: ${rows.map(([t, n]) => `${t} ${n}`).join(', ') || 'none besides the integration'}`,
  ].join('\n');
}

export async function switchMode(ctx: CliContext, out: Output, integrationId: string, mode: string): Promise<void> {
  if (mode !== 'streaming' && mode !== 'polling') throw new UsageError(`mode must be streaming or polling, got "${mode}".`);
  const { switchIngestMode } = await import('../../operations/switch-ingest-mode.js');
  const { msToNumber } = await import('@temporalio/common/lib/time.js');
  const result = await switchIngestMode(await ctx.client(), ctx.db, ctx.sqs, integrationId, mode, {
    overlapMs: msToNumber(ctx.config.SYSTEM_LOG_POLL_OVERLAP as Parameters<typeof msToNumber>[0]),
    pageLimit: ctx.config.OKTA_LOG_PAGE_LIMIT,
    queue: { prefix: ctx.config.SQS_QUEUE_PREFIX, visibilityTimeoutSeconds: ctx.config.SQS_VISIBILITY_TIMEOUT_SECONDS },
  });
  const lines = [`${integrationId} is now in ${mode} mode (status ${result.status}).`];
  if (mode === 'polling') lines.push('The next hourly run reads the System Log API from just before the newest event held.');
  else lines.push('The hourly runs keep reading the API until the stream delivers, then only the stream.');
  if (result.queueCreated) lines.push(`A queue was created for the customer's EventBridge rule; see \`npx oort-okta integrations show ${integrationId}\`.`);
  if (result.onboardingSignalled) lines.push('Its onboarding was told and continues accordingly.');
  out.print(lines.join('\n'), { integrationId, ...result });
}

export async function showSettings(ctx: CliContext, out: Output, integrationId: string): Promise<void> {
  const { getDetectionSettings } = await import('../../integrations/detection-settings.js');
  const settings = await getDetectionSettings(ctx.db, integrationId);
  out.print(JSON.stringify(settings, null, 2), settings);
}

export async function setSettings(ctx: CliContext, out: Output, integrationId: string, opts: { file: string }): Promise<void> {
  const { readFileSync } = await import('node:fs');
  const { parseDetectionSettings, setDetectionSettings } = await import('../../integrations/detection-settings.js');
  const { loadRuleSet } = await import('../../detections/run/rule-set.js');
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(opts.file === '-' ? 0 : opts.file, 'utf8'));
  } catch (err) {
    throw new Error(`${opts.file} is not readable JSON (${(err as Error).message}); write the settings as a JSON object.`);
  }
  const settings = parseDetectionSettings(value, loadRuleSet(ctx.config.SIGMA_RULES_DIR).rules);
  await setDetectionSettings(ctx.db, integrationId, settings);
  out.print(`Detection settings of ${integrationId} replaced; the next hourly run applies them.`, { integrationId, settings });
}

function channelIdOf(raw: string): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id < 1) throw new UsageError(`channel id must be a whole number (see \`npx oort-okta integrations channel list\`), got "${raw}".`);
  return id;
}

/** The integration's channel `id`, or NotFound naming the command that lists them. */
async function channelOf(ctx: CliContext, integrationId: string, id: number) {
  await getIntegration(ctx.db, integrationId);
  const channel = (await channelsOf(ctx.db, integrationId)).find((c) => c.id === id);
  if (!channel) {
    throw new NotFound(`integration ${integrationId} has no channel ${id}; list them with \`npx oort-okta integrations channel list ${integrationId}\``, {
      resource: 'channel',
      id,
    });
  }
  return channel;
}

export async function listChannels(ctx: CliContext, out: Output, integrationId: string): Promise<void> {
  await getIntegration(ctx.db, integrationId);
  const channels = await channelsOf(ctx.db, integrationId);
  out.print(
    channels.length === 0
      ? `Integration ${integrationId} has no notification channels.`
      : table(
          ['id', 'kind', 'where', 'min severity', 'enabled', 'secret'],
          channels.map((c) => [
            String(c.id),
            c.kind,
            c.url,
            c.minSeverity,
            c.enabled ? 'yes' : 'no',
            c.kind !== 'webhook' ? '' : c.rotating ? `rotating since ${time(c.secretRotatedAt)}` : c.secretRotatedAt ? `rotated ${time(c.secretRotatedAt)}` : 'as created',
          ]),
          '',
        ),
    { integrationId, channels },
  );
}

export async function rotateChannelSecret(ctx: CliContext, out: Output, integrationId: string, channelId: string, opts: { secretFile?: string }): Promise<void> {
  const id = channelIdOf(channelId);
  await channelOf(ctx, integrationId, id);
  const given = opts.secretFile ? readSecret({ file: opts.secretFile, envVar: 'OORT_WEBHOOK_SECRET', what: 'webhook secret', fileOption: '--secret-file' }) : undefined;
  const { secret } = await rotateSecret(ctx.db, ctx.secretKey, integrationId, id, given);
  const receiver = receiverSecret(secret);
  const lines = [
    `Rotation of channel ${id} of ${integrationId} started: deliveries are now signed with the new and the old secret (two entries in webhook-signature).`,
    given ? `The new secret is the one from ${opts.secretFile === '-' ? 'stdin' : opts.secretFile}; the receiver verifies with ${receiver === secret ? 'it' : 'its Standard Webhooks form:'}` : 'New secret (shown only now; give it to the receiver):',
    ...(given && receiver === secret ? [] : [`  ${receiver}`]),
    `Once the receiver verifies with it, finish with: npx oort-okta integrations channel finish-rotation ${integrationId} ${id}`,
  ];
  out.print(lines.join('\n'), { integrationId, channelId: id, rotating: true, ...(given ? {} : { secret: receiver }), toleranceSeconds: WEBHOOK_TOLERANCE_SECONDS });
}

export async function finishChannelRotation(ctx: CliContext, out: Output, integrationId: string, channelId: string): Promise<void> {
  const id = channelIdOf(channelId);
  await channelOf(ctx, integrationId, id);
  const { wasRotating } = await finishSecretRotation(ctx.db, integrationId, id);
  out.print(
    wasRotating
      ? `Rotation of channel ${id} of ${integrationId} finished: the previous secret is gone; deliveries carry only the new secret's signature.`
      : `Channel ${id} of ${integrationId} had no rotation under way; nothing changed.`,
    { integrationId, channelId: id, rotating: false, finished: wasRotating },
  );
}

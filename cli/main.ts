#!/usr/bin/env -S npx tsx
// oort-okta: the operator CLI. Every command takes --json for machine-readable output.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { CliContext, readSecret } from './context.js';
import { integrations } from '../schema/tables.js';
import { createIntegration, rotateToken } from '../integrations/create.js';
import { SEVERITIES } from '../detections/index.js';
import { loadConfig } from '../lib/config.js';
import { loadRuleSet } from '../pipeline/rule-set.js';
import { detectionLine, detectOffline, parseEventsFile } from '../pipeline/offline.js';
import { getIntegration } from '../integrations/repository.js';
import {
  onboardingStatus,
  pauseIntegration,
  removeIntegration,
  resumeIntegration,
  signalCredentialsUpdated,
  signalEventBridgeInPlace,
  startOnboarding,
  startRefreshUser,
} from '../integrations/lifecycle.js';

type Print = (human: string, data: unknown) => void;

function printer(json: boolean): Print {
  return (human, data) => console.log(json ? JSON.stringify(data, null, 2) : human);
}

/** Runs a command with a context, prints errors as one clear line, and always closes connections. */
function action<A extends unknown[]>(fn: (ctx: CliContext, print: Print, ...args: A) => Promise<void>) {
  return async (...args: A) => {
    const cmd = args[args.length - 1] as Command;
    const print = printer(Boolean(cmd.optsWithGlobals().json));
    let ctx: CliContext | undefined;
    try {
      ctx = new CliContext();
      await fn(ctx, print, ...args);
    } catch (err) {
      console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    } finally {
      await ctx?.close();
    }
  };
}

export function buildCli(): Command {
  const program = new Command('oort-okta')
    .description('Operate Okta integrations: onboarding, the EventBridge signal, status and user refreshes.')
    .option('--json', 'print machine-readable JSON')
    .showHelpAfterError();

  const integrationsCmd = program.command('integrations').description('create, inspect and manage integrations');

  integrationsCmd
    .command('create')
    .description('register an Okta org and start its onboarding (token from OKTA_API_TOKEN, --token-file or stdin)')
    .requiredOption('--tenant <tenantId>', 'tenant id, e.g. acme-corp')
    .requiredOption('--name <name>', 'readable integration name')
    .requiredOption('--okta-domain <domain>', 'the Okta org domain, e.g. acme.okta.com')
    .option('--okta-org <subdomain>', 'org subdomain in the EventBridge source name, when the domain is custom')
    .option('--token-file <path>', 'read the API token from this file (- for stdin)')
    .option('--webhook-url <url>', 'send detections to this webhook')
    .option('--webhook-secret-file <path>', 'HMAC secret for the webhook (default: OORT_WEBHOOK_SECRET)')
    .addOption(new Option('--min-severity <level>', 'lowest severity sent to the webhook').choices(SEVERITIES).default('low'))
    .option('--slack', 'also notify a Slack incoming webhook, whose URL (a secret) comes from OORT_SLACK_WEBHOOK_URL or --slack-webhook-file')
    .option('--slack-webhook-file <path>', 'read the Slack incoming-webhook URL from this file (- for stdin)')
    .addOption(new Option('--slack-min-severity <level>', 'lowest severity sent to Slack').choices(SEVERITIES).default('medium'))
    .option('--digest-after <n>', 'a run with more detections than this sends one digest per channel', '25')
    .option('--integration-id <id>', 'use this id instead of a generated one')
    .action(
      action(async (ctx, print, opts: Record<string, string | undefined>) => {
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
        if (!Number.isInteger(digestAfter) || digestAfter < 1) throw new Error(`--digest-after must be a whole number ≥ 1, got "${opts.digestAfter}".`);
        const { integrationId } = await createIntegration(ctx.db, ctx.secretKey, {
          tenantId: opts.tenant!,
          name: opts.name!,
          oktaDomain: opts.oktaDomain!,
          oktaOrg: opts.oktaOrg,
          apiToken,
          awsAccountId: ctx.config.awsAccountId,
          webhook,
          slack,
          digestAfter,
          integrationId: opts.integrationId,
        });
        const client = await ctx.client();
        await startOnboarding(client, ctx.db, ctx.config.TEMPORAL_TASK_QUEUE, {
          integrationId,
          reminderAfter: ctx.config.ONBOARDING_REMINDER_AFTER,
          firstEventPollInterval: ctx.config.FIRST_EVENT_POLL_INTERVAL,
        });
        print(
          [
            `Integration ${integrationId} created; onboarding started (workflow onboarding:${integrationId}).`,
            'The customer enters in Okta → Reports → Log Streaming → Add Log Stream → AWS EventBridge:',
            `  AWS Event Source Name: ${integrationId}`,
            `  AWS account ID:        ${ctx.config.awsAccountId}`,
            `  AWS region:            US East (Ohio) (${ctx.config.AWS_REGION})`,
            `Once they confirm, run: npm run cli -- integrations eventbridge-in-place ${integrationId}`,
          ].join('\n'),
          { integrationId, eventSourceName: integrationId, awsAccountId: ctx.config.awsAccountId, awsRegion: ctx.config.AWS_REGION },
        );
      }),
    );

  integrationsCmd
    .command('list')
    .description('list integrations with their status')
    .action(
      action(async (ctx, print) => {
        const rows = await ctx.db
          .select({ id: integrations.id, tenantId: integrations.tenantId, name: integrations.name, status: integrations.status })
          .from(integrations)
          .orderBy(integrations.createdAt);
        print(rows.map((r) => `${r.id}\t${r.tenantId}\t${r.status}\t${r.name}`).join('\n') || 'No integrations yet.', rows);
      }),
    );

  integrationsCmd
    .command('show <integrationId>')
    .description('status, setup values for Okta, and what to do next')
    .action(
      action(async (ctx, print, integrationId: string) => {
        const row = await getIntegration(ctx.db, integrationId);
        const onboarding = await onboardingStatus(await ctx.client(), integrationId);
        const data = {
          integrationId: row.id,
          tenantId: row.tenantId,
          name: row.name,
          status: row.status,
          statusDetail: row.statusDetail,
          oktaDomain: row.oktaDomain,
          setup: { eventSourceName: row.eventSourceName, awsAccountId: row.awsAccountId, awsRegion: row.awsRegion },
          queueUrl: row.queueUrl,
          firstEventAt: row.firstEventAt,
          lastEventAt: row.lastEventAt,
          onboarding,
        };
        print(
          [
            `${row.id} (${row.name}, tenant ${row.tenantId}): ${row.status}`,
            row.statusDetail ? `  ${row.statusDetail}` : undefined,
            `  Okta log stream: event source name ${row.eventSourceName}, account ${row.awsAccountId}, region ${row.awsRegion}`,
            row.queueUrl ? `  queue: ${row.queueUrl}` : undefined,
            onboarding ? `  onboarding: ${onboarding.status}, signals ${onboarding.signalsReceived}, reminders ${onboarding.remindersSent}` : undefined,
          ]
            .filter(Boolean)
            .join('\n'),
          data,
        );
      }),
    );

  integrationsCmd
    .command('eventbridge-in-place <integrationId>')
    .description("signal that the customer's Okta log stream to EventBridge exists (onboarding then verifies it)")
    .action(
      action(async (ctx, print, integrationId: string) => {
        await getIntegration(ctx.db, integrationId);
        await signalEventBridgeInPlace(await ctx.client(), integrationId);
        print(`Signal sent: onboarding of ${integrationId} now verifies the log stream. Follow it with \`integrations show ${integrationId}\`.`, {
          integrationId,
          signalled: true,
        });
      }),
    );

  integrationsCmd
    .command('rotate-token <integrationId>')
    .description('replace the Okta API token (from OKTA_API_TOKEN, --token-file or stdin)')
    .option('--token-file <path>', 'read the API token from this file (- for stdin)')
    .action(
      action(async (ctx, print, integrationId: string, opts: { tokenFile?: string }) => {
        const token = readSecret({ file: opts.tokenFile, envVar: 'OKTA_API_TOKEN', what: 'Okta API token' });
        await rotateToken(ctx.db, ctx.secretKey, integrationId, token);
        const resumed = await signalCredentialsUpdated(await ctx.client(), integrationId);
        print(`Token of ${integrationId} replaced${resumed ? '; onboarding re-validates it now' : ''}.`, { integrationId, rotated: true });
      }),
    );

  for (const [name, verb, fn] of [
    ['pause', 'paused', pauseIntegration],
    ['resume', 'resumed', resumeIntegration],
    ['remove', 'removed', removeIntegration],
  ] as const) {
    integrationsCmd
      .command(`${name} <integrationId>`)
      .description(`${name} the integration and its Schedules`)
      .action(
        action(async (ctx, print, integrationId: string) => {
          await getIntegration(ctx.db, integrationId);
          await fn(await ctx.client(), ctx.db, integrationId);
          print(`Integration ${integrationId} ${verb}.`, { integrationId, status: verb });
        }),
      );
  }

  program
    .command('refresh-user <integrationId> <userId>')
    .description("Refresh User Data: the user's profile, factors, devices and newest events, into Activity now")
    .option('--no-wait', 'return the workflow id at once instead of waiting for the summary')
    .action(
      action(async (ctx, print, integrationId: string, userId: string, opts: { wait: boolean }) => {
        await getIntegration(ctx.db, integrationId);
        const handle = await startRefreshUser(await ctx.client(), ctx.db, ctx.config.TEMPORAL_TASK_QUEUE, integrationId, userId);
        if (!opts.wait) return print(`Refresh started: workflow ${handle.workflowId}`, { workflowId: handle.workflowId });
        const summary = await handle.result();
        print(
          `Refreshed ${summary.login ?? userId} (${summary.status}): ${summary.factors} factors, ${summary.devices} devices, ` +
            `${summary.eventsRead} events read in ${summary.pages} pages, ${summary.activityRowsWritten} Activity rows written.`,
          { workflowId: handle.workflowId, ...summary },
        );
      }),
    );

  program
    .command('detect')
    .description('run the detection catalogue and Sigma rules over a file of Okta System Log events (JSON array or JSON lines); prints detections as JSON lines. Needs no Temporal or database')
    .requiredOption('--file <path>', 'the events file (- for stdin)')
    .option('--sigma-dir <dir>', 'Sigma rules directory (default: SIGMA_RULES_DIR)')
    .action(async (opts: { file: string; sigmaDir?: string }) => {
      try {
        const text = readFileSync(opts.file === '-' ? 0 : opts.file, 'utf8');
        const { events, problems } = parseEventsFile(text);
        for (const p of problems) console.error(`skipped ${p}`);
        const ruleSet = loadRuleSet(opts.sigmaDir ?? loadConfig().SIGMA_RULES_DIR);
        for (const e of ruleSet.sigmaErrors) console.error(`Sigma rule not loaded: ${e.message}`);
        for (const d of await detectOffline(ruleSet.rules, events)) console.log(detectionLine(d));
        console.error(`${events.length} events, ${ruleSet.rules.length} rules${problems.length ? `, ${problems.length} entries skipped` : ''}.`);
      } catch (err) {
        console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
      }
    });

  return program;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildCli().parseAsync(process.argv);
}

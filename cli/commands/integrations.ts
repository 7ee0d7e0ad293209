// `oort-okta integrations …`: create, inspect and manage integrations (handlers in cli/actions/integrations.ts).
import { Option, type Command } from 'commander';
import { action } from '../run.js';
import { SEVERITIES } from '../../detections/types.js';

const handlers = () => import('../actions/integrations.js');

export function integrationsCommands(program: Command): void {
  const cmd = program.command('integrations').description('create, inspect and manage integrations');

  cmd
    .command('create')
    .description('register an Okta org and start its onboarding (token from OKTA_API_TOKEN, --token-file or stdin; never from the command line)')
    .requiredOption('--tenant <tenantId>', 'tenant id, e.g. acme-corp')
    .requiredOption('--name <name>', 'readable integration name')
    .requiredOption('--okta-domain <domain>', 'the Okta org domain, e.g. acme.okta.com')
    .option('--okta-org <subdomain>', 'org subdomain in the EventBridge source name, when the domain is custom')
    .option('--custom-domain <host>', "register the org's custom domain (e.g. login.acme.com) so it may be the --okta-domain; otherwise only *.okta.com, *.oktapreview.com and *.okta-emea.com are accepted")
    .option('--token-file <path>', 'read the API token from this file (- for stdin)')
    .option('--webhook-url <url>', 'send detections to this webhook')
    .option('--webhook-secret-file <path>', 'HMAC secret for the webhook (default: OORT_WEBHOOK_SECRET)')
    .addOption(new Option('--min-severity <level>', 'lowest severity sent to the webhook').choices(SEVERITIES).default('low'))
    .option('--slack', 'also notify a Slack incoming webhook, whose URL (a secret) comes from OORT_SLACK_WEBHOOK_URL or --slack-webhook-file')
    .option('--slack-webhook-file <path>', 'read the Slack incoming-webhook URL from this file (- for stdin)')
    .addOption(new Option('--slack-min-severity <level>', 'lowest severity sent to Slack').choices(SEVERITIES).default('medium'))
    .option('--digest-after <n>', 'a run with more detections than this sends one digest per channel', '25')
    .option('--integration-id <id>', 'use this id instead of a generated one')
    .addOption(
      new Option('--mode <mode>', 'streaming: Okta Log Streaming → EventBridge → SQS; polling: the System Log API every hour (no Log Streaming module)')
        .choices(['streaming', 'polling'])
        .default('streaming'),
    )
    .option('--backfill-days <n>', 'days of System Log read at onboarding, 1–90 (default: BACKFILL_DAYS, 7)')
    .action(action(async () => (await handlers()).create));

  cmd
    .command('switch-mode <integrationId> <mode>')
    .description(
      'switch between streaming and polling with no gap and no duplicate: to polling, the System Log API is read from just ' +
        'before the newest event; to streaming, the API is read until the stream has taken over (creates the queue if needed)',
    )
    .action(action(async () => (await handlers()).switchMode));

  const settings = cmd.command('settings').description("the integration's detection settings: rules on/off, thresholds, allow-lists");
  settings
    .command('show <integrationId>')
    .description('print the detection settings as JSON')
    .action(action(async () => (await handlers()).showSettings));
  settings
    .command('set <integrationId>')
    .description('replace the detection settings with a JSON file (- for stdin), validated against the rule set')
    .requiredOption('--file <path>', 'the settings JSON, e.g. {"rules":{"okta-idp-signin":{"enabled":true}},"allow":{"ipRanges":["203.0.113.0/24"]}}')
    .action(action(async () => (await handlers()).setSettings));

  cmd
    .command('list')
    .description('list integrations with their status')
    .action(action(async () => (await handlers()).list));

  cmd
    .command('show <integrationId>')
    .description('status, setup values for Okta, and what to do next')
    .action(action(async () => (await handlers()).show));

  cmd
    .command('eventbridge-in-place <integrationId>')
    .description("signal that the customer's Okta log stream to EventBridge exists (onboarding then verifies it)")
    .action(action(async () => (await handlers()).eventBridgeInPlace));

  cmd
    .command('rotate-token <integrationId>')
    .description('replace the Okta API token (from OKTA_API_TOKEN, --token-file or stdin; never from the command line)')
    .option('--token-file <path>', 'read the API token from this file (- for stdin)')
    .action(action(async () => (await handlers()).rotate));

  cmd
    .command('set-domain <integrationId>')
    .description(
      "move the integration to another domain of the same org (e.g. its custom domain): checked as at create, then with the stored token against Okta, before it is stored",
    )
    .requiredOption('--okta-domain <domain>', 'the domain every later Okta call goes to, e.g. login.acme.com')
    .option('--custom-domain <host>', "register the org's custom domain, so it may be the --okta-domain")
    .option('--no-custom-domain', 'forget the registered custom domain (the --okta-domain must then be under an Okta suffix)')
    .action(action(async () => (await handlers()).setDomain));

  const channel = cmd.command('channel').description("the integration's notification channels and their webhook signing secrets");
  channel
    .command('list <integrationId>')
    .description('list the channels: id, kind, where (Slack redacted), threshold, whether a secret rotation is under way')
    .action(action(async () => (await handlers()).listChannels));
  channel
    .command('rotate-secret <integrationId> <channelId>')
    .description(
      "start rotating a webhook channel's signing secret: the new secret (generated and printed once, or read from --secret-file) " +
        'becomes current, the old one stays valid, and each delivery carries both signatures until `channel finish-rotation`',
    )
    .option('--secret-file <path>', 'read the new secret from this file (- for stdin) instead of generating one; never from the command line')
    .action(action(async () => (await handlers()).rotateChannelSecret));
  channel
    .command('finish-rotation <integrationId> <channelId>')
    .description('finish a secret rotation once the receiver verifies with the new secret: the previous secret is dropped')
    .action(action(async () => (await handlers()).finishChannelRotation));

  for (const [name, what] of [
    ['pause', 'pause the integration and its Schedules (runs already started finish)'],
    ['resume', 'resume a paused integration and its Schedules'],
    ['remove', 'delete its Schedules, stop its running workflows and mark it removed; its data stays (see `delete`)'],
  ] as const) {
    cmd
      .command(`${name} <integrationId>`)
      .description(what)
      .action(action(async () => (await handlers()).lifecycle(name)));
  }

  cmd
    .command('delete <integrationId>')
    .description(
      'delete the integration WITH its data: events, Activity, detections, notifications, quarantine, runs, rule state, ' +
        'users/devices/factors, its Schedules and running workflows, and its SQS queues. Without --yes it only says what would go',
    )
    .option('--yes', 'confirm: delete for good (cannot be undone)')
    .action(action(async () => (await handlers()).remove));
}

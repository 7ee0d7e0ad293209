// The operator CLI's integration lifecycle as operators run it — a child process against the real stack
// (Temporal, PostgreSQL, the SQS emulator) and the Okta simulator: create, list, show, the EventBridge
// signal, refresh a user, a bad token fixed by rotate-token, remove, delete with its data; and every
// command's error paths and help. Runs, detections, Schedules and quarantine: cli-operations.test.ts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueUrlCommand, QueueDoesNotExist } from '@aws-sdk/client-sqs';
import { ScheduleNotFoundError } from '@temporalio/client';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateActivity, generateOrg, makeEventBridgeLogStream, startOktaSimulator, type OktaSimulator } from '../../simulator/index.js';
import { getIntegration } from '../../integrations/repository.js';
import { onboardingStatus } from '../../temporal/client.js';
import { SCHEDULE_KINDS, scheduleId } from '../../temporal/shared/ids.js';
import { queueNames } from '../../aws/queues.js';
import { decryptSecret } from '../../lib/secrets.js';
import { buildCli } from '../../cli/main.js';
import { oktaEventBridge } from '../support/aws.js';
import { createWorld, type World } from '../support/world.js';
import { waitFor } from '../support/wait.js';
import { errorOf, jsonOf, progressOf, runAll, runCli, type CliRun } from '../support/cli.js';

const TOKEN = '00Gx7-globex-cli-token-5c1e';
const ORG = 'globex';
const UNKNOWN = 'okta-0000000000000000';

let world: World;
let sim: OktaSimulator;
let dir: string;
/** An integration that stays (the one created from --token-file). */
let secondId: string;

/** The CLI with the world's environment and OKTA_API_TOKEN set (`token: null` leaves it unset). */
function cli(args: string[], opts: { token?: string | null; stdin?: string } = {}): Promise<CliRun> {
  return runCli({ ...world.env, OKTA_API_TOKEN: opts.token === null ? undefined : (opts.token ?? TOKEN) }, args, { stdin: opts.stdin });
}

const createArgs = (name: string) => ['integrations', 'create', '--tenant', 'globex', '--name', name, '--okta-domain', sim.url, '--okta-org', ORG, '--json'];

beforeAll(async () => {
  // Small System Log pages, so a refresh takes several pages and its progress shows them.
  world = await createWorld({ OKTA_LOG_PAGE_LIMIT: '20' });
  await world.startWorker();
  sim = await startOktaSimulator({ token: TOKEN, org: generateOrg({ seed: 'cli', users: 12, orgName: ORG, logStream: false }), eventBridge: oktaEventBridge() });
  dir = mkdtempSync(join(tmpdir(), 'oort-cli-'));
});

afterAll(async () => {
  await sim?.close();
  await world?.close();
});

/** A valid detection-settings file. */
function settingsFile(): string {
  const file = join(dir, 'settings.json');
  writeFileSync(file, JSON.stringify({ rules: { 'okta-idp-signin': { enabled: true } } }));
  return file;
}

async function rowsOf(integrationId: string): Promise<Record<string, number>> {
  const sql = world.db.$client;
  const counts: Record<string, number> = {};
  for (const table of ['events', 'detection_backlog', 'user_activity', 'okta_users', 'okta_devices', 'okta_factors', 'okta_user_devices', 'quarantine', 'ingest_runs', 'detections', 'detection_state', 'notification_channels', 'digests']) {
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from ${sql(table)} where integration_id = ${integrationId}`;
    counts[table] = n;
  }
  const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from notifications n join detections d on d.id = n.detection_id where d.integration_id = ${integrationId}`;
  counts.notifications = n;
  const [{ i }] = await sql<{ i: number }[]>`select count(*)::int as i from integrations where id = ${integrationId}`;
  counts.integrations = i;
  return counts;
}

async function queueExists(name: string): Promise<boolean> {
  try {
    await world.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    return true;
  } catch (err) {
    if (err instanceof QueueDoesNotExist) return false;
    throw err;
  }
}

describe('oort-okta CLI: integrations', () => {
  let integrationId: string;

  it('creates integrations with the token from OKTA_API_TOKEN, --token-file or stdin, and lists them', async () => {
    const tokenFile = join(dir, 'okta-token');
    writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
    const [fromEnv, fromFile, fromStdin] = await Promise.all([
      cli(createArgs('Globex Okta')),
      cli([...createArgs('Globex Okta (file)'), '--token-file', tokenFile], { token: null }),
      cli([...createArgs('Globex Okta (stdin)'), '--token-file', '-'], { token: null, stdin: `${TOKEN}\n` }),
    ]);

    type Created = { integrationId: string; eventSourceName: string; awsAccountId: string; awsRegion: string };
    const created = jsonOf<Created>(fromEnv);
    expect(created.integrationId).toMatch(/^okta-[0-9a-f]{16}$/);
    expect(created).toEqual({ integrationId: created.integrationId, eventSourceName: created.integrationId, awsAccountId: '909617834444', awsRegion: 'us-east-2' });
    const second = jsonOf<Created>(fromFile);
    const third = jsonOf<Created>(fromStdin);
    expect(new Set([created.integrationId, second.integrationId, third.integrationId]).size).toBe(3);
    integrationId = created.integrationId;
    secondId = second.integrationId;

    // Each stored the token it was given, sealed to its own row.
    for (const id of [created.integrationId, second.integrationId, third.integrationId]) {
      const row = await getIntegration(world.db, id);
      expect(row.apiTokenEncrypted).not.toContain(TOKEN);
      expect(decryptSecret(row.apiTokenEncrypted, world.secretKey, id)).toBe(TOKEN);
    }

    const [listed, human] = await Promise.all([cli(['integrations', 'list', '--json']), cli(['integrations', 'list'])]);
    expect(jsonOf<Array<{ id: string; tenantId: string; name: string; status: string }>>(listed)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: created.integrationId, tenantId: 'globex', name: 'Globex Okta' }),
        expect.objectContaining({ id: second.integrationId, tenantId: 'globex', name: 'Globex Okta (file)' }),
      ]),
    );
    expect(human.code).toBe(0);
    expect(human.stdout.split('\n')[0]).toMatch(/^ID\s+TENANT\s+STATUS\s+LAST EVENT\s+NAME$/);
    expect(human.stdout).toMatch(new RegExp(`${created.integrationId}\\s+globex\\s+\\w+\\s+—\\s+Globex Okta\\n`));
  });

  it('shows the onboarding waiting for the log stream, then takes the EventBridge signal', async () => {
    await waitFor('awaiting_log_stream', async () => (await onboardingStatus(world.client, integrationId))?.status === 'awaiting_log_stream');
    const shown = jsonOf<{ status: string; setup: unknown; onboarding: { status: string } }>(await cli(['integrations', 'show', integrationId, '--json']));
    expect(shown.status).toBe('awaiting_log_stream');
    expect(shown.onboarding.status).toBe('awaiting_log_stream');
    expect(shown.setup).toEqual({ eventSourceName: integrationId, awsAccountId: '909617834444', awsRegion: 'us-east-2' });

    await sim.setLogStreams([makeEventBridgeLogStream({ eventSourceName: integrationId, accountId: '909617834444', region: 'us-east-2' })]);
    const signalled = await cli(['integrations', 'eventbridge-in-place', integrationId]);
    expect(signalled.code).toBe(0);
    expect(signalled.stdout).toContain(`Signal sent: onboarding of ${integrationId} now verifies the log stream.`);
    await waitFor('awaiting_first_event', async () => (await getIntegration(world.db, integrationId)).status === 'awaiting_first_event', 30_000);
  });

  it('refreshes a user: waits with progress and prints the summary, or returns the workflow id at once', async () => {
    const now = Date.now();
    const events = generateActivity(sim.org, { seed: 'cli-refresh', start: new Date(now - 7 * 86_400_000), end: new Date(now - 60_000) });
    sim.addEvents(events);
    const involves = (e: (typeof events)[number], userId: string) =>
      (e.actor as { id?: string } | undefined)?.id === userId ||
      ((e.target as Array<{ id?: string; type?: string }> | null) ?? []).some((t) => t.type === 'User' && t.id === userId);
    // The busiest active user: their week spans several pages of 20.
    const active = sim.org.users.filter((u) => u.status === 'ACTIVE');
    const [user, other] = active
      .map((u) => ({ u, n: events.filter((e) => involves(e, u.id)).length }))
      .sort((a, b) => b.n - a.n)
      .map((x) => x.u);
    const involving = events.filter((e) => involves(e, user.id)).length;
    expect(involving).toBeGreaterThan(40);

    sim.setLatency(250); // slow enough for the progress poll to see the steps
    const run = await cli(['refresh-user', integrationId, user.id, '--json']);
    sim.setLatency(0);
    const summary = jsonOf<{ workflowId: string; userId: string; login: string; status: string; factors: number; pages: number; activityRowsWritten: number }>(run);
    expect(summary).toMatchObject({
      workflowId: `refresh-user:${integrationId}:${user.id}`,
      userId: user.id,
      login: user.profile.login,
      status: 'ACTIVE',
      factors: sim.org.factors[user.id]?.length ?? 0,
      activityRowsWritten: involving,
    });
    expect(summary.pages).toBeGreaterThanOrEqual(3);
    const progress = progressOf(run);
    expect(progress[0]).toBe(`workflow refresh-user:${integrationId}:${user.id} started; waiting for its summary`);
    expect(progress.some((l) => /^refreshUser(Directory|Events)\b/.test(l))).toBe(true);

    const noWait = await cli(['refresh-user', integrationId, other.id, '--no-wait']);
    expect(noWait.code).toBe(0);
    expect(noWait.stdout).toContain(`Refresh started: workflow refresh-user:${integrationId}:${other.id}`);
    expect(noWait.stderr).toBe('');
    await world.client.workflow.getHandle(`refresh-user:${integrationId}:${other.id}`).result();
  });

  it('refuses a token Okta rejects at the door, reports a token short of permissions with what to do, and rotate-token fixes it', async () => {
    // A token Okta refuses (401) is refused before anything is stored, as one error line.
    const refused = await cli(createArgs('Globex bad token'), { token: 'not-the-globex-token' });
    expect({ code: refused.code, stdout: refused.stdout }).toEqual({ code: 1, stdout: '' });
    // With --json, as one JSON line on stderr.
    const refusal = errorOf(refused);
    expect(refusal).toMatchObject({ kind: 'failure', exitCode: 1, reason: 'okta_refused' });
    expect(refusal.message).toMatch(/^Okta at 127\.0\.0\.1:\d+ refused the API token \(Okta answered 401 E0000011: Invalid token provided\); create a new token in Okta .* Nothing was stored\.$/);
    const names = (await world.db.$client<{ name: string }[]>`select name from integrations`).map((r) => r.name);
    expect(names).not.toContain('Globex bad token');

    // A token Okta accepts but that may not read what the product needs gets in; onboarding says what is missing.
    const WEAK = '00Gx7-globex-read-nothing';
    sim.setTokens([TOKEN], { underPrivileged: [WEAK] });
    const created = jsonOf<{ integrationId: string }>(await cli(createArgs('Globex weak token'), { token: WEAK }));
    const id = created.integrationId;
    await waitFor('credentials_invalid', async () => (await getIntegration(world.db, id)).status === 'credentials_invalid');

    const shown = await cli(['integrations', 'show', id]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`${id} (Globex weak token, tenant globex): credentials_invalid`);
    expect(shown.stdout).toContain('The API token cannot read users');
    expect(shown.stdout).toContain(`oort-okta integrations rotate-token ${id}`);

    // rotate-token checks the new token at the door too: a refused one leaves the stored token as it was.
    const sealedBefore = (await getIntegration(world.db, id)).apiTokenEncrypted;
    const badRotation = await cli(['integrations', 'rotate-token', id], { token: 'not-the-globex-token' });
    expect(badRotation.code).toBe(1);
    expect(badRotation.stderr).toMatch(/^error: Okta at 127\.0\.0\.1:\d+ refused the API token/);
    expect((await getIntegration(world.db, id)).apiTokenEncrypted).toBe(sealedBefore);

    const empty = join(dir, 'empty-token');
    writeFileSync(empty, '\n');
    const [noToken, emptyFile] = await Promise.all([
      cli(['integrations', 'rotate-token', id], { token: null }),
      cli(['integrations', 'rotate-token', id, '--token-file', empty], { token: null }),
    ]);
    for (const r of [noToken, emptyFile]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('error: No Okta API token given. Set OKTA_API_TOKEN, or pass --token-file <path> (use - to read stdin).\n');
    }

    const rotated = await cli(['integrations', 'rotate-token', id, '--token-file', '-', '--json'], { token: null, stdin: TOKEN });
    expect(jsonOf(rotated)).toEqual({ integrationId: id, rotated: true, revalidating: true });
    await waitFor('the corrected token accepted', async () => (await getIntegration(world.db, id)).status === 'awaiting_log_stream');
  });

  it('removes an integration (Schedules and workflows stop, data stays), then deletes it with its data after --yes', async () => {
    const before = await rowsOf(integrationId);
    expect(before.integrations).toBe(1);
    expect(before.okta_users).toBe(12);
    expect(before.user_activity).toBeGreaterThan(40);
    const names = queueNames(world.config.SQS_QUEUE_PREFIX, integrationId);
    expect(await queueExists(names.queue)).toBe(true);

    const removed = await cli(['integrations', 'remove', integrationId]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toBe(`Integration ${integrationId} removed.\n`);
    expect((await getIntegration(world.db, integrationId)).status).toBe('removed');
    for (const kind of SCHEDULE_KINDS) {
      await expect(world.client.schedule.getHandle(scheduleId(kind, integrationId)).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    }
    expect((await world.client.workflow.getHandle(`onboarding:${integrationId}`).describe()).status.name).toBe('TERMINATED');
    expect(await rowsOf(integrationId)).toEqual(before);

    // Without --yes: what would go, how to confirm, nothing deleted.
    const dry = await cli(['integrations', 'delete', integrationId, '--json']);
    expect(dry.code).toBe(1);
    expect(errorOf(dry)).toEqual({
      kind: 'failure',
      exitCode: 1,
      message: `nothing deleted; to delete ${integrationId} and all of its data, run \`npx oort-okta integrations delete ${integrationId} --yes\``,
      reason: 'not_confirmed',
    });
    const plan = JSON.parse(dry.stdout) as { rows: Record<string, number>; queues: string[]; deleted: boolean };
    expect(plan.deleted).toBe(false);
    expect(plan.rows).toMatchObject({ okta_users: 12, user_activity: before.user_activity, okta_factors: before.okta_factors, events: before.events, detection_backlog: before.detection_backlog, ingest_runs: before.ingest_runs });
    expect(plan.queues).toHaveLength(2);
    expect(await rowsOf(integrationId)).toEqual(before);

    const deleted = await cli(['integrations', 'delete', integrationId, '--yes']);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain(`Deleted:\n  integration ${integrationId} (Globex Okta, tenant globex, removed)`);
    const progress = progressOf(deleted);
    expect(progress).toContain(`okta_users: 12/12 rows deleted`);
    expect(progress).toContain(`integration ${integrationId} deleted`);
    expect(Object.values(await rowsOf(integrationId)).every((n) => n === 0)).toBe(true);
    expect(await queueExists(names.queue)).toBe(false);
    expect(await queueExists(names.deadLetter)).toBe(false);
    // The other integrations of the tenant are untouched.
    expect((await getIntegration(world.db, secondId)).tenantId).toBe('globex');

    const after = await cli(['integrations', 'show', integrationId]);
    expect(after.code).toBe(3);
    expect(after.stderr).toBe(`error: no integration ${integrationId}; list them with \`npx oort-okta integrations list\`\n`);
  });
});

describe('oort-okta CLI: errors and help', () => {
  it('names an unknown integration and how to list them, for every command that takes one (exit 3, not found)', async () => {
    const invocations = [
      ['integrations', 'show', UNKNOWN],
      ['integrations', 'eventbridge-in-place', UNKNOWN],
      ['integrations', 'rotate-token', UNKNOWN],
      ['integrations', 'pause', UNKNOWN],
      ['integrations', 'resume', UNKNOWN],
      ['integrations', 'remove', UNKNOWN],
      ['integrations', 'delete', UNKNOWN],
      ['integrations', 'delete', UNKNOWN, '--yes'],
      ['refresh-user', UNKNOWN, '00u1a2b3c4d5e6f7g8h9'],
      ['runs', UNKNOWN],
      ['detections', 'list', UNKNOWN],
      ['schedules', 'list', UNKNOWN],
      ['schedules', 'trigger', UNKNOWN, '--overlap-policy', 'Skip'],
      ['schedules', 'backfill', UNKNOWN, '--kind', 'hourly', '--from', '2026-11-01', '--to', '2026-11-02', '--overlap-policy', 'Skip'],
      ['quarantine', 'list', UNKNOWN],
      ['quarantine', 'replay', UNKNOWN],
      ['integrations', 'switch-mode', UNKNOWN, 'polling'],
      ['integrations', 'settings', 'show', UNKNOWN],
      ['integrations', 'settings', 'set', UNKNOWN, '--file', settingsFile()],
    ];
    const runs = await runAll({ ...world.env, OKTA_API_TOKEN: TOKEN }, invocations);
    runs.forEach((r, i) => {
      expect({ args: invocations[i].join(' '), code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({
        args: invocations[i].join(' '),
        code: 3,
        stderr: `error: no integration ${UNKNOWN}; list them with \`npx oort-okta integrations list\`\n`,
        stdout: '',
      });
    });
  });

  it('rejects wrong arguments with commander\'s message and the help hint (exit 2, usage), and never takes a token from argv', async () => {
    const cases: Array<[string[], string]> = [
      [['runs'], "error: missing required argument 'integrationId'"],
      [['runs', 'a', 'b'], 'error: too many arguments for \'runs\''],
      [['runs', 'a', '--limit', '0'], "error: option '--limit <n>' argument '0' is invalid. expected a whole number ≥ 1."],
      [['detections', 'list', 'a', '--severity', 'urgent'], "error: option '--severity <level>' argument 'urgent' is invalid. Allowed choices are info, low, medium, high, critical."],
      [['detections', 'list', 'a', '--since', 'yesterday'], "error: option '--since <time>' argument 'yesterday' is invalid. \"yesterday\" is not a time"],
      [['detections', 'show', 'x1'], "error: command-argument value 'x1' is invalid for argument 'detectionId'. expected a whole number ≥ 1."],
      [['quarantine', 'show'], "error: missing required argument 'quarantineId'"],
      [['schedules', 'trigger', 'a'], "error: required option '--overlap-policy <policy>' not specified"],
      [['schedules', 'trigger', 'a', '--overlap-policy', 'skip'], "error: option '--overlap-policy <policy>' argument 'skip' is invalid. Allowed choices are Skip, BufferOne, BufferAll, CancelOther, TerminateOther, AllowAll."],
      [['schedules', 'backfill', 'a', '--kind', 'hourly', '--from', '2026-11-01', '--overlap-policy', 'Skip'], "error: required option '--to <time>' not specified"],
      [['schedules', 'backfill', 'a', '--kind', 'weekly'], "error: option '--kind <kind>' argument 'weekly' is invalid. Allowed choices are hourly, daily-activity, directory-sync."],
      [['schedules', 'backfill', 'a', '--kind', 'hourly', '--from', '2026-11-01T10:00', '--to', '2026-11-02', '--overlap-policy', 'Skip'], "error: option '--from <time>' argument '2026-11-01T10:00' is invalid."],
      [['integrations', 'create', '--tenant', 'globex', '--name', 'Argv token', '--okta-domain', 'globex.okta.com', '--token', TOKEN], "error: unknown option '--token'"],
      [['integrations', 'rotate-token', 'a', '--token', TOKEN], "error: unknown option '--token'"],
      [['integrations', 'destroy', 'a'], "error: unknown command 'destroy'"],
    ];
    const runs = await runAll({ ...world.env, OKTA_API_TOKEN: undefined }, cases.map(([args]) => args));
    runs.forEach((r, i) => {
      const [args, message] = cases[i];
      expect({ args: args.join(' '), code: r.code, stdout: r.stdout }).toEqual({ args: args.join(' '), code: 2, stdout: '' });
      expect(r.stderr.startsWith(message), `${args.join(' ')}: ${r.stderr}`).toBe(true);
      expect(r.stderr.trimEnd().endsWith('(add --help for usage)'), `${args.join(' ')}: ${r.stderr}`).toBe(true);
      expect(r.stderr.split('\n').filter(Boolean).length, r.stderr).toBeLessThanOrEqual(2);
    });
    const names = (await world.db.$client<{ name: string }[]>`select name from integrations`).map((r) => r.name);
    expect(names).not.toContain('Argv token');
  });

  it('says what to do when an integration is not in a state for the command', async () => {
    const status = (await getIntegration(world.db, secondId)).status;
    expect(status).not.toBe('streaming');
    const [pause, resume, trigger, list] = await runAll({ ...world.env }, [
      ['integrations', 'pause', secondId],
      ['integrations', 'resume', secondId],
      ['schedules', 'trigger', secondId, '--kind', 'daily-activity', '--overlap-policy', 'BufferOne'],
      ['schedules', 'list', secondId],
    ]);
    expect([pause.code, pause.stderr]).toEqual([
      1,
      `error: Integration ${secondId} cannot go from ${status} to paused: only a streaming integration can be paused, only a paused one resumed; ` +
        `see \`npx oort-okta integrations show ${secondId}\`\n`,
    ]);
    expect(resume.code).toBe(1);
    expect(resume.stderr).toContain(`cannot go from ${status} to streaming`);
    expect([trigger.code, trigger.stderr]).toEqual([
      1,
      `error: integration ${secondId} has no daily-activity Schedule: onboarding creates the Schedules once the log stream is verified ` +
        `(see \`npx oort-okta integrations show ${secondId}\`), and \`npx oort-okta integrations remove\` deletes them\n`,
    ]);
    expect([list.code, list.stdout]).toEqual([0, `${secondId} has no Schedules (status ${status}): onboarding creates them once the log stream is verified.\n`]);
    expect((await getIntegration(world.db, secondId)).status).toBe(status);
  });

  it('explains a stack that is down instead of a stack trace', async () => {
    const [noTemporal, noDatabase] = await Promise.all([
      runCli({ ...world.env, TEMPORAL_ADDRESS: '127.0.0.1:1' }, ['integrations', 'show', secondId]),
      runCli({ ...world.env, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/oort_okta' }, ['runs', secondId]),
    ]);
    expect(noTemporal.code).toBe(1);
    expect(noTemporal.stderr).toMatch(/^error: Cannot reach Temporal at 127\.0\.0\.1:1 \(.*\)\. Start the stack \(`npm start`\) or set TEMPORAL_ADDRESS\.\n$/);
    expect(noDatabase.code).toBe(1);
    expect(noDatabase.stderr).toMatch(/^error: cannot reach PostgreSQL at 127\.0\.0\.1:1 \(.*\); start it \(`npm start` runs the local stack\) or set DATABASE_URL\n$/);
  });

  it('has --help on every command, naming its arguments and the --json option', async () => {
    const leaves: string[][] = [];
    const walk = (c: Command, path: string[]) => {
      const subs = c.commands.filter((s) => s.name() !== 'help');
      if (subs.length === 0) leaves.push(path);
      for (const s of subs) walk(s, [...path, s.name()]);
    };
    walk(buildCli(), []);
    expect(leaves.map((l) => l.join(' '))).toEqual(
      expect.arrayContaining([
        'integrations delete', 'runs', 'detections list', 'detections show', 'schedules list', 'schedules trigger', 'schedules backfill',
        'quarantine list', 'quarantine show', 'quarantine replay', 'refresh-user', 'detect',
        'integrations switch-mode', 'integrations settings show', 'integrations settings set', 'rules list',
      ]),
    );
    const runs = await runAll({}, [['--help'], ...leaves.map((l) => [...l, '--help'])]);
    expect(runs[0].code).toBe(0);
    for (const group of ['integrations', 'refresh-user', 'runs', 'detections', 'schedules', 'quarantine', 'detect']) expect(runs[0].stdout).toContain(group);
    runs.slice(1).forEach((r, i) => {
      expect(r.code, leaves[i].join(' ')).toBe(0);
      expect(r.stdout).toContain(`Usage: oort-okta ${leaves[i].join(' ')}`);
      expect(r.stdout).toContain('--json');
    });
    const trigger = runs[1 + leaves.findIndex((l) => l.join(' ') === 'schedules trigger')];
    expect(trigger.stdout.replace(/\s+/g, ' ')).toContain('--overlap-policy <policy> REQUIRED.');
  });
});

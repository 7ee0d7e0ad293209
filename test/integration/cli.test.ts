// The operator CLI as operators run it: a child process with the environment of a configured
// machine, against the real stack (Temporal, PostgreSQL, the SQS emulator) and the Okta simulator.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateActivity, generateOrg, makeEventBridgeLogStream, startOktaSimulator, type OktaSimulator } from '../../simulator/index.js';
import { getIntegration } from '../../integrations/repository.js';
import { onboardingStatus } from '../../integrations/lifecycle.js';
import { decryptSecret } from '../../lib/secrets.js';
import { createWorld, type World } from '../support/world.js';
import { waitFor } from '../support/wait.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = '00Gx7-globex-cli-token-5c1e';
const ORG = 'globex';

let world: World;
let sim: OktaSimulator;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `cli/main.ts` in a child process; `token: null` leaves OKTA_API_TOKEN unset. */
function cli(args: string[], opts: { token?: string | null } = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...world.env, OKTA_API_TOKEN: opts.token === undefined ? TOKEN : undefined };
  if (opts.token === null) delete env.OKTA_API_TOKEN;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function json<T>(run: Run): T {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as T;
}

const createArgs = (name: string) => ['integrations', 'create', '--tenant', 'globex', '--name', name, '--okta-domain', sim.url, '--okta-org', ORG, '--json'];

beforeAll(async () => {
  world = await createWorld();
  await world.startWorker();
  sim = await startOktaSimulator({ token: TOKEN, org: generateOrg({ seed: 'cli', users: 12, orgName: ORG, logStream: false }) });
});

afterAll(async () => {
  await sim?.close();
  await world?.close();
});

describe('oort-okta CLI', () => {
  let integrationId: string;

  it('creates integrations with the token from OKTA_API_TOKEN or --token-file, and lists them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oort-cli-'));
    const tokenFile = join(dir, 'okta-token');
    writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
    const [fromEnv, fromFile] = await Promise.all([
      cli(createArgs('Globex Okta')),
      cli([...createArgs('Globex Okta (file)'), '--token-file', tokenFile], { token: null }),
    ]);

    type Created = { integrationId: string; eventSourceName: string; awsAccountId: string; awsRegion: string };
    const created = json<Created>(fromEnv);
    expect(created.integrationId).toMatch(/^okta-[0-9a-f]{16}$/);
    expect(created).toEqual({ integrationId: created.integrationId, eventSourceName: created.integrationId, awsAccountId: '909617834444', awsRegion: 'us-east-2' });
    const second = json<Created>(fromFile);
    expect(second.integrationId).not.toBe(created.integrationId);
    integrationId = created.integrationId;

    // Both stored the token they were given, sealed to their own row.
    for (const id of [created.integrationId, second.integrationId]) {
      const row = await getIntegration(world.db, id);
      expect(row.apiTokenEncrypted).not.toContain(TOKEN);
      expect(decryptSecret(row.apiTokenEncrypted, world.secretKey, id)).toBe(TOKEN);
    }

    const listed = json<Array<{ id: string; tenantId: string; name: string; status: string }>>(await cli(['integrations', 'list', '--json']));
    expect(listed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: created.integrationId, tenantId: 'globex', name: 'Globex Okta' }),
        expect.objectContaining({ id: second.integrationId, tenantId: 'globex', name: 'Globex Okta (file)' }),
      ]),
    );
  });

  it('shows the onboarding waiting for the log stream, then takes the EventBridge signal', async () => {
    await waitFor('awaiting_log_stream', async () => (await onboardingStatus(world.client, integrationId))?.status === 'awaiting_log_stream');
    const shown = json<{ status: string; setup: unknown; onboarding: { status: string } }>(await cli(['integrations', 'show', integrationId, '--json']));
    expect(shown.status).toBe('awaiting_log_stream');
    expect(shown.onboarding.status).toBe('awaiting_log_stream');
    expect(shown.setup).toEqual({ eventSourceName: integrationId, awsAccountId: '909617834444', awsRegion: 'us-east-2' });

    sim.setLogStreams([makeEventBridgeLogStream({ eventSourceName: integrationId, accountId: '909617834444', region: 'us-east-2' })]);
    const signalled = await cli(['integrations', 'eventbridge-in-place', integrationId]);
    expect(signalled.code).toBe(0);
    expect(signalled.stdout).toContain(`Signal sent: onboarding of ${integrationId} now verifies the log stream.`);
    await waitFor('awaiting_first_event', async () => (await getIntegration(world.db, integrationId)).status === 'awaiting_first_event', 30_000);
  });

  it('refreshes a user and prints the summary', async () => {
    const user = sim.org.users.find((u) => u.status === 'ACTIVE')!;
    const now = Date.now();
    const events = generateActivity(sim.org, { seed: 'cli-refresh', start: new Date(now - 3 * 86_400_000), end: new Date(now - 60_000) });
    sim.addEvents(events);
    const involving = events.filter(
      (e) =>
        (e.actor as { id?: string } | undefined)?.id === user.id ||
        ((e.target as Array<{ id?: string; type?: string }> | null) ?? []).some((t) => t.type === 'User' && t.id === user.id),
    ).length;
    expect(involving).toBeGreaterThan(0);

    const summary = json<{ workflowId: string; userId: string; login: string; status: string; factors: number; activityRowsWritten: number }>(
      await cli(['refresh-user', integrationId, user.id, '--json']),
    );
    expect(summary).toMatchObject({
      workflowId: `refresh-user:${integrationId}:${user.id}`,
      userId: user.id,
      login: user.profile.login,
      status: 'ACTIVE',
      factors: sim.org.factors[user.id]?.length ?? 0,
      activityRowsWritten: involving,
    });
  });

  it('fails clearly: unknown id, missing token, a token on the command line; --help works', async () => {
    const [unknown, noToken, argvToken, help] = await Promise.all([
      cli(['integrations', 'show', 'okta-0000000000000000']),
      cli(createArgs('No token'), { token: null }),
      cli([...createArgs('Argv token'), '--token', TOKEN], { token: null }),
      cli(['--help']),
    ]);

    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Integration okta-0000000000000000 does not exist.');

    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('No Okta API token given. Set OKTA_API_TOKEN, or pass --token-file <path>');

    expect(argvToken.code).not.toBe(0);
    expect(argvToken.stderr).toContain("unknown option '--token'");

    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: oort-okta');
    expect(help.stdout).toContain('refresh-user');

    const names = (await world.db.$client<{ name: string }[]>`select name from integrations where tenant_id = 'globex'`).map((r) => r.name);
    expect(names).not.toContain('No token');
    expect(names).not.toContain('Argv token');
  });
});

// The CLI as a real command: `npx oort-okta` from the project, exit codes by kind (2 usage, 3 not found, 1 failure),
// errors as one JSON line on stderr with --json, and errors that say their cause: a duplicate integration id, Okta's
// 404 for a user it does not know, an id that cannot be an Okta user id (refused before any workflow starts), run
// counts in words. Child processes against the real stack and the Okta simulator.
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOrg, startOktaSimulator, type OktaSimulator } from '../../simulator/index.js';
import { getIntegration } from '../../integrations/repository.js';
import { refreshUserWorkflowId } from '../../temporal/shared/ids.js';
import { createWorld, type World } from '../support/world.js';
import { streamingIntegration } from '../support/fixtures.js';
import { errorOf, jsonOf, runAll, runCli, runNpx, type CliRun } from '../support/cli.js';

const TOKEN = 'ssws-errors-2b7d';
const UNKNOWN = 'okta-no-such-integration';
/** Well-formed, and not a user of the simulated org. */
const NOBODY = '00uNoSuchUser0000000';

let world: World;
let sim: OktaSimulator;
let integrationId: string;

function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  return runCli({ ...world.env, OKTA_API_TOKEN: TOKEN, ...env }, args);
}

async function workflowExists(workflowId: string): Promise<boolean> {
  try {
    await world.client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

beforeAll(async () => {
  world = await createWorld();
  await world.startWorker();
  sim = await startOktaSimulator({ token: TOKEN, org: generateOrg({ seed: 'cli-errors', users: 4, orgName: 'errors', logStream: false }) });
  ({ integrationId } = await streamingIntegration(world, { oktaDomain: sim.url, oktaOrg: 'errors', apiToken: TOKEN, tenantId: 'errors' }));
});

afterAll(async () => {
  await sim?.close();
  await world?.close();
});

describe('npx oort-okta', () => {
  it('runs from the project root through the package bin: help, and a usage error with its exit code', async () => {
    const [help, usage] = await Promise.all([runNpx({}, ['--help']), runNpx({}, ['runs'])]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: oort-okta \[options\] \[command\]\n/);
    expect(help.stdout).toContain('Exit codes: 0 done, 1 failure, 2 usage error, 3 not found.');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("error: missing required argument 'integrationId'\n(add --help for usage)\n");
  });
});

describe('exit codes and --json errors', () => {
  it('usage errors exit 2, as text or as one JSON line on stderr', async () => {
    const [text, json, group, badValue] = await runAll(world.env, [
      ['runs'],
      ['runs', '--json'],
      ['integrations', '--json'],
      ['runs', integrationId, '--limit', '0', '--json'],
    ]);
    expect([text.code, text.stdout, text.stderr]).toEqual([2, '', "error: missing required argument 'integrationId'\n(add --help for usage)\n"]);
    expect(json.stdout).toBe('');
    expect(json.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(errorOf(json)).toEqual({ kind: 'usage', exitCode: 2, message: "missing required argument 'integrationId'", reason: 'missing_argument' });
    expect(errorOf(group)).toMatchObject({ kind: 'usage', exitCode: 2, reason: 'missing_command', message: 'a command is missing; add --help for the list' });
    expect(errorOf(badValue)).toEqual({
      kind: 'usage',
      exitCode: 2,
      message: "option '--limit <n>' argument '0' is invalid. expected a whole number ≥ 1.",
      reason: 'invalid_argument',
    });
  });

  it('not found exits 3, naming what was not found', async () => {
    const [text, json, detection, quarantined] = await runAll(world.env, [
      ['runs', UNKNOWN],
      ['runs', UNKNOWN, '--json'],
      ['detections', 'show', '999999', '--json'],
      ['quarantine', 'show', '999999', '--json'],
    ]);
    expect([text.code, text.stdout, text.stderr]).toEqual([3, '', `error: no integration ${UNKNOWN}; list them with \`npx oort-okta integrations list\`\n`]);
    expect(json.stdout).toBe('');
    expect(errorOf(json)).toEqual({
      kind: 'not_found',
      exitCode: 3,
      message: `no integration ${UNKNOWN}; list them with \`npx oort-okta integrations list\``,
      resource: 'integration',
      id: UNKNOWN,
    });
    expect(errorOf(detection)).toMatchObject({ kind: 'not_found', resource: 'detection', id: 999999 });
    expect(errorOf(quarantined)).toMatchObject({ kind: 'not_found', resource: 'quarantined_message', id: 999999 });
  });

  it('failures exit 1: the stack down, a deletion not confirmed (its plan stays parseable on stdout)', async () => {
    const [down, dry] = await Promise.all([
      cli(['integrations', 'show', integrationId, '--json'], { TEMPORAL_ADDRESS: '127.0.0.1:1' }),
      cli(['integrations', 'delete', integrationId, '--json']),
    ]);
    expect(errorOf(down)).toMatchObject({ kind: 'failure', exitCode: 1, reason: 'unavailable' });
    expect(errorOf(down).message).toMatch(/^Cannot reach Temporal at 127\.0\.0\.1:1 /);
    expect(dry.code).toBe(1);
    expect(JSON.parse(dry.stdout)).toMatchObject({ integrationId, deleted: false });
    expect(errorOf(dry)).toEqual({
      kind: 'failure',
      exitCode: 1,
      message: `nothing deleted; to delete ${integrationId} and all of its data, run \`npx oort-okta integrations delete ${integrationId} --yes\``,
      reason: 'not_confirmed',
    });
    expect((await getIntegration(world.db, integrationId)).status).toBe('streaming');
  });
});

describe('errors that say their cause', () => {
  it('a duplicate integration id is "integration <id> exists", and the existing one is untouched', async () => {
    const before = await getIntegration(world.db, integrationId);
    const args = ['integrations', 'create', '--tenant', 'errors', '--name', 'Second', '--okta-domain', sim.url, '--okta-org', 'errors', '--integration-id', integrationId];
    const [text, json] = await Promise.all([cli(args), cli([...args, '--json'])]);
    expect([text.code, text.stdout, text.stderr]).toEqual([
      1,
      '',
      `error: integration ${integrationId} exists; choose another id, or see that one with \`npx oort-okta integrations show ${integrationId}\`\n`,
    ]);
    expect(text.stderr).not.toMatch(/duplicate key|constraint|23505/);
    expect(errorOf(json)).toMatchObject({ kind: 'failure', exitCode: 1, reason: 'exists', resource: 'integration', id: integrationId });
    expect(await getIntegration(world.db, integrationId)).toEqual(before);
  });

  it("refresh-user of a user Okta does not know: Okta's 404 answer, exit 3, after one attempt", async () => {
    const workflowId = refreshUserWorkflowId(integrationId, NOBODY);
    const text = await cli(['refresh-user', integrationId, NOBODY]);
    const host = new URL(sim.url).host;
    expect(text.code).toBe(3);
    expect(text.stdout).toBe('');
    expect(text.stderr.split('\n').filter((l) => l.startsWith('error: '))).toEqual([
      `error: Okta has no user ${NOBODY} in ${host} (404 E0000007); check the id in the Okta admin console (Directory → People)`,
    ]);
    expect(text.stderr).not.toContain('Workflow execution failed');
    // Okta's "not found" is an answer, not a fault: the step ran once.
    const history = await world.client.workflow.getHandle(workflowId).fetchHistory();
    const attempts = (history.events ?? []).filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt);
    expect(attempts).toEqual([1]);

    // The same as JSON (the failed run is joined again: a new one starts, as the previous one ended).
    const json = await cli(['refresh-user', integrationId, NOBODY, '--json']);
    expect(json.stdout).toBe('');
    expect(errorOf(json)).toEqual({
      kind: 'not_found',
      exitCode: 3,
      message: `Okta has no user ${NOBODY} in ${host} (404 E0000007); check the id in the Okta admin console (Directory → People)`,
      resource: 'okta_user',
      id: NOBODY,
      okta: { status: 404, errorCode: 'E0000007', summary: `Not found: Resource not found: ${NOBODY} (User)`, domain: host },
      workflowId,
    });
  });

  it('refresh-user refuses an id that is not an Okta user id, and an unknown integration, before any workflow starts', async () => {
    const malformed = ['bob', 'alice@errors.example', '00u123', 'guo1a2b3c4d5e6f7g8h9', '00u1a2b3c4d5e6f7g8h9x', '00u1a2b3c4d5e6f7g8h-'];
    const runs = await runAll(world.env, [...malformed.map((id) => ['refresh-user', integrationId, id]), ['refresh-user', UNKNOWN, '00u1a2b3c4d5e6f7g8h9', '--json']]);
    runs.slice(0, malformed.length).forEach((r, i) => {
      expect({ id: malformed[i], code: r.code, stdout: r.stdout }).toEqual({ id: malformed[i], code: 2, stdout: '' });
      expect(r.stderr).toContain(`error: command-argument value '${malformed[i]}' is invalid for argument 'userId'. "${malformed[i]}" is not an Okta user id: 00u followed by 17 letters and digits`);
    });
    const unknown = runs.at(-1)!;
    expect(errorOf(unknown)).toMatchObject({ kind: 'not_found', resource: 'integration', id: UNKNOWN });
    for (const id of malformed) expect(await workflowExists(refreshUserWorkflowId(integrationId, id))).toBe(false);
    expect(await workflowExists(refreshUserWorkflowId(UNKNOWN, '00u1a2b3c4d5e6f7g8h9'))).toBe(false);
  });

  it('explains run counts: "received 69 / polled 69 / stored 69 / duplicates 69" is the stream and the API overlapping', async () => {
    await world.db.$client`
      insert into ingest_runs (integration_id, workflow_id, workflow_run_id, status, kind, received, polled, stored, duplicates, quarantined, detections, notifications_sent, started_at, finished_at)
      values (${integrationId}, ${`okta-hourly:${integrationId}-overlap`}, ${`run-${integrationId}-overlap`}, 'completed', 'hourly', 69, 69, 69, 69, 0, 2, 2, now() - interval '1 minute', now())`;
    const [runs, shown, json] = await runAll(world.env, [['runs', integrationId], ['integrations', 'show', integrationId], ['integrations', 'show', integrationId, '--json']]);
    expect(runs.code).toBe(0);
    const lines = runs.stdout.split('\n');
    expect(lines[0]).toMatch(/^RUN\s+KIND\s+STATUS\s+STARTED\s+TOOK\s+FROM QUEUE\s+FROM API\s+NEW\s+ALREADY STORED\s+QUARANTINED\s+DETECTIONS\s+NOTIFIED$/);
    expect(lines[1]).toMatch(/^\d+\s+hourly\s+completed\s+\S+ \S+\s+\S+\s+69\s+69\s+69\s+69\s+0\s+2\s+2$/);
    const legend = runs.stdout.replace(/\s+/g, ' ');
    expect(legend).toContain('ALREADY STORED: held already, not stored twice: the stream and the API overlap on purpose while one takes over from the other');
    expect(legend).toContain('(FROM QUEUE 69, FROM API 69, NEW 69, ALREADY STORED 69: the same 69 events came both ways)');

    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(
      new RegExp(
        `\\n  last run \\d+ \\(hourly, completed, started .*, took \\d+m\\d+s\\): received 69 messages from the queue, read 69 events from the System Log API: ` +
          '69 new, 69 already stored \\(the overlap of the stream and the API, or a message delivered twice\\), 0 quarantined; 2 detections, 2 notifications sent\\. ' +
          `Every run: \`npx oort-okta runs ${integrationId}\`\\n`,
      ),
    );
    expect(jsonOf<{ lastRun: Record<string, unknown> }>(json).lastRun).toMatchObject({ kind: 'hourly', received: 69, polled: 69, stored: 69, duplicates: 69 });
  });
});

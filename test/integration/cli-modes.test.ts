// The operator CLI for ingestion modes and detection rules, as operators run it against the real stack
// and the Okta simulator: a polling integration created and backfilled, a switch to streaming and back,
// detection settings shown and replaced (with the errors a wrong file gets), and the rule list.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOrg, startOktaSimulator, type OktaSimulator } from '../../simulator/index.js';
import { getIntegration } from '../../integrations/repository.js';
import { catalogue } from '../../detections/index.js';
import { createWorld, type World } from '../support/world.js';
import { recentTraffic } from '../support/traffic.js';
import { waitFor } from '../support/wait.js';
import { jsonOf, runCli } from '../support/cli.js';

const TOKEN = 'ssws-cli-modes-2b7d';
let world: World;
let sim: OktaSimulator;
let dir: string;
let integrationId: string;

const cli = (args: string[], stdin?: string) => runCli({ ...world.env, OKTA_API_TOKEN: TOKEN }, args, stdin === undefined ? {} : { stdin });

beforeAll(async () => {
  world = await createWorld();
  await world.startWorker();
  sim = await startOktaSimulator({ token: TOKEN, org: generateOrg({ seed: 'cli-modes', users: 15, orgName: 'woodgrove', logStream: false }) });
  sim.addEvents(recentTraffic(sim.org, 'cli-modes-history', 120, 2 * 24 * 60, 60));
  dir = mkdtempSync(join(tmpdir(), 'oort-cli-modes-'));
});

afterAll(async () => {
  await sim?.close();
  await world?.close();
});

describe('oort-okta integrations: modes', () => {
  it('creates a polling integration that backfills and needs no log stream', async () => {
    const created = jsonOf<{ integrationId: string; mode: string; backfillDays: number }>(
      await cli(['integrations', 'create', '--tenant', 'woodgrove', '--name', 'Woodgrove Okta', '--okta-domain', sim.url, '--okta-org', 'woodgrove', '--mode', 'polling', '--backfill-days', '3', '--json']),
    );
    expect(created).toMatchObject({ mode: 'polling', backfillDays: 3 });
    integrationId = created.integrationId;
    const row = await waitFor('polling', async () => {
      const r = await getIntegration(world.db, integrationId);
      return r.status === 'polling' ? r : undefined;
    });
    expect(row).toMatchObject({ ingestMode: 'polling', queueUrl: null, backfillDays: 3 });
    const [{ n }] = await world.db.$client<{ n: number }[]>`select count(*)::int as n from events where integration_id = ${integrationId}`;
    expect(n).toBe(120);
  });

  it('refuses a backfill Okta cannot serve, and an unknown mode', async () => {
    const tooLong = await cli(['integrations', 'create', '--tenant', 'woodgrove', '--name', 'X', '--okta-domain', sim.url, '--backfill-days', '120']);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toMatch(/^error: --backfill-days must be a whole number from 1 to 90 \(Okta keeps 90 days\), got "120"\.\n$/);
    const badMode = await cli(['integrations', 'switch-mode', integrationId, 'carrier-pigeon']);
    expect(badMode.code).toBe(2);
    expect(badMode.stderr).toBe('error: mode must be streaming or polling, got "carrier-pigeon".\n');
  });

  it('switches to streaming (creating the queue) and back to polling', async () => {
    const toStreaming = jsonOf<{ mode: string; status: string; queueCreated: boolean }>(await cli(['integrations', 'switch-mode', integrationId, 'streaming', '--json']));
    expect(toStreaming).toMatchObject({ mode: 'streaming', status: 'polling', queueCreated: true });
    const row = await getIntegration(world.db, integrationId);
    expect(row.queueUrl).not.toBeNull();
    expect(row.pollCursor).not.toBeNull(); // the API is read until the stream takes over

    const back = await cli(['integrations', 'switch-mode', integrationId, 'polling']);
    expect(back.code).toBe(0);
    expect(back.stdout).toContain(`${integrationId} is now in polling mode (status polling).`);
    expect((await getIntegration(world.db, integrationId)).ingestMode).toBe('polling');
  });
});

describe('oort-okta integrations settings and rules', () => {
  it('replaces and shows the detection settings', async () => {
    const file = join(dir, 'settings.json');
    const settings = { rules: { 'okta-idp-signin': { enabled: true }, 'okta-brute-force-by-user': { threshold: 40 } }, allow: { ipRanges: ['203.0.113.0/24'], serviceAccounts: ['svc-scanner@woodgrove.example'] } };
    writeFileSync(file, JSON.stringify(settings));
    const set = await cli(['integrations', 'settings', 'set', integrationId, '--file', file]);
    expect(set.code).toBe(0);
    expect(jsonOf(await cli(['integrations', 'settings', 'show', integrationId, '--json']))).toEqual(settings);
    const fromStdin = await cli(['integrations', 'settings', 'set', integrationId, '--file', '-'], JSON.stringify({ rules: {} }));
    expect(fromStdin.code).toBe(0);
    expect(jsonOf(await cli(['integrations', 'settings', 'show', integrationId, '--json']))).toEqual({ rules: {} });
  });

  it('says what is wrong with a bad settings file and keeps the old settings', async () => {
    const write = (name: string, text: string) => {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    };
    const unknownRule = await cli(['integrations', 'settings', 'set', integrationId, '--file', write('u.json', '{"rules":{"okta-no-such-rule":{"enabled":false}}}')]);
    expect(unknownRule.code).toBe(1);
    expect(unknownRule.stderr).toBe('error: Unknown rule id(s) in detection settings: okta-no-such-rule. List the rules with `npx oort-okta rules list`.\n');
    const badCidr = await cli(['integrations', 'settings', 'set', integrationId, '--file', write('c.json', '{"allow":{"ipRanges":["10.0.0.0/33"]}}')]);
    expect(badCidr.code).toBe(1);
    expect(badCidr.stderr).toMatch(/^error: Invalid detection settings:\n\s+allow\.ipRanges\.0: must be an IP address or CIDR range such as 203\.0\.113\.0\/24\n$/);
    const notJson = await cli(['integrations', 'settings', 'set', integrationId, '--file', write('n.json', 'rules: all')]);
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toMatch(/is not readable JSON .*; write the settings as a JSON object\.\n$/);
    expect(jsonOf(await cli(['integrations', 'settings', 'show', integrationId, '--json']))).toEqual({ rules: {} });
  });

  it('lists every rule of the catalogue and the Sigma rules, with their ids', async () => {
    const { rules, notLoaded } = jsonOf<{ rules: Array<{ id: string; kind: string; enabled: boolean }>; notLoaded: unknown[] }>(await cli(['rules', 'list', '--json']));
    expect(notLoaded).toEqual([]);
    expect(rules.map((r) => r.id)).toEqual(expect.arrayContaining(catalogue.map((r) => r.id)));
    expect(rules.filter((r) => r.id.startsWith('sigma-')).length).toBeGreaterThanOrEqual(5);
    const human = await cli(['rules', 'list']);
    expect(human.stdout).toMatch(/^ID +KIND +SEVERITY +ON +TITLE\n/);
    expect(human.stdout).toContain('okta-mfa-push-bombing-success');
  });

  it('shows every Sigma document that does not load, with its file, line and reason, and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oort-sigma-'));
    writeFileSync(join(dir, 'good.yml'), 'title: Good\nid: 0f4b6a3e-5d2c-4e1f-9a8b-7c6d5e4f3a2b\nlogsource: { product: okta, service: okta }\ndetection:\n  sel: { eventType: user.session.start }\n  condition: sel\nlevel: low\n');
    writeFileSync(join(dir, 'broken.yml'), 'title: Broken\nid: 1a2b3c4d-5e6f-4a1b-8c9d-0e1f2a3b4c5d\nlogsource: { product: okta, service: okta }\ndetection:\n  sel: { eventType|nosuchmodifier: x }\n  condition: sel\nlevel: low\n');
    const run = await cli(['rules', 'list', '--sigma-dir', dir, '--json']);
    expect(run.code).toBe(1);
    const { rules, notLoaded } = JSON.parse(run.stdout) as { rules: Array<{ id: string }>; notLoaded: Array<{ file: string; message: string }> };
    expect(rules.some((r) => r.id === 'sigma-0f4b6a3e-5d2c-4e1f-9a8b-7c6d5e4f3a2b')).toBe(true);
    expect(notLoaded).toHaveLength(1);
    expect(notLoaded[0].file).toContain('broken.yml');
    expect(notLoaded[0].message).toMatch(/nosuchmodifier/);
    const human = await cli(['rules', 'list', '--sigma-dir', dir]);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/NOT LOADED \(1\): the hourly run's detection step fails until these are fixed or removed\n .*broken\.yml.*nosuchmodifier/);
  });
});

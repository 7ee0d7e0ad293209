// The offline `detect` command (no Temporal, no database) prints exactly the detections the hourly
// run stores for the same events: one rule set, one engine, one way of merging matches.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS, buildScenario, generateActivity, generateOrg, publishEnvelopes, toEventBridgeEnvelopes, type ScenarioName } from '../../simulator/index.js';
import { createWorld, type World } from '../support/world.js';
import { runHourly, streamingIntegration } from '../support/fixtures.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let world: World;

beforeAll(async () => {
  world = await createWorld();
  await world.startWorker();
});

afterAll(async () => {
  await world?.close();
});

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Deliberately without the database and Temporal settings: the command needs neither.
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('oort-okta detect --file', () => {
  it('prints what the hourly run stores for the same events', async () => {
    const org = generateOrg({ seed: 'offline', users: 80, orgName: 'wayne', logStream: false });
    const start = new Date('2026-11-09T00:00:00Z');
    const events = generateActivity(org, { seed: 'offline', start, end: new Date(start.getTime() + 2 * 86_400_000) });
    (Object.keys(SCENARIOS) as ScenarioName[]).forEach((name, i) => {
      events.push(...buildScenario(org, name, { seed: i, at: new Date(start.getTime() + (8 + 3 * i) * 3_600_000) } as never).events);
    });
    const dir = mkdtempSync(join(tmpdir(), 'oort-offline-'));
    const file = join(dir, 'system-log.jsonl');
    writeFileSync(file, `${events.map((e) => JSON.stringify(e)).join('\n')}\n{"not": "an event"}\n`);

    const cli = await runCli(['detect', '--file', file]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stderr).toContain('skipped line');
    const offline = cli.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(offline.length).toBeGreaterThanOrEqual(Object.keys(SCENARIOS).length);

    const integration = await streamingIntegration(world, { oktaDomain: 'http://127.0.0.1:9', oktaOrg: 'wayne', apiToken: 'unused' });
    await publishEnvelopes(world.sqs, integration.queueUrl, toEventBridgeEnvelopes(events, integration.destination, 'offline'));
    await runHourly(world, integration.integrationId);
    const stored = await world.db.$client<
      { rule_id: string; severity: string; title: string; dedupe_key: string; subject_user: string | null; count: number; evidence_uuids: string[]; first_event_at: Date; last_event_at: Date }[]
    >`select rule_id, severity::text as severity, title, dedupe_key, subject_user, count, evidence_uuids, first_event_at, last_event_at
      from detections where integration_id = ${integration.integrationId}`;
    const fromRun = stored.map((d) => ({
      rule_id: d.rule_id,
      severity: d.severity,
      title: d.title,
      dedupe_key: d.dedupe_key,
      subject_user: d.subject_user,
      count: d.count,
      evidence_uuids: d.evidence_uuids,
      first_event_at: new Date(d.first_event_at).toISOString(),
      last_event_at: new Date(d.last_event_at).toISOString(),
    }));
    const order = (a: { dedupe_key: string; first_event_at: string }, b: typeof a) =>
      a.dedupe_key.localeCompare(b.dedupe_key) || a.first_event_at.localeCompare(b.first_event_at);
    expect(offline.sort(order)).toEqual(fromRun.sort(order));
  });

  it('says clearly what is wrong with a file it cannot read', async () => {
    const missing = await runCli(['detect', '--file', '/nonexistent/events.json']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/error: .*no such file/i);
    const dir = mkdtempSync(join(tmpdir(), 'oort-offline-'));
    writeFileSync(join(dir, 'broken.json'), '[{"uuid": "a",');
    const broken = await runCli(['detect', '--file', join(dir, 'broken.json')]);
    expect(broken.stderr).toMatch(/JSON array but is not valid JSON/);
    expect(broken.stdout).toBe('');
  });
});

// The offline `detect` command (no Temporal, no database) prints exactly the detections the hourly run stores for the
// same events: one rule set, one engine, one way of merging matches. And it is a tool to script: --sigma-dir adds to
// the shipped rules (--only-sigma-dir replaces them), skipped entries are counted by reason (--strict makes one an
// error), a time without an offset is refused, the exit code says whether anything was detected (0) or not (1) or
// something went wrong (2), and --format gives JSON lines, a JSON document, a table or SARIF 2.1.0.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS, buildScenario, generateActivity, generateOrg, publishEnvelopes, toEventBridgeEnvelopes, type ScenarioName } from '../../simulator/index.js';
import { errorOf, runCli as runBin, type CliRun } from '../support/cli.js';
import { runHourly, streamingIntegration } from '../support/fixtures.js';
import { failedSignInsAcrossTenant } from '../support/traffic.js';
import { createWorld, type World } from '../support/world.js';

// Deliberately without the database and Temporal settings: the command needs neither. SIGMA_RULES_DIR unset: the
// shipped sigma-rules.
const OFFLINE_ENV = { DATABASE_URL: undefined, TEMPORAL_ADDRESS: undefined, SQS_ENDPOINT: undefined, SIGMA_RULES_DIR: undefined };
const runCli = (args: string[], env: Record<string, string | undefined> = {}, stdin?: string): Promise<CliRun> =>
  runBin({ ...OFFLINE_ENV, ...env }, ['detect', ...args], { stdin });

const ROOT_SIGMA = fileURLToPath(new URL('../../sigma-rules', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'oort-offline-'));
function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}
const jsonl = (rows: unknown[]) => `${rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n')}\n`;
const linesOf = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
const ids = (stdout: string) => linesOf(stdout).map((d) => d.rule_id as string);

describe('oort-okta detect --file: the hourly run offline', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld();
    await world.startWorker();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('prints what the hourly run stores for the same events', async () => {
    const org = generateOrg({ seed: 'offline', users: 80, orgName: 'wayne', logStream: false });
    const start = new Date('2026-11-09T00:00:00Z');
    const events = generateActivity(org, { seed: 'offline', start, end: new Date(start.getTime() + 2 * 86_400_000) });
    (Object.keys(SCENARIOS) as ScenarioName[]).forEach((name, i) => {
      events.push(...buildScenario(org, name, { seed: i, at: new Date(start.getTime() + (8 + 3 * i) * 3_600_000) } as never).events);
    });
    const path = file('system-log.jsonl', `${events.map((e) => JSON.stringify(e)).join('\n')}\n{"not": "an event"}\n`);

    const cli = await runCli(['--file', path]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stderr).toContain('skipped line');
    expect(cli.stderr).toMatch(new RegExp(`^${events.length + 1} entries read, ${events.length} used, 1 skipped \\(1 missing_uuid\\); \\d+ rules; \\d+ detections$`, 'm'));
    const offline = linesOf(cli.stdout);
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
    const order = (a: Record<string, unknown>, b: Record<string, unknown>) =>
      String(a.dedupe_key).localeCompare(String(b.dedupe_key)) || String(a.first_event_at).localeCompare(String(b.first_event_at));
    expect(offline.sort(order)).toEqual(fromRun.sort(order));
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// Hand-written events: what each one sets off is known.

const SHIPPED_IMPERSONATION = 'sigma-cf30db41-c010-48ce-81ba-714f0a0a5812'; // sigma-rules, level high
const SHIPPED_POLICY = 'sigma-9d0cec1e-28e2-408d-a917-8295f9bb3418'; // sigma-rules, level medium
const CUSTOM_ID = '5a3e8f7c-2b1d-4c6e-9f0a-7d8b9c0e1f2a';
const CUSTOM = `sigma-${CUSTOM_ID}`; // written below, level low

const uuid = (n: number) => `22222222-0000-4000-8000-${String(n).padStart(12, '0')}`;
const user = (login: string) => ({ id: `00u-${login.split('@')[0]}`, type: 'User', alternateId: login, displayName: login });
const impersonation = (n: number, published: string) => ({
  uuid: uuid(n),
  published,
  eventType: 'user.session.impersonation.initiate',
  actor: user('support@okta.example'),
  outcome: { result: 'SUCCESS' },
  client: { ipAddress: '203.0.113.7' },
  target: [{ id: '00u-alice', type: 'User', alternateId: 'alice@acme.example' }],
});
const policyDeactivated = (n: number) => ({
  uuid: uuid(n),
  published: '2026-11-09T08:05:00.000Z',
  eventType: 'policy.lifecycle.deactivate',
  actor: user('bob@acme.example'),
  outcome: { result: 'SUCCESS' },
  client: { ipAddress: '203.0.113.8' },
  target: [{ id: 'pol1', type: 'PolicyEntity', displayName: 'MFA everywhere' }],
});
const labGroupAdd = (n: number) => ({
  uuid: uuid(n),
  published: '2026-11-09T08:10:00.000Z',
  eventType: 'group.user_membership.add',
  actor: user('lab.admin@acme.example'),
  outcome: { result: 'SUCCESS' },
  client: { ipAddress: '198.51.100.4' },
  target: [{ id: '00g1', type: 'UserGroup', displayName: 'Lab' }],
});
const sessionEnd = (n: number) => ({
  uuid: uuid(n),
  published: '2026-11-09T08:20:00.000Z',
  eventType: 'user.session.end',
  actor: user('bob@acme.example'),
  outcome: { result: 'SUCCESS' },
  client: { ipAddress: '203.0.113.8' },
});

const customDir = mkdtempSync(join(tmpdir(), 'oort-offline-sigma-'));
writeFileSync(
  join(customDir, 'lab-group-add.yml'),
  `title: Lab admin added a group member
id: ${CUSTOM_ID}
status: experimental
description: The lab admin account changed a group's members.
logsource:
    product: okta
    service: okta
detection:
    selection:
        eventType: group.user_membership.add
        actor.alternateId: lab.admin@acme.example
    condition: selection
level: low
`,
);

const MIXED = jsonl([impersonation(1, '2026-11-09T10:00:00+02:00'), policyDeactivated(2), labGroupAdd(3), sessionEnd(4)]);

describe('oort-okta detect as a tool to script', () => {
  it('adds --sigma-dir to the catalogue and the shipped Sigma rules; --only-sigma-dir replaces the shipped ones', async () => {
    const path = file('mixed.jsonl', MIXED);
    const shipped = await runCli(['--file', path]);
    expect(shipped.code, shipped.stderr).toBe(0);
    expect(ids(shipped.stdout)).toEqual(expect.arrayContaining([SHIPPED_IMPERSONATION, SHIPPED_POLICY, 'okta-support-impersonation']));
    expect(ids(shipped.stdout)).not.toContain(CUSTOM);

    const added = await runCli(['--file', path, '--sigma-dir', customDir]);
    expect(added.code, added.stderr).toBe(0);
    expect(ids(added.stdout)).toEqual(expect.arrayContaining([SHIPPED_IMPERSONATION, SHIPPED_POLICY, 'okta-support-impersonation', CUSTOM]));
    expect([...ids(added.stdout)].sort()).toEqual([...ids(shipped.stdout), CUSTOM].sort());

    const replaced = await runCli(['--file', path, '--only-sigma-dir', customDir]);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(ids(replaced.stdout)).toContain(CUSTOM);
    expect(ids(replaced.stdout)).toContain('okta-support-impersonation');
    expect(ids(replaced.stdout).filter((id) => id.startsWith('sigma-'))).toEqual([CUSTOM]);

    const sigmaOnly = await runCli(['--file', path, '--only-sigma-dir', customDir, '--no-catalogue']);
    expect(ids(sigmaOnly.stdout)).toEqual([CUSTOM]);
    expect(sigmaOnly.stderr).toMatch(/; 1 rule; 1 detection$/m);

    // The shipped directory named again is loaded once; a copy of a shipped rule beside it is two rules with one id:
    // an error, not an override.
    const again = await runCli(['--file', path, '--sigma-dir', ROOT_SIGMA]);
    expect(again.code, again.stderr).toBe(0);
    expect(ids(again.stdout)).toEqual(ids(shipped.stdout));
    const copyDir = mkdtempSync(join(tmpdir(), 'oort-offline-copy-'));
    writeFileSync(join(copyDir, 'copy.yml'), readFileSync(join(ROOT_SIGMA, 'okta_session_impersonation.yml')));
    const copied = await runCli(['--file', path, '--sigma-dir', copyDir]);
    expect(copied.code).toBe(2);
    expect(copied.stderr).toMatch(/^Sigma rule not loaded: .*copy\.yml.*has the same id as the rule in .*okta_session_impersonation\.yml/m);
    expect(copied.stderr).toMatch(/^error: .*use --only-sigma-dir/m);
    expect(copied.stdout).toBe('');
  });

  it("takes the org's size with --tenant-users, as the hourly run takes it from the directory", async () => {
    const path = file('typos.jsonl', jsonl(failedSignInsAcrossTenant('2026-11-09T08:00:00Z', 'acme.example')));
    const spray = 'okta-password-spray-distributed';
    expect(ids((await runCli(['--file', path])).stdout)).toContain(spray);
    expect(ids((await runCli(['--file', path, '--tenant-users', '5000'])).stdout)).toContain(spray);
    expect(ids((await runCli(['--file', path, '--tenant-users', '30000'])).stdout)).not.toContain(spray);
    const bad = await runCli(['--file', path, '--tenant-users', 'many']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--tenant-users');
  });

  it('counts skipped entries by reason in a summary; --strict makes any an error (exit 2)', async () => {
    const path = file(
      'dirty.jsonl',
      jsonl([impersonation(1, '2026-11-09T08:00:00Z'), 'not json', '{"truncated": ', { ...sessionEnd(5), published: '2026-11-09T08:20:00' }, { eventType: 'x' }, impersonation(1, '2026-11-09T08:00:00Z')]),
    );
    const lenient = await runCli(['--file', path]);
    expect(lenient.code, lenient.stderr).toBe(0);
    expect(lenient.stderr).toMatch(/^6 entries read, 1 used, 5 skipped \(2 not_json, 1 missing_uuid, 1 published_without_offset, 1 duplicate_uuid\); \d+ rules; \d+ detections$/m);
    expect(lenient.stderr).toContain('skipped line 4 (published_without_offset)');

    const json = await runCli(['--file', path, '--format', 'json']);
    const doc = JSON.parse(json.stdout) as { summary: Record<string, unknown>; detections: unknown[] };
    expect(doc.summary).toMatchObject({
      entries_read: 6,
      events_used: 1,
      skipped: 5,
      skipped_by_reason: { not_json: 2, missing_uuid: 1, published_without_offset: 1, duplicate_uuid: 1 },
      catalogue: true,
    });
    expect(doc.summary.detections).toBe(doc.detections.length);

    const strict = await runCli(['--file', path, '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.stdout).toBe('');
    expect(strict.stderr).toMatch(/5 skipped \(2 not_json, 1 missing_uuid, 1 published_without_offset, 1 duplicate_uuid\); \d+ rules\n/);
    expect(strict.stderr).toMatch(/^error: --strict: 5 of 6 entries skipped/m);
    const strictJson = await runCli(['--json', '--file', path, '--strict']);
    expect(errorOf(strictJson)).toMatchObject({ exitCode: 2, reason: 'skipped_entries', skipped_by_reason: { not_json: 2 } });

    const clean = await runCli(['--file', file('clean.jsonl', jsonl([impersonation(1, '2026-11-09T08:00:00Z')])), '--strict']);
    expect(clean.code, clean.stderr).toBe(0);
  });

  it('refuses a time without an offset whatever the machine time zone, and reads offsets as written', async () => {
    const offsetless = file('offsetless.jsonl', jsonl([impersonation(1, '2026-11-09T10:00:00')]));
    const withOffset = file('offset.json', JSON.stringify([impersonation(1, '2026-11-09T10:00:00+02:00')]));
    for (const TZ of ['UTC', 'America/New_York', 'Pacific/Auckland']) {
      const refused = await runCli(['--file', offsetless], { TZ });
      expect(refused.code, refused.stderr).toBe(1);
      expect(refused.stderr).toContain('skipped line 1 (published_without_offset)');
      const read = await runCli(['--file', withOffset], { TZ });
      expect(read.code, read.stderr).toBe(0);
      for (const d of linesOf(read.stdout)) expect(d.first_event_at).toBe('2026-11-09T08:00:00.000Z');
    }
  });

  it('exits 0 when something was detected, 1 when nothing was (with only the summary on stderr), 2 on errors', async () => {
    const nothing = await runCli(['--file', file('benign.jsonl', jsonl([sessionEnd(4)]))]);
    expect(nothing.code).toBe(1);
    expect(nothing.stdout).toBe('');
    expect(nothing.stderr).toMatch(/^1 entry read, 1 used, 0 skipped; \d+ rules; 0 detections\n$/);
    const empty = await runCli(['--file', '-'], {}, '');
    expect(empty.code).toBe(1);
    const stdin = await runCli(['--file', '-'], {}, MIXED);
    expect(stdin.code).toBe(0);

    const missing = await runCli(['--file', '/nonexistent/events.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: cannot read \/nonexistent\/events\.json: .*no such file/im);
    const missingJson = await runCli(['--json', '--file', '/nonexistent/events.json']);
    expect(errorOf(missingJson)).toMatchObject({ exitCode: 2, reason: 'unreadable_file' });
    const broken = await runCli(['--file', file('broken.json', '[{"uuid": "a",')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/JSON array but is not valid JSON/);
    expect(broken.stdout).toBe('');
    const noDir = await runCli(['--file', file('one.jsonl', MIXED), '--sigma-dir', '/nonexistent/sigma']);
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toContain('Sigma rules directory /nonexistent/sigma does not exist');
    const badFormat = await runCli(['--file', file('one.jsonl', MIXED), '--format', 'xml']);
    expect(badFormat.code).toBe(2);
    const badRules = mkdtempSync(join(tmpdir(), 'oort-offline-bad-'));
    writeFileSync(join(badRules, 'bad.yml'), 'title: no detection\nid: 0c7c6d0e-9a9b-4e55-8d8b-5f1d2c3b4a59\nlogsource:\n    product: okta\n');
    const notLoaded = await runCli(['--file', file('one.jsonl', MIXED), '--sigma-dir', badRules]);
    expect(notLoaded.code).toBe(2);
    expect(notLoaded.stderr).toMatch(/^Sigma rule not loaded: .*bad\.yml/m);
    expect(notLoaded.stdout).toBe('');

    const help = await runBin(OFFLINE_ENV, ['detect', '--help']);
    expect(help.stdout).toMatch(/0 something was detected, 1 nothing was detected, 2 error/);
    expect(help.stdout).toContain('--only-sigma-dir');
  });

  it('prints JSON lines in a fixed field order, a table, or SARIF 2.1.0', async () => {
    const path = file('formats.jsonl', MIXED);
    const lines = await runCli(['--file', path, '--sigma-dir', customDir, '--format', 'jsonl']);
    const records = linesOf(lines.stdout);
    for (const r of records) {
      expect(Object.keys(r)).toEqual(['rule_id', 'severity', 'title', 'dedupe_key', 'subject_user', 'count', 'evidence_uuids', 'first_event_at', 'last_event_at']);
    }
    const byDefault = await runCli(['--file', path, '--sigma-dir', customDir]);
    expect(byDefault.stdout).toBe(lines.stdout);

    const table = await runCli(['--file', path, '--sigma-dir', customDir, '--format', 'table']);
    expect(table.code).toBe(0);
    const rows = table.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^SEVERITY\s+RULE\s+SUBJECT\s+COUNT\s+FIRST\s+LAST\s+TITLE$/);
    expect(rows).toHaveLength(records.length + 1);
    expect(rows.find((r) => r.includes(CUSTOM))).toMatch(/^low\s+\S+\s+lab\.admin@acme\.example\s+1\s+2026-11-09 08:10:00Z\s+2026-11-09 08:10:00Z\s+Lab admin added a group member$/);

    const sarifRun = await runCli(['--file', path, '--sigma-dir', customDir, '--format', 'sarif']);
    expect(sarifRun.code, sarifRun.stderr).toBe(0);
    const sarif = JSON.parse(sarifRun.stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0\.json$/);
    const run = sarif.runs[0];
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(run.tool.driver).toMatchObject({ name: 'oort-okta', version: pkg.version });
    const rules = run.tool.driver.rules as { id: string; name: string; shortDescription: { text: string }; fullDescription: { text: string }; help: { text: string }; properties: Record<string, unknown> }[];
    expect(rules.length).toBe(Number(/; (\d+) rules;/.exec(sarifRun.stderr)![1]));
    for (const r of rules) {
      expect(r.id).toBeTruthy();
      expect(r.name).toMatch(/^[A-Za-z0-9]+$/);
      expect(r.shortDescription.text && r.fullDescription.text && r.help.text).toBeTruthy();
      expect(r.properties.tags).toContain('security');
    }
    expect(rules.find((r) => r.id === SHIPPED_IMPERSONATION)!.properties).toMatchObject({ severity: 'high', tags: expect.arrayContaining(['attack.t1199']) });
    expect(rules.find((r) => r.id === CUSTOM)).toMatchObject({ shortDescription: { text: 'Lab admin added a group member' }, properties: { severity: 'low' } });

    type Result = { ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: { logicalLocations: { name: string; kind: string }[] }[]; partialFingerprints: Record<string, string>; properties: Record<string, unknown> };
    const results = run.results as Result[];
    expect(results.map((r) => r.ruleId)).toEqual(records.map((r) => r.rule_id));
    const level = (id: string) => results.find((r) => r.ruleId === id)!.level;
    expect([level(SHIPPED_IMPERSONATION), level(SHIPPED_POLICY), level(CUSTOM)]).toEqual(['error', 'warning', 'note']);
    results.forEach((r, i) => {
      expect(rules[r.ruleIndex].id).toBe(r.ruleId);
      expect(r.message.text).toBeTruthy();
      expect(r.partialFingerprints['dedupeKey/v1']).toBe(records[i].dedupe_key);
      expect(r.properties).toMatchObject({ firstSeen: records[i].first_event_at, lastSeen: records[i].last_event_at, evidenceUuids: records[i].evidence_uuids });
      expect(r.locations[0].logicalLocations[0]).toMatchObject({ name: records[i].subject_user, kind: 'resource' });
    });
    expect(run.properties.summary).toMatchObject({ entries_read: 4, events_used: 4, skipped: 0, detections: results.length });
    expect(run.invocations[0].executionSuccessful).toBe(true);
  });
});

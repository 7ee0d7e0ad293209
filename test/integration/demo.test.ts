// The README's first command, tried as a new user would: `npm start` brings the demo up; the signal
// command it prints works as printed; the Schedules appear with their search attributes and memo; a
// triggered hourly run raises the demo attack's detections, which the CLI lists and whose notifications
// arrive, signed and verified, at the local webhook receiver and the Slack receiver the banner points to;
// every server of the stack listens on 127.0.0.1 only; Ctrl-C stops everything; a restart keeps the state
// and the demo goes on. Then the same start without a PostgreSQL server: the stack brings its embedded one.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { CONFIG_KEYS } from '../../lib/config.js';
import { scheduleId, SCHEDULE_KINDS } from '../../temporal/shared/ids.js';
import { SCHEDULE_DESCRIPTIONS } from '../../temporal/schedules.js';
import { IntegrationId, TenantId } from '../../temporal/shared/search-attributes.js';
import { dropDatabase, serverAnswers } from '../../workers/local-stack/postgres.js';
import { freeLoopbackPort } from '../../lib/ports.js';
import { waitFor } from '../support/wait.js';
import type { hourlyAnalysis } from '../../workflows/hourly-analysis.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const DEMO = 'okta-demo';

interface Stack {
  child: ChildProcess;
  lines: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<Stack>();

/** `npm start` in its own process group, as in a terminal (so Ctrl-C can go to the whole group). */
function npmStart(env: Record<string, string>): Stack {
  const child = spawn('npm', ['start'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const lines: string[] = [];
  let partial = '';
  const collect = (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const stack = { child, lines, exit };
  running.add(stack);
  void exit.then(() => running.delete(stack));
  return stack;
}

async function line(stack: Stack, pattern: RegExp, timeoutMs = 120_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const l of stack.lines) {
      const m = l.match(pattern);
      if (m) return m;
    }
    const exited = stack.child.exitCode !== null || stack.child.signalCode !== null;
    if (exited || Date.now() > deadline) {
      const why = exited ? `npm start exited (${stack.child.exitCode ?? stack.child.signalCode})` : `timed out after ${timeoutMs} ms`;
      throw new Error(`no line matching ${pattern}: ${why}\n--- npm start output ---\n${stack.lines.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Ctrl-C: SIGINT to the terminal's whole foreground group; then the stack has stopped cleanly. */
async function ctrlC(stack: Stack) {
  process.kill(-stack.child.pid!, 'SIGINT');
  const { code, signal } = await stack.exit;
  expect(stack.lines, `npm start output:\n${stack.lines.join('\n')}`).toContain('Stopped.');
  expect(stack.lines.join('\n')).not.toMatch(/Stopping at once/);
  // npm, interrupted itself, re-raises the SIGINT once its script has exited.
  expect(code === 0 || signal === 'SIGINT').toBe(true);
}

/** A printed command, run exactly as printed, with none of the stack's settings in the environment. */
async function runPrinted(command: string): Promise<string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !CONFIG_KEYS.includes(k) && !k.startsWith('OORT_')));
  const { stdout } = await run('sh', ['-c', command], { cwd: ROOT, env, timeout: 60_000 });
  return stdout;
}

/** The JSON an `npm run cli -- … --json` printed after npm's banner. */
function json<T>(stdout: string): T {
  return JSON.parse(stdout.slice(stdout.search(/^[[{]/m))) as T;
}

async function stackEnv(databaseUrl: string, dataDir: string) {
  const stack = inject('stack');
  // Nine draws: each is free when drawn, but only a set of distinct ones can all be listened on.
  const taken = new Set<number>();
  const distinctPort = async (): Promise<number> => {
    for (;;) {
      const port = await freeLoopbackPort();
      if (taken.has(port)) continue;
      taken.add(port);
      return port;
    }
  };
  return {
    DATABASE_URL: databaseUrl,
    OORT_DATA_DIR: dataDir,
    TEMPORAL_ADDRESS: `127.0.0.1:${await distinctPort()}`,
    OORT_TEMPORAL_UI_PORT: String(await distinctPort()),
    SQS_ENDPOINT: `http://127.0.0.1:${await distinctPort()}`,
    OORT_OKTA_SIMULATOR_PORT: String(await distinctPort()),
    EVENTBRIDGE_ENDPOINT: `http://127.0.0.1:${await distinctPort()}`,
    OORT_WEBHOOK_RECEIVER_PORT: String(await distinctPort()),
    OORT_SLACK_RECEIVER_PORT: String(await distinctPort()),
    TEMPORAL_CLI_PATH: stack.temporalCliPath,
    METRICS_PORT: String(await distinctPort()),
    FINDINGS_PORT: String(await distinctPort()),
  };
}

/** The ports `npm start` was told to listen on (besides PostgreSQL's, and the Temporal dev server's internal ones). */
function configuredPorts(env: Awaited<ReturnType<typeof stackEnv>>): number[] {
  return [
    new URL(`tcp://${env.TEMPORAL_ADDRESS}`).port,
    env.OORT_TEMPORAL_UI_PORT,
    new URL(env.SQS_ENDPOINT).port,
    new URL(env.EVENTBRIDGE_ENDPOINT).port,
    env.OORT_OKTA_SIMULATOR_PORT,
    env.OORT_WEBHOOK_RECEIVER_PORT,
    env.OORT_SLACK_RECEIVER_PORT,
    env.METRICS_PORT,
    env.FINDINGS_PORT,
  ].map(Number);
}

/** `0100007F:1F90` (/proc/net/tcp) → 127.0.0.1 and 8080; IPv6 addresses are four little-endian 32-bit words. */
function procAddress(hex: string): { address: string; port: number } {
  const [addr, port] = hex.split(':');
  const bytes = Buffer.concat(addr.match(/.{8}/g)!.map((w) => Buffer.from(w, 'hex').reverse()));
  if (bytes.length === 4) return { address: [...bytes].join('.'), port: parseInt(port, 16) };
  const full = [...Array(8).keys()].map((i) => bytes.readUInt16BE(i * 2).toString(16)).join(':');
  // The URL parser writes an IPv6 address in its short form: [::1], [::ffff:7f00:1].
  return { address: new URL(`http://[${full}]/`).hostname.slice(1, -1), port: parseInt(port, 16) };
}

/**
 * The TCP sockets listening in the processes of `npm start` (the process and all its descendants: the stack's
 * node process, the Temporal dev server, an embedded PostgreSQL), read from /proc without sending any traffic.
 */
function listenersOf(rootPid: number): Array<{ address: string; port: number }> {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process has just exited
    }
  }
  const ours = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parent) if (ours.has(ppid) && !ours.has(pid)) grew = Boolean(ours.add(pid));
  }
  const inodes = new Set<string>();
  for (const pid of ours) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        try {
          const m = readlinkSync(`/proc/${pid}/fd/${fd}`).match(/^socket:\[(\d+)\]$/);
          if (m) inodes.add(m[1]);
        } catch {
          // closed meanwhile
        }
      }
    } catch {
      // exited meanwhile
    }
  }
  const listening: Array<{ address: string; port: number }> = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const row of readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      if (cols[3] === '0A' && inodes.has(cols[9])) listening.push(procAddress(cols[1]));
    }
  }
  return listening;
}

/** Every server of the stack listens, and only on loopback; the configured ports are among them. */
function expectLoopbackOnly(stack: Stack, ports: number[]) {
  const listening = listenersOf(stack.child.pid!);
  const shown = listening.map((l) => `${l.address}:${l.port}`).join(', ');
  expect(listening.map((l) => l.port), shown).toEqual(expect.arrayContaining(ports));
  for (const l of listening) expect(['127.0.0.1', '::1', '::ffff:7f00:1'], `listening on ${l.address}:${l.port} (all: ${shown})`).toContain(l.address);
}

interface ReceivedWebhook {
  verified: boolean;
  type: string | null;
  detection?: { ruleId: string | null; title: string | null; severity: string | null };
  digest?: { count: number };
}

/** What a receiver lists at `GET /` (JSON for a client that does not ask for HTML). */
async function receivedAt<T>(url: string): Promise<T[]> {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { received: T[] }).received;
}

async function temporalClient(address: string): Promise<Client> {
  const connection = await Connection.connect({ address });
  return new Client({ connection });
}

async function hourlyRuns(client: Client, filter: string) {
  const runs = [];
  for await (const wf of client.workflow.list({ query: `WorkflowType = 'hourlyAnalysis' AND IntegrationId = '${DEMO}' AND ${filter}` })) runs.push(wf);
  return runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
}

const completedSince = (since: Date) => `ExecutionStatus = 'Completed' AND CloseTime > '${since.toISOString()}'`;

/**
 * Runs the printed trigger command once, after any run in progress has ended, and waits until a run that started
 * after `since` has completed. Returns every run that completed after `since`, oldest first: a run in progress when
 * the events were streamed may have drained them itself.
 *
 * Once only: `schedule trigger` returns before the Schedule starts the run, so a second trigger from a poll that does
 * not see the first run yet would start a second run, which finds the queue already drained.
 */
async function hourlyRunsAfter(client: Client, command: string, since: Date) {
  let triggered = false;
  return waitFor(
    'a triggered hourly run to complete',
    async () => {
      if ((await hourlyRuns(client, `ExecutionStatus = 'Running'`)).length > 0) return undefined;
      const done = await hourlyRuns(client, completedSince(since));
      if (done.some((r) => r.startTime > since)) return done;
      if (!triggered) {
        expect(await runPrinted(command)).toMatch(/Triggered okta-hourly:okta-demo/);
        triggered = true;
      }
      return undefined;
    },
    90_000,
    3_000,
  );
}

/** The results of `runs`, added up: what they drained, stored and raised together. */
async function hourlyResults(client: Client, runs: { workflowId: string; runId: string }[]) {
  const results = await Promise.all(runs.map((r) => client.workflow.getHandle<typeof hourlyAnalysis>(r.workflowId, r.runId).result()));
  return { stored: results.reduce((n, r) => n + r.stored, 0), detections: results.reduce((n, r) => n + r.detections, 0), results };
}

const temp = mkdtempSync(join(tmpdir(), 'oort-demo-'));
const databases: string[] = [];

afterAll(async () => {
  for (const stack of running) {
    process.kill(-stack.child.pid!, 'SIGINT');
    await Promise.race([stack.exit, new Promise((r) => setTimeout(r, 30_000))]);
  }
  for (const url of databases) await dropDatabase(url);
  rmSync(temp, { recursive: true, force: true });
});

describe('npm start', () => {
  it('runs the demo end to end: signal, Schedules, a triggered hourly run with detections, Ctrl-C, restart', async () => {
    const db = new URL(inject('stack').databaseUrl);
    db.pathname = `/oort_okta_demo_${randomBytes(4).toString('hex')}`;
    databases.push(db.toString());
    const env = await stackEnv(db.toString(), join(temp, 'data'));

    // First start: up, with the commands to run.
    const first = npmStart(env);
    await line(first, /^oort-okta is running\.$/);
    const [, uiUrl] = await line(first, /^ {2}Temporal UI: +(\S+)$/);
    expect(uiUrl).toBe(`http://127.0.0.1:${env.OORT_TEMPORAL_UI_PORT}`);
    expect((await line(first, /^ {2}Demo integration: +(\S+)/))[1]).toBe(DEMO);
    expect((await line(first, /^ {2}PostgreSQL: +(.*)$/))[1]).toMatch(/^PostgreSQL server at 127\.0\.0\.1:\d+, database oort_okta_demo_/);
    // The banner points to the notifications' receivers and to the worker's metrics, each where the environment said.
    const [, webhookUrl] = await line(first, /^ {2}Webhook receiver: +(\S+) \(notifications of the demo's detections arrive here/);
    expect(webhookUrl).toBe(`http://127.0.0.1:${env.OORT_WEBHOOK_RECEIVER_PORT}/`);
    const [, slackUrl] = await line(first, /^ {2}Slack receiver: +(\S+) /);
    expect(slackUrl).toBe(`http://127.0.0.1:${env.OORT_SLACK_RECEIVER_PORT}/`);
    const [, metricsUrl] = await line(first, /^ {2}Metrics: +(\S+)$/);
    expect(metricsUrl).toBe(`http://127.0.0.1:${env.METRICS_PORT}/metrics`);
    expect(await (await fetch(metricsUrl)).text()).toMatch(/^# HELP oort_okta_/m);
    expect((await line(first, /^ {2}Findings pages: +(\S+)/))[1]).toBe(`http://127.0.0.1:${env.FINDINGS_PORT}/integrations/okta-demo/detections`);
    expect((await line(first, /^ {2}EventBridge: +(\S+)/))[1]).toBe(env.EVENTBRIDGE_ENDPOINT);
    if (process.platform === 'linux') expectLoopbackOnly(first, configuredPorts(env));
    const [signal] = await line(first, /\S*.*npm run cli -- integrations eventbridge-in-place okta-demo$/);
    const [trigger] = await line(first, /\S*.*npm run cli -- schedules trigger okta-demo --overlap-policy Skip$/);
    const [listDetections] = await line(first, /\S*.*npm run cli -- detections list okta-demo$/);
    const ui = await fetch(uiUrl);
    expect(ui.status).toBe(200);

    // The signal, exactly as printed; onboarding verifies the stream and creates the Schedules.
    expect(await runPrinted(signal.trim())).toMatch(/Signal sent: onboarding of okta-demo/);
    const client = await temporalClient(env.TEMPORAL_ADDRESS);
    try {
      for (const kind of SCHEDULE_KINDS) {
        const d = await waitFor(`Schedule ${kind}`, () => client.schedule.getHandle(scheduleId(kind, DEMO)).describe(), 60_000, 500);
        expect(d.typedSearchAttributes.get(TenantId)).toBe('demo-acme');
        expect(d.typedSearchAttributes.get(IntegrationId)).toBe(DEMO);
        // The Schedule says in a sentence what it does and when; each run it starts carries the sentence too.
        expect(d.memo).toEqual({ tenant: 'Acme (demo)', integration: 'Acme Okta (simulated)', description: SCHEDULE_DESCRIPTIONS[kind] });
        if (d.action.type !== 'startWorkflow') throw new Error('a Schedule that starts no workflow');
        expect(d.action.workflowId).toBe(`${scheduleId(kind, DEMO)}`);
        expect(d.action.memo).toEqual({ tenant: 'Acme (demo)', integration: 'Acme Okta (simulated)' });
        expect(d.action.staticDetails).toBe(SCHEDULE_DESCRIPTIONS[kind]);
      }
      const onboarding = await client.workflow.getHandle(`onboarding:${DEMO}`).describe();
      expect(onboarding.typedSearchAttributes.get(IntegrationId)).toBe(DEMO);
      expect(onboarding.memo).toEqual({ tenant: 'Acme (demo)', integration: 'Acme Okta (simulated)' });

      // The demo streams an attack as soon as the queue exists; the triggered hourly run raises its detections.
      const attack = await line(first, /^Demo: attack (\S+) streamed; the next hourly run raises (.+)\.$/, 60_000);
      const attackSeen = new Date(Date.now() - 1000);
      const expectedRules = attack[2].split(', ');
      const firstRuns = await hourlyRunsAfter(client, trigger.trim(), attackSeen);
      const hourly = firstRuns.find((r) => r.startTime > attackSeen)!;
      expect(hourly.workflowId).toMatch(/^okta-hourly:okta-demo-\d{4}-\d\d-\d\dT/);
      expect(hourly.typedSearchAttributes.get(TenantId)).toBe('demo-acme');
      expect(hourly.memo).toEqual({ tenant: 'Acme (demo)', integration: 'Acme Okta (simulated)' });
      const firstResults = await hourlyResults(client, firstRuns);
      expect(firstResults.stored, JSON.stringify(firstResults.results)).toBeGreaterThan(0);
      expect(firstResults.detections, JSON.stringify(firstResults.results)).toBeGreaterThan(0);
      const detections = json<{ ruleId: string }[]>(await runPrinted(`${listDetections.trim()} --json`));
      expect(detections.map((d) => d.ruleId)).toEqual(expect.arrayContaining(expectedRules));

      // The run notified the demo's channels: signed webhooks the receiver verified with the channel's secret, and
      // Slack messages.
      const notices = await waitFor(
        'a verified notification at the webhook receiver',
        async () => {
          const received = await receivedAt<ReceivedWebhook>(webhookUrl);
          return received.some((r) => r.verified) ? received : undefined;
        },
        30_000,
        500,
      );
      expect(notices.every((r) => r.verified), JSON.stringify(notices)).toBe(true);
      const ruleIds = detections.map((d) => d.ruleId);
      for (const n of notices) {
        if (n.type === 'detection') expect(ruleIds).toContain(n.detection?.ruleId);
        else expect(n.type).toBe('digest');
      }
      const messages = await waitFor('a message at the Slack receiver', async () => {
        const received = await receivedAt<{ text: string | null }>(slackUrl);
        return received.length > 0 ? received : undefined;
      }, 30_000, 500);
      expect(messages[0].text).toMatch(/\S/);

      // Ctrl-C: every server stops; nothing is left listening.
      await ctrlC(first);
      expect(await serverAnswers(`postgres://x@${env.TEMPORAL_ADDRESS}/x`)).toBe(false);
      expect(existsSync(join(env.OORT_DATA_DIR, 'local-stack.pids'))).toBe(false);

      // Second start: the same integration, its Schedules and past runs; the demo streams again.
      const second = npmStart(env);
      await line(second, /^oort-okta is running\.$/);
      await line(second, /^The demo integration is past onboarding \((awaiting_first_event|streaming)\)/);
      const again = await temporalClient(env.TEMPORAL_ADDRESS);
      try {
        for (const kind of SCHEDULE_KINDS) await again.schedule.getHandle(scheduleId(kind, DEMO)).describe();
        expect((await hourlyRuns(again, completedSince(attackSeen))).map((r) => r.runId)).toContain(hourly.runId);
        await line(second, /^Demo: attack \S+ streamed/, 60_000);
        const afterRestart = await hourlyResults(again, await hourlyRunsAfter(again, trigger.trim(), new Date(Date.now() - 1000)));
        expect(afterRestart.stored, JSON.stringify(afterRestart.results)).toBeGreaterThan(0);
        const [show] = await line(second, /\S*.*npm run cli -- integrations show okta-demo$/);
        await waitFor('the demo integration to stream', async () => json<{ status: string }>(await runPrinted(`${show.trim()} --json`)).status === 'streaming', 60_000, 1000);
      } finally {
        await again.connection.close();
      }
      await ctrlC(second);
    } finally {
      await client.connection.close();
    }
  }, 240_000);

  it('starts an embedded PostgreSQL when no server answers at DATABASE_URL', async () => {
    const pgPort = await freeLoopbackPort();
    const databaseUrl = `postgres://postgres@127.0.0.1:${pgPort}/oort_okta`;
    const env = await stackEnv(databaseUrl, join(temp, 'embedded'));
    const stack = npmStart(env);
    await line(stack, /^No PostgreSQL answers at 127\.0\.0\.1:\d+: starting an embedded one/);
    await line(stack, /^oort-okta is running\.$/);
    expect((await line(stack, /^ {2}PostgreSQL: +(.*)$/))[1]).toMatch(new RegExp(`^embedded PostgreSQL \\d+ at 127\\.0\\.0\\.1:${pgPort} \\(run `));
    if (process.platform === 'linux') expectLoopbackOnly(stack, [...configuredPorts(env), pgPort]);
    const [signal] = await line(stack, /\S*.*npm run cli -- integrations eventbridge-in-place okta-demo$/);
    expect(signal).toContain(`DATABASE_URL=${databaseUrl}`);
    expect(await runPrinted(signal.trim())).toMatch(/Signal sent/);

    const client = await temporalClient(env.TEMPORAL_ADDRESS);
    try {
      await waitFor('the hourly Schedule', () => client.schedule.getHandle(scheduleId('hourly', DEMO)).describe(), 60_000, 500);
    } finally {
      await client.connection.close();
    }
    await ctrlC(stack);
    // PostgreSQL stopped with the stack; its cluster stays for the next start.
    expect(await serverAnswers(databaseUrl)).toBe(false);
    expect(existsSync(join(env.OORT_DATA_DIR, 'postgres', 'PG_VERSION'))).toBe(true);
  }, 150_000);
});

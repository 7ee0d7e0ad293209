// Finds or builds the pinned Temporal CLI (its dev server is the local Temporal), and starts the dev
// server with the project's search attributes. Used by `npm start` and by the test setup.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../../temporal/shared/search-attributes.js';
import { freeLoopbackPort } from '../../lib/ports.js';

const run = promisify(execFile);

export const TEMPORAL_CLI_VERSION = '1.5.1';
/** `go install` builds report "0.0.0-DEV", so the embedded server version identifies v1.5.1. */
const EMBEDDED_SERVER = 'Server 1.29.1';
const GO_PACKAGE = `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`;

async function cliVersion(path: string): Promise<string | undefined> {
  try {
    const { stdout } = await run(path, ['--version'], { timeout: 30_000 });
    return stdout.trim();
  } catch {
    return undefined;
  }
}

/**
 * TEMPORAL_CLI_PATH, else a `temporal` on PATH, else `<root>/.tools/bin/temporal` (git-ignored),
 * built with `go install` the first time (several minutes; later runs reuse it).
 */
export async function ensureTemporalCli(projectRoot: string, log: (line: string) => void = console.log): Promise<string> {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (!(await cliVersion(fromEnv))) {
      throw new Error(`TEMPORAL_CLI_PATH=${fromEnv} is not a runnable Temporal CLI. Point it at a temporal binary or unset it.`);
    }
    return fromEnv;
  }
  if (await cliVersion('temporal')) return 'temporal';

  const binDir = join(projectRoot, '.tools', 'bin');
  const local = join(binDir, 'temporal');
  if (existsSync(local) && (await cliVersion(local))?.includes(EMBEDDED_SERVER)) return local;

  mkdirSync(binDir, { recursive: true });
  log(`Building the Temporal CLI v${TEMPORAL_CLI_VERSION} into ${binDir} (first run only, a few minutes)…`);
  try {
    await run('go', ['install', GO_PACKAGE], {
      env: { ...process.env, GOBIN: binDir },
      timeout: 30 * 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new Error(
      `Could not build the Temporal CLI with \`go install ${GO_PACKAGE}\` (is Go ≥ 1.25 installed and the Go module proxy reachable?). ` +
        `Alternatively set TEMPORAL_CLI_PATH to an existing temporal binary.\n${detail}`,
    );
  }
  return local;
}

export interface TemporalDevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  cliPath: string;
  port?: number;
  /** Serve the Web UI on this port (default: headless). */
  uiPort?: number;
  /** SQLite file that keeps workflows and Schedules across restarts (default: in memory). */
  dbFilename?: string;
  namespace?: string;
  extraArgs?: string[];
  /** Run in its own process group, so a terminal's Ctrl-C reaches only the caller (which stops it in order). */
  ownProcessGroup?: boolean;
  log?: (line: string) => void;
}

/**
 * Starts the dev server. The ports it picks for itself (HTTP API, metrics) can be taken by another process between
 * its pick and its bind, which makes it exit at start: such an early exit is retried (fresh ports) twice.
 */
export async function startTemporalDevServer(opts: DevServerOptions): Promise<TemporalDevServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      if (!(err instanceof EarlyExit) || attempt >= 3) throw err;
      opts.log?.(`The Temporal dev server exited at start (attempt ${attempt}); retrying.`);
    }
  }
}

class EarlyExit extends Error {}

async function startOnce(opts: DevServerOptions): Promise<TemporalDevServer> {
  const port = opts.port ?? (await freeLoopbackPort());
  const namespace = opts.namespace ?? 'default';
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--namespace', namespace, '--log-level', 'error'];
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort));
  else args.push('--headless');
  if (opts.dbFilename) args.push('--db-filename', opts.dbFilename);
  for (const key of SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=Keyword`);
  args.push(...(opts.extraArgs ?? []));

  const child = spawn(opts.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: opts.ownProcessGroup ?? false });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new EarlyExit(`The Temporal dev server exited with code ${child.exitCode} before it was ready:\n${output}`);
    }
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      await conn.workflowService.describeNamespace({ namespace });
      await conn.close();
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`The Temporal dev server on ${address} was not ready within 60 s:\n${output}\n${String(err)}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    address,
    uiUrl: opts.uiPort ? `http://127.0.0.1:${opts.uiPort}` : undefined,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

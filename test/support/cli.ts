// The operator CLI as operators run it: the package's bin (bin/oort-okta.js, which runs cli/main.ts) in a child
// process with the environment of a configured machine (the world's), so its output, exit code and stderr are what a
// person sees. `runNpx` goes through `npx oort-okta`, as the README tells people to.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(env: Record<string, string | undefined>, args: string[], opts: { stdin?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  return run(process.execPath, ['bin/oort-okta.js', ...args], env, opts);
}

/** `npx oort-okta …` from the project root (npx resolves the package's own bin). */
export function runNpx(env: Record<string, string | undefined>, args: string[], opts: { stdin?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  return run('npx', ['--no-install', 'oort-okta', ...args], env, opts);
}

function run(command: string, argv: string[], env: Record<string, string | undefined>, opts: { stdin?: string; timeoutMs?: number }): Promise<CliRun> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete childEnv[k];
    else childEnv[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, {
      cwd: ROOT,
      env: childEnv,
      stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c) => (stdout += c));
    child.stderr!.on('data', (c) => (stderr += c));
    if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs many invocations, a few at a time (each is a Node process with tsx). */
export async function runAll(env: Record<string, string | undefined>, invocations: string[][], concurrency = 4): Promise<CliRun[]> {
  return runEach(invocations.map((args) => [env, args]), concurrency);
}

/** Runs many invocations, each with its own environment, a few at a time; the results in the invocations' order. */
export async function runEach(invocations: [env: Record<string, string | undefined>, args: string[]][], concurrency = 4): Promise<CliRun[]> {
  const results: CliRun[] = new Array(invocations.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < invocations.length) {
        const i = next++;
        results[i] = await runCli(...invocations[i]);
      }
    }),
  );
  return results;
}

/** A successful --json run's output; stderr may carry progress lines but no error. */
export function jsonOf<T>(run: CliRun): T {
  expect(run.stderr).not.toMatch(/^error:|warning/im);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as T;
}

/** The JSON error of a failed --json run: the last line of its stderr (progress lines may precede it). */
export interface CliErrorJson {
  kind: 'usage' | 'not_found' | 'failure';
  exitCode: number;
  message: string;
  reason?: string;
  resource?: string;
  id?: string | number;
  okta?: { status?: number; errorCode?: string; summary?: string; domain?: string };
  workflowId?: string;
}

export function errorOf(run: CliRun): CliErrorJson {
  const last = run.stderr.trimEnd().split('\n').at(-1) ?? '';
  const parsed = JSON.parse(last) as { error: CliErrorJson };
  expect(Object.keys(parsed)).toEqual(['error']);
  expect(run.code).toBe(parsed.error.exitCode);
  return parsed.error;
}

/** Progress lines a run wrote to stderr. */
export function progressOf(run: CliRun): string[] {
  return run.stderr.split('\n').filter((l) => l.startsWith('… ')).map((l) => l.slice(2));
}

// The operator CLI as operators run it: `cli/main.ts` in a child process with the environment of a
// configured machine (the world's), so its output, exit code and stderr are what a person sees.
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
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete childEnv[k];
    else childEnv[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], {
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
  const results: CliRun[] = new Array(invocations.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < invocations.length) {
        const i = next++;
        results[i] = await runCli(env, invocations[i]);
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

/** Progress lines a run wrote to stderr. */
export function progressOf(run: CliRun): string[] {
  return run.stderr.split('\n').filter((l) => l.startsWith('… ')).map((l) => l.slice(2));
}

// The worker as its own OS process (the way it runs in production), so a test can kill it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  /** Its stdout and stderr, line by line. */
  output: string[];
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/worker.ts'], {
    cwd: ROOT,
    // Readiness is read from the 'worker started' info line.
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Whole lines: a chunk can end mid-line (a long log line, a stack trace).
  const output: string[] = [];
  const stdout = createInterface({ input: child.stdout!, crlfDelay: Infinity });
  stdout.on('line', (l) => l && output.push(l));
  createInterface({ input: child.stderr!, crlfDelay: Infinity }).on('line', (l) => l && output.push(l));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start within 90 s:\n${output.join('\n')}`)), 90_000);
    const check = (l: string) => {
      if (l.includes('worker started')) {
        clearTimeout(timer);
        resolve();
      }
    };
    stdout.on('line', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}:\n${output.join('\n')}`));
    });
  });
  return {
    child,
    output,
    kill: (signal = 'SIGKILL') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

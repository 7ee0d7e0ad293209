// The SQS emulator in a process of its own, for the benches: in production SQS is a remote service, so
// the drain's parsing and the emulator's request handling must not share one JavaScript thread (they
// did when the emulator ran inside the bench, which charged the emulator's work to the drain). Run
// by `startSqsEmulatorProcess`; reports its endpoint over the IPC channel and stops when it closes.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSqsEmulator, type SqsEmulator } from '../workers/local-stack/sqs-emulator.js';

export interface SqsEmulatorProcess extends SqsEmulator {
  pid: number;
}

/** Forks this file (with the parent's loader flags, so TypeScript runs as it does here) and waits for its endpoint. */
export async function startSqsEmulatorProcess(): Promise<SqsEmulatorProcess> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve(String((m as { endpoint: string }).endpoint)));
    child.once('exit', (code) => reject(new Error(`the SQS emulator process exited (${code}) before listening`)));
    child.once('error', reject);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    endpoint,
    pid: child.pid!,
    stop: async () => {
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

if (process.argv.includes('--child') && process.send) {
  const emulator = await startSqsEmulator();
  process.send({ endpoint: emulator.endpoint });
  process.once('disconnect', () => void emulator.stop().finally(() => process.exit(0)));
}

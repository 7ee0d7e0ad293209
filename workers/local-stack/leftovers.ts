// The local stack's server processes (Temporal dev server, embedded PostgreSQL) run in their own
// process groups so that Ctrl-C reaches only the stack, which then stops them in order. A stack that
// was killed outright cannot do that, so their pids are kept in a file and the next start ends
// them — each by its pid, and only while that pid still runs the same program.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

interface Entry {
  name: string;
  pid: number;
  /** A fragment of the program's command line, so a recycled pid is left alone. */
  program: string;
  /** The signal that asks it to shut down cleanly. */
  stopSignal: NodeJS.Signals;
}

function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function stillOurs(e: Entry): boolean {
  if (!alive(e.pid)) return false;
  // Without /proc (macOS) the pid alone is trusted: the file is removed at every clean stop.
  if (!existsSync('/proc')) return true;
  return commandLine(e.pid)?.includes(e.program) ?? false;
}

export class StackProcesses {
  private entries: Entry[] = [];
  private children = new Map<string, { child: ChildProcess; stopSignal: NodeJS.Signals }>();

  constructor(private readonly file: string) {}

  /** Ends the processes a previous, killed stack left running. */
  async endLeftovers(say: (line: string) => void): Promise<void> {
    if (!existsSync(this.file)) return;
    let previous: Entry[] = [];
    try {
      previous = JSON.parse(readFileSync(this.file, 'utf8')) as Entry[];
    } catch {
      // unreadable: nothing to end
    }
    for (const e of previous.filter(stillOurs)) {
      say(`Ending the ${e.name} (pid ${e.pid}) left running by a previous start.`);
      process.kill(e.pid, e.stopSignal);
      const deadline = Date.now() + 15_000;
      while (alive(e.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (alive(e.pid)) process.kill(e.pid, 'SIGKILL');
    }
    rmSync(this.file, { force: true });
  }

  add(name: string, child: ChildProcess, program: string, stopSignal: NodeJS.Signals): void {
    if (child.pid === undefined) return;
    this.children.set(name, { child, stopSignal });
    this.entries.push({ name, pid: child.pid, program, stopSignal });
    writeFileSync(this.file, JSON.stringify(this.entries));
  }

  /** After every server stopped in order. */
  clear(): void {
    this.entries = [];
    this.children.clear();
    rmSync(this.file, { force: true });
  }

  /**
   * On an abrupt exit (a failed start, a second Ctrl-C): asks every server still running to shut
   * down; they finish on their own, so no server outlives the stack for long.
   */
  signalAll(): void {
    for (const { child, stopSignal } of this.children.values()) {
      if (child.exitCode === null && child.signalCode === null) child.kill(stopSignal);
    }
  }
}

// A PostgreSQL cluster of a test's own, to restart or stop at will: `initdb` into a temporary folder, a free loopback
// port, no Unix socket, trust authentication. Never the shared server: every pg_ctl command names this cluster's data
// folder. PostgreSQL refuses to run as root, so as root it runs as the OS user `postgres` (runuser), which owns the
// folder. Binaries: PG_BIN_DIR, else the newest /usr/lib/postgresql/<major>/bin.
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { freeLoopbackPort } from '../../lib/ports.js';

const run = promisify(execFile);
const OS_USER = 'postgres';

export type ShutdownMode = 'smart' | 'fast' | 'immediate';

export interface ThrowawayPostgres {
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url: string;
  port: number;
  dir: string;
  logFile: string;
  /** `pg_ctl restart` (fast shutdown by default: sessions are terminated, transactions rolled back). */
  restart(mode?: ShutdownMode): Promise<void>;
  stop(mode?: ShutdownMode): Promise<void>;
  start(): Promise<void>;
  /** Stops the cluster (immediate) and removes its folder. */
  destroy(): Promise<void>;
  /** The server log's last lines, for failure messages. */
  logTail(lines?: number): string;
}

function binDir(): string {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a)) : [];
  const found = majors.map((m) => join(root, m, 'bin')).find((d) => existsSync(join(d, 'pg_ctl')));
  if (!found) throw new Error(`no PostgreSQL binaries under ${root}; set PG_BIN_DIR to a folder with initdb and pg_ctl`);
  return found;
}

async function osUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const [u, g] = await Promise.all([run('id', ['-u', OS_USER]), run('id', ['-g', OS_USER])]);
    return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
  } catch {
    throw new Error(`running as root, the throwaway PostgreSQL needs the OS user ${OS_USER} (PostgreSQL refuses root)`);
  }
}

export async function startThrowawayPostgres(opts: { database?: string } = {}): Promise<ThrowawayPostgres> {
  const bin = binDir();
  const owner = await osUser();
  const dir = mkdtempSync(join(tmpdir(), 'oort-throwaway-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const pg = (tool: string, args: string[]) => {
    const [cmd, argv] = owner ? ['runuser', ['-u', OS_USER, '--', join(bin, tool), ...args]] : [join(bin, tool), args];
    return run(cmd, argv, { timeout: 120_000, env: { ...process.env, LC_ALL: 'C' } });
  };
  const port = await freeLoopbackPort();
  if (port === 5432) throw new Error('refusing port 5432: that is the shared server');
  const database = opts.database ?? 'oort_okta';
  const url = `postgres://postgres@127.0.0.1:${port}/${database}`;
  const logTail = (lines = 30) => {
    try {
      return readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  const ctl = async (args: string[]) => {
    try {
      await pg('pg_ctl', ['-D', dataDir, '-w', '-t', '60', ...args]);
    } catch (err) {
      throw new Error(`pg_ctl ${args.join(' ')} failed: ${(err as Error).message}\n${logTail()}`);
    }
  };

  // -N: no fsync at initdb; fsync=off below: a test cluster, nothing to keep across a machine crash.
  await pg('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '-N']);
  const serverOptions = [`-p ${port}`, '-c listen_addresses=127.0.0.1', "-c unix_socket_directories=''", '-c fsync=off', '-c full_page_writes=off'].join(' ');
  const start = () => ctl(['-l', logFile, '-o', serverOptions, 'start']);
  await start();

  const admin = postgres({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${database}`);
  } finally {
    await admin.end({ timeout: 5 });
  }

  let destroyed = false;
  // A test process that ends without destroy() (a crash, a timeout) still takes its cluster down.
  const stopAtExit = () => {
    try {
      const args = ['-D', dataDir, '-m', 'immediate', 'stop'];
      if (owner) execFileSync('runuser', ['-u', OS_USER, '--', join(bin, 'pg_ctl'), ...args], { stdio: 'ignore', timeout: 10_000 });
      else execFileSync(join(bin, 'pg_ctl'), args, { stdio: 'ignore', timeout: 10_000 });
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // already stopped
    }
  };
  process.once('exit', stopAtExit);
  return {
    url,
    port,
    dir,
    logFile,
    // The log file again: without -l, the server started by restart would hold pg_ctl's output pipes open.
    restart: (mode = 'fast') => ctl(['-m', mode, '-l', logFile, '-o', serverOptions, 'restart']),
    stop: (mode = 'fast') => ctl(['-m', mode, 'stop']),
    start,
    logTail,
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      process.removeListener('exit', stopAtExit);
      await pg('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

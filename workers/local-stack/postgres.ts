// Creates (and for tests, drops) the project's database on an existing PostgreSQL server.
import postgres from 'postgres';

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

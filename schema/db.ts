// One postgres.js pool per process, shared by drizzle (schema-typed queries) and raw SQL (the hot
// insert path). drizzle makes json/jsonb and timestamp codecs pass-through on the client it wraps
// (docs/internals.md §1.1), so raw queries on `db.$client` pass JSON as strings.
import postgres from 'postgres';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import * as tables from './tables.js';

export type Database = PostgresJsDatabase<typeof tables> & { $client: postgres.Sql };

export function connectDatabase(url: string, opts: { max?: number } = {}): Database {
  const client = postgres(url, {
    max: opts.max ?? 10,
    // A server that accepts but does not answer (restarting, overloaded) fails the query within 10 s (default 30),
    // so an activity fails and is retried instead of waiting. A connection the server closed (a restart) is
    // replaced when next needed; idle ones are closed after 5 minutes, so few are left to find broken.
    connect_timeout: 10,
    idle_timeout: 300,
    onnotice: () => {},
    connection: { application_name: 'oort-okta' },
  });
  return drizzle(client, { schema: tables }) as Database;
}

export async function closeDatabase(db: Database): Promise<void> {
  await db.$client.end({ timeout: 5 });
}

export { tables };

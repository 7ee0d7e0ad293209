// One postgres.js pool per process, shared by drizzle (schema-typed queries) and raw SQL (the hot
// insert path). drizzle makes json/jsonb and timestamp codecs pass-through on the client it wraps
// (reference/ingest.md §3.2), so raw queries on `db.$client` pass JSON as strings.
import postgres from 'postgres';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import * as tables from './tables.js';

export type Database = PostgresJsDatabase<typeof tables> & { $client: postgres.Sql };

export function connectDatabase(url: string, opts: { max?: number } = {}): Database {
  const client = postgres(url, {
    max: opts.max ?? 10,
    onnotice: () => {},
    connection: { application_name: 'oort-okta' },
  });
  return drizzle(client, { schema: tables }) as Database;
}

export async function closeDatabase(db: Database): Promise<void> {
  await db.$client.end({ timeout: 5 });
}

export { tables };

// What every CLI command needs: configuration, the database, a Temporal client — opened lazily
// and closed after the command — and the way secrets are read (never from argv).
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, type Config } from '../lib/config.js';
import { parseSecretKey } from '../lib/secrets.js';
import { closeDatabase, connectDatabase, type Database } from '../schema/db.js';

export class CliContext {
  readonly config: Config = loadConfig();
  private dbInstance?: Database;
  private connection?: Connection;
  private clientInstance?: Client;

  get db(): Database {
    this.dbInstance ??= connectDatabase(this.config.DATABASE_URL, { max: 2 });
    return this.dbInstance;
  }

  get secretKey(): Buffer {
    return parseSecretKey(this.config.OORT_SECRET_KEY);
  }

  async client(): Promise<Client> {
    if (!this.clientInstance) {
      try {
        this.connection = await Connection.connect({ address: this.config.TEMPORAL_ADDRESS, connectTimeout: 5000 });
      } catch (err) {
        throw new Error(
          `Cannot reach Temporal at ${this.config.TEMPORAL_ADDRESS} (${(err as Error).message}). Start the stack (\`npm start\`) or set TEMPORAL_ADDRESS.`,
        );
      }
      this.clientInstance = new Client({ connection: this.connection, namespace: this.config.TEMPORAL_NAMESPACE });
    }
    return this.clientInstance;
  }

  async close(): Promise<void> {
    await this.connection?.close();
    if (this.dbInstance) await closeDatabase(this.dbInstance);
  }
}

/** A secret from a file, from stdin (`-`), or from an environment variable — never from argv. */
export function readSecret(opts: { file?: string; envVar: string; what: string; fileOption?: string }): string {
  let value: string | undefined;
  if (opts.file === '-') value = readFileSync(0, 'utf8');
  else if (opts.file) value = readFileSync(opts.file, 'utf8');
  else value = process.env[opts.envVar];
  value = value?.trim();
  if (!value) {
    throw new Error(`No ${opts.what} given. Set ${opts.envVar}, or pass ${opts.fileOption ?? '--token-file'} <path> (use - to read stdin).`);
  }
  return value;
}

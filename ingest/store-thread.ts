// A store thread (ingest/batch-store.ts): commits the batches posted to it with its own PostgreSQL pool.
import { workerData } from 'node:worker_threads';
import { connectDatabase } from '../schema/db.js';
import type { StoreTask, StoreThreadSetup } from './batch-store.js';
import { commitBatch, type StoredBatch } from './store-batch.js';

const setup = workerData as StoreThreadSetup;
// Connections open when first needed, are replaced after a server restart and close when idle (schema/db.ts); they
// end with the thread.
const db = connectDatabase(setup.databaseUrl, { max: setup.connections });

export default function commitOnStoreThread(task: StoreTask): Promise<StoredBatch> {
  return commitBatch(db, task.expect, task.ingestRunId, task.messages, task.opts);
}

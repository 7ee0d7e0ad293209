// A store thread (ingest/batch-store.ts): commits the batches posted to it with its own PostgreSQL pool, and deletes
// stored batches from their queue with its own SQS client.
import { workerData } from 'node:worker_threads';
import { createSqsClient } from '../lib/sqs.js';
import { connectDatabase } from '../schema/db.js';
import type { DeleteTask, StoreTask, StoreThreadSetup } from './batch-store.js';
import { deleteMessages as deleteFromQueue } from './drain.js';
import { commitBatch as commit, type StoredBatch } from './store-batch.js';

const setup = workerData as StoreThreadSetup;
// Connections open when first needed, are replaced after a server restart and close when idle (schema/db.ts); they
// end with the thread.
const db = connectDatabase(setup.databaseUrl, { max: setup.connections });
const sqs = setup.sqs && createSqsClient(setup.sqs);

export function commitBatch(task: StoreTask): Promise<StoredBatch> {
  return commit(db, task.expect, task.ingestRunId, task.messages, task.opts);
}

export function deleteMessages(task: DeleteTask): Promise<number> {
  if (!sqs) throw new Error('this store thread was started without SQS settings');
  return deleteFromQueue(sqs, task.queueUrl, task.messages);
}

// Where a drain's batches are parsed and committed, and then deleted from the queue. A drain's own thread has enough to
// do receiving: the AWS SDK's work per message (signing, JSON, checksums) is most of a bare receive/delete loop's.
// Parsing the envelopes, binding the rows and talking to PostgreSQL run on store threads, each with its own
// connections, and so do the deletes of stored batches when the threads have SQS settings, so that a drain keeps pace
// with the queue (bench/README.md, "the drain off its thread").
//
// The metrics of each batch are recorded here, on the activity's thread, whose registry `/metrics` serves.
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { recordBatch } from '../lib/metrics.js';
import type { Config } from '../lib/config.js';
import type { EnvelopeExpectation } from '../okta/envelope.js';
import type { Database } from '../schema/db.js';
import type { ReceivedMessage } from './drain.js';
import { commitBatch, type ParseOptions, type StoredBatch } from './store-batch.js';

/** One batch to commit, as it crosses to a store thread (plain data: it is copied). */
export interface StoreTask {
  expect: EnvelopeExpectation & { integrationId: string };
  ingestRunId: number;
  messages: ReceivedMessage[];
  opts: ParseOptions;
}

/** What a store thread is told once, at its start. */
export interface StoreThreadSetup {
  databaseUrl: string;
  /** Its PostgreSQL pool's size. */
  connections: number;
  /** Its SQS client's settings: with them, the threads also delete stored batches (`BatchStore.deleterFor`). */
  sqs?: Pick<Config, 'SQS_ENDPOINT' | 'AWS_REGION'>;
}

/** A stored batch's messages to delete, as they cross to a store thread (the receipt handles only). */
export interface DeleteTask {
  queueUrl: string;
  messages: Array<Pick<ReceivedMessage, 'receiptHandle'>>;
}

export interface BatchStore {
  /** Commits one batch in one transaction (ingest/store-batch.ts) and records its metrics. */
  commit(expect: StoreTask['expect'], ingestRunId: number, messages: ReceivedMessage[], opts?: ParseOptions): Promise<StoredBatch>;
  /**
   * Deletes stored messages from `queueUrl` on a store thread and says how many it deleted (DrainOptions.deleteStored);
   * undefined when this store has no SQS client (the drain deletes on its own thread).
   */
  deleterFor(queueUrl: string): ((messages: readonly ReceivedMessage[]) => Promise<number>) | undefined;
  /** Waits for the batches being committed, then stops the threads (if any). */
  close(): Promise<void>;
}

/** Batches committed on the caller's thread, through its pool (INGEST_STORE_THREADS=0; the benchmark's comparison). */
export function storeOnThisThread(db: Database): BatchStore {
  return {
    async commit(expect, ingestRunId, messages, opts = {}) {
      return recorded(expect.integrationId, await commitBatch(db, expect, ingestRunId, messages, opts));
    },
    deleterFor: () => undefined,
    async close() {},
  };
}

/**
 * Batches committed on `threads` store threads. A thread whose commit fails (the database is down) or that dies fails
 * that batch only: the drain hands its messages back to the queue for the retry, as for any failed commit.
 */
export function startStoreThreads(setup: StoreThreadSetup & { threads: number }): BatchStore {
  const pool = new Piscina<StoreTask | DeleteTask, StoredBatch | number>({
    filename: new URL('./store-thread-entry.mjs', import.meta.url).href,
    minThreads: setup.threads,
    maxThreads: setup.threads,
    // A thread's commits wait on PostgreSQL most of the time: it takes as many at once as it has connections.
    concurrentTasksPerWorker: setup.connections,
    // Idle threads wait for messages on their event loop (not in Atomics.wait), so their connections' timers run.
    atomics: 'disabled',
    // Only what a thread needs crosses over (a config holds secrets).
    workerData: {
      databaseUrl: setup.databaseUrl,
      connections: setup.connections,
      sqs: setup.sqs && { SQS_ENDPOINT: setup.sqs.SQS_ENDPOINT, AWS_REGION: setup.sqs.AWS_REGION },
    } satisfies StoreThreadSetup,
  });
  return {
    async commit(expect, ingestRunId, messages, opts = {}) {
      const task: StoreTask = { expect, ingestRunId, messages, opts };
      return recorded(expect.integrationId, (await pool.run(task, { name: 'commitBatch' })) as StoredBatch);
    },
    deleterFor(queueUrl) {
      if (!setup.sqs) return undefined;
      return async (messages) => {
        const task: DeleteTask = { queueUrl, messages: messages.map(({ receiptHandle }) => ({ receiptHandle })) };
        return (await pool.run(task, { name: 'deleteMessages' })) as number;
      };
    },
    async close() {
      await pool.close();
    },
  };
}

/**
 * The batch store of a process: `threads` store threads (default: `defaultStoreThreads()`) with `connections` each, or
 * with 0 threads the caller's own thread through `db`.
 */
export function openBatchStore(db: Database, setup: StoreThreadSetup & { threads?: number }): BatchStore {
  const threads = setup.threads ?? defaultStoreThreads();
  return threads === 0 ? storeOnThisThread(db) : startStoreThreads({ ...setup, threads });
}

/** The default number of store threads: one, and more only where there are cores for them beside the activities'. */
export function defaultStoreThreads(): number {
  return Math.max(1, Math.min(4, Math.floor(availableParallelism() / 4)));
}

/** Metrics are recorded once the transaction has committed: a rolled-back batch is delivered again. */
function recorded(integrationId: string, batch: StoredBatch): StoredBatch {
  recordBatch(integrationId, batch);
  return batch;
}

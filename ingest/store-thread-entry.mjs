// The store thread's entry point (ingest/batch-store.ts). Threads do not inherit the main thread's TypeScript loader
// (tsx) on Node 20, so each registers its own before it loads the thread's module.
import { tsImport } from 'tsx/esm/api';

const { commitBatch, deleteMessages } = await tsImport('./store-thread.ts', import.meta.url);

export { commitBatch, deleteMessages };

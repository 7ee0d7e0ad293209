// The integration row as the ingest-mode decisions (./mode.ts) see it.
import type { IntegrationRow } from '../integrations/repository.js';
import type { IngestState } from './mode.js';

export function ingestState(row: IntegrationRow): IngestState {
  return {
    mode: row.ingestMode,
    status: row.status,
    hasQueue: row.queueUrl !== null,
    pollCursor: row.pollCursor,
    lastStreamedAt: row.lastStreamedAt,
    firstEventAt: row.firstEventAt,
    lastEventAt: row.lastEventAt,
  };
}

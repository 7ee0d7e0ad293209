// All activities, built from the process's dependencies. Workflows import only the type.
import type { ActivityDeps } from './deps.js';
import { ingestActivities } from './ingest.js';
import { integrationActivities } from './integration.js';
import { oktaActivities } from './okta.js';
import { pipelineActivities } from './pipeline.js';

export function createActivities(deps: ActivityDeps) {
  return {
    ...integrationActivities(deps),
    ...ingestActivities(deps),
    ...oktaActivities(deps),
    ...pipelineActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps };

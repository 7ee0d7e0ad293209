// All activities, built from the process's dependencies, one file per step. Workflows import only the type.
import type { ActivityDeps } from './deps.js';
import { awsRouteActivities } from './aws-route.js';
import { dailyActivityActivities } from './daily-activity.js';
import { detectActivities } from './detect.js';
import { directoryActivities } from './directory.js';
import { drainActivities } from './drain.js';
import { maintenanceActivities } from './maintenance.js';
import { onboardingActivities } from './onboarding.js';
import { refreshUserActivities } from './refresh-user.js';
import { runActivities } from './runs.js';
import { streamHealthActivities } from './stream-health.js';
import { systemLogActivities } from './system-log.js';

export function createActivities(deps: ActivityDeps) {
  return {
    ...onboardingActivities(deps),
    ...awsRouteActivities(deps),
    ...runActivities(deps),
    ...drainActivities(deps),
    ...systemLogActivities(deps),
    ...streamHealthActivities(deps),
    ...detectActivities(deps),
    ...dailyActivityActivities(deps),
    ...directoryActivities(deps),
    ...refreshUserActivities(deps),
    ...maintenanceActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps };

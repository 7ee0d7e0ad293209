// The worker's two task queues. Pure: imported by workflows and by the worker.
//
// The configured queue carries what someone is waiting for: the interactive workflows (onboarding, Refresh User
// Data) and their quick activities. `<queue>-heavy` carries the scheduled work: the runs the Schedules start (hourly,
// daily Activity, directory sync, database maintenance), their workflow tasks as well as every step, and the long
// activities of interactive workflows (onboarding's backfill and first detection pass). In the busiest minutes of an
// hour's slot every heavy slot is taken and hundreds of runs' workflow tasks wait on the heavy queue, and a refreshUser
// someone is waiting on still starts at once (bench/README.md, "Task queues").

const HEAVY_SUFFIX = '-heavy';

/**
 * The heavy queue of the deployment whose main queue is `taskQueue`. A workflow asks it with its own queue: a
 * scheduled run already on the heavy queue stays there.
 */
export const heavyTaskQueue = (taskQueue: string): string =>
  taskQueue.endsWith(HEAVY_SUFFIX) ? taskQueue : `${taskQueue}${HEAVY_SUFFIX}`;

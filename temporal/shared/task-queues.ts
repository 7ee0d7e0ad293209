// The worker's two task queues. Pure: imported by workflows and by the worker.
//
// Workflows and the quick activities (opening and closing a run, onboarding's checks, Refresh User Data) share the
// configured queue; the long ones (draining a queue, reading the System Log, a backfill, a detection pass, a day's
// Activity, a directory sync, partition upkeep) go to `<queue>-heavy`, served by a Worker with its own slots. In the
// busiest minutes of an hour's slot every heavy slot is taken, and a refreshUser someone is waiting on still starts
// at once (bench/README.md, "Task queues").

/** The heavy activities' queue for workflows running on `taskQueue`. */
export const heavyTaskQueue = (taskQueue: string): string => `${taskQueue}-heavy`;

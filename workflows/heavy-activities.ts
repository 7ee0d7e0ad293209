// Activities that run on the heavy queue (temporal/shared/task-queues.ts) of the workflow calling them.
import { proxyActivities, workflowInfo, type ActivityInterfaceFor, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { heavyTaskQueue } from '../temporal/shared/task-queues.js';

/**
 * `proxyActivities` whose calls go to `<this workflow's queue>-heavy`. The queue is read at call time, inside the
 * workflow, so these proxies can be module constants like the others (a workflow module is shared between runs).
 */
export function proxyHeavyActivities(options: ActivityOptions): ActivityInterfaceFor<Activities> {
  return new Proxy({} as ActivityInterfaceFor<Activities>, {
    get(_, name) {
      if (typeof name !== 'string') return undefined;
      return (...args: unknown[]) => {
        const activities = proxyActivities<Activities>({ ...options, taskQueue: heavyTaskQueue(workflowInfo().taskQueue) });
        return (activities[name as keyof Activities] as (...a: unknown[]) => Promise<unknown>)(...args);
      };
    },
  });
}

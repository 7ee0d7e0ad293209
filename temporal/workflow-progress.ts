// Progress of a running workflow as an operator sees it: which step (activity) it is in, which attempt,
// and the step's last heartbeat (e.g. pages and events read so far). Read from the workflow's
// description, so it needs nothing from the workflow itself.
import { defaultPayloadConverter } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';

export interface WorkflowStep {
  activity: string;
  attempt: number;
  /** The activity's last heartbeat details, decoded. */
  heartbeat: unknown;
  lastFailure: string | null;
}

export interface WorkflowProgress {
  status: string;
  steps: WorkflowStep[];
}

export async function workflowProgress(handle: WorkflowHandle): Promise<WorkflowProgress> {
  const d = await handle.describe();
  const steps = (d.raw.pendingActivities ?? []).map((a) => {
    const payload = a.heartbeatDetails?.payloads?.[0];
    let heartbeat: unknown = null;
    if (payload) {
      try {
        heartbeat = defaultPayloadConverter.fromPayload(payload);
      } catch {
        heartbeat = '(undecodable heartbeat)';
      }
    }
    return { activity: a.activityType?.name ?? 'activity', attempt: a.attempt ?? 1, heartbeat, lastFailure: a.lastFailure?.message ?? null };
  });
  return { status: d.status.name, steps };
}

/** "refreshUserEvents (attempt 2: Okta 429) pages=3 eventsRead=2400" */
export function describeProgress(p: WorkflowProgress): string {
  if (p.steps.length === 0) return p.status === 'RUNNING' ? 'between steps' : p.status.toLowerCase();
  return p.steps
    .map((s) => {
      const attempt = s.attempt > 1 ? ` (attempt ${s.attempt}${s.lastFailure ? `: ${s.lastFailure}` : ''})` : '';
      const beat =
        s.heartbeat && typeof s.heartbeat === 'object'
          ? ` ${Object.entries(s.heartbeat as Record<string, unknown>).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ')}`
          : s.heartbeat !== null && s.heartbeat !== undefined ? ` ${String(s.heartbeat)}` : '';
      return `${s.activity}${attempt}${beat}`;
    })
    .join('; ');
}

/**
 * Waits for the workflow's result, calling `onProgress` with a line whenever the progress changes.
 * The result wins: a describe that fails meanwhile only skips one progress line.
 */
export async function resultWithProgress<T>(handle: WorkflowHandle, onProgress: (line: string) => void, pollMs = 500): Promise<T> {
  let done = false;
  const result = (handle.result() as Promise<T>).finally(() => (done = true));
  let last = '';
  const poll = (async () => {
    while (!done) {
      try {
        const line = describeProgress(await workflowProgress(handle));
        if (!done && line !== last) onProgress(line);
        last = line;
      } catch {
        // Describe can race the workflow's completion; the next poll (or the result) settles it.
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  })();
  try {
    return await result;
  } finally {
    await poll;
  }
}

// The activity interceptor, on a real worker: a refresh for an integration that does not exist fails on its first
// attempt with a named failure (no five retries), the failure is counted in the worker's metrics, and the log line
// names the integration and the activity.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError, ActivityFailure, ApplicationFailure } from '@temporalio/client';
import { createWorld, type World } from '../support/world.js';
import { parseExposition, value } from '../support/prometheus.js';
import { refreshUserWorkflowId } from '../../temporal/shared/ids.js';
import { INTEGRATION_NOT_FOUND } from '../../temporal/shared/failures.js';
import type { refreshUser } from '../../workflows/refresh-user.js';

let world: World;

beforeAll(async () => {
  world = await createWorld({}, { metrics: true });
  await world.startWorker();
});

afterAll(async () => {
  await world?.close();
});

describe('activity interceptor', () => {
  it('fails a step for a missing integration once, with a named failure, counted and logged with the integration id', async () => {
    const integrationId = 'no-such-integration';
    const handle = await world.client.workflow.start<typeof refreshUser>('refreshUser', {
      taskQueue: world.config.TEMPORAL_TASK_QUEUE,
      workflowId: refreshUserWorkflowId(integrationId, '00u1a2b3c4d5e6f7g8h9'),
      args: [{ integrationId, userId: '00u1a2b3c4d5e6f7g8h9' }],
    });
    const err = await handle.result().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const activity = (err as WorkflowFailedError).cause;
    expect(activity).toBeInstanceOf(ActivityFailure);
    const app = (activity as ActivityFailure).cause;
    expect(app).toBeInstanceOf(ApplicationFailure);
    expect((app as ApplicationFailure).type).toBe(INTEGRATION_NOT_FOUND);
    expect((app as ApplicationFailure).nonRetryable).toBe(true);

    // One attempt only: the history holds a single ActivityTaskStarted with attempt 1.
    const history = await handle.fetchHistory();
    const started = (history.events ?? []).filter((e) => e.activityTaskStartedEventAttributes);
    expect(started).toHaveLength(1);
    expect(started[0].activityTaskStartedEventAttributes!.attempt).toBe(1);

    const samples = parseExposition(await (await fetch(world.worker!.metricsUrl!)).text());
    expect(value(samples, 'oort_okta_activity_failures_total', {
      integration_id: integrationId, activity: 'refreshUserDirectory', failure: INTEGRATION_NOT_FOUND, retryable: 'false',
    })).toBe(1);

    const line = world.logLines.map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'activity failed' && l.integrationId === integrationId);
    expect(line).toMatchObject({ activity: 'refreshUserDirectory', failure: INTEGRATION_NOT_FOUND, retryable: false, attempt: 1 });
  });
});

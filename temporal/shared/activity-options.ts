// Timeouts and retry policies of activities, as presets named for the kind of step, so every workflow
// retries the same kind of step the same way. Pure: imported by workflows.
import type { ActivityOptions, LocalActivityOptions, RetryPolicy } from '@temporalio/common';
import { CREDENTIALS_REJECTED, OKTA_USER_NOT_FOUND } from './failures.js';

/** Steps that heartbeat: a lost worker is noticed within the heartbeat timeout and another attempt resumes. */
const patient: RetryPolicy = { initialInterval: '2s', maximumInterval: '1 minute', maximumAttempts: 10 };
/** Okta calls: the same, but a rejected token stops the workflow at once (the operator must rotate it). */
const okta: RetryPolicy = { ...patient, maximumInterval: '2 minutes', nonRetryableErrorTypes: [CREDENTIALS_REJECTED] };

/**
 * Short database steps (open or close a run, create queues and Schedules). Many quick attempts, so a restarted
 * PostgreSQL costs a minute, not the run.
 */
const shortStep = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 20 },
} satisfies ActivityOptions & LocalActivityOptions;

export const ACTIVITY_OPTIONS = {
  shortStep,
  /** Draining the queue: heartbeats as it goes (at most once a second); bounded by its own deadline (DRAIN_DEADLINE). */
  drain: { startToCloseTimeout: '50 minutes', heartbeatTimeout: '30 seconds', retry: patient },
  /** Reading the System Log API: one page may wait out a rate-limit window, so a longer heartbeat timeout. */
  systemLogRead: { startToCloseTimeout: '50 minutes', heartbeatTimeout: '2 minutes', retry: patient },
  /** The onboarding backfill: up to 90 days, a page budget per call, each call resuming from the committed cursor. */
  backfill: {
    startToCloseTimeout: '50 minutes',
    heartbeatTimeout: '2 minutes',
    retry: { ...okta, initialInterval: '5s', maximumAttempts: 20 },
  },
  /** Detections, notifications and the daily Activity table. */
  analysis: { startToCloseTimeout: '15 minutes', heartbeatTimeout: '2 minutes', retry: patient },
  dailyActivity: { startToCloseTimeout: '30 minutes', heartbeatTimeout: '2 minutes', retry: patient },
  /** Okta calls of onboarding (check the token, verify the log stream). */
  okta: { startToCloseTimeout: '30 minutes', heartbeatTimeout: '2 minutes', retry: okta },
  /** The whole directory: can take long for large orgs; heartbeats per page. */
  directorySync: {
    startToCloseTimeout: '2 hours',
    heartbeatTimeout: '2 minutes',
    retry: { ...okta, initialInterval: '5s', maximumInterval: '5 minutes' },
  },
  /** A quick Okta check (is the log stream still there). */
  oktaCheck: { startToCloseTimeout: '2 minutes', retry: { ...okta, initialInterval: '5s', maximumInterval: '1 minute' } },
  /** Refresh User Data: somebody is waiting, so few attempts; an unknown user is an answer, not a fault. */
  refreshUser: {
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '1 minute',
    retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 5, nonRetryableErrorTypes: [CREDENTIALS_REJECTED, OKTA_USER_NOT_FOUND] },
  },
} satisfies Record<string, ActivityOptions>;

export const LOCAL_ACTIVITY_OPTIONS = {
  /** The hourly run's quick database steps, run on the worker of its workflow task: the same timeout and retries. */
  shortStep,
} satisfies Record<string, LocalActivityOptions>;

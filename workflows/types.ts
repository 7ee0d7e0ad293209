// Workflow inputs and results: ids, windows and counts only — never event data or secrets
// (they would sit in Temporal history in plain text).

export interface IntegrationRef {
  integrationId: string;
}

export interface OnboardingInput extends IntegrationRef {
  /** Send a reminder when the EventBridge signal has not come after this long (e.g. '3 days'). */
  reminderAfter?: string;
  /** How often to look for the first streamed event. */
  firstEventPollInterval?: string;
  /** Carried across continue-as-new. */
  resume?: { phase: 'awaiting_first_event'; remindersSent: number; signalsReceived: number; streamChecks: number };
}

/** The values the customer enters in Okta → Reports → Log Streaming → AWS EventBridge. */
export interface LogStreamSetupValues {
  eventSourceName: string;
  awsAccountId: string;
  awsRegion: string;
  awsRegionLabel: string;
}

export interface OnboardingState {
  integrationId: string;
  status: string;
  /** What is wrong and what to do, when something is. */
  detail: string | null;
  setup: LogStreamSetupValues | null;
  signalsReceived: number;
  /** Log stream verifications finished (one per handled signal), and the latest verdict. */
  streamChecks: number;
  lastStreamCheck: StreamCheck | null;
  remindersSent: number;
  /** The System Log read of the last days (absent in onboardings started before backfills existed). */
  backfill?: BackfillProgress;
  /** The AWS side: the partner event source's state and the route steps done (absent before the first signal). */
  aws?: AwsRouteProgress;
}

export type AwsRouteStep = 'partnerEventBus' | 'rule' | 'queuePolicy' | 'target';

export interface AwsRouteProgress {
  setup: 'workflow' | 'manual';
  source: string;
  sourceState: 'absent' | 'PENDING' | 'ACTIVE' | 'DELETED';
  /** Steps done, in order. */
  done: AwsRouteStep[];
  /** What stops the route, with what to do; null when nothing does. */
  problem: string | null;
}

/** A route step's result: done, or what stops it (the workflow reports it and waits for the next signal). */
export type AwsStepResult = { ok: true } | { ok: false; problem: string };

export interface BackfillProgress {
  /** Start of the backfilled window (ISO). */
  since: string | null;
  ingestRunId: number | null;
  pages: number;
  eventsRead: number;
  eventsStored: number;
  done: boolean;
}

export interface CredentialCheck {
  ok: boolean;
  message: string | null;
}

export interface StreamCheck {
  ok: boolean;
  message: string | null;
}

export interface DirectorySyncResult {
  users: number;
  devices: number;
  factors: number;
  /** The daily log stream check (streaming integrations; true when not applicable). */
  logStreamOk?: boolean;
}

export interface IngestRunRef extends IntegrationRef {
  ingestRunId: number;
}

export interface DrainResult {
  received: number;
  stored: number;
  duplicates: number;
  quarantined: number;
  deleted: number;
  /**
   * Why the drain stopped: the queue was empty, or its deadline or message budget came first (the next run
   * continues). Absent in results of runs from before bounded drains.
   */
  stoppedBy?: 'empty' | 'deadline' | 'budget';
}

/** Which sources an hourly run reads. */
export interface IngestPlan {
  drainQueue: boolean;
  readApi: boolean;
}

/** One read of the System Log API from the integration's cursor. */
export interface ApiReadResult {
  pages: number;
  read: number;
  stored: number;
  duplicates: number;
  /** The last page was short: the API has nothing more for now. */
  caughtUp: boolean;
}

export interface StreamHealth {
  degraded: boolean;
  /** The API cursor is open (polling, backfill not finished, or a gap being filled). */
  readApi: boolean;
  /** Messages in the integration's dead-letter queue after the drain (absent when it has none or it was not measured). */
  deadLetterMessages?: number;
  /** Set when the DLQ is not empty: how many messages and the commands to inspect and redrive them. */
  deadLetterWarning?: string;
}

export interface HourlyAnalysisResult extends DrainResult {
  ingestRunId: number;
  /** Events read from the System Log API in this run (polling mode, or filling a gap). */
  polled: number;
  detections: number;
  notificationsSent: number;
}

export interface DailyActivityInput extends IntegrationRef {
  /** UTC day `YYYY-MM-DD`; default: the day before the scheduled (or start) time. */
  day?: string;
}

export interface DailyActivityResult {
  day: string;
  users: number;
  rowsWritten: number;
}

export interface RefreshUserInput extends IntegrationRef {
  userId: string;
}

/** Counts and ids only: the user's login and e-mail are personal data, read from the directory (`okta_users`). */
export interface RefreshUserResult {
  userId: string;
  status: string;
  factors: number;
  devices: number;
  /** The window of events read: (after, until]. */
  eventsAfter: string | null;
  eventsUntil: string;
  pages: number;
  eventsRead: number;
  activityRowsWritten: number;
}

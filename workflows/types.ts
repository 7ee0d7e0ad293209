// Workflow inputs and results: ids, windows and counts only — never event data or secrets
// (they would sit in Temporal history in plain text).

/** Activity error type: Okta refused the token; onboarding waits for corrected credentials. */
export const CREDENTIALS_REJECTED = 'OktaCredentialsRejected';

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
}

export interface HourlyAnalysisResult extends DrainResult {
  ingestRunId: number;
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

export interface RefreshUserResult {
  userId: string;
  login: string | null;
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

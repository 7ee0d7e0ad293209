// What can go wrong in a command, as three kinds with their own exit codes:
//
//   usage      2  the command line is wrong: a missing or unknown argument or option, or a value the command can never
//                 accept (a malformed id, an Okta domain that is not Okta's, a number out of range)
//   not_found  3  something the command names does not exist: an integration, a detection, a quarantined message,
//                 a notification channel, an Okta user
//   failure    1  anything else: the stack is down, Okta refused, the integration exists already or is not in a state
//                 for the command, a deletion not confirmed, a workflow that failed
//
// Printed as one `error: …` line on stderr, or with --json as one JSON line on stderr:
//   {"error":{"kind":"not_found","exitCode":3,"message":"…","resource":"integration","id":"okta-…"}}
// (stdout stays the command's result, so a partial result — a deletion plan, a redrive report — remains parseable).
//
// Errors from below the CLI are recognised by their `name` (IntegrationNotFound, NotFound, OktaDomainError, …), so
// this module loads nothing: `--help` and usage errors answer without loading the database or Temporal clients.

export type ErrorKind = 'usage' | 'not_found' | 'failure';

export const EXIT_CODES: Record<ErrorKind, number> = { failure: 1, usage: 2, not_found: 3 };

/** Fields beside kind and message in the JSON error: what was not found, why, Okta's answer, a workflow id. */
export interface ErrorDetails {
  /** A finer cause, snake_case: missing_argument, exists, okta_refused, unavailable, not_confirmed, wrong_status, … */
  reason?: string;
  /** What was not found or exists: integration, detection, quarantined_message, channel, okta_user. */
  resource?: string;
  id?: string | number;
  /** Okta's answer, when Okta's answer is the cause: HTTP status, Okta error code, its summary, the org. */
  okta?: { status?: number; errorCode?: string; summary?: string; domain?: string };
  workflowId?: string;
  [key: string]: unknown;
}

export class CliError extends Error {
  override name = 'CliError';
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
  }

  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }
}

/** The command line is wrong (exit 2). */
export class UsageError extends CliError {
  override name = 'UsageError';
  constructor(message: string, details: ErrorDetails = {}) {
    super('usage', message, { reason: 'invalid_argument', ...details });
  }
}

/** Something the command names does not exist (exit 3). */
export class NotFound extends CliError {
  override name = 'NotFound';
  constructor(message: string, details: ErrorDetails = {}) {
    super('not_found', message, details);
  }
}

/** Anything else that stops the command (exit 1). */
export class Failure extends CliError {
  override name = 'Failure';
  constructor(message: string, details: ErrorDetails = {}) {
    super('failure', message, details);
  }
}

/** A command that refuses to act (e.g. a deletion without --yes): the message is the error line (exit 1). */
export class Refusal extends CliError {
  override name = 'Refusal';
  constructor(message: string, details: ErrorDetails = {}) {
    super('failure', message, { reason: 'not_confirmed', ...details });
  }
}

/** The message of the innermost error drizzle wrapped ("Failed query: <sql>" says nothing to an operator). */
function unwrapQuery(err: unknown): unknown {
  let root = err;
  while (root instanceof Error && root.cause instanceof Error && /^Failed query/.test(root.message)) root = root.cause;
  return root;
}

/** Lower layers' errors by name: their kind, and the reason shown in JSON. */
const BY_NAME: Record<string, { kind: ErrorKind; reason?: string }> = {
  IntegrationNotFound: { kind: 'not_found' },
  NotFound: { kind: 'not_found' },
  IntegrationExists: { kind: 'failure', reason: 'exists' },
  IntegrationInputError: { kind: 'usage', reason: 'invalid_argument' },
  OktaDomainError: { kind: 'usage', reason: 'invalid_argument' },
  OutboundUrlError: { kind: 'usage', reason: 'invalid_argument' },
  OktaAccessError: { kind: 'failure', reason: 'okta_refused' },
  IllegalTransitionError: { kind: 'failure', reason: 'wrong_status' },
  NoSchedule: { kind: 'failure', reason: 'no_schedule' },
  SecretKeyError: { kind: 'failure', reason: 'secret_key' },
};

export interface ExplainContext {
  /** Where the CLI looks for PostgreSQL (to recognise a refused connection to it). */
  databaseUrl?: string;
}

/** Any error as a CliError: ours as they are, known ones from below by name, the rest as a failure with its message. */
export function toCliError(err: unknown, ctx: ExplainContext = {}): CliError {
  if (err instanceof CliError) return err;
  const root = unwrapQuery(err);
  const e = root as NodeJS.ErrnoException & { port?: number; integrationId?: string; resource?: string; id?: string | number };
  if (e?.code === 'ECONNREFUSED' && ctx.databaseUrl) {
    const db = new URL(ctx.databaseUrl);
    if (String(e.port) === (db.port || '5432')) {
      return new Failure(`cannot reach PostgreSQL at ${db.host} (${e.message}); start it (\`npm start\` runs the local stack) or set DATABASE_URL`, {
        reason: 'unavailable',
      });
    }
  }
  if (!(root instanceof Error)) return new Failure(String(root));
  const known = BY_NAME[root.name];
  if (!known) return new Failure(root.message);
  const details: ErrorDetails = {};
  if (known.reason) details.reason = known.reason;
  if (e.integrationId !== undefined) Object.assign(details, { resource: 'integration', id: e.integrationId });
  if (e.resource !== undefined) details.resource = e.resource;
  if (e.id !== undefined) details.id = e.id;
  return new CliError(known.kind, root.message, details);
}

/** The JSON form: one line, `{"error":{"kind","exitCode","message",…details}}`. */
export function errorJson(err: CliError): string {
  return JSON.stringify({ error: { kind: err.kind, exitCode: err.exitCode, message: err.message, ...err.details } });
}

/** Prints the error (one `error:` line, or its JSON line) on stderr and sets the exit code. */
export function reportError(err: unknown, opts: { json: boolean } & ExplainContext): CliError {
  const e = toCliError(err, opts);
  process.stderr.write(opts.json ? `${errorJson(e)}\n` : `error: ${e.message}\n`);
  process.exitCode = e.exitCode;
  return e;
}

/** Whether --json is among the arguments (before a `--`): known before commander has parsed anything. */
export function jsonRequested(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).includes('--json');
}

/** commander.missingArgument → missing_argument */
export function commanderReason(code: string): string {
  return code.replace(/^commander\./, '').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

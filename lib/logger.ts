// Structured JSON logs (pino). Secrets are redacted by key wherever they appear, as a second line
// of defence: code never logs a token on purpose.
import pino from 'pino';

export type Logger = pino.Logger;

export const REDACTED_KEYS = ['token', 'apiToken', 'api_token', 'authorization', 'Authorization', 'secret', 'webhookSecret', 'password'];

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', destination?: pino.DestinationStream): Logger {
  const redact = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);
  return pino({ level, redact: { paths: redact, censor: '[redacted]' }, base: { service: 'oort-okta' } }, destination);
}

/**
 * The logger of a process's last words (an uncaught exception, an unhandled rejection): JSON lines like every other
 * log line, written synchronously to stderr so the line is out before the process exits.
 */
export function createFatalLogger(): Logger {
  return createLogger('fatal', pino.destination({ dest: 2, sync: true }));
}

/** An error as a log field: name, message, stack (and code, when it has one). Not an Error: its string. */
export function errorFields(err: unknown): { name: string; message: string; stack?: string; code?: string } {
  if (!(err instanceof Error)) return { name: typeof err, message: String(err) };
  const code = (err as { code?: unknown }).code;
  return { name: err.name, message: err.message, stack: err.stack, ...(code !== undefined ? { code: String(code) } : {}) };
}

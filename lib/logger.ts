// Structured JSON logs (pino). Secrets are redacted by key wherever they appear, as a second line
// of defence: code never logs a token on purpose.
import pino from 'pino';

export type Logger = pino.Logger;

export const REDACTED_KEYS = ['token', 'apiToken', 'api_token', 'authorization', 'Authorization', 'secret', 'webhookSecret', 'password'];

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', destination?: pino.DestinationStream): Logger {
  const redact = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);
  return pino({ level, redact: { paths: redact, censor: '[redacted]' }, base: { service: 'oort-okta' } }, destination);
}

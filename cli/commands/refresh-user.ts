// `oort-okta refresh-user`: Refresh User Data for one user, waiting with progress or returning the workflow id.
import type { Command } from 'commander';
import { action, argParser } from '../run.js';

/** Okta's user ids: 20 letters and digits, the first three `00u` (an Okta id is a 3-character type prefix and 17 base62 characters). */
export const OKTA_USER_ID = /^00u[0-9A-Za-z]{17}$/;

/** The <userId> argument: refused before anything is looked up or started when it cannot be an Okta user id. */
export function oktaUserId(value: string): string {
  if (!OKTA_USER_ID.test(value)) {
    throw new Error(
      `"${value}" is not an Okta user id: 00u followed by 17 letters and digits, e.g. 00ub0oNGTSWTBKOLGLNR (a login or email is not one). ` +
        'Take it from `npx oort-okta detections show <detectionId>` or the user\'s page in the Okta admin console',
    );
  }
  return value;
}

export function refreshUserCommand(program: Command): void {
  program
    .command('refresh-user')
    .description("Refresh User Data: the user's profile, factors, devices and newest events, into Activity now")
    .argument('<integrationId>', 'the integration (from `integrations list`)')
    .argument('<userId>', "Okta's user id: 00u and 17 letters or digits, e.g. 00ub0oNGTSWTBKOLGLNR", argParser(oktaUserId))
    .option('--no-wait', 'return the workflow id at once instead of waiting for the summary')
    .action(action(async () => (await import('../actions/refresh-user.js')).refreshUser));
}

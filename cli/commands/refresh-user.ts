// `oort-okta refresh-user`: Refresh User Data for one user, waiting with progress or returning the workflow id.
import type { Command } from 'commander';
import { action } from '../run.js';

export function refreshUserCommand(program: Command): void {
  program
    .command('refresh-user <integrationId> <userId>')
    .description("Refresh User Data: the user's profile, factors, devices and newest events, into Activity now (userId: Okta's 00u… id)")
    .option('--no-wait', 'return the workflow id at once instead of waiting for the summary')
    .action(action(async () => (await import('../actions/refresh-user.js')).refreshUser));
}

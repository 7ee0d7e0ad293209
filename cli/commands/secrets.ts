// `oort-okta secrets reseal`: after a key rotation, every stored secret sealed again under the current key.
import type { Command } from 'commander';
import { action } from '../run.js';

export function secretsCommands(program: Command): void {
  const secrets = program.command('secrets').description('the keys that seal stored secrets (Okta tokens, channel secrets)');
  secrets
    .command('reseal')
    .description(
      'seal every stored secret again under OORT_SECRET_KEY, opening older ones with OORT_SECRET_KEYS_PREVIOUS; run after a key rotation, then drop the previous keys',
    )
    .option('--dry-run', 'count what would be resealed, change nothing')
    .option('--integration <integrationId>', 'only the secrets of this integration')
    .action(action(async () => (await import('../actions/secrets.js')).reseal));
}

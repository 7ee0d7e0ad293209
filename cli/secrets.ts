// How the CLI reads secrets: from a file, stdin or the environment — never from argv, where they would
// sit in shell history and the process list.
import { readFileSync } from 'node:fs';
import { Failure, UsageError } from './errors.js';

/** A secret from a file, from stdin (`-`), or from an environment variable — never from argv. */
export function readSecret(opts: { file?: string; envVar: string; what: string; fileOption?: string }): string {
  let value: string | undefined;
  try {
    if (opts.file === '-') value = readFileSync(0, 'utf8');
    else if (opts.file) value = readFileSync(opts.file, 'utf8');
    else value = process.env[opts.envVar];
  } catch (err) {
    throw new Failure(`cannot read the ${opts.what} from ${opts.file === '-' ? 'stdin' : opts.file} (${(err as Error).message})`, { reason: 'unreadable_file' });
  }
  value = value?.trim();
  if (!value) {
    throw new UsageError(`No ${opts.what} given. Set ${opts.envVar}, or pass ${opts.fileOption ?? '--token-file'} <path> (use - to read stdin).`, { reason: 'missing_secret' });
  }
  return value;
}

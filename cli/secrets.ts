// How the CLI reads secrets: from a file, stdin or the environment — never from argv, where they would
// sit in shell history and the process list.
import { readFileSync } from 'node:fs';

/** A secret from a file, from stdin (`-`), or from an environment variable — never from argv. */
export function readSecret(opts: { file?: string; envVar: string; what: string; fileOption?: string }): string {
  let value: string | undefined;
  if (opts.file === '-') value = readFileSync(0, 'utf8');
  else if (opts.file) value = readFileSync(opts.file, 'utf8');
  else value = process.env[opts.envVar];
  value = value?.trim();
  if (!value) {
    throw new Error(`No ${opts.what} given. Set ${opts.envVar}, or pass ${opts.fileOption ?? '--token-file'} <path> (use - to read stdin).`);
  }
  return value;
}

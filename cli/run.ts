// How every command runs: its handler loaded only when it runs (so --help and argument errors answer
// at once), a context that is always closed, data printed as text or as JSON (--json), progress on
// stderr, and any failure as one `error:` line (or a JSON line with --json) with what to do, and the exit
// code of its kind (cli/errors.ts: 1 failure, 2 usage, 3 not found).
import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from './context.js';
import { reportError } from './errors.js';

export { Refusal } from './errors.js';

export interface Output {
  json: boolean;
  /** The command's result: `human` for people, `data` as JSON with --json. */
  print(human: string, data: unknown): void;
  /** A progress line on stderr (stdout stays the result, so --json output remains parseable). */
  progress(line: string): void;
}

function output(json: boolean): Output {
  return {
    json,
    print: (human, data) => console.log(json ? JSON.stringify(data, null, 2) : human),
    progress: (line) => process.stderr.write(`… ${line}\n`),
  };
}

export type Handler<A extends unknown[]> = (ctx: CliContext, out: Output, ...args: A) => Promise<void>;

/** A commander action that loads its handler (and with it the database, Temporal and SQS clients) on use. */
export function action<A extends unknown[]>(load: () => Promise<Handler<A>>) {
  return async (...args: A) => {
    const cmd = args[args.length - 1] as Command;
    const out = output(Boolean(cmd.optsWithGlobals().json));
    let ctx: CliContext | undefined;
    try {
      const [{ CliContext }, handler] = await Promise.all([import('./context.js'), load()]);
      ctx = new CliContext();
      await handler(ctx, out, ...args);
    } catch (err) {
      reportError(err, { json: out.json, databaseUrl: ctx?.config.DATABASE_URL });
    } finally {
      await ctx?.close();
    }
  };
}

/** A commander action for a command that needs no database, Temporal or SQS (`detect`, `rules list`). */
export function plainAction<A extends unknown[]>(handler: (out: Output, ...args: A) => Promise<void>) {
  return async (...args: A) => {
    const cmd = args[args.length - 1] as Command;
    const out = output(Boolean(cmd.optsWithGlobals().json));
    try {
      await handler(out, ...args);
    } catch (err) {
      reportError(err, { json: out.json });
    }
  };
}

/** Argument parser for ids and counts: a whole number ≥ 1. */
export function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a whole number ≥ 1.');
  return Number(value);
}

/** Wraps a parser that throws plain errors so commander reports them against the option. */
export function argParser<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  };
}

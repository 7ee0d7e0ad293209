// How every command runs: its handler loaded only when it runs (so --help and argument errors answer
// at once), a context that is always closed, data printed as text or as JSON (--json), progress on
// stderr, and any failure as one `error:` line with what to do, exit code 1.
import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from './context.js';

export interface Output {
  json: boolean;
  /** The command's result: `human` for people, `data` as JSON with --json. */
  print(human: string, data: unknown): void;
  /** A progress line on stderr (stdout stays the result, so --json output remains parseable). */
  progress(line: string): void;
}

/** Thrown by a command that refuses to act (e.g. a deletion without --yes): the message is the error line. */
export class Refusal extends Error {
  override name = 'Refusal';
}

function output(json: boolean): Output {
  return {
    json,
    print: (human, data) => console.log(json ? JSON.stringify(data, null, 2) : human),
    progress: (line) => process.stderr.write(`… ${line}\n`),
  };
}

/** Known failures below the CLI, said as what to do. */
function explain(err: unknown, ctx: CliContext | undefined): string {
  // drizzle wraps driver errors in "Failed query: <sql>"; the cause says what went wrong.
  let root = err;
  while (root instanceof Error && root.cause instanceof Error && /^Failed query/.test(root.message)) root = root.cause;
  const e = root as NodeJS.ErrnoException & { port?: number };
  if (e?.code === 'ECONNREFUSED' && ctx) {
    const db = new URL(ctx.config.DATABASE_URL);
    if (String(e.port) === (db.port || '5432')) {
      return `cannot reach PostgreSQL at ${db.host} (${e.message}); start it (\`npm start\` runs the local stack) or set DATABASE_URL`;
    }
  }
  return root instanceof Error ? root.message : String(root);
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
      console.error(`error: ${explain(err, ctx)}`);
      process.exitCode = 1;
    } finally {
      await ctx?.close();
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

// Which day a daily-Activity run writes. Pure: the workflow and the CLI's backfill both use it.

/** The UTC day before `at`, as YYYY-MM-DD. */
export function previousUtcDay(at: Date): string {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() - 1)).toISOString().slice(0, 10);
}

// Times as operators type them: ISO dates and date-times, or ages ("24h"). Pure, and light to load.

const AGE = /^(\d+)\s*(m|h|d)$/;
const AGE_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * A point in time given as an age ("90m", "24h", "7d": that long before `now`) or an ISO-8601 date or time
 * ("2026-11-03" is that day's UTC midnight). Throws a message naming the accepted forms.
 */
export function parseTimeOrAge(text: string, now: Date = new Date()): Date {
  const trimmed = text.trim();
  const age = AGE.exec(trimmed);
  if (age) return new Date(now.getTime() - Number(age[1]) * AGE_MS[age[2] as keyof typeof AGE_MS]);
  return parseTime(trimmed);
}

/** An ISO-8601 date (UTC midnight; with `endOfDay`, the day's last millisecond) or date-time. */
export function parseTime(text: string, opts: { endOfDay?: boolean } = {}): Date {
  const trimmed = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) {
    const day = new Date(`${trimmed}T00:00:00.000Z`);
    if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== trimmed) throw badTime(text);
    return opts.endOfDay ? new Date(day.getTime() + 86_400_000 - 1) : day;
  }
  // Date-times must carry a zone: "10:00" in whose time would be a guess.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(trimmed)) throw badTime(text);
  const at = new Date(trimmed);
  if (Number.isNaN(at.getTime())) throw badTime(text);
  return at;
}

function badTime(text: string): Error {
  return new Error(`"${text}" is not a time: use a date (2026-11-03), a UTC date-time (2026-11-03T10:00Z) or an age (90m, 24h, 7d).`);
}

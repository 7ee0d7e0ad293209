/** Small date helpers; everything is UTC and millisecond-based. */

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export function addMs(date: Date, ms: number): Date {
  return new Date(date.getTime() + ms);
}

export function iso(date: Date): string {
  return date.toISOString();
}

/** `YYYY-MM-DDTHH:MM:SSZ`, the precision of EventBridge's `time`. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Midnight UTC of the day containing `date`. */
export function startOfUtcDay(date: Date): Date {
  const d = new Date(date.getTime());
  d.setUTCHours(0, 0, 0, 0);
  return d;
}

/**
 * A person's ordinary rhythm, for scenarios that must build the history an anomaly is measured
 * against (the everyday generator does not emit AD-agent, federation or vaulted-app traffic).
 */
import type { Random } from '../random.js';
import { DAY, HOUR, addMs, startOfUtcDay } from '../time.js';
import type { Persona } from '../types.js';

/**
 * Moments in [from, to) on the person's local workdays, one per entry of `hoursIntoWorkday` (hours
 * after their usual start), each jittered by up to a quarter of an hour.
 */
export function workdayMoments(rng: Random, persona: Persona, from: Date, to: Date, hoursIntoWorkday: readonly number[]): Date[] {
  const offset = persona.home.place.utcOffsetHours * HOUR;
  const moments: Date[] = [];
  // Local calendar days overlapping the range; a day's local midnight is that date's UTC midnight minus the offset.
  for (let day = addMs(startOfUtcDay(from), -DAY); day.getTime() < to.getTime() + DAY; day = addMs(day, DAY)) {
    const weekday = day.getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const localMidnight = addMs(day, -offset);
    for (const hours of hoursIntoWorkday) {
      const at = addMs(localMidnight, (persona.workdayStartHour + hours) * HOUR + rng.float(-0.25, 0.25) * HOUR);
      if (at.getTime() >= from.getTime() && at.getTime() < to.getTime()) moments.push(at);
    }
  }
  return moments.sort((a, b) => a.getTime() - b.getTime());
}

/** The first moment at or after `after` when the person's local clock shows `localHour`:00. */
export function nextLocalHour(persona: Persona, after: Date, localHour: number): Date {
  const offset = persona.home.place.utcOffsetHours * HOUR;
  let candidate = addMs(startOfUtcDay(addMs(after, offset)), localHour * HOUR - offset);
  while (candidate.getTime() < after.getTime()) candidate = addMs(candidate, DAY);
  return candidate;
}

import { describe, expect, it } from 'vitest';
import { utcDayWindow } from '../../user-activity/daily.js';
import { previousUtcDay } from '../../user-activity/day.js';

describe('utcDayWindow', () => {
  it('is the half-open UTC day', () => {
    expect(utcDayWindow('2026-11-10')).toEqual({ start: '2026-11-10T00:00:00.000Z', end: '2026-11-11T00:00:00.000Z' });
    expect(utcDayWindow('2026-12-31')).toEqual({ start: '2026-12-31T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' });
    expect(utcDayWindow('2028-02-28').end).toBe('2028-02-29T00:00:00.000Z');
  });

  it.each(['2026-02-30', '2026-13-01', '2026-1-5', '10/11/2026', 'yesterday', ''])('rejects "%s"', (day) => {
    expect(() => utcDayWindow(day)).toThrow(`"${day}" is not a calendar day; use YYYY-MM-DD.`);
  });
});

describe('previousUtcDay', () => {
  it.each([
    ['2026-11-10T00:30:00.000Z', '2026-11-09'],
    ['2026-11-10T23:59:59.999Z', '2026-11-09'],
    ['2026-03-01T00:30:00.000Z', '2026-02-28'],
    ['2028-03-01T00:30:00.000Z', '2028-02-29'],
    ['2027-01-01T00:00:00.000Z', '2026-12-31'],
  ])('the day before %s is %s', (at, day) => {
    expect(previousUtcDay(new Date(at))).toBe(day);
  });
});

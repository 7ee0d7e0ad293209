import { describe, expect, it } from 'vitest';
import { severitiesFrom } from '../../integrations/operator-queries.js';
import { parseTime, parseTimeOrAge } from '../../integrations/time-input.js';

const NOW = new Date('2026-11-03T12:00:00.000Z');

describe('parseTimeOrAge', () => {
  it.each([
    ['90m', '2026-11-03T10:30:00.000Z'],
    ['24h', '2026-11-02T12:00:00.000Z'],
    ['7d', '2026-10-27T12:00:00.000Z'],
    [' 2 h ', '2026-11-03T10:00:00.000Z'],
    ['2026-11-01', '2026-11-01T00:00:00.000Z'],
    ['2026-11-01T08:15Z', '2026-11-01T08:15:00.000Z'],
    ['2026-11-01T08:15:30+02:00', '2026-11-01T06:15:30.000Z'],
  ])('reads %s', (text, iso) => {
    expect(parseTimeOrAge(text, NOW).toISOString()).toBe(iso);
  });

  it.each(['yesterday', '24', '3w', '2026-02-30', '2026-11-01T08:15', '2026/11/01', ''])('rejects %j naming the accepted forms', (text) => {
    expect(() => parseTimeOrAge(text, NOW)).toThrow(/use a date \(2026-11-03\), a UTC date-time \(2026-11-03T10:00Z\) or an age \(90m, 24h, 7d\)/);
  });
});

describe('parseTime', () => {
  it('reads a date as its first or, for an end, its last millisecond', () => {
    expect(parseTime('2026-11-04').toISOString()).toBe('2026-11-04T00:00:00.000Z');
    expect(parseTime('2026-11-04', { endOfDay: true }).toISOString()).toBe('2026-11-04T23:59:59.999Z');
    expect(parseTime('2026-11-04T06:00Z', { endOfDay: true }).toISOString()).toBe('2026-11-04T06:00:00.000Z');
  });

  it('does not take ages (a backfill range is absolute)', () => {
    expect(() => parseTime('24h')).toThrow(/is not a time/);
  });
});

describe('severitiesFrom', () => {
  it('is the severity and everything above it', () => {
    expect(severitiesFrom('medium')).toEqual(['medium', 'high', 'critical']);
    expect(severitiesFrom('info')).toEqual(['info', 'low', 'medium', 'high', 'critical']);
    expect(severitiesFrom('critical')).toEqual(['critical']);
  });
});

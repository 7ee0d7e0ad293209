import { describe, expect, it } from 'vitest';
import { describeSpec, formatDuration } from '../../temporal/schedule-operations.js';
import { OVERLAP_POLICIES, overlapPolicyName } from '../../temporal/overlap-policies.js';

describe('formatDuration', () => {
  it.each([
    [3_600_000, '1h'],
    [300_000, '5m'],
    [86_400_000, '1d'],
    [90_000, '1m30s'],
    [93_784_000, '1d2h3m4s'],
    [0, '0s'],
    [400, '400ms'],
  ])('%i ms → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('describeSpec', () => {
  const every = { start: 1, end: 31, step: 1 };
  it('reads an interval with jitter', () => {
    expect(describeSpec({ intervals: [{ every: 3_600_000, offset: 0 }], jitter: 300_000 } as never)).toBe('every 1h, jitter 5m');
  });

  it('reads a daily calendar as its time of day', () => {
    const spec = {
      calendars: [{ hour: [{ start: 0, end: 0, step: 1 }], minute: [{ start: 30, end: 30, step: 1 }], second: [], dayOfMonth: [every], month: [], year: [], dayOfWeek: [] }],
      jitter: 900_000,
    };
    expect(describeSpec(spec as never)).toBe('daily 00:30 UTC, jitter 15m');
  });

  it('does not pretend to read calendars it cannot summarise', () => {
    const spec = { calendars: [{ hour: [{ start: 0, end: 23, step: 6 }], minute: [{ start: 0, end: 0, step: 1 }], dayOfMonth: [], month: [], dayOfWeek: [] }] };
    expect(describeSpec(spec as never)).toBe('calendar (see the Temporal UI)');
  });
});

describe('overlap policies', () => {
  it("uses Temporal's names and maps each to the SDK's value", () => {
    expect(Object.keys(OVERLAP_POLICIES)).toEqual(['Skip', 'BufferOne', 'BufferAll', 'CancelOther', 'TerminateOther', 'AllowAll']);
    for (const [name, value] of Object.entries(OVERLAP_POLICIES)) expect(overlapPolicyName(value)).toBe(name);
  });
});

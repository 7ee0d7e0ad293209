// Reading an exported events file for `detect`: every entry that cannot be used is skipped with a reason and counted,
// and a time without an offset is refused, never read in the machine's time zone.
import { describe, expect, it } from 'vitest';
import { EventsFileError, parseEventsFile, SKIP_REASONS } from '../../detections/run/offline-input.js';
import { offlineSummary, summaryLine, type OfflineRules } from '../../detections/run/offline.js';

const uuid = (n: number) => `11111111-0000-4000-8000-${String(n).padStart(12, '0')}`;
const event = (n: number, extra: Record<string, unknown> = {}) => ({
  uuid: uuid(n),
  published: '2026-11-09T08:00:00.000Z',
  eventType: 'user.session.start',
  ...extra,
});
const lines = (...entries: unknown[]) => entries.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('\n');

describe('parseEventsFile', () => {
  it('reads JSON lines, skipping each unusable entry with its reason and line', () => {
    const parsed = parseEventsFile(
      lines(
        event(1),
        'not json',
        '',
        '[1, 2]',
        '"text"',
        { published: '2026-11-09T08:00:00Z', eventType: 'x' },
        event(2, { published: '2026-11-09T08:00:00' }),
        event(3, { published: '2026-11-09 08:00' }),
        event(4, { published: 'yesterday' }),
        event(5, { published: '2026-02-30T08:00:00Z' }),
        event(6, { published: 1762675200000 }),
        event(7, { eventType: '' }),
        event(8, { displayMessage: 'a\u0000b' }),
        event(1),
        `${JSON.stringify(event(9))}\r`,
      ),
    );
    expect(parsed.events.map((e) => e.uuid)).toEqual([uuid(1), uuid(9)]);
    expect(parsed.entries).toBe(14);
    expect(parsed.skipped.map((s) => [s.where, s.reason])).toEqual([
      ['line 2', 'not_json'],
      ['line 4', 'not_an_object'],
      ['line 5', 'not_an_object'],
      ['line 6', 'missing_uuid'],
      ['line 7', 'published_without_offset'],
      ['line 8', 'published_without_offset'],
      ['line 9', 'bad_published'],
      ['line 10', 'bad_published'],
      ['line 11', 'bad_published'],
      ['line 12', 'missing_event_type'],
      ['line 13', 'nul_character'],
      ['line 14', 'duplicate_uuid'],
    ]);
    expect(parsed.skippedByReason).toEqual({
      not_json: 1,
      not_an_object: 2,
      missing_uuid: 1,
      published_without_offset: 2,
      bad_published: 3,
      missing_event_type: 1,
      nul_character: 1,
      duplicate_uuid: 1,
    });
    // The counts follow SKIP_REASONS' order, so the summary reads the same every time.
    const order = Object.keys(SKIP_REASONS);
    const keys = Object.keys(parsed.skippedByReason);
    expect(keys).toEqual([...keys].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
    expect(parsed.skipped.find((s) => s.reason === 'published_without_offset')?.detail).toMatch(/without an offset.*never|refused/);
  });

  it('reads a JSON array (after a byte order mark), naming items', () => {
    const parsed = parseEventsFile(`\ufeff  ${JSON.stringify([event(1), { uuid: uuid(2) }, event(3, { published: '2026-11-09T10:00:00+02:00' })])}`);
    expect(parsed.events.map((e) => e.uuid)).toEqual([uuid(1), uuid(3)]);
    expect(parsed.entries).toBe(3);
    expect(parsed.skipped).toEqual([expect.objectContaining({ where: 'item 2', reason: 'bad_published' })]);
  });

  it('refuses a file that starts like a JSON array but is not one', () => {
    expect(() => parseEventsFile('[{"uuid": "a",')).toThrow(EventsFileError);
    expect(() => parseEventsFile('[{"uuid": "a",')).toThrow(/JSON array but is not valid JSON/);
  });

  it('keeps events dated after now: a file is judged as a file, not against the ingest clock', () => {
    const parsed = parseEventsFile(lines(event(1, { published: '2999-01-01T00:00:00Z' })));
    expect(parsed.events).toHaveLength(1);
  });

  it('never reads a time in the local time zone: the same file gives the same events under any TZ', () => {
    // Date.parse reads "2026-11-09T08:00:00" as local time; the parser refuses it before any Date is made.
    const before = process.env.TZ;
    try {
      const results = ['UTC', 'America/New_York', 'Asia/Kolkata'].map((tz) => {
        process.env.TZ = tz;
        return parseEventsFile(lines(event(1, { published: '2026-11-09T08:00:00' }), event(2, { published: '2026-11-09T08:00:00-05:00' })));
      });
      for (const r of results) {
        expect(r.skippedByReason).toEqual({ published_without_offset: 1 });
        expect(r.events.map((e) => Date.parse(e.published))).toEqual([Date.UTC(2026, 10, 9, 13)]);
      }
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });
});

describe('the summary', () => {
  const rules: OfflineRules = { rules: [], sigmaDirs: ['/r'], errors: [] };

  it('says what was read, used and skipped by reason, and what was found', () => {
    const parsed = parseEventsFile(lines(event(1), 'x', 'y', event(2, { published: '2026-11-09T08:00' })));
    const summary = offlineSummary(parsed, rules, true, 1);
    expect(summary).toEqual({
      entries_read: 4,
      events_used: 1,
      skipped: 3,
      skipped_by_reason: { not_json: 2, published_without_offset: 1 },
      rules: 0,
      catalogue: true,
      sigma_dirs: ['/r'],
      detections: 1,
    });
    expect(summaryLine(summary)).toBe('4 entries read, 1 used, 3 skipped (2 not_json, 1 published_without_offset); 0 rules; 1 detection');
  });

  it('leaves the detections out when nothing was run', () => {
    const summary = offlineSummary(parseEventsFile(lines(event(1))), rules, false, null);
    expect(summaryLine(summary)).toBe('1 entry read, 1 used, 0 skipped; 0 rules');
  });
});

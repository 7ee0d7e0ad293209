import { describe, expect, it } from 'vitest';
import { describeSilence, healthyStatus, judgeStream, planRun, resumePoint, settleRun, type IngestState } from '../../ingest/mode.js';

const NOW = new Date('2026-11-20T12:00:00.000Z');
const H = 3_600_000;
const OVERLAP = 15 * 60_000;
const at = (hoursAgo: number) => new Date(NOW.getTime() - hoursAgo * H);

const streaming: IngestState = {
  mode: 'streaming',
  status: 'streaming',
  hasQueue: true,
  pollCursor: null,
  lastStreamedAt: at(0.5),
  firstEventAt: at(48),
  lastEventAt: at(0.6),
};

describe('planRun', () => {
  it('drains only the queue of a healthy streaming integration', () => {
    expect(planRun(streaming, NOW, OVERLAP)).toEqual({ drainQueue: true, readApi: false, startApiFrom: null });
  });

  it('reads the API while a cursor is open (backfill not taken over, a gap, a switch)', () => {
    expect(planRun({ ...streaming, pollCursor: 'https://acme.okta.com/api/v1/logs?after=x' }, NOW, OVERLAP)).toMatchObject({ drainQueue: true, readApi: true, startApiFrom: null });
  });

  it('starts polling a little before the newest event held, or an hour back when there is none', () => {
    const polling = { ...streaming, mode: 'polling' as const, status: 'polling' as const, hasQueue: false };
    expect(planRun(polling, NOW, OVERLAP)).toEqual({ drainQueue: false, readApi: true, startApiFrom: new Date(at(0.6).getTime() - OVERLAP) });
    expect(planRun({ ...polling, lastEventAt: null }, NOW, OVERLAP).startApiFrom).toEqual(at(1));
  });

  it('reads nothing for a paused, removed or not yet onboarded integration', () => {
    for (const status of ['paused', 'removed', 'awaiting_log_stream', 'credentials_invalid'] as const) {
      expect(planRun({ ...streaming, status, pollCursor: 'x' }, NOW, OVERLAP)).toEqual({ drainQueue: false, readApi: false, startApiFrom: null });
    }
  });

  it('never starts in the future', () => {
    expect(resumePoint({ lastEventAt: new Date(NOW.getTime() + H) }, NOW, OVERLAP)).toEqual(NOW);
  });
});

describe('judgeStream', () => {
  const SILENCE = 6 * H;

  it('is healthy when the stream delivered, or within the allowed silence', () => {
    expect(judgeStream(streaming, 3, NOW, SILENCE, OVERLAP)).toEqual({ kind: 'healthy' });
    expect(judgeStream({ ...streaming, lastStreamedAt: at(5.9) }, 0, NOW, SILENCE, OVERLAP)).toEqual({ kind: 'healthy' });
  });

  it('finds a stream silent for longer, and fills from before the newest event held', () => {
    const verdict = judgeStream({ ...streaming, lastStreamedAt: at(7), lastEventAt: at(7.1) }, 0, NOW, SILENCE, OVERLAP);
    expect(verdict).toEqual({ kind: 'silent', silentForMs: 7 * H, fillFrom: new Date(at(7.1).getTime() - OVERLAP) });
  });

  it('falls back on the first streamed event, and does not judge polling, degraded or never-streamed integrations', () => {
    expect(judgeStream({ ...streaming, lastStreamedAt: null, firstEventAt: at(8) }, 0, NOW, SILENCE, OVERLAP).kind).toBe('silent');
    expect(judgeStream({ ...streaming, lastStreamedAt: null, firstEventAt: null }, 0, NOW, SILENCE, OVERLAP).kind).toBe('not_judged');
    expect(judgeStream({ ...streaming, status: 'degraded', lastStreamedAt: at(9) }, 0, NOW, SILENCE, OVERLAP).kind).toBe('not_judged');
    expect(judgeStream({ ...streaming, mode: 'polling', status: 'polling', lastStreamedAt: at(9) }, 0, NOW, SILENCE, OVERLAP).kind).toBe('not_judged');
  });

  it('says how long and what to check', () => {
    expect(describeSilence(7 * H)).toMatch(/^No events arrived through the log stream for 7 h\. .*Reports → Log Streaming/);
    expect(describeSilence(90_000)).toMatch(/for 2 min\./);
  });
});

describe('settleRun', () => {
  const open = { ...streaming, pollCursor: 'cursor' };

  it('lets the stream take over once it delivered and the API caught up in the same run', () => {
    expect(settleRun(open, 10, true)).toEqual({ kind: 'stream_took_over' });
  });

  it('keeps reading the API otherwise, and never closes a polling tenant’s cursor', () => {
    expect(settleRun(open, 0, true)).toEqual({ kind: 'unchanged' });
    expect(settleRun(open, 10, false)).toEqual({ kind: 'unchanged' });
    expect(settleRun({ ...open, mode: 'polling' }, 10, true)).toEqual({ kind: 'unchanged' });
    expect(settleRun(streaming, 10, true)).toEqual({ kind: 'unchanged' });
  });

  it('names the healthy status of each mode', () => {
    expect(healthyStatus('polling')).toBe('polling');
    expect(healthyStatus('streaming')).toBe('streaming');
  });
});

import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FUTURE_SKEW_MS, MAX_EVENT_DEPTH, QUARANTINE_REASON_CODES, checkLogEvent, parseEnvelope, type EnvelopeExpectation,
} from '../../okta/envelope.js';
import { badMessages, validMessages } from '../support/bad-messages.js';

const expectation: EnvelopeExpectation = {
  oktaOrg: 'northwind',
  eventSourceName: 'okta-1a2b3c4d5e6f7a8b',
  awsAccountId: '909617834444',
  awsRegion: 'us-east-2',
};
const now = new Date('2026-11-20T12:00:00.000Z');
const corpus = badMessages(expectation, { now });

const isWellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();
/**
 * A serialised value PostgreSQL's jsonb takes: no NUL, no \u0000 escape, no escaped surrogate outside a pair.
 * Escapes are read in sequence, so an escaped backslash followed by "u0000" (the text, not a NUL) is not mistaken.
 */
function storable(json: string): boolean {
  if (!isWellFormed(json) || json.includes('\u0000')) return false;
  let highEndsAt = -1; // where an escaped high surrogate ended, awaiting its low half right there
  for (const m of json.matchAll(/\\(?:u([0-9a-fA-F]{4})|.)/g)) {
    const unit = m[1] === undefined ? -1 : parseInt(m[1], 16);
    const isLow = unit >= 0xdc00 && unit <= 0xdfff;
    if (highEndsAt !== -1) {
      if (m.index !== highEndsAt || !isLow) return false;
      highEndsAt = -1;
    } else if (unit === 0 || isLow) {
      return false;
    } else if (unit >= 0xd800 && unit <= 0xdbff) {
      highEndsAt = m.index! + 6;
    }
  }
  return highEndsAt === -1;
}

describe('the bad-message corpus', () => {
  it('has at least 40 distinct kinds, each named once', () => {
    const kinds = corpus.map((m) => m.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(kinds.length).toBeGreaterThanOrEqual(40);
  });

  it('gives every quarantine reason code at least one kind', () => {
    expect(new Set(corpus.map((m) => m.expectedCode))).toEqual(new Set(QUARANTINE_REASON_CODES));
  });

  it.each(corpus.map((m) => [m.kind, m] as const))('quarantines "%s" with its code and a reason', (_kind, m) => {
    const r = parseEnvelope(m.body, expectation, { now });
    expect(r.ok ? 'accepted' : r.code).toBe(m.expectedCode);
    if (!r.ok) {
      expect(r.reason.length).toBeGreaterThan(10);
      // The reason is stored with the quarantine row: it must itself be storable text.
      expect(r.reason.includes('\u0000') || !isWellFormed(r.reason)).toBe(false);
      expect(r.reason.length).toBeLessThan(600);
    }
  });

  it('marks which bodies a queue can carry', () => {
    const undeliverable = corpus.filter((m) => !m.sqsDeliverable).map((m) => m.kind);
    expect(undeliverable).toEqual(expect.arrayContaining(['empty body', 'lone surrogate as a raw character', 'gzip-compressed envelope (raw bytes as Latin-1)']));
    expect(corpus.filter((m) => m.sqsDeliverable).length).toBeGreaterThanOrEqual(40);
  });
});

describe('the storability check of these tests', () => {
  it('tells stored-safe JSON from what jsonb refuses', () => {
    expect(storable(JSON.stringify({ a: '\\u0000 is text', b: '🔐', c: 'é' }))).toBe(true);
    expect(storable(JSON.stringify({ a: 'x\u0000' }))).toBe(false);
    expect(storable(JSON.stringify({ a: '\ud800' }))).toBe(false);
    expect(storable(JSON.stringify({ a: '\ude00\ud83d' }))).toBe(false);
    expect(storable('{"a":"\\ud83d\\udd10"}')).toBe(true);
  });
});

describe('valid but awkward envelopes', () => {
  const valid = validMessages(expectation);

  it.each(valid.map((m) => [m.kind, m] as const))('accepts "%s", and what it accepts can be stored', (_kind, m) => {
    const r = parseEnvelope(m.body, expectation, { now });
    expect(r).toMatchObject({ ok: true });
    if (!r.ok) return;
    const raw = JSON.stringify(r.event);
    expect(storable(raw)).toBe(true);
    expect(JSON.parse(raw)).toEqual(r.event);
    expect(Number.isNaN(new Date(r.event.published).getTime())).toBe(false);
  });

  it('gives each valid envelope its own uuid', () => {
    const uuids = valid.map((m) => (JSON.parse(m.body) as { detail: { uuid: string } }).detail.uuid);
    expect(new Set(uuids).size).toBe(valid.length);
  });

  it('reads an offset time as the instant it names', () => {
    const body = valid.find((m) => m.kind === 'published with a +02:00 offset')!.body;
    const r = parseEnvelope(body, expectation, { now });
    expect(r.ok && new Date(r.event.published).toISOString()).toBe('2026-11-02T09:15:04.512Z');
  });

  it('judges repeated keys by the last value, as JSON.parse and jsonb read them', () => {
    const body = validMessages(expectation)[0].body;
    const foreignFirst = body.replace('{', `{"source":"aws.partner/okta.com/northwind-partner/${expectation.eventSourceName}",`);
    expect(parseEnvelope(foreignFirst, expectation, { now })).toMatchObject({ ok: true });
  });
});

describe('published in the future', () => {
  const body = (published: string) => {
    const e = JSON.parse(validMessages(expectation)[0].body) as { detail: { published: string } };
    e.detail.published = published;
    return JSON.stringify(e);
  };
  const at = (ms: number) => new Date(now.getTime() + ms).toISOString();

  it('accepts an event dated exactly the allowed skew ahead, and refuses one a millisecond later', () => {
    expect(parseEnvelope(body(at(DEFAULT_FUTURE_SKEW_MS)), expectation, { now })).toMatchObject({ ok: true });
    const r = parseEnvelope(body(at(DEFAULT_FUTURE_SKEW_MS + 1)), expectation, { now });
    expect(r).toMatchObject({ ok: false, code: 'published_in_future' });
  });

  it('takes the skew from the options', () => {
    expect(parseEnvelope(body(at(1)), expectation, { now, futureSkewMs: 0 })).toMatchObject({ ok: false, code: 'published_in_future' });
    expect(parseEnvelope(body(at(0)), expectation, { now, futureSkewMs: 0 })).toMatchObject({ ok: true });
  });

  it('uses the current time when no clock is given', () => {
    const soon = new Date(Date.now() + 60_000).toISOString();
    const later = new Date(Date.now() + DEFAULT_FUTURE_SKEW_MS + 60_000).toISOString();
    expect(parseEnvelope(body(soon), expectation)).toMatchObject({ ok: true });
    expect(parseEnvelope(body(later), expectation)).toMatchObject({ ok: false, code: 'published_in_future' });
  });
});

describe('where the reason points', () => {
  const reasonOf = (kind: string) => {
    const r = parseEnvelope(corpus.find((m) => m.kind === kind)!.body, expectation, { now });
    return r.ok ? '' : r.reason;
  };

  it('names the JSON path of a NUL or a lone surrogate, in a value or a key', () => {
    expect(reasonOf('NUL in a nested string')).toMatch(/^detail\.debugContext\.debugData\.requestUri holds a NUL/);
    expect(reasonOf('NUL in a key')).toContain('the key detail.debugContext.debugData["behaviors\\u0000"]');
    expect(reasonOf('NUL in a string of an array')).toMatch(/^detail\.target\[1\]\.displayName holds/);
    expect(reasonOf('lone high surrogate (escaped)')).toMatch(/^detail\.displayMessage holds an unpaired UTF-16 surrogate/);
    expect(reasonOf('lone surrogate in a key')).toContain('the key detail.debugContext.debugData["\\ud800risk"]');
  });

  it('names where nesting passes the limit', () => {
    expect(reasonOf('nesting one level over the limit')).toContain(`deeper than ${MAX_EVENT_DEPTH} levels (first at detail.nested${'.n'.repeat(MAX_EVENT_DEPTH - 1)})`);
    expect(reasonOf('nesting 5,000 deep')).toContain(`first at detail.debugContext.debugData.payload${'[0]'.repeat(MAX_EVENT_DEPTH - 3)})`);
  });

  it('reports the first problem in document order', () => {
    const e = JSON.parse(validMessages(expectation)[0].body) as { detail: Record<string, unknown> };
    e.detail = { ...e.detail, a: { b: 'x\u0000' }, z: [{ c: 'y\u0000' }] };
    const r = parseEnvelope(JSON.stringify(e), expectation, { now });
    expect(r).toMatchObject({ ok: false, code: 'nul_character' });
    expect(!r.ok && r.reason).toMatch(/^detail\.a\.b holds/);
  });

  it('refuses nesting far deeper than any stack, quickly', () => {
    const e = JSON.parse(validMessages(expectation)[0].body) as { detail: Record<string, unknown> };
    e.detail.payload = '__DEEP__';
    const deep = JSON.stringify(e).replace('"__DEEP__"', `${'{"a":'.repeat(40_000)}1${'}'.repeat(40_000)}`);
    const started = performance.now();
    expect(parseEnvelope(deep, expectation, { now })).toMatchObject({ ok: false, code: 'too_deep' });
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('checkLogEvent (events read from the System Log API)', () => {
  const event = () => (JSON.parse(validMessages(expectation)[0].body) as { detail: Record<string, unknown> }).detail;

  it('accepts a LogEvent object and applies the same rules, naming it "event"', () => {
    expect(checkLogEvent(event(), { now })).toMatchObject({ ok: true });
    expect(checkLogEvent({ ...event(), published: '2026-11-02T09:15:04' }, { now })).toMatchObject({ ok: false, code: 'bad_published' });
    const r = checkLogEvent({ ...event(), outcome: { result: 'FAILURE', reason: 'bad\u0000' } }, { now });
    expect(r).toMatchObject({ ok: false, code: 'nul_character', reason: expect.stringMatching(/^event\.outcome\.reason holds/) });
  });

  it('refuses what is not an object, and a cycle as too deep rather than looping', () => {
    expect(checkLogEvent([event()], { now })).toMatchObject({ ok: false, code: 'not_an_object' });
    expect(checkLogEvent(null)).toMatchObject({ ok: false, code: 'not_an_object' });
    const cyclic: Record<string, unknown> = { ...event(), loop: {} };
    (cyclic.loop as Record<string, unknown>).back = cyclic;
    expect(checkLogEvent(cyclic, { now })).toMatchObject({ ok: false, code: 'too_deep' });
  });

  it('checks every string without being told the raw text is clean', () => {
    expect(checkLogEvent({ ...event(), displayMessage: 'a\ud800b' }, { now })).toMatchObject({ ok: false, code: 'unpaired_surrogate' });
  });
});

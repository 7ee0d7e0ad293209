// The Sigma value modifiers (modifiers appendix v2.1): contains/startswith/endswith, cased, re (with i/m/s), all,
// cidr and exists; windash, base64, base64offset, wide/utf16le/utf16be/utf16, gt/gte/lt/lte, neq, the time
// modifiers minute..year, and fieldref (expand: sigma-placeholders.test.ts).
import { describe, expect, it } from 'vitest';
import { oktaUser } from '../../detections/testing.js';
import { event, probe } from './support/sigma.js';

const b64 = (text: string, encoding: BufferEncoding = 'utf8') => Buffer.from(text, encoding).toString('base64');

describe('Sigma modifiers', () => {
  it('contains, startswith and endswith', () => {
    const rule = probe(`
      selection:
          debugContext.debugData.requestUri|contains: /API/V1/
          client.userAgent.rawUserAgent|startswith: mozilla/
          actor.alternateId|endswith: '@example.com'
      condition: selection
    `);
    expect(rule.match(event({ debugData: { requestUri: '/api/v1/users/00u1/lifecycle/reset_factors' } }))).toBe(true);
    expect(rule.match(event({ debugData: { requestUri: '/idp/idx/identify' } }))).toBe(false);
    expect(rule.match(event({ debugData: { requestUri: '/api/v1/authn' }, actor: oktaUser('dana@example.org') }))).toBe(false);
  });

  it('cased compares exactly', () => {
    const rule = probe(`
      selection:
          outcome.reason|cased|startswith: User reset
      condition: selection
    `);
    expect(rule.match(event({ reason: 'User reset SECURITY_QUESTION factor' }))).toBe(true);
    expect(rule.match(event({ reason: 'user reset security_question factor' }))).toBe(false);
  });

  it('re searches without anchors, case-sensitively unless |i', () => {
    const rule = probe(`
      selection:
          actor.alternateId|re: '^[A-Z]{3}\\d+'
      condition: selection
    `);
    expect(rule.match(event({ actor: oktaUser('ABC123@example.com') }))).toBe(true);
    expect(rule.match(event({ actor: oktaUser('abc123@example.com') }))).toBe(false);
    const unanchored = probe(`
      selection:
          debugContext.debugData.requestUri|re|i: 'reset_(factors|password)'
      condition: selection
    `);
    expect(unanchored.match(event({ debugData: { requestUri: '/api/v1/users/00u1/lifecycle/RESET_FACTORS?sendEmail=false' } }))).toBe(true);
    expect(unanchored.match(event({ debugData: { requestUri: '/api/v1/users/00u1/lifecycle/unlock' } }))).toBe(false);
  });

  it('re with a negative condition (password typed into the username field)', () => {
    const rule = probe(`
      selection:
          legacyEventType: core.user_auth.login_failed
      filter_main_login:
          actor.alternateId|re: '(^0oa.*|[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,10})'
      condition: selection and not filter_main_login
    `);
    const failed = (login: string) =>
      event({ actor: { ...oktaUser(login), alternateId: login }, result: 'FAILURE' }, { legacyEventType: 'core.user_auth.login_failed' });
    expect(rule.match(failed('Hunter2!Summer'))).toBe(true);
    expect(rule.match(failed('dana.scully@example.com'))).toBe(false);
  });

  it('all requires every value', () => {
    const rule = probe(`
      selection:
          debugContext.debugData.behaviors|contains|all:
              - New Device=POSITIVE
              - New IP=POSITIVE
      condition: selection
    `);
    expect(rule.match(event({ debugData: { behaviors: '{New Device=POSITIVE, New IP=POSITIVE}' } }))).toBe(true);
    expect(rule.match(event({ debugData: { behaviors: '{New Device=POSITIVE, New IP=NEGATIVE}' } }))).toBe(false);
  });

  it('cidr matches IPv4 and IPv6 ranges, also inside arrays', () => {
    const rule = probe(`
      selection:
          client.ipAddress|cidr:
              - 203.0.113.0/24
              - 2001:db8::/32
              - 192.0.2.10
      condition: selection
    `);
    expect(rule.match(event({ ip: '203.0.113.250' }))).toBe(true);
    expect(rule.match(event({ ip: '203.0.114.1' }))).toBe(false);
    expect(rule.match(event({ ip: '2001:db8:85a3::8a2e:370:7334' }))).toBe(true);
    expect(rule.match(event({ ip: '2001:db9::1' }))).toBe(false);
    expect(rule.match(event({ ip: '192.0.2.10' }))).toBe(true);
    expect(rule.match(event({ ip: 'not-an-ip' }))).toBe(false);

    const chain = probe(`
      selection:
          request.ipChain.ip|cidr: 10.0.0.0/8
      condition: selection
    `);
    const proxied = event({}, { request: { ipChain: [{ ip: '198.51.100.7' }, { ip: '10.1.2.3' }] } });
    expect(chain.match(proxied)).toBe(true);
    expect(chain.match(event())).toBe(false);
  });

  it('exists checks for a non-null value', () => {
    const present = probe(`
      selection:
          authenticationContext.externalSessionId|exists: true
      condition: selection
    `);
    const absent = probe(`
      selection:
          debugContext.debugData.dtHash|exists: false
      condition: selection
    `);
    expect(present.match(event())).toBe(true);
    expect(present.match(event({ result: 'FAILURE' }))).toBe(false); // externalSessionId: null
    expect(absent.match(event())).toBe(true);
    expect(absent.match(event({ debugData: { dtHash: '53dd1a75' } }))).toBe(false);
  });
});

describe('Sigma modifiers: encodings', () => {
  it('windash: a dash, slash, en dash, em dash or horizontal bar matches any of the five', () => {
    const rule = probe(`
      selection:
          client.userAgent.rawUserAgent|windash|contains: ' -EncodedCommand '
      condition: selection
    `);
    for (const dash of ['-', '/', '\u2013', '\u2014', '\u2015']) {
      expect(rule.match(event({}, { client: { userAgent: { rawUserAgent: `powershell.exe ${dash}encodedcommand SQBFAFgA` } } })), dash).toBe(true);
    }
    expect(rule.match(event({}, { client: { userAgent: { rawUserAgent: 'powershell.exe +encodedcommand x' } } }))).toBe(false);
  });

  it('base64 matches the value encoded whole, case-sensitively like the encoding', () => {
    const rule = probe(`
      selection:
          debugContext.debugData.payload|base64: 'reset_factors'
      condition: selection
    `);
    expect(rule.match(event({ debugData: { payload: b64('reset_factors') } }))).toBe(true);
    expect(rule.match(event({ debugData: { payload: b64('reset_factors').toLowerCase() } }))).toBe(false);
    expect(rule.match(event({ debugData: { payload: b64('other') } }))).toBe(false);
  });

  it('base64offset|contains finds the value at any byte offset inside a longer base64 text', () => {
    const rule = probe(`
      selection:
          debugContext.debugData.payload|base64offset|contains: 'lifecycle/reset_factors'
      condition: selection
    `);
    for (const prefix of ['', 'a', 'ab', 'abc', 'POST /api/v1/users/00u1/']) {
      for (const suffix of ['', '?', '?sendEmail=false']) {
        const payload = b64(`${prefix}lifecycle/reset_factors${suffix}`);
        expect(rule.match(event({ debugData: { payload } })), `${prefix}|${suffix}`).toBe(true);
      }
    }
    expect(rule.match(event({ debugData: { payload: b64('POST /api/v1/users/00u1/lifecycle/unlock') } }))).toBe(false);
  });

  it('wide / utf16le, utf16be and utf16 (with its byte order mark) before base64offset', () => {
    const cases: [string, (text: string) => Buffer][] = [
      ['wide', (text) => Buffer.from(text, 'utf16le')],
      ['utf16le', (text) => Buffer.from(text, 'utf16le')],
      ['utf16be', (text) => Buffer.from(text, 'utf16le').swap16()],
      ['utf16', (text) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
    ];
    for (const [modifier, encode] of cases) {
      const rule = probe(`
        selection:
            debugContext.debugData.payload|${modifier}|base64offset|contains: 'Invoke-Mimikatz'
        condition: selection
      `);
      const payload = Buffer.concat([Buffer.from('xx'), encode('Invoke-Mimikatz'), Buffer.from('yy')]).toString('base64');
      expect(rule.match(event({ debugData: { payload } })), modifier).toBe(true);
      expect(rule.match(event({ debugData: { payload: b64('Invoke-Mimikatz') } })), `${modifier} (utf-8 bytes)`).toBe(false);
    }
  });

  it('wide alone compares the UTF-16LE bytes as text', () => {
    const rule = probe(`
      selection:
          debugContext.debugData.payload|wide|contains: 'cmd'
      condition: selection
    `);
    expect(rule.match(event({ debugData: { payload: 'x\u0063\u0000\u006d\u0000\u0064\u0000y' } }))).toBe(true);
    expect(rule.match(event({ debugData: { payload: 'cmd' } }))).toBe(false);
  });
});

describe('Sigma modifiers: numbers, dates, negation and other fields', () => {
  it('gt, gte, lt and lte compare numbers, JSON numbers and numeric strings alike', () => {
    const between = probe(`
      selection:
          securityContext.asNumber|gte: 64512
      below:
          securityContext.asNumber|lt: 65535
      condition: selection and below
    `);
    const asn = (value: unknown) => event({}, { securityContext: { asNumber: value } });
    expect(between.match(asn(64512))).toBe(true);
    expect(between.match(asn('65000'))).toBe(true);
    expect(between.match(asn(65535))).toBe(false);
    expect(between.match(asn(394089))).toBe(false);
    expect(between.match(asn('AS64512'))).toBe(false);
    expect(between.match(asn(null))).toBe(false);
    const strict = probe(`
      selection:
          debugContext.debugData.risk.score|gt: 0.5
      other:
          debugContext.debugData.risk.score|lte: 0.9
      condition: selection and other
    `);
    expect(strict.match(event({ debugData: { risk: '{"score": 0.75}' } }))).toBe(true);
    expect(strict.match(event({ debugData: { risk: '{"score": 0.5}' } }))).toBe(false);
  });

  it('neq negates the field condition: other values and a missing field match', () => {
    const rule = probe(`
      selection:
          eventType: user.session.start
          outcome.result|neq:
              - SUCCESS
              - ALLOW
      condition: selection
    `);
    expect(rule.match(event({ result: 'FAILURE' }))).toBe(true);
    expect(rule.match(event({ result: 'SUCCESS' }))).toBe(false);
    expect(rule.match(event({ result: 'allow' }))).toBe(false);
    expect(rule.match(event({}, { outcome: null }))).toBe(true);
    const numeric = probe(`
      selection:
          securityContext.asNumber|neq: 394089
      condition: selection
    `);
    expect(numeric.match(event())).toBe(false);
    expect(numeric.match(event({}, { securityContext: { asNumber: 15169 } }))).toBe(true);
  });

  it('minute, hour, day, week, month and year read a date in UTC', () => {
    const at = (published: string) => ({ ...event(), published });
    const night = probe(`
      selection:
          published|hour:
              - 0
              - 1
              - 2
      condition: selection
    `);
    expect(night.match(at('2026-03-02T01:59:59.000Z'))).toBe(true);
    expect(night.match(at('2026-03-02T03:00:00.000Z'))).toBe(false);
    expect(night.match(at('2026-03-02T02:30:00+05:00'))).toBe(false); // 21:30 UTC
    expect(night.match(at('2026-03-01T23:30:00-02:00'))).toBe(true); // 01:30 UTC
    expect(night.match(at('2026-03-02T01:00:00'))).toBe(true); // no offset: UTC, not local time
    expect(night.match(at('not a date'))).toBe(false);
    const parts: [string, number][] = [
      ['minute', 59],
      ['day', 1],
      ['week', 9], // Monday 2026-02-23 to Sunday 2026-03-01
      ['month', 3],
      ['year', 2026],
    ];
    for (const [part, value] of parts) {
      const rule = probe(`
        selection:
            published|${part}: ${value}
        condition: selection
      `);
      const when = part === 'day' || part === 'week' ? '2026-03-01T10:59:00.000Z' : '2026-03-02T10:59:00.000Z';
      expect(rule.match(at(when)), part).toBe(true);
      expect(rule.match(at('2025-01-10T00:00:00.000Z')), part).toBe(false);
    }
    const isoWeek = probe(`
      selection:
          published|week: 1
      condition: selection
    `);
    expect(isoWeek.match(at('2026-01-01T12:00:00Z'))).toBe(true); // a Thursday: week 1
    expect(isoWeek.match(at('2027-01-01T12:00:00Z'))).toBe(false); // a Friday: week 53 of 2026
  });

  it('fieldref compares with another field of the same event, also with contains and cased', () => {
    const self = probe(`
      selection:
          eventType: user.account.update_password
          actor.alternateId|fieldref: target.alternateId
      condition: selection
    `);
    const change = (target: string) =>
      event({ eventType: 'user.account.update_password', target: [{ ...oktaUser(target), alternateId: target }] });
    expect(self.match(change('dana.scully@example.com'))).toBe(true);
    expect(self.match(change('DANA.SCULLY@example.com'))).toBe(true);
    expect(self.match(change('walter.skinner@example.com'))).toBe(false);
    const other = probe(`
      selection:
          actor.alternateId|fieldref|neq: target.alternateId
      condition: selection
    `);
    expect(other.match(change('walter.skinner@example.com'))).toBe(true);
    expect(other.match(change('dana.scully@example.com'))).toBe(false);
    const partial = probe(`
      selection:
          target.displayName|fieldref|contains|cased: actor.displayName
      condition: selection
    `);
    const named = (displayName: string) => event({ target: [{ ...oktaUser('x@example.com'), displayName }] });
    expect(partial.match(named('Backup of Dana Scully'))).toBe(true);
    expect(partial.match(named('Backup of dana scully'))).toBe(false);
  });

  it('re takes its flags by any name and ignores contains/startswith/endswith (it searches anyway)', () => {
    const rule = probe(`
      selection:
          debugContext.debugData.requestUri|re|ignorecase|contains: '^/API/V1/users/[^/]+/lifecycle/'
      condition: selection
    `);
    expect(rule.match(event({ debugData: { requestUri: '/api/v1/users/00u1/lifecycle/reset_factors' } }))).toBe(true);
    expect(rule.match(event({ debugData: { requestUri: '/x/api/v1/users/00u1/lifecycle/' } }))).toBe(false);
    const dotall = probe(`
      selection:
          displayMessage|re|s: 'first.second'
      condition: selection
    `);
    expect(dotall.match(event({ displayMessage: 'first\nsecond' }))).toBe(true);
  });
});

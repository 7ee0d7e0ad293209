// The Sigma value modifiers the compiler supports: contains/startswith/endswith, cased, re (with |i), all,
// cidr and exists.
import { describe, expect, it } from 'vitest';
import { oktaUser } from '../../detections/testing.js';
import { event, probe } from './support/sigma.js';

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

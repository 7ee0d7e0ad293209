// How a Sigma selection matches an Okta event: case-insensitive values and field names, lists, wildcards,
// numbers and booleans as text, arrays, packed debugData strings, null, lists of maps and keywords.
import { describe, expect, it } from 'vitest';
import { oktaUser, oktaVerifyEnrollment } from '../../detections/testing.js';
import { admin, adminConsole, dana, event, probe, slack } from './support/sigma.js';

describe('Sigma values and fields', () => {
  it('compares values case-insensitively and resolves field names case-insensitively', () => {
    const rule = probe(`
      selection:
          eventtype: USER.SESSION.START
          ACTOR.alternateid: Dana.Scully@Example.com
      condition: selection
    `);
    expect(rule.match(event())).toBe(true);
    expect(rule.match(event({ actor: admin }))).toBe(false);
  });

  it('ORs a list of values', () => {
    const rule = probe(`
      selection:
          client.geographicalContext.country:
              - Brazil
              - Netherlands
      condition: selection
    `);
    expect(rule.match(event({ country: 'Netherlands' }))).toBe(true);
    expect(rule.match(event({ country: 'Germany' }))).toBe(false);
  });

  it('supports * and ? wildcards, and \\* as a literal star', () => {
    const star = probe(`
      selection:
          actor.alternateId: '*@EXAMPLE.com'
      condition: selection
    `);
    expect(star.match(event())).toBe(true);
    expect(star.match(event({ actor: oktaUser('dana@example.org') }))).toBe(false);

    const question = probe(`
      selection:
          client.ipAddress: '198.51.100.?'
      condition: selection
    `);
    expect(question.match(event({ ip: '198.51.100.7' }))).toBe(true);
    expect(question.match(event({ ip: '198.51.100.77' }))).toBe(false);

    const literal = probe(`
      selection:
          displayMessage: 'Rotate \\* tokens'
      condition: selection
    `);
    expect(literal.match(event({ displayMessage: 'Rotate * tokens' }))).toBe(true);
    expect(literal.match(event({ displayMessage: 'Rotate all tokens' }))).toBe(false);
  });

  it('compares numbers and booleans as text', () => {
    const quoted = probe(`
      selection:
          securityContext.isProxy: 'true'
      condition: selection
    `);
    const plain = probe(`
      selection:
          securityContext.isProxy: true
          securityContext.asNumber: 394089
      condition: selection
    `);
    const threat = probe(`
      selection:
          debugContext.debugData.threatSuspected: true
      condition: selection
    `);
    expect(quoted.match(event({ isProxy: true }))).toBe(true);
    expect(quoted.match(event({ isProxy: false }))).toBe(false);
    expect(plain.match(event({ isProxy: true }))).toBe(true);
    expect(plain.match(event({ isProxy: false }))).toBe(false);
    // debugData stores the flag as the string "true".
    expect(threat.match(event({ debugData: { threatSuspected: 'true' } }))).toBe(true);
    expect(threat.match(event())).toBe(false);
  });

  it('matches any element of an array such as target[]', () => {
    const rule = probe(`
      selection:
          target.displayName: okta admin console
      condition: selection
    `);
    expect(rule.match(event({ target: [oktaVerifyEnrollment(dana), adminConsole] }))).toBe(true);
    expect(rule.match(event({ target: [oktaVerifyEnrollment(dana), slack] }))).toBe(false);
    expect(rule.match(event({ target: null }))).toBe(false);
  });

  it('reads into packed debugData strings', () => {
    const rule = probe(`
      selection:
          debugContext.debugData.risk.level: high
      condition: selection
    `);
    expect(rule.match(event({ debugData: { risk: '{reasons=Anomalous Device, level=HIGH}' } }))).toBe(true);
    expect(rule.match(event({ debugData: { risk: '{level=LOW}' } }))).toBe(false);
  });

  it('treats null as a missing or null field', () => {
    const rule = probe(`
      selection:
          eventType: user.session.start
          target: null
          client.device.name: null
      condition: selection
    `);
    expect(rule.match(event({ target: null }))).toBe(true);
    expect(rule.match(event({}, { target: undefined }))).toBe(true);
    expect(rule.match(event({ target: [adminConsole] }))).toBe(false);

    const reason = probe(`
      selection:
          outcome.reason:
              - null
              - VERIFICATION_ERROR
      condition: selection
    `);
    expect(reason.match(event({ reason: null }))).toBe(true);
    expect(reason.match(event({ reason: 'VERIFICATION_ERROR', result: 'FAILURE' }))).toBe(true);
    expect(reason.match(event({ reason: 'INVALID_CREDENTIALS', result: 'FAILURE' }))).toBe(false);
  });

  it('ORs a list of maps', () => {
    const rule = probe(`
      selection:
          - eventType: user.account.lock
          - eventType: user.session.start
            outcome.result: FAILURE
      condition: selection
    `);
    expect(rule.match(event({ eventType: 'user.account.lock' }))).toBe(true);
    expect(rule.match(event({ result: 'FAILURE' }))).toBe(true);
    expect(rule.match(event({ result: 'SUCCESS' }))).toBe(false);
    expect(rule.eventTypes).toEqual(['user.account.lock', 'user.session.start']);
  });

  it('searches the whole event for keywords, case-insensitively', () => {
    const rule = probe(`
      keywords:
          - svc_network_backup
          - 'python-requests/*'
      condition: keywords
    `);
    const created = event({ eventType: 'user.lifecycle.create', actor: admin, target: [oktaUser('SVC_Network_Backup@example.com')] });
    expect(rule.match(created)).toBe(true);
    expect(rule.match(event({}, { client: { userAgent: { rawUserAgent: 'Python-Requests/2.31.0' } } }))).toBe(true);
    expect(rule.match(event())).toBe(false);
    expect(rule.eventTypes).toEqual(['*']);

    const all = probe(`
      keywords:
          '|all':
              - okta admin console
              - New Device=POSITIVE
      condition: keywords
    `);
    expect(all.match(event({ target: [adminConsole] }))).toBe(false);
    expect(all.match(event({ target: [adminConsole], debugData: { behaviors: 'New Device=POSITIVE' } }))).toBe(true);

    // Keywords search values, not JSON syntax: a quote in the keyword is a quote in a value.
    const quoted = probe(`
      keywords:
          - '"okta verify"'
      condition: keywords
    `);
    expect(quoted.match(event({ displayMessage: 'Reset "Okta Verify" for user' }))).toBe(true);
    expect(quoted.match(event({ target: [oktaVerifyEnrollment(dana)] }))).toBe(false);
  });
});

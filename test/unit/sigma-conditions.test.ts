// Sigma conditions: 1 of / all of a pattern or of them, not/and/or precedence, parentheses, the SigmaHQ
// "not 1 of filter_*" idiom and lists of conditions.
import { describe, expect, it } from 'vitest';
import { oktaUser } from '../../detections/testing.js';
import { dedent, event, probe } from './support/sigma.js';

describe('Sigma conditions', () => {
  const detection = `
    selection_start:
        eventType: user.session.start
    selection_success:
        outcome.result: SUCCESS
    filter_proxy:
        securityContext.isProxy: 'true'
    _helper:
        client.geographicalContext.country: Brazil
  `;
  const withCondition = (condition: string) => probe(`${dedent(detection)}\ncondition: ${condition}`);
  const ok = event();
  const failed = event({ result: 'FAILURE' });
  const proxy = event({ isProxy: true });
  const lock = event({ eventType: 'user.account.lock' });
  const brazil = event({ country: 'Brazil' });

  it('1 of / all of a pattern', () => {
    const one = withCondition('1 of selection_*');
    expect([ok, failed, lock].map(one.match)).toEqual([true, true, true]);
    expect(one.match(event({ eventType: 'user.account.lock', result: 'FAILURE' }))).toBe(false);
    const all = withCondition('all of selection_*');
    expect([ok, failed, lock].map(all.match)).toEqual([true, false, false]);
    expect(all.eventTypes).toEqual(['user.session.start']);
  });

  it('1 of them / all of them skip identifiers starting with _', () => {
    const allOfThem = withCondition('all of them');
    expect(allOfThem.match(proxy)).toBe(true);
    expect(allOfThem.match(event({ isProxy: true, country: 'Brazil' }))).toBe(true);
    expect(allOfThem.match(ok)).toBe(false);
    const oneOfThem = withCondition('1 of them');
    expect(oneOfThem.match(event({ eventType: 'user.account.lock', result: 'FAILURE', country: 'Brazil' }))).toBe(false);
    expect(withCondition('_helper').match(brazil)).toBe(true);
  });

  it('not binds tighter than and, and tighter than or', () => {
    const rule = withCondition('selection_start and not filter_proxy');
    expect([ok, proxy, lock].map(rule.match)).toEqual([true, false, false]);
    expect(rule.eventTypes).toEqual(['user.session.start']);
    // "not a or b" is "(not a) or b"
    const notOr = withCondition('not selection_start or filter_proxy');
    expect([ok, proxy, lock].map(notOr.match)).toEqual([false, true, true]);
    expect(notOr.eventTypes).toEqual(['*']);
  });

  it('and binds tighter than or; parentheses override', () => {
    // lock: selection_start false, selection_success true, filter_proxy false
    const lockedProxy = event({ eventType: 'user.account.lock', isProxy: true });
    const precedence = withCondition('filter_proxy or selection_start and selection_success');
    const grouped = withCondition('(filter_proxy or selection_start) and selection_success');
    expect(precedence.match(event({ eventType: 'user.account.lock', isProxy: true, result: 'FAILURE' }))).toBe(true);
    expect(grouped.match(event({ eventType: 'user.account.lock', isProxy: true, result: 'FAILURE' }))).toBe(false);
    expect(grouped.match(lockedProxy)).toBe(true);
    expect(withCondition('NOT (selection_start AND filter_proxy)').match(proxy)).toBe(false);
  });

  it('not 1 of filters, as the SigmaHQ placeholder rules write it', () => {
    const rule = probe(`
      selection:
          eventType: user.session.impersonation.grant
      filter_main_system:
          actor.alternateId|contains: system@okta.com
      filter_main_trusted:
          actor.alternateId|endswith: '@partner.example'
      condition: selection and not 1 of filter_main_*
    `);
    const grant = (login: string) => event({ eventType: 'user.session.impersonation.grant', actor: oktaUser(login) });
    expect(rule.match(grant('walter.skinner@example.com'))).toBe(true);
    expect(rule.match(grant('system@okta.com'))).toBe(false);
    expect(rule.match(grant('help@partner.example'))).toBe(false);
  });

  it('a list of conditions is an OR', () => {
    const rule = probe(`${dedent(detection)}\ncondition:\n    - filter_proxy\n    - _helper`);
    expect([ok, proxy, brazil].map(rule.match)).toEqual([false, true, true]);
  });
});

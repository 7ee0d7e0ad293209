import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { catalogue, evaluate, type OktaLogEvent, type SingleRule } from '../../detections/index.js';
import { compileSigmaRule, loadSigmaRules, SigmaLoadError } from '../../detections/sigma/index.js';
import { minutesAfter, oktaEvent, oktaUser, oktaVerifyEnrollment, type TestPrincipal } from '../../detections/testing.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLES = join(ROOT, 'rules/sigma');
const T0 = '2026-03-02T09:00:00.000Z';
const admin = oktaUser('walter.skinner@example.com');
const dana = oktaUser('dana.scully@example.com');
const adminConsole: TestPrincipal = {
  id: '0oatxlef9sQvvqInq5d6',
  type: 'AppInstance',
  alternateId: 'Okta Admin Console',
  displayName: 'Okta Admin Console',
  detailEntry: null,
};
const slack: TestPrincipal = { id: '0oa1slack00000000001', type: 'AppInstance', alternateId: 'Slack', displayName: 'Slack', detailEntry: null };

const BEHAVIORS_ALL_NEGATIVE =
  '{New Geo-Location=NEGATIVE, New Device=NEGATIVE, New IP=NEGATIVE, New State=NEGATIVE, New Country=NEGATIVE, Velocity=NEGATIVE, New City=NEGATIVE}';

// ---------------------------------------------------------------------------------------------------------------
// Helpers

/** Strips the common indentation of a template literal and its surrounding blank lines. */
function dedent(text: string): string {
  const lines = text.replace(/^\s*\n/, '').replace(/\n\s*$/, '').split('\n');
  const indent = Math.min(...lines.filter((line) => line.trim() !== '').map((line) => line.match(/^ */)![0].length));
  return lines.map((line) => line.slice(indent)).join('\n');
}

const PROBE_ID = '7f0c2d8e-3b1a-4c5d-9e6f-0a1b2c3d4e5f';
const HEAD = `title: Feature Probe\nid: ${PROBE_ID}\nlogsource:\n    product: okta\n    service: okta\n`;

/** The YAML of a rule with the given `detection` body (and optional extra top-level attributes). */
function probeText(detection: string, tail = ''): string {
  const body = dedent(detection)
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
  return `${HEAD}detection:\n${body}\n${tail ? `${dedent(tail)}\n` : ''}`;
}

function probe(detection: string, tail = ''): SingleRule {
  return compileSigmaRule(probeText(detection, tail), 'probe.yml');
}

/** 1-based line of the first occurrence of `needle` in `text`. */
function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`"${needle}" not in text`);
  return text.slice(0, index).split('\n').length;
}

function loadError(text: string, file = 'probe.yml'): SigmaLoadError {
  try {
    compileSigmaRule(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(SigmaLoadError);
    return error as SigmaLoadError;
  }
  throw new Error('expected the rule to be refused');
}

const event = (spec: Partial<Parameters<typeof oktaEvent>[0]> = {}, extra: Record<string, unknown> = {}): OktaLogEvent => ({
  ...oktaEvent({ eventType: 'user.session.start', at: T0, actor: dana, ...spec }),
  ...extra,
});

// ---------------------------------------------------------------------------------------------------------------

describe('example rules in rules/sigma', () => {
  const { rules, errors } = loadSigmaRules(EXAMPLES);
  const byTitle = (fragment: string) => {
    const rule = rules.find((candidate) => candidate.title.includes(fragment));
    if (!rule) throw new Error(`no example rule titled *${fragment}*`);
    return rule;
  };
  /** Runs the example rules beside the built-in catalogue, as production would, and keeps one rule's matches. */
  const matchesOf = (rule: SingleRule, events: OktaLogEvent[]) =>
    evaluate([...catalogue, ...rules], events).filter((match) => match.ruleId === rule.id);

  it('load without errors, as single rules with ATT&CK and severities', () => {
    expect(errors.map((error) => error.message)).toEqual([]);
    expect(rules).toHaveLength(5);
    for (const rule of rules) {
      expect(rule.kind).toBe('single');
      expect(rule.id).toMatch(/^sigma-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(rule.attack.tactics.length).toBeGreaterThan(0);
      expect(rule.attack.techniques.length).toBeGreaterThan(0);
      expect(rule.eventTypes).not.toContain('*');
      expect(rule.enabled).toBe(true);
      expect(rule.dedupe.periodMinutes).toBe(60);
    }
    expect(new Set(rules.map((rule) => rule.id)).size).toBe(5);
  });

  describe('Admin Console sign-on from a new device or IP', () => {
    const rule = () => byTitle('Admin Console');
    const evaluation = (target: TestPrincipal[], debugData: Record<string, string>, at = T0) =>
      oktaEvent({ eventType: 'policy.evaluate_sign_on', at, actor: admin, target, result: 'ALLOW', debugData });

    it('fires on New Device=POSITIVE in the behaviors string', () => {
      const hit = evaluation([oktaVerifyEnrollment(admin), adminConsole], {
        behaviors:
          '{New Geo-Location=NEGATIVE, New Device=POSITIVE, New IP=NEGATIVE, New State=NEGATIVE, New Country=NEGATIVE, Velocity=NEGATIVE, New City=NEGATIVE}',
      });
      const [match, ...rest] = matchesOf(rule(), [hit]);
      expect(rest).toEqual([]);
      expect(match).toMatchObject({
        ruleId: 'sigma-4d5be8a5-a47d-4212-85f3-3d13e2f23e6b',
        severity: 'high',
        groupKey: `user:${admin.id}`,
        dedupeKey: `sigma-4d5be8a5-a47d-4212-85f3-3d13e2f23e6b:user:${admin.id}`,
        dedupePeriodMinutes: 60,
        subjectUserId: admin.id,
        tactics: ['TA0001', 'TA0004'],
        techniques: ['T1078.004'],
        evidenceUuids: [hit.uuid],
      });
    });

    it('fires on New IP=POSITIVE inside logOnlySecurityData JSON', () => {
      const hit = evaluation([adminConsole], {
        logOnlySecurityData: '{"risk":{"level":"MEDIUM"},"behaviors":{"New Device":"NEGATIVE","New IP":"POSITIVE"}}',
      });
      expect(matchesOf(rule(), [hit])).toHaveLength(1);
    });

    it('ignores known devices and IPs, other apps, and only-geo behaviours', () => {
      const events = [
        evaluation([adminConsole], { behaviors: BEHAVIORS_ALL_NEGATIVE }),
        evaluation([adminConsole], {
          logOnlySecurityData: '{"behaviors":{"New Geo-Location":"POSITIVE","New Device":"NEGATIVE","New IP":"NEGATIVE"}}',
        }),
        evaluation([slack], { behaviors: '{New Device=POSITIVE, New IP=POSITIVE}' }),
        evaluation([adminConsole], {}),
      ];
      expect(matchesOf(rule(), events)).toEqual([]);
    });

    it('merges repeats by the same admin within the hour into one match', () => {
      const events = [0, 20, 45].map((minute) =>
        evaluation([adminConsole], { behaviors: '{New Device=POSITIVE, New IP=POSITIVE}' }, minutesAfter(T0, minute)),
      );
      const [match, ...rest] = matchesOf(rule(), events);
      expect(rest).toEqual([]);
      expect(match.count).toBe(3);
    });
  });

  describe('API token created through an anonymising proxy', () => {
    const rule = () => byTitle('API Token');
    const token: TestPrincipal = { id: '00T94e3cn9kSEO3c51s5', type: 'Token', alternateId: 'unknown', displayName: 'ci-sync', detailEntry: null };
    const create = (isProxy: boolean | null, result = 'SUCCESS') =>
      oktaEvent({ eventType: 'system.api_token.create', at: T0, actor: admin, target: [token], isProxy, result, ip: '185.220.101.4' });

    it("fires when isProxy is JSON true (the rule says 'true')", () => {
      const [match] = matchesOf(rule(), [create(true)]);
      expect(match).toMatchObject({ severity: 'high', groupKey: `user:${admin.id}`, techniques: ['T1098.001', 'T1090.003'] });
      // The built-in catalogue rule fires on the same event, side by side.
      expect(evaluate([...catalogue, ...rules], [create(true)]).map((m) => m.ruleId)).toContain('okta-api-token-created');
    });

    it('ignores tokens created without a proxy, with isProxy null, or failed', () => {
      expect(matchesOf(rule(), [create(false), create(null), create(true, 'FAILURE')])).toEqual([]);
    });
  });

  describe('MFA factor removed by someone else', () => {
    const rule = () => byTitle('MFA Factor');
    const factorEvent = (eventType: string, actor: TestPrincipal, reason: string | null, result = 'SUCCESS') =>
      oktaEvent({ eventType, at: T0, actor, target: [dana, oktaVerifyEnrollment(dana)], reason, result });

    it('fires when an admin deactivates a factor or resets all factors', () => {
      const deactivate = factorEvent('user.mfa.factor.deactivate', admin, null);
      const resetAll = factorEvent('user.mfa.factor.reset_all', admin, null);
      const [match, ...rest] = matchesOf(rule(), [deactivate, resetAll]);
      expect(rest).toEqual([]);
      expect(match).toMatchObject({ severity: 'medium', groupKey: `user:${admin.id}`, count: 2, techniques: ['T1556.006'] });
    });

    it("ignores the user's own reset, failures and enrolments", () => {
      const events = [
        factorEvent('user.mfa.factor.deactivate', dana, 'User reset SECURITY_QUESTION factor'),
        factorEvent('user.mfa.factor.deactivate', admin, null, 'FAILURE'),
        factorEvent('user.mfa.factor.activate', admin, null),
      ];
      expect(matchesOf(rule(), events)).toEqual([]);
    });
  });

  describe('policy or policy rule deactivated or deleted', () => {
    const rule = () => byTitle('Policy');
    const policy: TestPrincipal = {
      id: '00pabcdefghijklmnop1',
      type: 'PolicyEntity',
      alternateId: 'unknown',
      displayName: 'Default MFA policy',
      detailEntry: { policyType: 'OktaSignOn' },
    };
    const change = (eventType: string, result = 'SUCCESS') => oktaEvent({ eventType, at: T0, actor: admin, target: [policy], result });

    it('fires on deactivated policies and deleted rules', () => {
      const [match] = matchesOf(rule(), [change('policy.lifecycle.deactivate'), change('policy.rule.delete')]);
      expect(match).toMatchObject({ count: 2, severity: 'medium', tactics: ['TA0005', 'TA0003'] });
    });

    it('ignores updates, activations and failed attempts', () => {
      const events = [change('policy.lifecycle.update'), change('policy.rule.activate'), change('policy.lifecycle.delete', 'FAILURE')];
      expect(matchesOf(rule(), events)).toEqual([]);
    });
  });

  describe('session impersonation', () => {
    const rule = () => byTitle('Impersonation');
    const impersonation = (eventType: string, result = 'SUCCESS') =>
      oktaEvent({ eventType, at: T0, actor: admin, target: [admin], result });

    it('fires on grant and initiate, with a prefix eventType filter', () => {
      expect(rule().eventTypes).toEqual(['user.session.impersonation.*']);
      const hits = matchesOf(rule(), [impersonation('user.session.impersonation.grant'), impersonation('user.session.impersonation.initiate')]);
      expect(hits).toHaveLength(1);
      expect(hits[0]).toMatchObject({ count: 2, severity: 'high', techniques: ['T1199'] });
    });

    it('ignores the end or revocation of impersonation, and failures', () => {
      const events = [
        impersonation('user.session.impersonation.end'),
        impersonation('user.session.impersonation.revoke'),
        impersonation('user.session.impersonation.grant', 'FAILURE'),
        impersonation('user.session.start'),
      ];
      expect(matchesOf(rule(), events)).toEqual([]);
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------

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

describe('Sigma metadata', () => {
  it('maps id, level, tags, falsepositives and fields', () => {
    const rule = probe(
      `
      selection:
          eventType: user.account.privilege.grant
          debugContext.debugData.privilegeGranted|contains: administrator
      condition: selection
    `,
      `
      description: An admin role was granted.
      level: informational
      tags:
          - attack.persistence
          - attack.privilege_escalation
          - attack.t1098.003
          - attack.g0125
          - detection.emerging-threats
      falsepositives:
          - Planned role changes
    `,
    );
    expect(rule).toMatchObject({
      kind: 'single',
      id: `sigma-${PROBE_ID}`,
      title: 'Feature Probe',
      description: 'An admin role was granted.',
      severity: 'info',
      attack: { tactics: ['TA0003', 'TA0004'], techniques: ['T1098.003'] },
      eventTypes: ['user.account.privilege.grant'],
      fields: ['eventType', 'debugContext.debugData.privilegeGranted'],
      enabled: true,
    });
    expect(rule.runbook).toContain('Planned role changes');
    expect(rule.dedupe.periodMinutes).toBe(60);
    expect(rule.dedupe.key(event({ actor: admin }))).toBe(`user:${admin.id}`);
  });

  it('uses a slug of the title without an id, medium without a level, and disables deprecated rules', () => {
    const rule = compileSigmaRule(
      dedent(`
        title: Okta User Created (Test)
        status: deprecated
        logsource:
            product: okta
        detection:
            selection:
                eventType: user.lifecycle.create
            condition: selection
      `),
      'x.yml',
    );
    expect(rule).toMatchObject({ id: 'sigma-okta-user-created-test', severity: 'medium', enabled: false });
    expect(rule.attack).toEqual({ tactics: [], techniques: [] });
  });

  it("derives eventTypes from wildcards and startswith, and falls back to ['*']", () => {
    const prefix = probe(`
      selection:
          eventType: 'system.api_token.*'
      condition: selection
    `);
    expect(prefix.eventTypes).toEqual(['system.api_token.*']);
    const unpinned = probe(`
      selection:
          eventType|endswith: .create
      condition: selection
    `);
    expect(unpinned.eventTypes).toEqual(['*']);
    const partly = probe(`
      selection:
          eventType: user.session.start
      keywords:
          - evilginx
      condition: selection or keywords
    `);
    expect(partly.eventTypes).toEqual(['*']);
    // '*' shows the rule every event
    const lock = event({ eventType: 'user.account.lock', displayMessage: 'Evilginx' });
    expect(evaluate([partly], [lock])).toHaveLength(1);
  });
});

describe('unsupported Sigma features are refused with file, line, rule and feature', () => {
  const expectRefusal = (text: string, needle: string, detail: RegExp, feature?: string) => {
    const error = loadError(text);
    expect(error.line).toBe(lineOf(text, needle));
    expect(error.message).toMatch(new RegExp(`^probe\\.yml:${lineOf(text, needle)}: rule 'Feature Probe' \\(${PROBE_ID}\\) `));
    expect(error.message).toMatch(detail);
    expect(error.ruleTitle).toBe('Feature Probe');
    expect(error.ruleId).toBe(PROBE_ID);
    if (feature) expect(error.feature).toBe(feature);
    return error;
  };

  it('|base64offset', () => {
    const text = probeText(`
      selection:
          eventType: user.session.start
          debugContext.debugData.url|base64offset|contains: passw
      condition: selection
    `);
    const error = expectRefusal(text, 'debugContext.debugData.url|base64offset', /uses the modifier 'base64offset', which is not supported$/);
    expect(error.feature).toBe("modifier 'base64offset'");
  });

  it('|windash, |expand, |gt, |fieldref', () => {
    for (const modifier of ['windash', 'expand', 'gt', 'fieldref']) {
      const text = probeText(`
        selection:
            actor.alternateId|${modifier}: x
        condition: selection
      `);
      expectRefusal(text, `|${modifier}`, new RegExp(`uses the modifier '${modifier}', which is not supported`), `modifier '${modifier}'`);
    }
  });

  it('correlation rules', () => {
    const text = dedent(`
      title: Feature Probe
      id: ${PROBE_ID}
      correlation:
          type: event_count
          rules:
              - okta_failed_login
          group-by:
              - actor.alternateId
          timespan: 10m
          condition:
              gte: 10
    `);
    expectRefusal(text, 'correlation:', /is a Sigma correlation rule of type 'event_count', which is not supported/, 'correlation rule');
  });

  it('timeframe and aggregations', () => {
    const timeframe = probeText(`
      selection:
          eventType: user.session.start
      timeframe: 5m
      condition: selection
    `);
    expectRefusal(timeframe, 'timeframe', /uses 'timeframe', which is not supported/, 'timeframe');
    const aggregation = probeText(`
      selection:
          eventType: user.session.start
      condition: selection | count() by actor.alternateId > 10
    `);
    expectRefusal(aggregation, 'condition:', /uses an aggregation in its condition \('\| count\(\) by actor\.alternateId > 10'\)/, 'aggregation');
  });

  it('an invalid regular expression, at the line of the pattern', () => {
    const text = probeText(`
      selection:
          actor.alternateId|re:
              - '^admin'
              - '(unclosed'
      condition: selection
    `);
    expectRefusal(text, "'(unclosed'", /has an invalid regular expression '\(unclosed' in 'actor\.alternateId\|re'/, 'regular expression');
  });

  it('an invalid CIDR range', () => {
    const text = probeText(`
      selection:
          client.ipAddress|cidr: 10.0.0.0/33
      condition: selection
    `);
    expectRefusal(text, '10.0.0.0/33', /invalid CIDR range '10\.0\.0\.0\/33'/);
  });

  it('a logsource that is not Okta', () => {
    const text = dedent(`
      title: Feature Probe
      id: ${PROBE_ID}
      logsource:
          category: process_creation
          product: windows
      detection:
          selection:
              Image|endswith: '\\whoami.exe'
          condition: selection
    `);
    expectRefusal(text, 'logsource:', /has a logsource that is not Okta \(product: windows\)/, 'logsource');
  });

  it('conditions that name unknown identifiers, match nothing or do not parse', () => {
    const unknown = probeText(`
      selection:
          eventType: user.session.start
      condition: selection and not filter
    `);
    expectRefusal(unknown, 'condition:', /refers to 'filter', which is not a search identifier/);
    const nothing = probeText(`
      selection:
          eventType: user.session.start
      condition: selection and not 1 of filter_*
    `);
    expectRefusal(nothing, 'condition:', /'filter_\*' matches no search identifier/);
    const broken = probeText(`
      selection:
          eventType: user.session.start
      condition: (selection and
    `);
    expectRefusal(broken, 'condition:', /invalid condition '\(selection and': expected a search identifier but found the end/);
    const near = probeText(`
      selection:
          eventType: user.session.start
      condition: selection near selection
    `);
    expectRefusal(near, 'condition:', /uses 'near' in its condition, which is not supported/, 'near');
  });

  it('multi-document files and invalid YAML', () => {
    const multi = `${probeText(`
      selection:
          eventType: user.session.start
      condition: selection
    `)}---\naction: global\n`;
    const error = loadError(multi);
    expect(error.line).toBe(lineOf(multi, '---'));
    expect(error.message).toMatch(/multi-document Sigma files .* are not supported/);

    const invalid = `${HEAD}detection:\n    selection:\n        eventType: [user.session.start\n    condition: selection\n`;
    const yamlError = loadError(invalid);
    expect(yamlError.message).toMatch(/^probe\.yml:\d+: rule 'Feature Probe' \(.*\) is not valid YAML: /);
  });
});

describe('loadSigmaRules on a directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oort-sigma-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the good rules and reports each bad one with its file and line', () => {
    const good = (title: string, id: string, eventType: string) =>
      dedent(`
        title: ${title}
        id: ${id}
        logsource:
            product: okta
            service: okta
        detection:
            selection:
                eventType: ${eventType}
            condition: selection
        level: low
      `);
    writeFileSync(join(dir, 'a_good.yml'), good('Account Locked', '0d4b6a3e-1f53-4b43-8d44-6f1f5d2a0001', 'user.account.lock'));
    writeFileSync(join(dir, 'b_good.yaml'), good('User Created', '0d4b6a3e-1f53-4b43-8d44-6f1f5d2a0002', 'user.lifecycle.create'));
    const windash = probeText(`
      selection:
          debugContext.debugData.url|windash|contains: '-enc'
      condition: selection
    `);
    writeFileSync(join(dir, 'c_windash.yml'), windash);
    const badRegex = probeText(`
      selection:
          actor.alternateId|re: '[a-'
      condition: selection
    `).replace(PROBE_ID, '0d4b6a3e-1f53-4b43-8d44-6f1f5d2a0003');
    writeFileSync(join(dir, 'd_regex.yml'), badRegex);
    writeFileSync(join(dir, 'e_duplicate.yml'), good('Account Locked Again', '0d4b6a3e-1f53-4b43-8d44-6f1f5d2a0001', 'user.account.lock'));
    writeFileSync(join(dir, 'notes.txt'), 'not a rule');

    const { rules, errors } = loadSigmaRules(dir);
    expect(rules.map((rule) => rule.title)).toEqual(['Account Locked', 'User Created']);
    expect(rules.map((rule) => rule.severity)).toEqual(['low', 'low']);
    expect(errors.map((error) => error.message)).toEqual([
      `${join(dir, 'c_windash.yml')}:${lineOf(windash, '|windash')}: rule 'Feature Probe' (${PROBE_ID}) uses the modifier 'windash', which is not supported`,
      expect.stringMatching(
        new RegExp(`^${escape(join(dir, 'd_regex.yml'))}:${lineOf(badRegex, "'[a-'")}: rule 'Feature Probe' .* has an invalid regular expression '\\[a-'`),
      ),
      `${join(dir, 'e_duplicate.yml')}:2: rule 'Account Locked Again' (0d4b6a3e-1f53-4b43-8d44-6f1f5d2a0001) has the same id as the rule in ${join(dir, 'a_good.yml')} (rule id 'sigma-0d4b6a3e-1f53-4b43-8d44-6f1f5d2a0001')`,
    ]);
    for (const error of errors) expect(error).toBeInstanceOf(SigmaLoadError);

    // The rules that did load run in the engine.
    const locked = event({ eventType: 'user.account.lock', result: 'FAILURE' });
    expect(evaluate(rules, [locked]).map((match) => match.title)).toEqual(['Account Locked']);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

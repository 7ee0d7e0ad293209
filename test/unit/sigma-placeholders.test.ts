// Sigma placeholders: `%name%` with the expand modifier takes each integration's values from its detection
// settings (sigmaPlaceholders); an unset placeholder matches nothing. One loaded rule serves every integration.
import { describe, expect, it } from 'vitest';
import { applySettings, evaluate, type DetectionSettings, type OktaLogEvent, type Rule, type SingleRule } from '../../detections/index.js';
import { sigmaPlaceholderProblems } from '../../detections/settings.js';
import { loadSigmaText, SigmaLoadError } from '../../detections/sigma/index.js';
import { oktaUser } from '../../detections/testing.js';
import { admin, dana, dedent, event, probe } from './support/sigma.js';

/** The rule as an integration with these placeholder values runs it. */
function boundTo(rule: Rule, sigmaPlaceholders?: Record<string, string[]>): SingleRule {
  const settings: DetectionSettings = sigmaPlaceholders ? { sigmaPlaceholders } : {};
  return applySettings([rule], settings)[0] as SingleRule;
}

const grant = (actorLogin: string) =>
  event({ eventType: 'user.session.impersonation.grant', actor: { ...oktaUser(actorLogin), type: 'User' }, target: [dana] });

/** Impersonation grants, except by Okta itself and by the integration's own trusted domains. */
const impersonation = () =>
  probe(`
    selection:
        eventType: user.session.impersonation.grant
    not_okta:
        actor.alternateId|contains: 'system@okta.com'
    not_trusted:
        actor.alternateId|endswith|expand: '%trusted_domains%'
    condition: selection and not 1 of not_*
  `);

describe('Sigma placeholders', () => {
  it('an unset placeholder matches nothing, so its exclusion excludes nothing', () => {
    const rule = impersonation();
    expect(rule.match(grant('helpdesk@partner.example'))).toBe(true);
    expect(rule.match(grant('system@okta.com'))).toBe(false);
    expect(boundTo(rule).match(grant('ops@example.com'))).toBe(true);
    expect(boundTo(rule, { trusted_domains: [] }).match(grant('ops@example.com'))).toBe(true);
    expect(boundTo(rule, { other: ['@example.com'] }).match(grant('ops@example.com'))).toBe(true);
  });

  it("each integration's values apply to its own evaluation", () => {
    const rule = impersonation();
    const acme = boundTo(rule, { trusted_domains: ['@acme.example', '@acme-support.example'] });
    const initech = boundTo(rule, { trusted_domains: ['@initech.example'] });
    expect(acme.match(grant('ops@acme.example'))).toBe(false);
    expect(acme.match(grant('ops@acme-support.example'))).toBe(false);
    expect(acme.match(grant('ops@initech.example'))).toBe(true);
    expect(initech.match(grant('ops@initech.example'))).toBe(false);
    expect(initech.match(grant('ops@acme.example'))).toBe(true);
    // The rule as loaded is unchanged: integrations share it.
    expect(rule.match(grant('ops@acme.example'))).toBe(true);

    // Through the engine, with the settings of the run.
    const enabled = { ...rule, enabled: true };
    const events = [grant('ops@acme.example'), grant('ops@initech.example')];
    const run = (settings: DetectionSettings) => evaluate([enabled], events, { settings }).map((match) => match.evidenceUuids[0]);
    expect(run({ sigmaPlaceholders: { trusted_domains: ['@acme.example'] } })).toEqual([events[1].uuid]);
    expect(run({ sigmaPlaceholders: { trusted_domains: ['@initech.example'] } })).toEqual([events[0].uuid]);
    expect(run({})).toEqual([events[0].uuid, events[1].uuid]);
  });

  it('values are Sigma strings (wildcards, escapes), and several placeholders combine', () => {
    const rule = probe(`
      selection:
          actor.alternateId|expand: '%team%.%role%@example.com'
      condition: selection
    `);
    const bound = boundTo(rule, { team: ['ops', 'sec*'], role: ['admin', 'break\\*glass'] });
    const login = (alternateId: string) => event({ actor: { ...admin, alternateId } });
    expect(bound.match(login('ops.admin@example.com'))).toBe(true);
    expect(bound.match(login('security.admin@example.com'))).toBe(true);
    expect(bound.match(login('ops.break*glass@example.com'))).toBe(true);
    expect(bound.match(login('ops.breakXglass@example.com'))).toBe(false);
    expect(bound.match(login('dev.admin@example.com'))).toBe(false);
    expect(boundTo(rule, { team: ['ops'] }).match(login('ops.admin@example.com'))).toBe(false);
  });

  it('without expand, %name% is literal; with it, \\% is a literal percent sign', () => {
    const literal = probe(`
      selection:
          debugContext.debugData.url|contains: '%admins%'
      condition: selection
    `);
    expect(boundTo(literal, { admins: ['x'] }).match(event({ debugData: { url: '/search?q=%admins%' } }))).toBe(true);
    const escaped = probe(`
      selection:
          debugContext.debugData.url|contains|expand: '\\%25%param%'
      condition: selection
    `);
    const bound = boundTo(escaped, { param: ['2F'] });
    expect(bound.match(event({ debugData: { url: '/a?b=%252F' } }))).toBe(true);
    expect(bound.match(event({ debugData: { url: '/a?b=%25' } }))).toBe(false);
  });

  it('cidr|expand takes network ranges per integration; a value that is no range fails the run, naming the rule', () => {
    const rule = probe(`
      selection:
          eventType: user.session.start
      office:
          client.ipAddress|cidr|expand: '%office_networks%'
      condition: selection and not office
    `);
    const from = (ip: string) => event({ ip });
    const bound = boundTo(rule, { office_networks: ['203.0.113.0/24', '2001:db8::/32'] });
    expect(bound.match(from('203.0.113.77'))).toBe(false);
    expect(bound.match(from('2001:db8::1'))).toBe(false);
    expect(bound.match(from('198.51.100.7'))).toBe(true);
    expect(() => boundTo(rule, { office_networks: ['the office'] })).toThrow(
      /sigmaPlaceholders value does not fit sigma-7f0c2d8e-.*invalid CIDR range 'the office'/,
    );
  });

  it('re|expand inserts values literally (quoted), not as regular expressions', () => {
    const rule = probe(`
      selection:
          actor.alternateId|re|expand: '^%service_prefix%[0-9]+@'
      condition: selection
    `);
    const bound = boundTo(rule, { service_prefix: ['svc.'] });
    expect(bound.match(event({ actor: { ...admin, alternateId: 'svc.42@example.com' } }))).toBe(true);
    expect(bound.match(event({ actor: { ...admin, alternateId: 'svcX42@example.com' } }))).toBe(false);
  });

  it('a value expanding past the limit is refused when the integration sets it', () => {
    const rule = probe(`
      selection:
          actor.alternateId|expand: '%a%%b%'
      condition: selection
    `);
    const many = Array.from({ length: 200 }, (_, i) => `v${i}`);
    expect(() => boundTo(rule, { a: many, b: many })).toThrow(/expands to more than/);
  });

  it('the load result lists the placeholders and the rules using them', () => {
    const text = dedent(`
      title: Uses Admins
      id: 3c9a2f10-6b4e-4d2a-9f5e-1a2b3c4d5e01
      logsource:
          product: okta
      detection:
          selection:
              actor.alternateId|expand: '%admins%'
          condition: selection
      ---
      title: Uses Nothing
      id: 3c9a2f10-6b4e-4d2a-9f5e-1a2b3c4d5e02
      logsource:
          product: okta
      detection:
          selection:
              actor.alternateId: '%admins%'
          condition: selection
    `);
    const { rules, errors, placeholders } = loadSigmaText(text, 'placeholders.yml');
    expect(errors).toEqual([]);
    expect(rules).toHaveLength(2);
    expect(placeholders).toEqual({ admins: ['sigma-3c9a2f10-6b4e-4d2a-9f5e-1a2b3c4d5e01'] });
  });
});

describe('sigmaPlaceholders settings', () => {
  it('are checked: names, lists of non-empty strings, limits', () => {
    expect(sigmaPlaceholderProblems(undefined)).toEqual([]);
    expect(sigmaPlaceholderProblems({ admins: ['ops@example.com'], empty: [] })).toEqual([]);
    expect(sigmaPlaceholderProblems(['admins'])).toEqual(['sigmaPlaceholders: must be an object of placeholder names to lists of values']);
    expect(sigmaPlaceholderProblems({ '%admins%': ['x'], admins: 'ops@example.com', ok: ['', 3, 'x'.repeat(5000)] })).toEqual([
      "sigmaPlaceholders.%admins%: a placeholder name is 1 to 128 characters without '%' (write admins for %admins%)",
      'sigmaPlaceholders.admins: must be a list of strings',
      'sigmaPlaceholders.ok[0]: must be a non-empty string',
      'sigmaPlaceholders.ok[1]: must be a non-empty string',
      'sigmaPlaceholders.ok[2]: longer than 4096 characters',
    ]);
  });

  it('invalid values fail the evaluation of a rule that uses placeholders, rather than running with other values', () => {
    const rule = { ...impersonation(), enabled: true };
    const settings = { sigmaPlaceholders: { trusted_domains: 'acme.example' } } as unknown as DetectionSettings;
    expect(() => evaluate([rule], [grant('x@acme.example')], { settings })).toThrow(
      /invalid Sigma placeholders:\n {2}sigmaPlaceholders\.trusted_domains: must be a list of strings/,
    );
    // Rules without placeholders do not read them.
    const plain = { ...probe(`
      selection:
          eventType: user.session.impersonation.grant
      condition: selection
    `), enabled: true };
    expect(evaluate([plain], [grant('x@acme.example')] as OktaLogEvent[], { settings })).toHaveLength(1);
  });

  it('a load error is still a SigmaLoadError when expand meets a value that can never apply', () => {
    const text = dedent(`
      title: Bad Expand
      logsource:
          product: okta
      detection:
          selection:
              securityContext.asNumber|gt|expand: 5
          condition: selection
    `);
    const { errors } = loadSigmaText(text, 'bad.yml');
    expect(errors[0]).toBeInstanceOf(SigmaLoadError);
    expect(errors[0].message).toMatch(/combines the modifiers 'expand' and 'gt'/);
  });
});

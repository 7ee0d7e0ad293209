// Sigma meta filters: a `filter:` document adds its condition to the rules it names (by id or name, or `any`), so
// one exclusion serves many rules; with placeholders it is a per-tenant exclusion. Filters never raise anything.
import { describe, expect, it } from 'vitest';
import { evaluate, type DetectionSettings, type OktaLogEvent, type Rule } from '../../detections/index.js';
import { loadSigmaSources, loadSigmaText } from '../../detections/sigma/index.js';
import { minutesAfter, oktaUser, type TestPrincipal } from '../../detections/testing.js';
import { T0, admin, dana, dedent, event } from './support/sigma.js';

const automation = oktaUser('svc-provisioning@example.com');
const ID = (n: number) => `9d4c3b2a-1e0f-4a5b-8c7d-6e5f4a3b${String(n).padStart(4, '0')}`;

const TOKEN_CREATED = dedent(`
  title: API Token Created
  id: ${ID(1)}
  name: token_created
  logsource:
      product: okta
  detection:
      selection:
          eventType: system.api_token.create
      condition: selection
  level: medium
`);
const ROLE_GRANTED = dedent(`
  title: Admin Role Granted
  id: ${ID(2)}
  name: role_granted
  logsource:
      product: okta
  detection:
      selection:
          eventType: user.account.privilege.grant
      condition: selection
  level: high
`);
const SESSION_START = dedent(`
  title: Session Started
  id: ${ID(3)}
  logsource:
      product: okta
  detection:
      selection:
          eventType: user.session.start
      condition: selection
  level: low
`);

function filterDoc(rules: string, body: string): string {
  const indented = dedent(body)
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
  return ['title: Our Automation', `id: ${ID(50)}`, 'logsource:', '    product: okta', 'filter:', `    rules: ${rules}`, indented].join('\n');
}

const NOT_AUTOMATION = `
  automation:
      actor.alternateId: svc-provisioning@example.com
  condition: not automation
`;

const by = (actor: TestPrincipal, eventType: string, minutes = 0) => event({ eventType, actor, at: minutesAfter(T0, minutes) });
const events: OktaLogEvent[] = [
  by(automation, 'system.api_token.create'),
  by(admin, 'system.api_token.create', 1),
  by(automation, 'user.account.privilege.grant', 2),
  by(admin, 'user.account.privilege.grant', 3),
  by(automation, 'user.session.start', 4),
];

function raised(rules: readonly Rule[], settings: DetectionSettings = {}): string[] {
  return evaluate(rules, events, { settings }).map((match) => `${match.title} by ${match.subjectUser}`);
}

function load(...documents: string[]): Rule[] {
  const { rules, errors } = loadSigmaText(documents.join('\n---\n'), 'filters.yml');
  expect(errors.map((error) => error.message)).toEqual([]);
  return rules;
}

describe('Sigma meta filters', () => {
  it('exclude from the rules they name (by id or name) only, and raise nothing themselves', () => {
    const rules = load(filterDoc(`[${ID(1)}, role_granted]`, NOT_AUTOMATION), TOKEN_CREATED, ROLE_GRANTED, SESSION_START);
    expect(rules.map((rule) => rule.title)).toEqual(['API Token Created', 'Admin Role Granted', 'Session Started']);
    expect(raised(rules)).toEqual([
      `API Token Created by ${admin.alternateId}`,
      `Admin Role Granted by ${admin.alternateId}`,
      `Session Started by ${automation.alternateId}`,
    ]);
  });

  it("rules: any (or an empty list) applies to every detection rule loaded with the filter", () => {
    for (const any of ['any', '[]']) {
      const rules = load(filterDoc(any, NOT_AUTOMATION), TOKEN_CREATED, ROLE_GRANTED, SESSION_START);
      expect(raised(rules), any).toEqual([`API Token Created by ${admin.alternateId}`, `Admin Role Granted by ${admin.alternateId}`]);
    }
  });

  it('several filters on one rule all apply, and a filter may live in another file', () => {
    const second = filterDoc('[token_created]', `
      admins:
          actor.alternateId|endswith: '@example.com'
      condition: not admins
    `).replace(ID(50), ID(51));
    const { rules, errors } = loadSigmaSources([
      { file: 'rules/token.yml', text: TOKEN_CREATED },
      { file: 'tuning/automation.yml', text: filterDoc('[token_created]', NOT_AUTOMATION) },
      { file: 'tuning/admins.yml', text: second },
    ]);
    expect(errors).toEqual([]);
    expect(raised(rules)).toEqual([]);
  });

  it('with placeholders, each integration excludes its own accounts; unset, the filter excludes nothing', () => {
    const rules = load(
      filterDoc('any', `
        automation:
            actor.alternateId|expand: '%automation_accounts%'
        condition: not automation
      `),
      TOKEN_CREATED,
      ROLE_GRANTED,
    );
    expect(raised(rules, { sigmaPlaceholders: { automation_accounts: ['svc-*@example.com'] } })).toEqual([
      `API Token Created by ${admin.alternateId}`,
      `Admin Role Granted by ${admin.alternateId}`,
    ]);
    expect(raised(rules, { sigmaPlaceholders: { automation_accounts: [admin.alternateId] } })).toEqual([
      `API Token Created by ${automation.alternateId}`,
      `Admin Role Granted by ${automation.alternateId}`,
    ]);
    expect(raised(rules)).toHaveLength(4);
  });

  it('apply to the events a correlation counts through the rules it names', () => {
    const burst = dedent(`
      title: Token Burst
      id: ${ID(60)}
      correlation:
          type: event_count
          rules: [token_created]
          group-by: [actor.id]
          timespan: 10m
          condition:
              gte: 3
    `);
    const tokens = [0, 1, 2].map((minute) => by(automation, 'system.api_token.create', minute));
    const plain = load(burst, TOKEN_CREATED);
    expect(evaluate(plain, tokens).map((match) => match.title)).toEqual(['Token Burst']);
    const filtered = load(burst, TOKEN_CREATED, filterDoc('[token_created]', NOT_AUTOMATION));
    expect(evaluate(filtered, tokens)).toEqual([]);
  });

  it('are refused, with the line, when they name nothing loaded, a correlation, or another log source', () => {
    const messages = (...documents: string[]) => loadSigmaText(documents.join('\n---\n'), 'filters.yml').errors.map((error) => error.message);
    const unknown = filterDoc('[token_created, no_such_rule]', NOT_AUTOMATION);
    expect(messages(unknown, TOKEN_CREATED)).toEqual([
      `filters.yml:6: rule 'Our Automation' (${ID(50)}) refers to 'no_such_rule', which is not the id or name of a loaded Sigma rule`,
    ]);
    const burst = dedent(`
      title: Token Burst
      name: token_burst
      correlation:
          type: event_count
          rules: [token_created]
          timespan: 10m
          condition: { gte: 3 }
    `);
    expect(messages(filterDoc('[token_burst]', NOT_AUTOMATION), burst, TOKEN_CREATED)[0]).toMatch(
      /filters 'token_burst', a correlation: meta filters apply to detection rules/,
    );
    const windows = filterDoc('any', NOT_AUTOMATION).replace('product: okta', 'product: windows');
    expect(messages(windows, TOKEN_CREATED)[0]).toMatch(/has a logsource that is not Okta \(product: windows\)/);
    const twoConditions = filterDoc('any', `
      automation:
          actor.alternateId: x
      condition:
          - not automation
          - automation
    `);
    expect(messages(twoConditions, TOKEN_CREATED)[0]).toMatch(/a meta filter has exactly one condition/);
    // The rules it would have filtered still load (and so still alert): the error is what must be fixed.
    expect(loadSigmaText([unknown, TOKEN_CREATED].join('\n---\n'), 'filters.yml').rules.map((rule) => rule.title)).toEqual(['API Token Created']);
  });

  it('read fields as rules do: any element of an array matches', () => {
    const rules = load(
      filterDoc('any', `
        admin_console:
            target.displayName: Okta Admin Console
        condition: not admin_console
      `),
      SESSION_START,
    );
    const signIn = event({ eventType: 'user.session.start', actor: dana, target: [{ id: '0oa1', type: 'AppInstance', alternateId: 'x', displayName: 'Okta Admin Console' }] });
    expect(evaluate(rules, [signIn])).toEqual([]);
    expect(evaluate(rules, [event({ eventType: 'user.session.start', actor: dana })])).toHaveLength(1);
  });
});

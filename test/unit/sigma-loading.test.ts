// Loading Sigma rules: unsupported features are refused with file, line, rule and feature, and a directory
// loads its good rules while reporting each bad one.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../detections/index.js';
import { loadSigmaRules, SigmaLoadError } from '../../detections/sigma/index.js';
import { HEAD, PROBE_ID, dedent, event, lineOf, loadError, probeText } from './support/sigma.js';

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

  it('a modifier Sigma does not define', () => {
    const text = probeText(`
      selection:
          eventType: user.session.start
          debugContext.debugData.url|base32|contains: passw
      condition: selection
    `);
    const error = expectRefusal(text, 'debugContext.debugData.url|base32', /uses the modifier 'base32' in '.*', which is not a Sigma modifier$/);
    expect(error.feature).toBe("modifier 'base32'");
  });

  it('modifiers that cannot be combined, or a value of the wrong type', () => {
    const cases: [string, string, RegExp][] = [
      ['client.ipAddress|cidr|contains', '10.0.0.0/8', /combines the modifiers 'cidr' and 'contains'/],
      ['actor.alternateId|re|base64', 'abc', /combines the modifiers 're' and 'base64'/],
      ['actor.alternateId|contains|re', 'abc', /applies 're' after 'contains' .* 're' must come first/],
      ['actor.alternateId|exists|all', 'true', /combines 'exists' with other modifiers/],
      ['actor.alternateId|i', 'abc', /uses the regular expression flag 'i' without 're' before it/],
      ['securityContext.asNumber|gt', "'100'", /compares 'securityContext\.asNumber\|gt' with '100', which is not a number/],
      ['published|hour', '24', /compares the hour of 'published\|hour' with '24', which is not a whole number from 0 to 23/],
      ['actor.alternateId|base64|contains', "'pass*'", /with wildcards, which 'base64' cannot encode/],
      ['actor.alternateId|fieldref', "'target.*'", /refers with 'actor\.alternateId\|fieldref' to 'target\.\*', which is not a field name/],
    ];
    for (const [key, value, detail] of cases) {
      const text = probeText(`
        selection:
            ${key}: ${value}
        condition: selection
      `);
      const error = loadError(text);
      expect(error.message, key).toMatch(detail);
      expect(error.line, key).toBe(lineOf(text, key));
    }
  });

  it('correlation types the engine cannot compute', () => {
    const text = dedent(`
      title: Feature Probe
      id: ${PROBE_ID}
      correlation:
          type: value_sum
          rules:
              - okta_failed_login
          group-by:
              - actor.alternateId
          timespan: 10m
          condition:
              field: debugContext.debugData.risk
              gte: 10
    `);
    expectRefusal(text, 'value_sum', /is a 'value_sum' correlation, which is not supported/, 'correlation type value_sum');
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

  it('Sigma v1 rule collections (action: global) and invalid YAML', () => {
    const collection = `action: global\n${probeText(`
      selection:
          eventType: user.session.start
      condition: selection
    `)}`;
    const error = loadError(collection);
    expect(error.line).toBe(lineOf(collection, 'action:'));
    expect(error.feature).toBe('rule collection');
    expect(error.message).toMatch(/uses 'action' \(a Sigma v1 rule collection\), which is not supported/);

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
          debugContext.debugData.url|winslash|contains: '-enc'
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
      `${join(dir, 'c_windash.yml')}:${lineOf(windash, '|winslash')}: rule 'Feature Probe' (${PROBE_ID}) uses the modifier 'winslash' in 'debugContext.debugData.url|winslash|contains', which is not a Sigma modifier`,
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

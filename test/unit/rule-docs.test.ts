// docs/rules/ is generated from the rule definitions (scripts/rule-docs.ts): it must be what the generator makes of
// today's rules, so a rule changed without regenerating fails the suite, and the README's counts follow the rules.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULE_DOCS_DIR, ruleDocs, ruleSections } from '../../scripts/rule-docs.js';
import { catalogue } from '../../detections/index.js';

describe('the rule reference in docs/rules/', () => {
  const expected = ruleDocs();

  it('is current: every file is what `npm run docs:rules` writes from the rules', () => {
    expect(readdirSync(RULE_DOCS_DIR).sort(), 'run npm run docs:rules').toEqual([...expected.keys()].sort());
    for (const [name, text] of expected) {
      expect(readFileSync(join(RULE_DOCS_DIR, name), 'utf8'), `docs/rules/${name} is stale: run npm run docs:rules`).toBe(text);
    }
  });

  it('documents every rule of the catalogue and of the shipped Sigma rules, once', () => {
    const documented = ruleSections().flatMap((s) => s.rules.map((r) => r.id));
    expect(new Set(documented).size).toBe(documented.length);
    for (const rule of catalogue) expect(documented).toContain(rule.id);
    for (const id of documented) expect(expected.get('README.md')).toContain(`[${id}](`);
  });

  it('keeps the README\'s rule counts true', () => {
    const sigma = ruleSections().find((s) => s.title === 'Sigma')!.rules.length;
    const readme = readFileSync(join(RULE_DOCS_DIR, '../../README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain(`**detection catalogue** (${catalogue.length}`);
    expect(readme).toContain(`plus ${sigma} shipped Sigma rules`);
  });
});

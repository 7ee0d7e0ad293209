// docs/rules/ is generated from the rule definitions (scripts/rule-docs.ts): it must be what the generator makes of
// today's rules, so a rule changed without regenerating fails the suite, and the README's counts follow the rules.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NOT_DECLARED, RULE_DOCS_DIR, ruleDocs, ruleSections } from '../../scripts/rule-docs.js';
import { catalogue } from '../../detections/index.js';
import { SEVERITIES } from '../../detections/types.js';

const REGENERATE = 'run npm run docs:rules';

describe('the rule reference in docs/rules/', () => {
  const expected = ruleDocs();
  const sections = ruleSections();
  const documented = sections.flatMap((s) => s.rules);

  it('is current: every file is what `npm run docs:rules` writes from the rules', () => {
    const checkedIn = readdirSync(RULE_DOCS_DIR).sort();
    expect(checkedIn, `docs/rules/ holds other files than the generator writes: ${REGENERATE}`).toEqual([...expected.keys()].sort());
    for (const [name, text] of expected) {
      expect(readFileSync(join(RULE_DOCS_DIR, name), 'utf8'), `docs/rules/${name} is stale: ${REGENERATE}`).toBe(text);
    }
  });

  it('is the same on every run (sorted, nothing time-dependent)', () => {
    expect(ruleDocs()).toEqual(expected);
  });

  it('documents every rule of the catalogue and of the shipped Sigma rules, once, with an entry and an index row', () => {
    const ids = documented.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of catalogue) expect(ids, `${rule.id} is missing from docs/rules/`).toContain(rule.id);
    const index = expected.get('README.md')!;
    for (const section of sections) {
      const page = expected.get(section.file)!;
      for (const rule of section.rules) {
        expect(index, `${rule.id} has no row in docs/rules/README.md`).toContain(`[${rule.id}](${section.file}#${rule.id})`);
        expect(page, `${rule.id} has no entry in docs/rules/${section.file}`).toContain(`\n### ${rule.id}\n`);
      }
    }
  });

  it('finds in every rule what the reference shows: fields read, runbook, and how a computed severity is decided', () => {
    for (const rule of documented) {
      expect(rule.fields.length, `${rule.id} declares no fields`).toBeGreaterThan(0);
      expect(rule.runbook.trim(), `${rule.id} has no runbook`).not.toBe('');
      if (typeof rule.severity === 'string') {
        expect(rule.severityNote, `${rule.id}: severityNote is only for a computed severity`).toBeUndefined();
      } else {
        expect(rule.severityNote, `${rule.id} computes its severity: declare severityNote (levels and how)`).toBeDefined();
        expect(rule.severityNote!.levels.length, `${rule.id}: severityNote.levels`).toBeGreaterThan(1);
        for (const level of rule.severityNote!.levels) expect(SEVERITIES).toContain(level);
        expect(rule.severityNote!.how.trim()).not.toBe('');
      }
    }
    for (const [name, text] of expected) expect(text, `docs/rules/${name}`).not.toContain(NOT_DECLARED);
  });

  it('keeps the README\'s rule counts true', () => {
    const sigma = sections.find((s) => s.title === 'Sigma')!.rules.length;
    const readme = readFileSync(join(RULE_DOCS_DIR, '../../README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain(`**detection catalogue** (${catalogue.length}`);
    expect(readme).toContain(`plus ${sigma} shipped Sigma rules`);
  });
});

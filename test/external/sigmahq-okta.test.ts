// SigmaHQ's public Okta rules, loaded as a user would load them: every rule file of a SigmaHQ/sigma checkout that
// sits in an Okta folder or is named okta_* (rules/, rules-placeholder/, rules-threat-hunting/,
// rules-emerging-threats/…; 24 files in 2026). None may be refused. The rules are not copied into this repository, and
// the machines that run `npm test` cannot download them, so this check runs apart from the suite:
//   SIGMAHQ_DIR=<a SigmaHQ/sigma checkout, or a bare clone whose files are read with git> npm run check:sigmahq
// Without SIGMAHQ_DIR it fails and says so (it is never silently skipped).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluate, type Rule } from '../../detections/index.js';
import { loadSigmaRules, type SigmaLoadResult } from '../../detections/sigma/index.js';
import { oktaEvent, oktaUser } from '../../detections/testing.js';
import { T0 } from '../unit/support/sigma.js';

const SIGMAHQ_DIR = process.env.SIGMAHQ_DIR?.trim() || undefined;

/** Paths (relative, with /) of the Okta rule files of a checkout, or of a bare clone's HEAD. */
function oktaRuleFiles(root: string): { files: string[]; read: (path: string) => string; bare: boolean } {
  const isOkta = (path: string) => {
    const parts = path.toLowerCase().split('/');
    const name = parts.pop()!;
    return /\.ya?ml$/.test(name) && (name.startsWith('okta') || parts.some((part) => part.includes('okta')));
  };
  const bare = !existsSync(join(root, 'rules')) && existsSync(join(root, 'HEAD')) && existsSync(join(root, 'objects'));
  if (bare) {
    const git = (...args: string[]) => execFileSync('git', ['--git-dir', root, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const files = git('ls-tree', '-r', '--name-only', 'HEAD').split('\n').filter(isOkta);
    return { files, read: (path) => git('show', `HEAD:${path}`), bare };
  }
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name.startsWith('.')) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(root);
  return { files: files.filter(isOkta).sort(), read: (path) => readFileSync(join(root, path), 'utf8'), bare };
}

if (!SIGMAHQ_DIR) throw new Error('Set SIGMAHQ_DIR to a SigmaHQ/sigma checkout or bare clone: npm run check:sigmahq checks its Okta rules.');

describe(`SigmaHQ Okta rules (from ${SIGMAHQ_DIR})`, () => {
  const copy = mkdtempSync(join(tmpdir(), 'oort-sigmahq-'));
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  // The Okta files only, in their folders, so the load is exactly "a directory of SigmaHQ's Okta rules".
  let source: ReturnType<typeof oktaRuleFiles> | undefined;
  let loaded: SigmaLoadResult | undefined;
  if (SIGMAHQ_DIR) {
    source = oktaRuleFiles(SIGMAHQ_DIR);
    for (const path of source.files) {
      mkdirSync(join(copy, dirname(path)), { recursive: true });
      writeFileSync(join(copy, path), source.read(path));
    }
    loaded = loadSigmaRules(copy);
  }
  const count = source?.files.length ?? 0;

  it(`finds the Okta rule files (${count})`, () => {
    expect(count).toBeGreaterThanOrEqual(20);
  });

  it(`loads all ${count} of them, refusing none`, () => {
    expect(loaded!.errors.map((error) => error.message)).toEqual([]);
    expect(loaded!.files).toBe(count);
    expect(loaded!.rules.length).toBeGreaterThanOrEqual(count);
  });

  it('runs every loaded rule over ordinary events without an error', () => {
    const rules: Rule[] = loaded!.rules.map((rule) => ({ ...rule, enabled: true }));
    const user = oktaUser('dana.scully@example.com');
    const types = ['user.session.start', 'user.authentication.sso', 'policy.evaluate_sign_on', 'system.api_token.create', 'user.session.impersonation.grant'];
    const events = types.map((eventType, i) => oktaEvent({ eventType, at: new Date(Date.parse(T0) + i * 60_000), actor: user, target: [user] }));
    const errors: string[] = [];
    evaluate(rules, events, { onRuleError: (ruleId, error) => errors.push(`${ruleId}: ${String(error)}`) });
    expect(errors).toEqual([]);
  });

  it('placeholder rules match nothing for an unset placeholder and take per-integration values', () => {
    // SigmaHQ's impersonation-grant rule excludes "your trusted domain" through a placeholder.
    const grants = loaded!.rules.filter((rule) => rule.eventTypes.includes('user.session.impersonation.grant'));
    const uses = Object.entries(loaded!.placeholders).filter(([, ids]) => grants.some((rule) => ids.includes(rule.id)));
    expect(uses.length, 'a placeholder rule on impersonation grants').toBeGreaterThan(0);
    const grant = oktaEvent({ eventType: 'user.session.impersonation.grant', at: T0, actor: oktaUser('helpdesk@partner.example'), target: [oktaUser('dana.scully@example.com')] });
    for (const [name, ids] of uses) {
      const rule = { ...grants.find((candidate) => ids.includes(candidate.id))!, enabled: true };
      expect(evaluate([rule], [grant]), `${name} unset`).toHaveLength(1);
      expect(evaluate([rule], [grant], { settings: { sigmaPlaceholders: { [name]: ['partner.example'] } } }), `${name} set`).toEqual([]);
      expect(evaluate([rule], [grant], { settings: { sigmaPlaceholders: { [name]: ['other.example'] } } }), `${name} other`).toHaveLength(1);
    }
  });
});

if (!SIGMAHQ_DIR) console.info('test/unit/sigmahq-okta.test.ts: skipped, SIGMAHQ_DIR is not set (a SigmaHQ/sigma checkout or bare clone)');

// The rule reference in docs/rules/, generated from the rule definitions themselves (the catalogue and the shipped
// Sigma rules), so it cannot drift from them: `npm run docs:rules` writes it, `test/unit/rule-docs.test.ts` fails when
// the checked-in files differ from what this produces. The output depends on the rules only (sorted, no dates).
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_MIN_HISTORY_BUCKETS } from '../detections/kinds/anomaly.js';
import { DEFAULT_MIN_DISTANCE_KM } from '../detections/kinds/geo.js';
import { credentialRules } from '../detections/rules/credential/index.js';
import { privilegeRules } from '../detections/rules/privilege/index.js';
import { sessionRules } from '../detections/rules/session/index.js';
import { allowListPolicy, isAlertStep } from '../detections/settings.js';
import { loadSigmaRules, ruleFiles, TACTIC_IDS } from '../detections/sigma/index.js';
import { ruleIdOf } from '../detections/sigma/metadata.js';
import { SEVERITIES, type Rule, type Severity } from '../detections/types.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SHIPPED_SIGMA_DIR = join(ROOT, 'sigma-rules');
export const RULE_DOCS_DIR = join(ROOT, 'docs/rules');

/** Printed wherever a rule definition does not carry what a section asks for. */
export const NOT_DECLARED = 'not declared';

export interface Section {
  readonly file: string;
  readonly title: string;
  readonly intro: string;
  readonly rules: readonly Rule[];
}

/** What the Sigma loader knows beyond the rules: each rule's file and the placeholders it uses. */
interface SigmaFacts {
  /** Rule id → the file defining it, relative to the repository. */
  readonly sources: ReadonlyMap<string, string>;
  /** Rule id → the placeholder names it uses (values come from detection settings `sigmaPlaceholders`). */
  readonly placeholders: ReadonlyMap<string, readonly string[]>;
}

interface Context {
  /** Rule id → the page documenting it. */
  readonly pageOf: ReadonlyMap<string, string>;
  readonly sigma: SigmaFacts;
}

// --- small formatting helpers ----------------------------------------------------------------------------------

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const code = (text: string) => `\`${text.replaceAll('`', "'")}\``;
/** Table cell text: no line breaks, pipes escaped (also inside code spans, as GitHub requires). */
const cell = (text: string) => text.replaceAll('\n', ' ').replaceAll('|', '\\|');
const anchor = (id: string) => id.toLowerCase().replace(/[^a-z0-9-]/g, '');
const trimLines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.replace(/\s+$/, ''))
    .join('\n');

function ruleLink(id: string, ctx: Context, from: string): string {
  const page = ctx.pageOf.get(id);
  if (!page) return code(id);
  return `[${id}](${page === from ? '' : page}#${anchor(id)})`;
}

// --- severity --------------------------------------------------------------------------------------------------

/** Lowest–highest of the declared levels, e.g. 'medium–high'. */
function levelRange(levels: readonly Severity[]): string {
  const sorted = SEVERITIES.filter((level) => levels.includes(level));
  if (sorted.length === 0) return NOT_DECLARED;
  return sorted.length === 1 ? sorted[0] : `${sorted[0]}–${sorted[sorted.length - 1]}`;
}

/** For the index: the level, or the range a computed severity spans. */
function severitySummary(rule: Rule): string {
  if (typeof rule.severity === 'string') return rule.severity;
  return rule.severityNote ? levelRange(rule.severityNote.levels) : `computed (${NOT_DECLARED})`;
}

/** For a rule's page: the level, or the levels and what decides between them. */
function severityDetail(rule: Rule): string {
  if (typeof rule.severity === 'string') return `${rule.severity} (fixed)`;
  if (!rule.severityNote) return `computed from the events of a match; how: ${NOT_DECLARED}`;
  const levels = SEVERITIES.filter((level) => rule.severityNote!.levels.includes(level));
  const listed = levels.length > 1 ? `${levels.slice(0, -1).join(', ')} or ${levels[levels.length - 1]}` : levels.join('');
  return `${listed || NOT_DECLARED}, computed from the events of a match: ${rule.severityNote.how}`;
}

// --- ATT&CK ----------------------------------------------------------------------------------------------------

/** TA0004 → 'Privilege Escalation', from the Sigma loader's tactic table. */
const TACTIC_NAMES: ReadonlyMap<string, string> = new Map(
  Object.entries(TACTIC_IDS).map(([slug, id]) => [
    id,
    slug
      .split('-')
      .map((word, i) => (i > 0 && word === 'and' ? word : word[0].toUpperCase() + word.slice(1)))
      .join(' '),
  ]),
);

const tacticLink = (id: string) => {
  const name = TACTIC_NAMES.get(id);
  return `[${id}${name ? ` ${name}` : ''}](https://attack.mitre.org/tactics/${id}/)`;
};
const techniqueLink = (id: string) => `[${id}](https://attack.mitre.org/techniques/${id.replace('.', '/')}/)`;
const listOr = (items: readonly string[], empty: string) => (items.length > 0 ? items.join(', ') : empty);

// --- kinds and parameters --------------------------------------------------------------------------------------

const KIND_MEANING: Readonly<Record<Rule['kind'], string>> = {
  single: 'one event is enough',
  threshold: 'count, or distinct count, of matching events per group within a sliding window',
  sequence: 'ordered events (or detections of other rules) of one entity within a time span',
  baseline: "first-seen: a term (IP, device, …) new to the entity's history",
  geo: "geo-velocity between an entity's consecutive sign-ins",
  anomaly: "volume per time bucket against the entity's own history (z-scores)",
};

/** Keys every rule has, and the kinds' functions: none of them is a parameter. */
const NOT_PARAMETERS = new Set([
  'id', 'title', 'description', 'severity', 'severityNote', 'attack', 'eventTypes', 'fields', 'runbook', 'dedupe',
  'enabled', 'subject', 'allowList', 'kind', 'match', 'filter', 'observe', 'judge', 'terms', 'entity', 'key',
]);
/** Functions that are conditions of the rule (thresholds written in code): named, explained by the description. */
const CONDITIONS: Readonly<Record<string, string>> = {
  having: 'an extra condition on a window that meets the threshold (see the description)',
  decide: 'the anomaly test on a bucket (see the description)',
  count: 'extra measure: the number of events of a bucket that a condition accepts (see the description)',
};

interface Parameter {
  readonly name: string;
  readonly value: string;
  readonly meaning: string;
}

function meaningOf(rule: Rule, path: string): { unit?: string; meaning: string } {
  const last = path.split('.').pop()!;
  if (path.startsWith('measures.') && last === 'distinct') return { meaning: 'extra measure: distinct values of this field per bucket' };
  switch (last) {
    case 'window':
      return { unit: 'min', meaning: 'sliding window' };
    case 'threshold':
      return rule.kind === 'threshold' && rule.distinct
        ? { meaning: `minimum number of distinct ${code(rule.distinct)} values per group in one window` }
        : { meaning: 'minimum number of matching events per group in one window' };
    case 'distinct':
      return { meaning: 'field whose distinct values are counted (case-insensitively); events without it are skipped' };
    case 'minEvents':
      return { meaning: 'minimum number of matching events per group in one window (implied by the extra condition)' };
    case 'countOnceBy':
      return { meaning: "events of one group sharing this field's value count once (one attempt logged as several events)" };
    case 'within':
      return rule.kind === 'sequence' && rule.absent
        ? { unit: 'min', meaning: 'time the second step has to follow the first before the rule reports its absence' }
        : { unit: 'min', meaning: 'maximum span from the first step to the second' };
    case 'absent':
      return { meaning: 'the rule reports a first step NOT followed by the second' };
    case 'atLeast':
      return { meaning: 'matching events of the first step needed before the second step' };
    case 'alerts':
      return {
        meaning:
          path === 'then.alerts'
            ? "detections of these rules make the second step ('*': any other rule except the first step's)"
            : 'detections of these rules make the first step',
      };
    case 'minSeverity':
      return { meaning: 'only detections at least this severe count for the step' };
    case 'historyDays':
      return rule.kind === 'anomaly'
        ? { unit: 'days', meaning: "how far back the entity's earlier active buckets are compared" }
        : { unit: 'days', meaning: 'a term not seen for this long is new again' };
    case 'minHistoryDays':
      return { unit: 'days', meaning: 'learning period: no alert until the entity (or tenant) has been observed this long' };
    case 'learning':
      return { meaning: "whose first observation starts the learning clock ('entity' or the whole 'tenant')" };
    case 'maxSpeedKmh':
      return { unit: 'km/h', meaning: 'travel speed between consecutive sign-ins above which the rule alerts' };
    case 'minDistanceKm':
      return { unit: 'km', meaning: 'sign-ins closer than this are geo-IP noise and never alert' };
    case 'bucketMinutes':
      return { unit: 'min', meaning: 'events are counted per entity in buckets of this length' };
    case 'minHistoryBuckets':
      return { meaning: 'active history buckets needed before the rule judges a bucket (cold start)' };
    default:
      return { meaning: '—' };
  }
}

/** Defaults the engine applies when a rule leaves a parameter out, shown so the reader sees the value in force. */
function withDefaults(rule: Rule): Record<string, unknown> {
  const values: Record<string, unknown> = { ...rule };
  if (rule.kind === 'geo' && rule.minDistanceKm === undefined) values.minDistanceKm = DEFAULT_MIN_DISTANCE_KM;
  if (rule.kind === 'anomaly' && rule.minHistoryBuckets === undefined) values.minHistoryBuckets = DEFAULT_MIN_HISTORY_BUCKETS;
  if (rule.kind === 'baseline' && rule.learning === undefined) values.learning = 'entity';
  if (rule.kind === 'sequence' && !isAlertStep(rule.first) && rule.first.atLeast === undefined) {
    values.first = { ...rule.first, atLeast: 1 };
  }
  return values;
}

function tunablePath(rule: Rule): string | undefined {
  if (rule.kind === 'threshold') return 'threshold';
  if (rule.kind === 'sequence' && !isAlertStep(rule.first)) return 'first.atLeast';
  return undefined;
}

/** The rule's parameters (windows, thresholds, spans, history…), nested steps included, sorted by name. */
function parameters(rule: Rule, ctx: Context, page: string): Parameter[] {
  const out: Parameter[] = [];
  const tunable = tunablePath(rule);
  const walk = (value: unknown, path: string) => {
    const last = path.split('.').pop()!;
    if (value === undefined || (NOT_PARAMETERS.has(last) && !path.startsWith('measures.'))) return;
    if (typeof value === 'function') {
      if (CONDITIONS[last]) out.push({ name: path, value: 'in code', meaning: CONDITIONS[last] });
      return;
    }
    if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' || Array.isArray(value)) {
      const { unit, meaning } = meaningOf(rule, path);
      let shown: string;
      if (Array.isArray(value)) shown = value.map((v) => (last === 'alerts' ? ruleLink(String(v), ctx, page) : code(String(v)))).join(', ');
      else if (typeof value === 'string') shown = code(value);
      else shown = `${String(value)}${unit ? ` ${unit}` : ''}`;
      const setting = path === tunable ? `; a tenant sets it with ${code(`rules.${rule.id}.threshold`)}` : '';
      out.push({ name: path, value: shown, meaning: meaning + setting });
      return;
    }
    if (value && typeof value === 'object') {
      for (const key of Object.keys(value).sort(byString)) walk((value as Record<string, unknown>)[key], `${path}.${key}`);
    }
  };
  const values = withDefaults(rule);
  for (const key of Object.keys(values).sort(byString)) walk(values[key], key);
  out.push({
    name: 'dedupe period',
    value: `${rule.dedupe.periodMinutes} min`,
    meaning: 'a new match of the same entity within this period merges into the open detection',
  });
  return out;
}

function settingsOf(rule: Rule, ctx: Context): string[] {
  const settings = [code(`rules.${rule.id}.enabled`)];
  if (tunablePath(rule)) settings.push(`${code(`rules.${rule.id}.threshold`)} (sets ${code(tunablePath(rule)!)})`);
  settings.push(code(`rules.${rule.id}.allowList`));
  for (const name of ctx.sigma.placeholders.get(rule.id) ?? []) settings.push(code(`sigmaPlaceholders.${name}`));
  return settings;
}

// --- pages -----------------------------------------------------------------------------------------------------

const GENERATED = '<!-- Generated by scripts/rule-docs.ts from the rule definitions: do not edit, run `npm run docs:rules`. -->';

function ruleSection(rule: Rule, ctx: Context, page: string): string {
  const policy = allowListPolicy(rule);
  const source = ctx.sigma.sources.get(rule.id);
  const rows: Array<[string, string]> = [
    ['Kind', `${rule.kind}: ${KIND_MEANING[rule.kind]}`],
    ['Severity', severityDetail(rule)],
    ['On by default', rule.enabled ? 'yes' : 'no (a tenant turns it on in its detection settings)'],
    ['ATT&CK tactics', listOr(rule.attack.tactics.map(tacticLink), '—')],
    ['ATT&CK techniques', listOr(rule.attack.techniques.map(techniqueLink), '—')],
    ['Event types', listOr(rule.eventTypes.map(code), rule.kind === 'sequence' ? 'none of its own (it reads detections)' : NOT_DECLARED)],
    ['Fields read', listOr(rule.fields.map(code), NOT_DECLARED)],
    [
      'Allow-lists',
      policy === 'apply'
        ? "apply: the tenant's allow-listed IP ranges, ASNs and service accounts are hidden from the rule"
        : "ignore: the rule sees allow-listed events too (what they change matters whoever does it)",
    ],
    ['Detection settings', settingsOf(rule, ctx).join(', ')],
  ];
  if (source) rows.push(['Defined in', `[${source}](${relative(RULE_DOCS_DIR, join(ROOT, source))})`]);
  const params = parameters(rule, ctx, page);
  const lines = [
    `### ${rule.id}`,
    '',
    `**${rule.title}**`,
    '',
    rule.description.trim() || NOT_DECLARED,
    '',
    '| | |',
    '|---|---|',
    ...rows.map(([name, value]) => `| ${name} | ${cell(value)} |`),
    '',
    '| Parameter | Value | Meaning |',
    '|---|---|---|',
    ...params.map((p) => `| ${cell(p.name.includes(' ') ? p.name : code(p.name))} | ${cell(p.value)} | ${cell(p.meaning)} |`),
    '',
    `**Runbook:** ${rule.runbook.trim() || NOT_DECLARED}`,
    '',
  ];
  return trimLines(lines.join('\n'));
}

function sectionPage(section: Section, ctx: Context): string {
  return [
    `# ${section.title} rules`,
    '',
    GENERATED,
    '',
    section.intro,
    '',
    `${section.rules.length} rules, by id. Back to the [index](README.md).`,
    '',
    ...section.rules.map((rule) => ruleSection(rule, ctx, section.file)),
  ].join('\n');
}

function indexPage(sections: readonly Section[], ctx: Context): string {
  const all = sections.flatMap((s) => s.rules.map((rule) => ({ rule, file: s.file })));
  const rows = all.map(
    ({ rule, file }) =>
      `| ${ruleLink(rule.id, ctx, 'README.md')} | ${cell(rule.title)} | ${severitySummary(rule)} | ${rule.kind} | ` +
      `${cell(rule.attack.techniques.join(', ') || '—')} | ${rule.enabled ? 'yes' : 'no'} | [${file.replace(/\.md$/, '')}](${file}) |`,
  );
  return [
    '# Detection rules',
    '',
    GENERATED,
    '',
    `${all.length} rules: ${sections.map((s) => `${s.rules.length} ${s.title.toLowerCase()}`).join(', ')}. The catalogue's rules are`,
    'TypeScript definitions in `detections/rules/`; the Sigma rules are the YAML files in `sigma-rules/` that the',
    "worker loads by default (`SIGMA_RULES_DIR`). Each rule's entry gives its severity (and what changes it), ATT&CK",
    'tactics and techniques, the event types and fields it reads, its parameters (windows, thresholds, history) and',
    'the detection settings a tenant can change, and the runbook: what the analyst checks first.',
    '',
    '| Section | Rules |',
    '|---|---|',
    ...sections.map((s) => `| [${s.title}](${s.file}) | ${cell(s.intro)} |`),
    '',
    'A severity shown as a range (`medium–high`) is computed from the events of each match; the rule\'s entry says how.',
    '',
    '| Rule | Title | Severity | Kind | ATT&CK techniques | On by default | Section |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    'Regenerate after changing a rule: `npm run docs:rules` (`test/unit/rule-docs.test.ts` fails while these pages are',
    'stale).',
    '',
  ].join('\n');
}

// --- the rules -------------------------------------------------------------------------------------------------

/** Each Sigma rule's file, from the files' own `id`/`title` (the loader's id scheme), and its placeholders. */
function sigmaFacts(sigmaDir: string, placeholders: Readonly<Record<string, readonly string[]>>): SigmaFacts {
  const sources = new Map<string, string>();
  for (const file of ruleFiles(sigmaDir)) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const root: unknown = 'toJS' in doc ? doc.toJS() : undefined;
      if (!root || typeof root !== 'object') continue;
      const { id, title } = root as { id?: unknown; title?: unknown };
      if (typeof title !== 'string') continue;
      const ruleId = ruleIdOf(typeof id === 'string' ? id : undefined, title.trim());
      const path = relative(ROOT, file).split('\\').join('/');
      if (!sources.has(ruleId)) sources.set(ruleId, path.startsWith('..') ? basename(file) : path);
    }
  }
  const byRule = new Map<string, string[]>();
  for (const name of Object.keys(placeholders).sort(byString)) {
    for (const ruleId of placeholders[name]) byRule.set(ruleId, [...(byRule.get(ruleId) ?? []), name]);
  }
  return { sources, placeholders: byRule };
}

function load(sigmaDir: string): { sections: Section[]; ctx: Context } {
  const sigma = loadSigmaRules(sigmaDir);
  if (sigma.errors.length > 0) throw new Error(`Shipped Sigma rules do not load:\n${sigma.errors.map((e) => e.message).join('\n')}`);
  const byId = (rules: readonly Rule[]) => [...rules].sort((a, b) => byString(a.id, b.id));
  const sections: Section[] = [
    { file: 'privilege.md', title: 'Privilege', intro: 'Administrator roles, policies, apps, tokens and agents: changes that widen access to the org.', rules: byId(privilegeRules) },
    { file: 'credential.md', title: 'Credential', intro: 'Password attacks, MFA abuse and account recovery.', rules: byId(credentialRules) },
    { file: 'session.md', title: 'Session', intro: "Sessions, sign-in context, OAuth and Okta's own risk signals.", rules: byId(sessionRules) },
    {
      file: 'sigma.md',
      title: 'Sigma',
      intro: 'The Sigma rules shipped in `sigma-rules/` (the default `SIGMA_RULES_DIR`), as the engine compiled them.',
      rules: byId(sigma.rules),
    },
  ];
  const pageOf = new Map(sections.flatMap((s) => s.rules.map((rule) => [rule.id, s.file] as const)));
  return { sections, ctx: { pageOf, sigma: sigmaFacts(sigmaDir, sigma.placeholders) } };
}

/** The rules as documented: one section per page. */
export function ruleSections(sigmaDir = SHIPPED_SIGMA_DIR): Section[] {
  return load(sigmaDir).sections;
}

/** Every file of docs/rules/ and its content. */
export function ruleDocs(sigmaDir = SHIPPED_SIGMA_DIR): Map<string, string> {
  const { sections, ctx } = load(sigmaDir);
  const files = new Map<string, string>([['README.md', indexPage(sections, ctx)]]);
  for (const section of sections) files.set(section.file, sectionPage(section, ctx));
  return files;
}

/** Writes docs/rules/ and removes pages no longer generated. */
export function writeRuleDocs(dir = RULE_DOCS_DIR, files = ruleDocs()): void {
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) if (name.endsWith('.md') && !files.has(name)) rmSync(join(dir, name));
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = ruleDocs();
  writeRuleDocs(RULE_DOCS_DIR, files);
  console.log(`docs/rules/ written from the rule definitions: ${[...files.keys()].join(', ')}`);
}

/** Catalogue sanity checks, run once at load so a broken rule fails at start-up, not in the middle of a run. */
import { field } from './fields.js';
import { isAlertStep } from './settings.js';
import { SEVERITIES, type Rule, type SequenceRule, type SequenceStep } from './types.js';

const RULE_ID = /^okta-[a-z0-9]+(?:-[a-z0-9]+)*$/;
const TACTIC = /^TA\d{4}$/;
const TECHNIQUE = /^T\d{4}(?:\.\d{3})?$/;

export function validateRules(rules: readonly Rule[]): void {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const rule of rules) {
    const where = rule.id || '(rule without id)';
    const problem = (text: string) => problems.push(`${where}: ${text}`);
    if (!RULE_ID.test(rule.id)) problem('id must look like okta-some-name');
    if (ids.has(rule.id)) problem('duplicate id');
    ids.add(rule.id);
    if (typeof rule.severity === 'string' && !SEVERITIES.includes(rule.severity)) problem(`unknown severity ${rule.severity}`);
    if (rule.attack.tactics.length === 0 || !rule.attack.tactics.every((id) => TACTIC.test(id))) problem('bad ATT&CK tactics');
    if (!rule.attack.techniques.every((id) => TECHNIQUE.test(id))) problem('bad ATT&CK techniques');
    // A chain of two alert steps reads no events of its own.
    const readsEvents = !(rule.kind === 'sequence' && isAlertStep(rule.first) && isAlertStep(rule.then));
    if (rule.eventTypes.length === 0 && readsEvents) problem('eventTypes is empty (use ["*"] for every type)');
    if (rule.allowList !== undefined && rule.allowList !== 'apply' && rule.allowList !== 'ignore') {
      problem("allowList must be 'apply' or 'ignore'");
    }
    if (!(rule.dedupe.periodMinutes > 0)) problem('dedupe.periodMinutes must be > 0');
    for (const path of rule.fields) {
      try {
        field(path);
      } catch (error) {
        problem((error as Error).message);
      }
    }
    const checkPath = (path: string | undefined) => {
      if (path === undefined) return;
      try {
        field(path);
      } catch (error) {
        problem((error as Error).message);
      }
    };
    switch (rule.kind) {
      case 'single':
        break;
      case 'threshold':
        if (!(rule.window > 0)) problem('window must be > 0 minutes');
        if (!Number.isInteger(rule.threshold) || rule.threshold < 1) problem('threshold must be a positive integer');
        if (rule.minEvents !== undefined && (!Number.isInteger(rule.minEvents) || rule.minEvents < 1)) problem('minEvents must be a positive integer');
        checkPath(rule.distinct);
        checkPath(rule.countOnceBy);
        break;
      case 'sequence':
        validateSequence(rule, problem, checkPath);
        break;
      case 'baseline':
        if (!(rule.historyDays > 0)) problem('historyDays must be > 0');
        if (!(rule.minHistoryDays >= 0)) problem('minHistoryDays must be >= 0');
        if (rule.learning !== undefined && rule.learning !== 'entity' && rule.learning !== 'tenant') {
          problem("learning must be 'entity' or 'tenant'");
        }
        break;
      case 'anomaly':
        if (!(rule.bucketMinutes > 0) || 1440 % rule.bucketMinutes !== 0) problem('bucketMinutes must divide a day');
        if (!(rule.historyDays > 0)) problem('historyDays must be > 0');
        if (rule.minHistoryBuckets !== undefined && !(rule.minHistoryBuckets >= 0)) problem('minHistoryBuckets must be >= 0');
        for (const [name, measure] of Object.entries(rule.measures ?? {})) {
          if (name === 'count') problem("measure name 'count' is reserved for the event count");
          if ('distinct' in measure) checkPath(measure.distinct);
          else if (typeof measure.count !== 'function') problem(`measure ${name} needs distinct or count`);
        }
        if (typeof rule.decide !== 'function') problem('decide must be a function');
        break;
      case 'geo':
        if (!(rule.maxSpeedKmh > 0)) problem('maxSpeedKmh must be > 0');
        if (rule.minDistanceKm !== undefined && !(rule.minDistanceKm >= 0)) problem('minDistanceKm must be >= 0');
        break;
      default:
        problem(`unknown kind ${String((rule as { kind?: unknown }).kind)}`);
    }
  }
  if (problems.length > 0) throw new Error(`Invalid detection rules:\n${problems.join('\n')}`);
}

function validateSequence(rule: SequenceRule, problem: (text: string) => void, checkPath: (path: string | undefined) => void): void {
  if (!(rule.within > 0)) problem('within must be > 0 minutes');
  const check = (step: SequenceStep | undefined, name: 'first' | 'then') => {
    if (!step || typeof step !== 'object') {
      problem(`${name} step is missing`);
      return;
    }
    if (isAlertStep(step)) {
      if (rule.absent) problem(`${name}: absence rules take event steps only`);
      if (step.alerts === '*' ? name === 'first' : step.alerts.length === 0) {
        problem(`${name}: alerts must list rule ids ('*' only in then)`);
      }
      if (step.alerts !== '*' && step.alerts.includes(rule.id)) problem(`${name}: a rule cannot chain its own detections`);
      if (step.minSeverity !== undefined && !SEVERITIES.includes(step.minSeverity)) problem(`${name}: unknown minSeverity`);
      return;
    }
    if (typeof step.match !== 'function') problem(`${name}: match must be a function`);
    if (step.atLeast !== undefined && (!Number.isInteger(step.atLeast) || step.atLeast < 1)) {
      problem(`${name}: atLeast must be a positive integer`);
    }
    if (name === 'then' && (step.atLeast ?? 1) !== 1) problem('then: atLeast is only supported on first');
    if (rule.absent && (step.atLeast ?? 1) !== 1) problem(`${name}: absence rules take atLeast 1`);
    checkPath(step.countOnceBy);
  };
  check(rule.first, 'first');
  check(rule.then, 'then');
}

/** Sigma rule metadata → engine rule metadata: level → severity, ATT&CK tags, rule id, runbook line. */
import type { AttackMapping, Severity } from '../types.js';

/** Matches per actor (single rules) or per group (correlations, at least this long) merge into one detection. */
export const SIGMA_DEDUPE_PERIOD_MINUTES = 60;

const LEVELS: Readonly<Record<string, Severity>> = {
  informational: 'info',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
};

/** Sigma `level` → severity; undefined for an unknown level. */
export function severityOf(level: string): Severity | undefined {
  return LEVELS[level.trim().toLowerCase()];
}

/** The 14 ATT&CK Enterprise tactics by the names Sigma tags use (`attack.privilege-escalation`). */
export const TACTIC_IDS: Readonly<Record<string, string>> = {
  reconnaissance: 'TA0043',
  'resource-development': 'TA0042',
  'initial-access': 'TA0001',
  execution: 'TA0002',
  persistence: 'TA0003',
  'privilege-escalation': 'TA0004',
  'defense-evasion': 'TA0005',
  'credential-access': 'TA0006',
  discovery: 'TA0007',
  'lateral-movement': 'TA0008',
  collection: 'TA0009',
  exfiltration: 'TA0010',
  'command-and-control': 'TA0011',
  impact: 'TA0040',
};

/**
 * `attack.t1098.003` → technique T1098.003; `attack.persistence` (or the older `attack.initial_access`) → tactic.
 * Other tags (`attack.g0125` groups, `attack.s0002` software, `cve.*`, `detection.*`) carry no tactic or technique.
 */
export function attackOf(tags: readonly string[]): AttackMapping {
  const tactics = new Set<string>();
  const techniques = new Set<string>();
  for (const raw of tags) {
    const tag = raw.trim().toLowerCase();
    if (!tag.startsWith('attack.')) continue;
    const name = tag.slice('attack.'.length);
    if (/^t\d{4}(?:\.\d{3})?$/.test(name)) techniques.add(name.toUpperCase());
    else {
      const tactic = TACTIC_IDS[name.replace(/_/g, '-')];
      if (tactic) tactics.add(tactic);
    }
  }
  return { tactics: [...tactics], techniques: [...techniques] };
}

/** `sigma-<uuid>`, or `sigma-<slug of the title>` when the rule has no id. */
export function ruleIdOf(sigmaId: string | undefined, title: string): string {
  const base = sigmaId !== undefined && sigmaId.trim() !== '' ? sigmaId : title;
  return `sigma-${slug(base) || 'rule'}`;
}

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
}

/** One line for the analyst: the rule's known false positives to rule out first. */
export function runbookOf(falsePositives: readonly string[]): string {
  const listed = falsePositives
    .map((item) => item.replace(/\s+/g, ' ').trim())
    .filter((item) => item !== '' && item.toLowerCase() !== 'unknown');
  if (listed.length === 0) {
    return 'Review the matching event (actor, client IP, targets) against the rule description; the rule lists no known false positives.';
  }
  return `Rule out the known false positives first (${listed.join('; ')}), then review the actor, client IP and targets of the matching event.`;
}

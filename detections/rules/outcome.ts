/**
 * How the catalogue reads `outcome.result`, which Okta does not always send. Absent means unknown, never "failed":
 * an event whose type records an action (`user.account.privilege.grant`, `system.api_token.create`, …) is taken to
 * say the action happened unless Okta logged a result other than success. A logged failure of a privileged action is
 * an attempt, which most rules still report, one severity lower (`attemptAware`).
 *
 * Every helper reads one field through the precompiled accessor and allocates nothing per event.
 */
import { commonFields, isOneOf } from '../log-event.js';
import { SEVERITIES, type OktaLogEvent, type Severity, type SeverityNote } from '../types.js';

/** Results that say the action was carried out (ALLOW: policy and ThreatInsight events). */
const CARRIED_OUT = ['SUCCESS', 'ALLOW'];
const UNKNOWN = ['UNKNOWN'];

function isUnknownResult(result: string | undefined): boolean {
  return result === undefined || result === '' || isOneOf(result, UNKNOWN);
}

/** Okta did not say how the action ended: no `outcome`, a null or empty result, or the result UNKNOWN. */
export function outcomeUnknown(event: OktaLogEvent): boolean {
  return isUnknownResult(commonFields.outcomeResult.text(event));
}

/**
 * The action the event type records happened, or Okta did not say: SUCCESS, ALLOW or an unknown outcome. For event
 * types that record an action (configuration changes, grants, enrolments); not for sign-in events, which Okta logs
 * for failed attempts too (see `startedSession` in credential/helpers.ts).
 */
export function carriedOut(event: OktaLogEvent): boolean {
  const result = commonFields.outcomeResult.text(event);
  return isUnknownResult(result) || isOneOf(result, CARRIED_OUT);
}

/** Okta logged a result other than success (FAILURE, DENY, SKIPPED, …): the action was only attempted. */
export function attemptOnly(event: OktaLogEvent): boolean {
  return !carriedOut(event);
}

/** One level less severe; info stays info. */
export function lowerSeverity(severity: Severity): Severity {
  return SEVERITIES[Math.max(0, SEVERITIES.indexOf(severity) - 1)];
}

/**
 * Severity of a match that may hold refused attempts: the rule's severity over the events that were carried out (or
 * whose outcome is unknown); when every event is a refused attempt, one level lower. Computed once per match.
 */
export function attemptAware(
  severity: Severity | ((events: readonly OktaLogEvent[]) => Severity),
): (events: readonly OktaLogEvent[]) => Severity {
  const of = typeof severity === 'function' ? severity : () => severity;
  return (events) => {
    const done = events.filter(carriedOut);
    return done.length > 0 ? of(done) : lowerSeverity(of(events));
  };
}

/**
 * The `severityNote` of an `attemptAware` severity, given what was passed to it: a fixed severity, or the note of the
 * function passed. Adds the lower levels and says when they apply.
 */
export function attemptAwareNote(base: Severity | SeverityNote): SeverityNote {
  const refused = 'when every event of the match is a refused attempt (a logged result other than SUCCESS or ALLOW)';
  if (typeof base === 'string') {
    return { levels: SEVERITIES.filter((l) => l === base || l === lowerSeverity(base)), how: `${base}; ${lowerSeverity(base)} ${refused}` };
  }
  const levels = new Set([...base.levels, ...base.levels.map(lowerSeverity)]);
  return { levels: SEVERITIES.filter((l) => levels.has(l)), how: `${base.how}; one level lower ${refused}` };
}

/** Description sentences, so every rule states its outcome handling the same way. */
export const outcomeNote = {
  /** The rule reports refused attempts one level lower (`attemptAware`). */
  attempts:
    ' Without an outcome in the event the action is taken as done; a refused attempt (FAILURE, DENY) is reported one ' +
    'severity level lower.',
  /** The rule ignores refused attempts, for the reason given. */
  carriedOutOnly: (why: string): string =>
    ` Without an outcome in the event the action is taken as done; refused attempts are not reported: ${why}`,
} as const;

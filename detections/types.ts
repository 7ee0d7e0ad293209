/**
 * Detection model. A rule is data (id, metadata, thresholds) plus a few small pure functions, so the
 * catalogue can be listed, tuned per tenant and later generated from Sigma without touching the engine.
 */

/**
 * A raw Okta System Log event, exactly as received (LogEvent JSON). Only what the engine itself relies on is typed;
 * rules read everything else through `fields.ts`, which copes with case, arrays, nulls and packed strings.
 * Structurally the same as the ingestion pipeline's event type, so its events pass straight in.
 */
export interface OktaLogEvent {
  readonly uuid: string;
  /** ISO-8601 UTC, e.g. 2024-08-13T15:58:20.353Z */
  readonly published: string;
  readonly eventType: string;
  readonly [field: string]: unknown;
}

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/** MITRE ATT&CK ids, e.g. tactics ['TA0003'], techniques ['T1098.003']. */
export interface AttackMapping {
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
}

/** The Okta user a detection is about (the victim or the suspect, whichever the rule names). */
export interface SubjectUser {
  readonly id?: string;
  readonly alternateId?: string;
}

export interface DedupePolicy {
  /** The caller merges a match into an open detection with the same dedupeKey seen this recently. */
  readonly periodMinutes: number;
  /**
   * Group key: the entity the detection is about, e.g. 'user:00u1abc' or 'ip:203.0.113.9'. It must depend on the
   * event only (never on time or on the run), so one burst gets the same key whichever run sees it.
   * Threshold rules count per group and skip events without a key; single rules treat a keyless event as its own group.
   */
  readonly key: (event: OktaLogEvent) => string | undefined;
}

interface RuleBase {
  /** Catalogue id, e.g. 'okta-admin-role-granted-user'. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** Fixed, or computed from the events of one match (e.g. Super administrator → critical). */
  readonly severity: Severity | ((events: readonly OktaLogEvent[]) => Severity);
  readonly attack: AttackMapping;
  /** Event types the rule can match; a trailing '*' is a prefix glob. The engine shows the rule only these events. */
  readonly eventTypes: readonly string[];
  /** Field paths the rule reads (documentation, validation and future per-tenant field maps). */
  readonly fields: readonly string[];
  /** One line telling the analyst what to check first. */
  readonly runbook: string;
  readonly dedupe: DedupePolicy;
  /** Default state; a tenant setting may override it. */
  readonly enabled: boolean;
  /** Who the detection is about. Default: the actor, when every event of the match has the same User actor. */
  readonly subject?: (events: readonly OktaLogEvent[]) => SubjectUser | undefined;
}

/** One event is enough. */
export interface SingleRule extends RuleBase {
  readonly kind: 'single';
  readonly match: (event: OktaLogEvent) => boolean;
}

/** Count, or distinct count, of filtered events per group within a sliding window. */
export interface ThresholdRule extends RuleBase {
  readonly kind: 'threshold';
  /** Which events count. */
  readonly filter: (event: OktaLogEvent) => boolean;
  /** Sliding window length in minutes. */
  readonly window: number;
  /** Minimum event count in one window, or minimum number of distinct `distinct` values when that is set. */
  readonly threshold: number;
  /** Field path whose distinct values are counted (compared case-insensitively); events without it are skipped. */
  readonly distinct?: string;
  /** Field path identifying one attempt: events of a group sharing its value count once (Okta logs one sign-in as several events). */
  readonly countOnceBy?: string;
  /** Extra condition on a window that already meets the threshold (two-level and ratio rules). */
  readonly having?: (stats: WindowStats) => boolean;
}

/**
 * All rule kinds. Sequence, baseline and geo-velocity kinds join this union later; the engine switches
 * exhaustively on `kind`, so the compiler points at every place a new kind must be handled.
 */
export type Rule = SingleRule | ThresholdRule;
export type RuleKind = Rule['kind'];

/** What a threshold rule's `having` sees about the current window. */
export interface WindowStats {
  readonly count: number;
  readonly distinct: number;
  /** Highest number of events sharing one distinct value (0 without `distinct`). */
  readonly maxPerValue: number;
  /** Events per distinct value (empty without `distinct`). */
  readonly perValue: ReadonlyMap<string, number>;
}

export interface DetectionMatch {
  readonly ruleId: string;
  readonly title: string;
  readonly severity: Severity;
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  /** Stable entity key, e.g. 'user:00u1abc', 'ip:203.0.113.9'. */
  readonly groupKey: string;
  /** `${ruleId}:${groupKey}` */
  readonly dedupeKey: string;
  readonly dedupePeriodMinutes: number;
  readonly subjectUserId?: string;
  /** The subject's alternateId (login). */
  readonly subjectUser?: string;
  readonly firstEventAt: string;
  readonly lastEventAt: string;
  /** Up to the evidence cap, oldest first; always holds the events that met the rule. */
  readonly evidenceUuids: readonly string[];
  /** Events in the match (after countOnceBy). */
  readonly count: number;
  /** Highest distinct count reached in one window (threshold rules with `distinct`). */
  readonly distinctCount?: number;
  readonly runbook: string;
}

/** Per-rule tenant override. Allow-lists and placeholders will join here. */
export interface RuleOverride {
  readonly enabled?: boolean;
  readonly threshold?: number;
}

export interface DetectionSettings {
  readonly rules?: Readonly<Record<string, RuleOverride | undefined>>;
}

export interface EvaluateOptions {
  /** True for events of this run, false for look-back events judged in an earlier run. Default: all new. */
  readonly isNew?: (event: OktaLogEvent) => boolean;
  readonly settings?: DetectionSettings;
  /** Maximum evidence uuids per match. Default 50. */
  readonly evidenceCap?: number;
  /** When set, a rule that throws is reported here and skipped; otherwise the error propagates. */
  readonly onRuleError?: (ruleId: string, error: unknown) => void;
}

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

/** How a computed severity is decided (`severityNote` of a rule). */
export interface SeverityNote {
  /** Every level the computation can return. */
  readonly levels: readonly Severity[];
  /** What chooses between them, e.g. 'critical when a granted role is Super administrator, else high'. */
  readonly how: string;
}

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
  /**
   * For a computed `severity`: the levels it takes and what decides between them, for the rule reference in
   * docs/rules/ (`npm run docs:rules`). Documentation only: the engine does not read it.
   */
  readonly severityNote?: SeverityNote;
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
  /**
   * Whether the tenant's allow-lists hide allow-listed events from this rule. Default by kind: 'ignore' for `single`
   * (mostly configuration changes, which matter whoever makes them), 'apply' for every other kind (counting,
   * sequences, baselines and geo-velocity over sign-ins). A tenant override (`RuleOverride.allowList`) wins.
   */
  readonly allowList?: AllowListPolicy;
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
  /**
   * Fewest events a window holds to meet the rule (default: no bound beyond `threshold`). For a `having` that needs
   * more events than `threshold` says (3 challenges, when 1 distinct outcome is the threshold): groups with fewer
   * events are passed over without sliding a window.
   */
  readonly minEvents?: number;
}

/** Whether tenant allow-lists (`DetectionSettings.allow`) hide allow-listed events from a rule. */
export type AllowListPolicy = 'apply' | 'ignore';

/** One step of a sequence rule that matches raw events. */
export interface SequenceEventStep {
  readonly match: (event: OktaLogEvent) => boolean;
  /**
   * Minimum number of matching events before the next step (EQL `runs`, "5 rejected pushes then …"). Default 1.
   * Only on `first`; a tenant's `threshold` override sets it.
   */
  readonly atLeast?: number;
  /** Field path: events of one entity sharing its value count once toward `atLeast` (one attempt logged twice). */
  readonly countOnceBy?: string;
  /** Entity key of this step's events; default the rule's `dedupe.key`. */
  readonly key?: (event: OktaLogEvent) => string | undefined;
}

/**
 * One step of a sequence rule that matches DETECTIONS of other rules (alert → event, alert → alert chains).
 * The detections come from the same evaluation (every candidate of the source rules, reported or not: a burst lying
 * entirely in the look-back still counts) and, for a `first` step, from state (detections of earlier runs).
 * Only rules that are not themselves alert-step sequences can be sources. A source rule the tenant disabled is still
 * evaluated silently (never reported) so the chain keeps working.
 */
export interface SequenceAlertStep {
  /** Source rule ids; '*' (only in `then`) = every other rule of the evaluation except the `first` step's sources. */
  readonly alerts: readonly string[] | '*';
  /** Only detections at least this severe (e.g. 'medium' for "non-low alerts"). */
  readonly minSeverity?: Severity;
  /**
   * Entity key applied to each event of a detection (default the rule's `dedupe.key`); a detection is about every
   * entity its events yield (a spray from one IP is about each targeted user).
   */
  readonly key?: (event: OktaLogEvent) => string | undefined;
}

export type SequenceStep = SequenceEventStep | SequenceAlertStep;

/**
 * Ordered events per entity (the entity is `dedupe.key`, or a step's own `key`):
 * - followed (default): `first` (at least `atLeast` times) then `then`, all within `within` minutes
 *   (measured from the end of a `first` detection when `first` is an alert step);
 * - absent: a `first` event NOT followed by a `then` event of the same entity within `within` minutes. Decided only
 *   once `opts.now` >= first.published + within (never without `opts.now`), and reported once (state remembers it).
 */
export interface SequenceRule extends RuleBase {
  readonly kind: 'sequence';
  readonly first: SequenceStep;
  readonly then: SequenceStep;
  /** Maximum span in minutes. */
  readonly within: number;
  /** Absence rule: alert when `then` does NOT follow. Both steps must be event steps. */
  readonly absent?: boolean;
}

/**
 * First-seen ("new terms") per entity, against history kept in state:
 * an observed NEW event whose term (e.g. its source IP) the entity has not shown within `historyDays` is reported,
 * unless the entity (or, with `learning: 'tenant'`, the whole tenant for this rule) is still learning: its first
 * ever observation is less than `minHistoryDays` before the event. So a brand-new tenant, or a user seen for the first
 * time, does not alert on everything.
 */
export interface BaselineRule extends RuleBase {
  readonly kind: 'baseline';
  /** Events that build the history (and start the learning clock), e.g. every successful sign-in of a user. */
  readonly observe: (event: OktaLogEvent) => boolean;
  /**
   * Which observed events are judged for novelty (default: all). The others only build history, e.g. every SSO
   * builds a user's known user agents, but only SSO from an unknown device is judged.
   */
  readonly judge?: (event: OktaLogEvent) => boolean;
  /** The term(s) of an observed event judged for novelty; undefined or [] = history only. Keep them short. */
  readonly terms: (event: OktaLogEvent) => string | readonly string[] | undefined;
  /** Whose history (default `dedupe.key`), e.g. () => 'org' for a tenant-wide baseline. */
  readonly entity?: (event: OktaLogEvent) => string | undefined;
  /** A term not seen for this long is new again (Elastic new_terms history window). */
  readonly historyDays: number;
  /** Learning period: no alert until the entity (or tenant) has been observed for this many days. */
  readonly minHistoryDays: number;
  /** Whose first observation starts the learning clock. Default 'entity'. */
  readonly learning?: 'entity' | 'tenant';
}

/**
 * Geo-velocity between an entity's consecutive qualifying sign-ins: great-circle distance (haversine on
 * `client.geographicalContext.geolocation`) over elapsed time above `maxSpeedKmh`. The same IP never alerts; pairs
 * closer than `minDistanceKm` are geo-IP noise. The previous sign-in comes from the evaluation's events, or from state
 * when it is older than the look-back.
 */
export interface GeoVelocityRule extends RuleBase {
  readonly kind: 'geo';
  /** Which sign-ins count (e.g. successful, not behind an anonymiser). Events without a geolocation are skipped. */
  readonly filter: (event: OktaLogEvent) => boolean;
  readonly maxSpeedKmh: number;
  /** Default 100 km. */
  readonly minDistanceKm?: number;
}

/**
 * Volume anomaly against the entity's own history (z-scores): filtered events are counted per entity and time bucket
 * (plus optional measures, e.g. distinct countries), and a bucket with new events is compared with the entity's earlier
 * ACTIVE buckets within `historyDays` (buckets with no events are not samples: sparse activity would make every active
 * bucket an outlier). History lives in state, one row per entity and calendar week. `decide` says whether the bucket
 * is anomalous; during the cold start (fewer than `minHistoryBuckets` active buckets) it sees `learning: true`.
 */
export interface AnomalyRule extends RuleBase {
  readonly kind: 'anomaly';
  readonly filter: (event: OktaLogEvent) => boolean;
  /** Whose volume (default `dedupe.key`). */
  readonly entity?: (event: OktaLogEvent) => string | undefined;
  /** Bucket length in minutes; divides a day (60 = hourly, 1440 = daily). */
  readonly bucketMinutes: number;
  readonly historyDays: number;
  /** Default 5. */
  readonly minHistoryBuckets?: number;
  /** Extra measures per bucket: distinct values of a field path, or a count of the events a predicate accepts. */
  readonly measures?: Readonly<Record<string, AnomalyMeasure>>;
  readonly decide: (bucket: AnomalyBucket) => boolean;
}

export type AnomalyMeasure = { readonly distinct: string } | { readonly count: (event: OktaLogEvent) => boolean };

/** Measure values of one bucket: `count` (events) and each of the rule's measures. */
export type BucketValues = Readonly<Record<string, number>>;

export interface AnomalyBucket {
  /** Bucket start, epoch ms (UTC). */
  readonly start: number;
  readonly values: BucketValues;
  /** The entity's earlier active buckets within the history window, oldest first. */
  readonly history: ReadonlyArray<{ readonly start: number; readonly values: BucketValues }>;
  /** Fewer active history buckets than `minHistoryBuckets`. */
  readonly learning: boolean;
  /** (value − mean) / max(std, 1) over the active history buckets; +Infinity when there is no history and value > 0. */
  readonly z: (measure: string) => number;
  readonly mean: (measure: string) => number;
}

/**
 * All rule kinds. The engine switches exhaustively on `kind`, so the compiler points at every place a new kind must
 * be handled.
 */
export type Rule = SingleRule | ThresholdRule | SequenceRule | BaselineRule | GeoVelocityRule | AnomalyRule;
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
  /** Kind-specific facts for the analyst (geo: speed and places; baseline: the new terms; absence: the deadline). */
  readonly details?: Readonly<Record<string, string | number>>;
}

/** Per-rule tenant override. */
export interface RuleOverride {
  readonly enabled?: boolean;
  /** Threshold rules: the threshold; sequence rules: the `first` step's `atLeast`. Ignored by other kinds. */
  readonly threshold?: number;
  /** Overrides the rule's allow-list policy. */
  readonly allowList?: AllowListPolicy;
}

/**
 * Sources a tenant trusts. An event is allow-listed when its `client.ipAddress` lies in one of `ipRanges`, OR its
 * `securityContext.asNumber` is in `asns`, OR its `actor.alternateId` is one of `serviceAccounts`
 * (case-insensitive). Rules with allow-list policy 'apply' do not see allow-listed events at all.
 */
export interface AllowList {
  /** CIDR blocks or single addresses, IPv4 or IPv6: '10.0.0.0/8', '2001:db8::/32', '203.0.113.7'. */
  readonly ipRanges?: readonly string[];
  readonly asns?: readonly number[];
  /** actor.alternateId values, compared case-insensitively. */
  readonly serviceAccounts?: readonly string[];
}

export interface DetectionSettings {
  readonly rules?: Readonly<Record<string, RuleOverride | undefined>>;
  readonly allow?: AllowList;
  /**
   * People in the integration's directory (its last sync). Filled in by the hourly run, never stored with the
   * settings: tenant-wide counts calibrated for an org of up to `CALIBRATED_FOR_USERS` grow with it.
   */
  readonly tenantUsers?: number;
}

/** Identifies one row of the caller's `detection_state` table. */
export interface StateKey {
  readonly ruleId: string;
  /** The entity, e.g. 'user:00u…', 'actor:…', 'org', or '*' for a rule-wide row. */
  readonly entity: string;
  /**
   * What is remembered about it: 'history' (baseline learning clock), 'term:<t>' (a baseline term),
   * 'last-sign-in' (geo), 'alert:<sourceRuleId>' (a detection a chain rule waits on),
   * 'reported:<event uuid>' (an absence already reported), 'week:<YYYY-MM-DD>' (anomaly buckets of a week).
   */
  readonly value: string;
}

/** A row as loaded by the caller (timestamps as ISO strings or Dates; `data` as parsed JSON). */
export interface StateRow extends StateKey {
  readonly firstSeen: string | Date;
  readonly lastSeen: string | Date;
  readonly data?: Readonly<Record<string, unknown>> | null;
}

/** The state rows the caller loaded for `stateKeys(rules, events, opts)`. Rows for other keys are ignored. */
export type DetectionState = readonly StateRow[];

/**
 * An upsert to persist. Merge rule (idempotent, order-independent):
 * first_seen = least(old, new), last_seen = greatest(old, new), expires_at = greatest(old, new),
 * data = the new data when new.last_seen >= old.last_seen (and new data is not null), else the old data.
 */
export interface StateChange extends StateKey {
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly data: Readonly<Record<string, unknown>> | null;
  /** The row may be deleted after this instant. */
  readonly expiresAt: string;
}

export interface RunResult {
  readonly matches: DetectionMatch[];
  /** Upserts to persist in the same transaction as the matches (sorted by ruleId, entity, value). */
  readonly stateChanges: StateChange[];
}

export interface EvaluateOptions {
  /** True for events of this run, false for look-back events judged in an earlier run. Default: all new. */
  readonly isNew?: (event: OktaLogEvent) => boolean;
  readonly settings?: DetectionSettings;
  /** Maximum evidence uuids per match. Default 50. */
  readonly evidenceCap?: number;
  /** When set, a rule that throws is reported here and skipped; otherwise the error propagates. */
  readonly onRuleError?: (ruleId: string, error: unknown) => void;
  /**
   * The evaluation's watermark (ISO-8601 or Date): every event published before it is assumed delivered. Absence
   * rules decide "A not followed by B within the span" only when A.published + span <= now; without `now` they never
   * fire. Nothing else reads it.
   */
  readonly now?: string | Date;
  /** State the caller loaded for `stateKeys(rules, events, opts)`. Missing rows = nothing remembered. */
  readonly state?: DetectionState;
}

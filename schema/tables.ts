// The product's PostgreSQL schema. Every tenant-owned row carries its integration id (tenant isolation),
// and every table that ingestion writes has a natural key so that retries and redeliveries are no-ops.
// Row types come from here: `typeof table.$inferSelect` / `$inferInsert` for drizzle queries, `RawRow` / `RawInsert`
// (end of file) for raw postgres.js queries on `db.$client`.
import { sql, type Column, type InferInsertModel, type Table } from 'drizzle-orm';
import {
  bigserial,
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

// Generic in the name so that a column's SQL name stays a literal type (RawRow keys columns by it).
const ts = <Name extends string>(name: Name) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => ts('created_at').notNull().defaultNow();

export const tenants = pgTable('tenants', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

/** See integrations/status.ts for the transitions between these states. */
export const integrationStatus = pgEnum('integration_status', [
  'validating_credentials',
  'credentials_invalid',
  'syncing_directory',
  'awaiting_log_stream',
  'log_stream_misconfigured',
  'awaiting_first_event',
  'streaming',
  'polling',
  'paused',
  'degraded',
  'removed',
]);

/**
 * How the System Log reaches us: Okta Log Streaming through EventBridge and SQS, or the hourly run reading the
 * System Log API (tenants without the Log Streaming module).
 */
export const ingestMode = pgEnum('ingest_mode', ['streaming', 'polling']);

/** The AWS side of an integration (`integrations.aws_route`). Times are ISO 8601. */
export interface AwsRoute {
  /** Who builds the route: onboarding (`workflow`) or an operator's CloudFormation stack (`manual`). */
  setup: 'workflow' | 'manual';
  /** The partner event source's name and its state when last looked at. */
  source: string;
  sourceState: 'absent' | 'PENDING' | 'ACTIVE' | 'DELETED';
  /** When each step was last done (absent: not yet). */
  steps: Partial<Record<'partnerEventBus' | 'rule' | 'queuePolicy' | 'target', string>>;
  ruleArn?: string;
  checkedAt: string;
  /** What is wrong with the route; empty when it leads to the queue. */
  problems: string[];
}

export const integrations = pgTable(
  'integrations',
  {
    /** Also the Okta log stream's "AWS Event Source Name". */
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    name: text('name').notNull(),
    status: integrationStatus('status').notNull().default('validating_credentials'),
    /** What is wrong and what to do, for the current status; null when all is well. */
    statusDetail: text('status_detail'),
    oktaDomain: text('okta_domain').notNull(),
    /** The org's subdomain, as it appears in the EventBridge source `aws.partner/okta.com/<org>/<id>`. */
    oktaOrg: text('okta_org').notNull(),
    /**
     * The org's custom domain (e.g. login.acme.com), registered with `integrations create --custom-domain`: the only
     * host besides *.okta.com, *.oktapreview.com and *.okta-emea.com the integration's Okta domain may be.
     */
    oktaCustomDomain: text('okta_custom_domain'),
    /** AES-256-GCM sealed Okta API token (lib/secrets.ts). */
    apiTokenEncrypted: text('api_token_encrypted').notNull(),
    eventSourceName: text('event_source_name').notNull(),
    awsAccountId: text('aws_account_id').notNull(),
    awsRegion: text('aws_region').notNull(),
    queueUrl: text('queue_url'),
    deadLetterQueueUrl: text('dead_letter_queue_url'),
    logStreamId: text('log_stream_id'),
    /**
     * The route from the partner event source to the queue, as onboarding built it and the daily check last found it
     * (aws/eventbridge.ts): which steps are done, and what is wrong. Null until onboarding reaches the AWS side.
     */
    awsRoute: jsonb('aws_route').$type<AwsRoute>(),
    firstEventAt: ts('first_event_at'),
    lastEventAt: ts('last_event_at'),
    directorySyncedAt: ts('directory_synced_at'),
    /** An hourly run that finds more detections than this sends each channel one digest instead. */
    digestAfter: integer('digest_after').notNull().default(25),
    ingestMode: ingestMode('ingest_mode').notNull().default('streaming'),
    /**
     * The System Log API cursor (the `next` link of the last page read) while the API is read: always in polling
     * mode; in streaming mode during the backfill, a gap fill (stream degraded) or a switch, until the stream has
     * taken over. Null when only the stream is read.
     */
    pollCursor: text('poll_cursor'),
    pollCursorAt: ts('poll_cursor_at'),
    /** When a streamed message last arrived (silence detection). */
    lastStreamedAt: ts('last_streamed_at'),
    /** Days of System Log read at onboarding (1–90). */
    backfillDays: integer('backfill_days').notNull().default(7),
    /** The tenant's detection settings: rules on/off, threshold overrides, allow-lists (integrations/detection-settings.ts). */
    detectionSettings: jsonb('detection_settings').notNull().default({}),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('integrations_tenant_idx').on(t.tenantId)],
);

export const notificationChannelKind = pgEnum('notification_channel_kind', ['webhook', 'slack']);
export const severity = pgEnum('severity', ['info', 'low', 'medium', 'high', 'critical']);

export const notificationChannels = pgTable('notification_channels', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  integrationId: text('integration_id')
    .notNull()
    .references(() => integrations.id, { onDelete: 'cascade' }),
  kind: notificationChannelKind('kind').notNull(),
  /** Where it goes, for display; a Slack webhook URL is itself a secret, so this shows it redacted. */
  url: text('url').notNull(),
  /** Sealed: the HMAC-SHA256 signing secret of a webhook, or the full Slack incoming-webhook URL. */
  secretEncrypted: text('secret_encrypted').notNull(),
  /**
   * Sealed: a webhook's secret before its rotation, until the rotation is finished. While set, every
   * delivery carries a signature with each secret, so a receiver holding either one verifies it.
   */
  previousSecretEncrypted: text('previous_secret_encrypted'),
  /** When the current webhook secret was set by a rotation (null: the secret given at creation). */
  secretRotatedAt: ts('secret_rotated_at'),
  minSeverity: severity('min_severity').notNull().default('low'),
  enabled: boolean('enabled').notNull().default(true),
  createdAt: createdAt(),
});

export const oktaUsers = pgTable(
  'okta_users',
  {
    integrationId: text('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    status: text('status').notNull(),
    login: text('login'),
    email: text('email'),
    displayName: text('display_name'),
    lastLogin: ts('last_login'),
    raw: jsonb('raw').notNull(),
    syncedAt: ts('synced_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.id] }), index('okta_users_login_idx').on(t.integrationId, t.login)],
);

export const oktaDevices = pgTable(
  'okta_devices',
  {
    integrationId: text('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    status: text('status').notNull(),
    displayName: text('display_name'),
    platform: text('platform'),
    raw: jsonb('raw').notNull(),
    syncedAt: ts('synced_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.id] })],
);

/** The device–user link, where Okta keeps management status and screen lock. */
export const oktaUserDevices = pgTable(
  'okta_user_devices',
  {
    integrationId: text('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    userId: text('user_id').notNull(),
    deviceId: text('device_id').notNull(),
    managementStatus: text('management_status'),
    screenLockType: text('screen_lock_type'),
    syncedAt: ts('synced_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.userId, t.deviceId] })],
);

export const oktaFactors = pgTable(
  'okta_factors',
  {
    integrationId: text('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    userId: text('user_id').notNull(),
    factorType: text('factor_type').notNull(),
    provider: text('provider'),
    status: text('status').notNull(),
    raw: jsonb('raw').notNull(),
    syncedAt: ts('synced_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.id] }), index('okta_factors_user_idx').on(t.integrationId, t.userId)],
);

export const ingestRunStatus = pgEnum('ingest_run_status', ['running', 'completed', 'failed']);

export const ingestRuns = pgTable(
  'ingest_runs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    integrationId: text('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    /** Temporal workflow id + run id: a retried activity finds its run again instead of opening another. */
    workflowId: text('workflow_id').notNull(),
    workflowRunId: text('workflow_run_id').notNull(),
    status: ingestRunStatus('status').notNull().default('running'),
    received: integer('received').notNull().default(0),
    stored: integer('stored').notNull().default(0),
    duplicates: integer('duplicates').notNull().default(0),
    quarantined: integer('quarantined').notNull().default(0),
    deleted: integer('deleted').notNull().default(0),
    detections: integer('detections').notNull().default(0),
    notificationsSent: integer('notifications_sent').notNull().default(0),
    /** Events read from the System Log API in this run, and the pages it took (polling, backfill, gap fill). */
    polled: integer('polled').notNull().default(0),
    polledPages: integer('polled_pages').notNull().default(0),
    /** 'hourly' (the Schedule or a trigger) or 'backfill' (onboarding's read of the last days). */
    kind: text('kind').notNull().default('hourly'),
    startedAt: ts('started_at').notNull().defaultNow(),
    finishedAt: ts('finished_at'),
  },
  (t) => [
    uniqueIndex('ingest_runs_workflow_run_uq').on(t.workflowRunId),
    index('ingest_runs_integration_idx').on(t.integrationId, t.startedAt),
  ],
);

// Tables that grow with events are partitioned by time (schema/partitions.ts: RANGE partitions, a DEFAULT partition
// for rows outside them, retention by dropping whole partitions); drizzle does not model partitioning, so the
// migrations that create them are written by hand (0011_time_partitions.sql).

/** Partitioned by RANGE (published), a week a partition. */
export const events = pgTable(
  'events',
  {
    integrationId: text('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    uuid: text('uuid').notNull(),
    published: ts('published').notNull(),
    eventType: text('event_type').notNull(),
    severity: text('severity'),
    actorId: text('actor_id'),
    actorAlternateId: text('actor_alternate_id'),
    actorType: text('actor_type'),
    /** Ids of every target, to filter on in SQL without reading `raw`. */
    targetIds: text('target_ids').array().notNull().default(sql`'{}'::text[]`),
    /** The targets of type User: whose Activity an event belongs to besides the actor's. */
    targetUserIds: text('target_user_ids').array().notNull().default(sql`'{}'::text[]`),
    outcomeResult: text('outcome_result'),
    outcomeReason: text('outcome_reason'),
    clientIp: text('client_ip'),
    country: text('country'),
    city: text('city'),
    sessionId: text('session_id'),
    rootSessionId: text('root_session_id'),
    raw: jsonb('raw').notNull(),
    /** The ingest run that first stored the event (detection reads what is new from `detection_backlog`). */
    ingestRunId: bigint('ingest_run_id', { mode: 'number' }),
    receivedAt: ts('received_at').notNull().defaultNow(),
  },
  (t) => [
    // The partition key is part of the key (PostgreSQL requires it of a partitioned table's unique indexes): a
    // redelivered Okta event carries the same uuid and the same `published`, so it still meets its stored copy.
    primaryKey({ columns: [t.integrationId, t.uuid, t.published] }),
    // The one other index: every reader of events (the detection pass, the daily Activity, the evidence of a
    // detection by uuid through the key) reads an integration's time range. Each index is written for every stored
    // event, so none is kept without a reader (migration 0014 dropped three that had none).
    index('events_published_idx').on(t.integrationId, t.published),
  ],
);

/**
 * Events stored and not yet analysed, per integration: every insert into `events` adds its row here in the same
 * statement, and the detection step deletes the rows it evaluated in the transaction that stores its detections. A run
 * that failed after storing leaves its events here for the next run, so nothing stored goes unanalysed.
 *
 * Written once per stored event, on the ingest path's hottest statement, so it carries one index and no foreign key:
 * - The key is the event's own key in the order the detection pass reads it (an integration's rows by `published`):
 *   one index serves both the uniqueness and the pass's range scans (bench/README.md, "The backlog row").
 * - Its rows come only from rows just stored in `events`, whose foreign key has been checked in the same statement.
 *   A second check per row here was a third of the backlog insert's cost. What the foreign key's cascade did, the
 *   trigger `integrations_delete_backlog` does (schema/migrations/0013_backlog_key.sql).
 */
export const detectionBacklog = pgTable(
  'detection_backlog',
  {
    integrationId: text('integration_id').notNull(),
    uuid: text('uuid').notNull(),
    published: ts('published').notNull(),
    /**
     * Taken as new by the detection pass under way (set chunk by chunk, deleted with its results): the pass need not
     * hold the hour's uuids. An attempt that died leaves it set; the next pass takes those rows again with their chunk.
     */
    analysed: boolean('analysed').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.published, t.uuid] })],
);

export const activitySource = pgEnum('activity_source', ['daily', 'refresh']);
/** Which path wrote an Activity row: the daily job or Refresh User Data. */
export type ActivitySource = (typeof activitySource.enumValues)[number];

/** How a user appears in an event of their Activity: its actor, one of its User targets, or both. */
export type ActivityRole = 'actor' | 'target' | 'actor+target';

/** A user's Activity table: one row per event in which the user is actor or target. Partitioned by RANGE (published), a week a partition. */
export const userActivity = pgTable(
  'user_activity',
  {
    integrationId: text('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    userId: text('user_id').notNull(),
    eventUuid: text('event_uuid').notNull(),
    published: ts('published').notNull(),
    role: text('role').$type<ActivityRole>().notNull(),
    eventType: text('event_type').notNull(),
    displayMessage: text('display_message'),
    outcomeResult: text('outcome_result'),
    clientIp: text('client_ip'),
    country: text('country'),
    city: text('city'),
    source: activitySource('source').notNull(),
    writtenAt: ts('written_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.integrationId, t.userId, t.eventUuid, t.published] }),
    index('user_activity_timeline_idx').on(t.integrationId, t.userId, t.published.desc()),
  ],
);

/**
 * Partitioned by RANGE (received_at), a month a partition. A redelivered poison message is still quarantined once: its
 * SQS MessageId is looked up across partitions under a per-integration lock (ingest/store-batch.ts `insertQuarantine`),
 * since a unique index would have to include received_at, which differs between deliveries.
 */
export const quarantine = pgTable(
  'quarantine',
  {
    id: bigserial('id', { mode: 'number' }).notNull(),
    integrationId: text('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    ingestRunId: bigint('ingest_run_id', { mode: 'number' }),
    /** SQS MessageId is stable across redeliveries, so a redelivered poison message is quarantined once. */
    messageId: text('message_id').notNull(),
    reasonCode: text('reason_code').notNull(),
    reason: text('reason').notNull(),
    body: text('body').notNull(),
    bodyBytes: integer('body_bytes').notNull(),
    receivedAt: ts('received_at').notNull().defaultNow(),
    /** Set when an operator's replay found the body valid and stored its event; the row itself is kept. */
    replayedAt: ts('replayed_at'),
    /** The ingest run the replay stored the event in (its detections ran there). */
    replayIngestRunId: bigint('replay_ingest_run_id', { mode: 'number' }),
  },
  (t) => [primaryKey({ columns: [t.id, t.receivedAt] }), index('quarantine_message_idx').on(t.integrationId, t.messageId)],
);

/** Partitioned by RANGE (created_at), a month a partition; `id` stays unique through its sequence. */
export const detections = pgTable(
  'detections',
  {
    id: bigserial('id', { mode: 'number' }).notNull(),
    integrationId: text('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    ruleId: text('rule_id').notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    severity: severity('severity').notNull(),
    title: text('title').notNull(),
    subjectUserId: text('subject_user_id'),
    subjectUser: text('subject_user'),
    firstEventAt: ts('first_event_at').notNull(),
    lastEventAt: ts('last_event_at').notNull(),
    count: integer('count').notNull(),
    evidenceUuids: text('evidence_uuids').array().notNull(),
    tactics: text('tactics').array().notNull(),
    techniques: text('techniques').array().notNull(),
    runbook: text('runbook'),
    ingestRunId: bigint('ingest_run_id', { mode: 'number' }),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.id, t.createdAt] }), index('detections_dedupe_idx').on(t.integrationId, t.dedupeKey, t.lastEventAt)],
);

/** A rule-state row's columns: stored (`detection_state`) or a detection pass's own (`detection_state_pending`). */
function stateRowColumns() {
  return {
    integrationId: text('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    ruleId: text('rule_id').notNull(),
    entity: text('entity').notNull(),
    value: text('value').notNull(),
    firstSeen: ts('first_seen').notNull(),
    lastSeen: ts('last_seen').notNull(),
    data: jsonb('data'),
    /** Event time after which the row is of no use to its rule (pruned by the detection step). */
    expiresAt: ts('expires_at').notNull(),
  };
}

/**
 * What stateful detection rules remember between hourly runs (detections/kinds/state.ts): first-seen terms of
 * baselines, the last sign-in for geo-velocity, detections a chain waits on, absences already reported.
 * Upserts merge (first_seen = least, last_seen = greatest), so re-running an hour writes the same rows.
 */
export const detectionState = pgTable(
  'detection_state',
  stateRowColumns(),
  (t) => [
    primaryKey({ columns: [t.integrationId, t.ruleId, t.entity, t.value] }),
    index('detection_state_expiry_idx').on(t.integrationId, t.expiresAt),
  ],
);

/**
 * A detection pass's own rule-state changes, from chunk to chunk, until its final transaction merges them into
 * `detection_state` with the detections (detections/run/state.ts). Kept here rather than in the worker's memory, so a
 * pass holds the state of one chunk, however many entities its hour touches. One pass per integration at a time (an
 * advisory lock); a pass starts by deleting what an attempt that died left. UNLOGGED (migration 0012): nothing in it
 * outlives the pass that wrote it.
 */
export const detectionStatePending = pgTable('detection_state_pending', stateRowColumns(), (t) => [
  primaryKey({ columns: [t.integrationId, t.ruleId, t.entity, t.value] }),
]);

export const notificationStatus = pgEnum('notification_status', ['pending', 'sent', 'failed']);

/** One digest per (hourly run, channel): the run's detections summarised in one message. */
export const digests = pgTable(
  'digests',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    integrationId: text('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    ingestRunId: bigint('ingest_run_id', { mode: 'number' }).notNull(),
    channelId: bigint('channel_id', { mode: 'number' })
      .notNull()
      .references(() => notificationChannels.id, { onDelete: 'cascade' }),
    detectionCount: integer('detection_count').notNull(),
    status: notificationStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    sentAt: ts('sent_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('digests_run_channel_uq').on(t.ingestRunId, t.channelId)],
);

/**
 * One per (channel, notice): onboarding reminders and stream-health notices, so a retried step sends
 * only to the channels that have not received the notice yet. `topic` is e.g. `onboarding_reminder`,
 * `stream_degraded`; `episode` tells notices of a topic apart (the reminder number, the verdict time).
 */
export const channelNotices = pgTable(
  'channel_notices',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    integrationId: text('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    channelId: bigint('channel_id', { mode: 'number' })
      .notNull()
      .references(() => notificationChannels.id, { onDelete: 'cascade' }),
    topic: text('topic').notNull(),
    episode: text('episode').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    status: notificationStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    sentAt: ts('sent_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('channel_notices_channel_topic_episode_uq').on(t.channelId, t.topic, t.episode),
    index('channel_notices_integration_topic_idx').on(t.integrationId, t.topic, t.id),
  ],
);

export const notifications = pgTable(
  'notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /**
     * No foreign key: `detections` is partitioned and its key is (id, created_at). The retention step deletes a dropped
     * detection partition's notifications in the same transaction (schema/partitions.ts).
     */
    detectionId: bigint('detection_id', { mode: 'number' }).notNull(),
    channelId: bigint('channel_id', { mode: 'number' })
      .notNull()
      .references(() => notificationChannels.id, { onDelete: 'cascade' }),
    idempotencyKey: text('idempotency_key').notNull(),
    /** Set when the detection went out in a digest rather than on its own. */
    digestId: bigint('digest_id', { mode: 'number' }).references(() => digests.id, { onDelete: 'set null' }),
    status: notificationStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    sentAt: ts('sent_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('notifications_detection_channel_uq').on(t.detectionId, t.channelId)],
);

// ---- Rows of raw postgres.js queries ------------------------------------------------------------------------------
// The hot paths query through postgres.js on `db.$client`, not through drizzle. Their rows are keyed by column name
// (snake_case), and their values are what that client passes (docs/internals.md §1.1): drizzle made its timestamp
// codecs pass-through, so timestamps are text both ways; jsonb is written as JSON text and read parsed; int8 is read
// as text (postgres.js does not parse it; `mode: 'number'` above is drizzle's own mapping). These types derive a
// table's raw row from its definition, so a raw query's row type is written nowhere else.

/** A table's columns keyed by their SQL names. */
type ColumnsByName<T extends Table> = {
  [K in keyof T['_']['columns'] as T['_']['columns'][K]['_']['name']]: T['_']['columns'][K];
};

type RawValue<C extends Column, Direction extends 'read' | 'write'> = C['_']['dataType'] extends 'date'
  ? string
  : C['_']['dataType'] extends 'json'
    ? Direction extends 'write'
      ? string
      : C['_']['data']
    : C['_']['columnType'] extends 'PgBigInt53' | 'PgBigSerial53'
      ? Direction extends 'read'
        ? string
        : C['_']['data']
      : C['_']['data'];

type RawColumnValue<C, Direction extends 'read' | 'write'> = C extends Column
  ? C['_']['notNull'] extends true
    ? RawValue<C, Direction>
    : RawValue<C, Direction> | null
  : never;

/** A row of `T` as a raw postgres.js query reads it (`select *`); `Pick` the columns a query selects. */
export type RawRow<T extends Table> = {
  [K in keyof ColumnsByName<T>]: RawColumnValue<ColumnsByName<T>[K], 'read'>;
};

/**
 * A row of `T` as a raw postgres.js insert writes it (`insert into t ${sql(rows)}`): `T.$inferInsert` keyed by
 * column name, columns with a default or nullable optional.
 */
export type RawInsert<T extends Table> = {
  [K in keyof InferInsertModel<T, { dbColumnNames: true }>]: K extends keyof ColumnsByName<T> ? RawColumnValue<ColumnsByName<T>[K], 'write'> : never;
};

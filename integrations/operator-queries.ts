// What operators read about an integration: its integrations list, recent ingest runs, detections (with
// evidence and deliveries), quarantined messages and its dead-letter queue. Read-only; the CLI prints
// these, a service can too.
import { and, desc, eq, gte, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Database } from '../schema/db.js';
import {
  detections,
  events,
  ingestRuns,
  integrations,
  notificationChannels,
  notifications,
  quarantine,
} from '../schema/tables.js';
import { SEVERITIES } from '../detections/index.js';

export type Severity = (typeof SEVERITIES)[number];

/** A requested record that does not exist, with the command that lists the existing ones. */
export class NotFoundError extends Error {
  override name = 'NotFound';
  constructor(
    message: string,
    /** What was not found (detection, quarantined_message) and its id, for callers that report it as data. */
    readonly resource?: string,
    readonly id?: string | number,
  ) {
    super(message);
  }
}

/** Severities at or above `min`, in catalogue order. */
export function severitiesFrom(min: Severity): Severity[] {
  return SEVERITIES.slice(SEVERITIES.indexOf(min)) as Severity[];
}

type Integration = typeof integrations.$inferSelect;
type IngestRun = typeof ingestRuns.$inferSelect;
type Detection = typeof detections.$inferSelect;
type StoredEvent = typeof events.$inferSelect;
type Channel = typeof notificationChannels.$inferSelect;
type Notification = typeof notifications.$inferSelect;
type Quarantined = typeof quarantine.$inferSelect;

export type IntegrationSummary = Pick<Integration, 'id' | 'tenantId' | 'name' | 'status' | 'lastEventAt'>;

export async function listIntegrations(db: Database): Promise<IntegrationSummary[]> {
  return db
    .select({
      id: integrations.id,
      tenantId: integrations.tenantId,
      name: integrations.name,
      status: integrations.status,
      lastEventAt: integrations.lastEventAt,
    })
    .from(integrations)
    .orderBy(integrations.createdAt);
}

export type RunSummary = Pick<
  IngestRun,
  | 'id'
  | 'kind'
  | 'workflowId'
  | 'status'
  | 'startedAt'
  | 'finishedAt'
  | 'received'
  | 'polled'
  | 'stored'
  | 'duplicates'
  | 'quarantined'
  | 'detections'
  | 'notificationsSent'
>;

/** The integration's latest ingest runs (hourly, backfill, replay), newest first. */
export async function recentRuns(db: Database, integrationId: string, limit: number): Promise<RunSummary[]> {
  return db
    .select({
      id: ingestRuns.id,
      kind: ingestRuns.kind,
      workflowId: ingestRuns.workflowId,
      status: ingestRuns.status,
      startedAt: ingestRuns.startedAt,
      finishedAt: ingestRuns.finishedAt,
      received: ingestRuns.received,
      polled: ingestRuns.polled,
      stored: ingestRuns.stored,
      duplicates: ingestRuns.duplicates,
      quarantined: ingestRuns.quarantined,
      detections: ingestRuns.detections,
      notificationsSent: ingestRuns.notificationsSent,
    })
    .from(ingestRuns)
    .where(eq(ingestRuns.integrationId, integrationId))
    .orderBy(desc(ingestRuns.startedAt), desc(ingestRuns.id))
    .limit(limit);
}

export interface DetectionFilters {
  /** This severity and above. */
  minSeverity?: Severity;
  ruleId?: string;
  /** Detections whose latest event is at or after this time. */
  since?: Date;
  limit: number;
}

export type DetectionSummary = Pick<Detection, 'id' | 'ruleId' | 'severity' | 'title' | 'subjectUser' | 'count' | 'firstEventAt' | 'lastEventAt' | 'createdAt'>;

const detectionSummary = {
  id: detections.id,
  ruleId: detections.ruleId,
  severity: detections.severity,
  title: detections.title,
  subjectUser: detections.subjectUser,
  count: detections.count,
  firstEventAt: detections.firstEventAt,
  lastEventAt: detections.lastEventAt,
  createdAt: detections.createdAt,
};

export async function listDetections(db: Database, integrationId: string, f: DetectionFilters): Promise<DetectionSummary[]> {
  const where = [eq(detections.integrationId, integrationId)];
  if (f.minSeverity) where.push(inArray(detections.severity, severitiesFrom(f.minSeverity)));
  if (f.ruleId) where.push(eq(detections.ruleId, f.ruleId));
  if (f.since) where.push(gte(detections.lastEventAt, f.since));
  return db
    .select(detectionSummary)
    .from(detections)
    .where(and(...where))
    .orderBy(desc(detections.lastEventAt), desc(detections.id))
    .limit(f.limit);
}

export interface DetectionDetail
  extends DetectionSummary,
    Pick<Detection, 'integrationId' | 'dedupeKey' | 'subjectUserId' | 'tactics' | 'techniques' | 'runbook' | 'ingestRunId' | 'evidenceUuids'> {
  /** The evidence events still stored, oldest first. */
  evidence: Array<
    Pick<StoredEvent, 'uuid' | 'published' | 'eventType' | 'clientIp' | 'country'> & {
      actor: StoredEvent['actorAlternateId'];
      outcome: StoredEvent['outcomeResult'];
    }
  >;
  deliveries: DetectionDelivery[];
}

/** One channel's delivery of a detection: where to, and how it went. */
export type DetectionDelivery = Pick<Notification, 'channelId' | 'status' | 'attempts' | 'lastError' | 'sentAt' | 'digestId'> & {
  channel: Channel['kind'];
  url: Channel['url'];
};

/** A detection's deliveries, one per channel, in channel order (at most `limit`). */
export async function detectionDeliveries(db: Pick<Database, 'select'>, detectionId: number, limit = 100): Promise<DetectionDelivery[]> {
  return db
    .select({
      channelId: notifications.channelId,
      channel: notificationChannels.kind,
      url: notificationChannels.url,
      status: notifications.status,
      attempts: notifications.attempts,
      lastError: notifications.lastError,
      sentAt: notifications.sentAt,
      digestId: notifications.digestId,
    })
    .from(notifications)
    .innerJoin(notificationChannels, eq(notificationChannels.id, notifications.channelId))
    .where(eq(notifications.detectionId, detectionId))
    .orderBy(notifications.channelId)
    .limit(limit);
}

export async function getDetection(db: Database, detectionId: number): Promise<DetectionDetail> {
  const [row] = await db.select().from(detections).where(eq(detections.id, detectionId));
  if (!row) throw new NotFoundError(`no detection ${detectionId}; list them with \`npx oort-okta detections list <integrationId>\``, 'detection', detectionId);
  const evidence = row.evidenceUuids.length
    ? await db
        .select({
          uuid: events.uuid,
          published: events.published,
          eventType: events.eventType,
          actor: events.actorAlternateId,
          outcome: events.outcomeResult,
          clientIp: events.clientIp,
          country: events.country,
        })
        .from(events)
        .where(and(eq(events.integrationId, row.integrationId), inArray(events.uuid, row.evidenceUuids)))
        .orderBy(events.published)
    : [];
  const deliveries = await detectionDeliveries(db, detectionId);
  return {
    id: row.id,
    integrationId: row.integrationId,
    ruleId: row.ruleId,
    dedupeKey: row.dedupeKey,
    severity: row.severity,
    title: row.title,
    subjectUser: row.subjectUser,
    subjectUserId: row.subjectUserId,
    count: row.count,
    firstEventAt: row.firstEventAt,
    lastEventAt: row.lastEventAt,
    createdAt: row.createdAt,
    tactics: row.tactics,
    techniques: row.techniques,
    runbook: row.runbook,
    ingestRunId: row.ingestRunId,
    evidenceUuids: row.evidenceUuids,
    evidence,
    deliveries,
  };
}

export interface QuarantineFilters {
  reasonCode?: string;
  /** true: only rows not replayed yet; false: only replayed rows. */
  pending?: boolean;
  limit: number;
}

export type QuarantineSummary = Pick<
  Quarantined,
  'id' | 'messageId' | 'reasonCode' | 'reason' | 'bodyBytes' | 'receivedAt' | 'ingestRunId' | 'replayedAt' | 'replayIngestRunId'
>;

const quarantineSummary = {
  id: quarantine.id,
  messageId: quarantine.messageId,
  reasonCode: quarantine.reasonCode,
  reason: quarantine.reason,
  bodyBytes: quarantine.bodyBytes,
  receivedAt: quarantine.receivedAt,
  ingestRunId: quarantine.ingestRunId,
  replayedAt: quarantine.replayedAt,
  replayIngestRunId: quarantine.replayIngestRunId,
};

export async function listQuarantine(db: Database, integrationId: string, f: QuarantineFilters): Promise<QuarantineSummary[]> {
  const where = [eq(quarantine.integrationId, integrationId)];
  if (f.reasonCode) where.push(eq(quarantine.reasonCode, f.reasonCode));
  if (f.pending === true) where.push(isNull(quarantine.replayedAt));
  if (f.pending === false) where.push(isNotNull(quarantine.replayedAt));
  return db
    .select(quarantineSummary)
    .from(quarantine)
    .where(and(...where))
    .orderBy(desc(quarantine.receivedAt), desc(quarantine.id))
    .limit(f.limit);
}

export interface QuarantineDetail extends QuarantineSummary, Pick<Quarantined, 'integrationId' | 'body'> {}

export async function getQuarantined(db: Database, quarantineId: number): Promise<QuarantineDetail> {
  const [row] = await db
    .select({ ...quarantineSummary, integrationId: quarantine.integrationId, body: quarantine.body })
    .from(quarantine)
    .where(eq(quarantine.id, quarantineId));
  if (!row) throw new NotFoundError(`no quarantined message ${quarantineId}; list them with \`npx oort-okta quarantine list <integrationId>\``, 'quarantined_message', quarantineId);
  return row;
}

/** Counts of the quarantine by reason, for a one-line overview. */
export async function quarantineCounts(db: Database, integrationId: string): Promise<{ pending: number; replayed: number }> {
  const [row] = await db
    .select({
      pending: sql<number>`count(*) filter (where ${quarantine.replayedAt} is null)::int`,
      replayed: sql<number>`count(*) filter (where ${quarantine.replayedAt} is not null)::int`,
    })
    .from(quarantine)
    .where(eq(quarantine.integrationId, integrationId));
  return row;
}

// What the findings pages read: an integration's detections (filtered, one page at a time, each with the run
// that found it), one detection with its evidence events, its notification deliveries and its run. Every query
// runs in a READ ONLY transaction with a statement timeout, and every list has a cap.
import { and, asc, count, desc, eq, gte, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../schema/db.js';
import { detections, events, ingestRuns, integrations } from '../schema/tables.js';
import { detectionDeliveries, severitiesFrom, type DetectionDelivery, type Severity } from '../integrations/operator-queries.js';

/** No page query runs longer than this. */
export const STATEMENT_TIMEOUT_MS = 5_000;
/** Evidence events shown on a detection's page at most (the rest are counted). */
export const EVIDENCE_LIMIT = 200;
/** Rule ids offered in the filter at most. */
export const RULE_CHOICES_LIMIT = 500;
export const INTEGRATIONS_LIMIT = 500;

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/** Runs `fn` in a read-only transaction that no statement can hold for longer than STATEMENT_TIMEOUT_MS. */
export function readOnly<T>(db: Database, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(
    async (tx) => {
      await tx.execute(sql.raw(`set local statement_timeout = ${STATEMENT_TIMEOUT_MS}`));
      return fn(tx);
    },
    { accessMode: 'read only' },
  );
}

export interface IntegrationHeader {
  id: string;
  tenantId: string;
  name: string;
  status: string;
}

const header = { id: integrations.id, tenantId: integrations.tenantId, name: integrations.name, status: integrations.status };

export async function listIntegrationHeaders(tx: Tx): Promise<IntegrationHeader[]> {
  return tx.select(header).from(integrations).orderBy(integrations.tenantId, integrations.id).limit(INTEGRATIONS_LIMIT);
}

export async function findIntegration(tx: Tx, integrationId: string): Promise<IntegrationHeader | undefined> {
  const [row] = await tx.select(header).from(integrations).where(eq(integrations.id, integrationId));
  return row;
}

/** The run that found a detection, with its Temporal workflow execution. */
export interface RunRef {
  id: number;
  kind: string;
  status: string;
  workflowId: string;
  workflowRunId: string;
  startedAt: Date;
}

export interface FindingsFilter {
  /** This severity and above. */
  minSeverity?: Severity;
  ruleId?: string;
  /** Detections whose latest event is at or after this time. */
  since?: Date;
  /** Part of the subject's login or user id, case-insensitive. */
  subject?: string;
  /** 1-based. */
  page: number;
  limit: number;
}

export interface FindingRow {
  id: number;
  ruleId: string;
  severity: string;
  title: string;
  subjectUser: string | null;
  subjectUserId: string | null;
  count: number;
  firstEventAt: Date;
  lastEventAt: Date;
  run: RunRef | null;
}

/** `%`, `_` and `\` in a search text are literal characters, not patterns. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function filterWhere(integrationId: string, f: FindingsFilter): SQL | undefined {
  const where: Array<SQL | undefined> = [eq(detections.integrationId, integrationId)];
  if (f.minSeverity) where.push(inArray(detections.severity, severitiesFrom(f.minSeverity)));
  if (f.ruleId) where.push(eq(detections.ruleId, f.ruleId));
  if (f.since) where.push(gte(detections.lastEventAt, f.since));
  if (f.subject) {
    const p = likePattern(f.subject);
    where.push(or(ilike(detections.subjectUser, p), ilike(detections.subjectUserId, p)));
  }
  return and(...where);
}

const runRef = {
  id: ingestRuns.id,
  kind: ingestRuns.kind,
  status: ingestRuns.status,
  workflowId: ingestRuns.workflowId,
  workflowRunId: ingestRuns.workflowRunId,
  startedAt: ingestRuns.startedAt,
};

function toRun(r: { [K in keyof RunRef]: RunRef[K] | null } | null): RunRef | null {
  return r?.id == null ? null : (r as RunRef);
}

/** One page of the integration's detections, newest last event first, and how many match in all. */
export async function findingsPage(tx: Tx, integrationId: string, f: FindingsFilter): Promise<{ rows: FindingRow[]; total: number }> {
  const where = filterWhere(integrationId, f);
  const rows = await tx
    .select({
      id: detections.id,
      ruleId: detections.ruleId,
      severity: detections.severity,
      title: detections.title,
      subjectUser: detections.subjectUser,
      subjectUserId: detections.subjectUserId,
      count: detections.count,
      firstEventAt: detections.firstEventAt,
      lastEventAt: detections.lastEventAt,
      run: runRef,
    })
    .from(detections)
    .leftJoin(ingestRuns, eq(ingestRuns.id, detections.ingestRunId))
    .where(where)
    .orderBy(desc(detections.lastEventAt), desc(detections.id))
    .limit(f.limit)
    .offset((f.page - 1) * f.limit);
  const [{ n }] = await tx.select({ n: count() }).from(detections).where(where);
  return { rows: rows.map((r) => ({ ...r, run: toRun(r.run) })), total: n };
}

/** The rule ids the integration has detections of, for the filter's choices. */
export async function ruleIdsOf(tx: Tx, integrationId: string): Promise<string[]> {
  const rows = await tx
    .selectDistinct({ ruleId: detections.ruleId })
    .from(detections)
    .where(eq(detections.integrationId, integrationId))
    .orderBy(asc(detections.ruleId))
    .limit(RULE_CHOICES_LIMIT);
  return rows.map((r) => r.ruleId);
}

export interface EvidenceEvent {
  uuid: string;
  published: Date;
  eventType: string;
  severity: string | null;
  displayMessage: string | null;
  actorAlternateId: string | null;
  actorDisplayName: string | null;
  actorType: string | null;
  /** The event's `target` array as stored (each `{ type, alternateId, displayName }`); shown capped. */
  targets: unknown;
  outcomeResult: string | null;
  outcomeReason: string | null;
  clientIp: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  userAgent: string | null;
}

export type { DetectionDelivery as Delivery } from '../integrations/operator-queries.js';

export interface FindingDetail extends FindingRow {
  integrationId: string;
  dedupeKey: string;
  tactics: string[];
  techniques: string[];
  runbook: string | null;
  createdAt: Date;
  evidenceUuids: string[];
  /** The evidence events still stored, oldest first, at most EVIDENCE_LIMIT. */
  evidence: EvidenceEvent[];
  deliveries: DetectionDelivery[];
}

/** One detection of the integration (undefined when it has none with this id). */
export async function findingDetail(tx: Tx, integrationId: string, detectionId: number): Promise<FindingDetail | undefined> {
  const [row] = await tx
    .select({ d: detections, run: runRef })
    .from(detections)
    .leftJoin(ingestRuns, eq(ingestRuns.id, detections.ingestRunId))
    .where(and(eq(detections.id, detectionId), eq(detections.integrationId, integrationId)));
  if (!row) return undefined;
  const d = row.d;
  const uuids = d.evidenceUuids.slice(0, EVIDENCE_LIMIT);
  const evidence = uuids.length
    ? await tx
        .select({
          uuid: events.uuid,
          published: events.published,
          eventType: events.eventType,
          severity: events.severity,
          displayMessage: sql<string | null>`${events.raw}->>'displayMessage'`,
          actorAlternateId: events.actorAlternateId,
          actorDisplayName: sql<string | null>`${events.raw}->'actor'->>'displayName'`,
          actorType: events.actorType,
          targets: sql<unknown>`${events.raw}->'target'`,
          outcomeResult: events.outcomeResult,
          outcomeReason: events.outcomeReason,
          clientIp: events.clientIp,
          city: events.city,
          state: sql<string | null>`${events.raw}->'client'->'geographicalContext'->>'state'`,
          country: events.country,
          userAgent: sql<string | null>`${events.raw}->'client'->'userAgent'->>'rawUserAgent'`,
        })
        .from(events)
        .where(and(eq(events.integrationId, integrationId), inArray(events.uuid, uuids)))
        .orderBy(events.published, events.uuid)
    : [];
  const deliveries = await detectionDeliveries(tx, detectionId);
  return {
    id: d.id,
    integrationId: d.integrationId,
    ruleId: d.ruleId,
    dedupeKey: d.dedupeKey,
    severity: d.severity,
    title: d.title,
    subjectUser: d.subjectUser,
    subjectUserId: d.subjectUserId,
    count: d.count,
    firstEventAt: d.firstEventAt,
    lastEventAt: d.lastEventAt,
    createdAt: d.createdAt,
    tactics: d.tactics,
    techniques: d.techniques,
    runbook: d.runbook,
    evidenceUuids: d.evidenceUuids,
    run: toRun(row.run),
    evidence,
    deliveries,
  };
}

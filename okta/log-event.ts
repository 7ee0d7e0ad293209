// The columns the product queries, extracted from a raw Okta LogEvent. The raw JSON is kept
// whole beside them (SDK models drop fields; docs/okta.md §5.2). Okta nulls and the string
// "null" are normalised to SQL NULL.
import type { ActivityRole, events } from '../schema/tables.js';
import type { OktaLogEvent } from './envelope.js';

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** A string field of a LogEvent as stored: Okta's null, the string "null", "" and anything not a string are null. */
export function oktaText(v: unknown): string | null {
  if (typeof v !== 'string' || v === '' || v === 'null') return null;
  return v;
}

/**
 * What is extracted from a LogEvent: the `events` table's columns (schema/tables.ts is their one home) but those the
 * store adds (integration, raw JSON, ingest run, time of receipt), and the `displayMessage`, which is kept only in raw.
 */
export type EventColumns = Required<Omit<typeof events.$inferInsert, 'integrationId' | 'raw' | 'ingestRunId' | 'receivedAt'>> & {
  displayMessage: string | null;
};

export function extractColumns(e: OktaLogEvent): EventColumns {
  const actor = obj(e.actor);
  const outcome = obj(e.outcome);
  const client = obj(e.client);
  const geo = obj(client?.geographicalContext);
  const auth = obj(e.authenticationContext);
  const targets = Array.isArray(e.target) ? e.target.map(obj).filter((t): t is Obj => !!t) : [];
  const ipChain = Array.isArray(obj(e.request)?.ipChain) ? (obj(e.request)!.ipChain as unknown[]) : [];
  const firstHop = obj(ipChain[0]);

  return {
    uuid: e.uuid,
    published: new Date(e.published),
    eventType: e.eventType,
    severity: oktaText(e.severity),
    displayMessage: oktaText(e.displayMessage),
    actorId: oktaText(actor?.id),
    actorAlternateId: oktaText(actor?.alternateId),
    actorType: oktaText(actor?.type),
    targetIds: targets.map((t) => oktaText(t.id)).filter((id): id is string => !!id),
    targetUserIds: targets
      .filter((t) => t.type === 'User')
      .map((t) => oktaText(t.id))
      .filter((id): id is string => !!id),
    outcomeResult: oktaText(outcome?.result),
    outcomeReason: oktaText(outcome?.reason),
    clientIp: oktaText(client?.ipAddress) ?? oktaText(firstHop?.ip),
    country: oktaText(geo?.country),
    city: oktaText(geo?.city),
    sessionId: oktaText(auth?.externalSessionId),
    rootSessionId: oktaText(auth?.rootSessionId),
  };
}

/**
 * How a user appears in an event, for their Activity table; null when they do not. The one rule of both Activity paths
 * (user-activity/activity-row.ts): the user is the actor when the actor is a User with their id, a target when they
 * are among its User targets.
 */
export function userRole(c: Pick<EventColumns, 'actorId' | 'actorType' | 'targetUserIds'>, userId: string): ActivityRole | null {
  const isActor = c.actorType === 'User' && c.actorId === userId;
  const isTarget = c.targetUserIds.includes(userId);
  if (isActor && isTarget) return 'actor+target';
  if (isActor) return 'actor';
  if (isTarget) return 'target';
  return null;
}

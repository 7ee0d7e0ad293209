// The columns the product queries, extracted from a raw Okta LogEvent. The raw JSON is kept
// whole beside them (SDK models drop fields; docs/okta.md §5.2). Okta nulls and the string
// "null" are normalised to SQL NULL.
import type { OktaLogEvent } from './envelope.js';

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

function str(v: unknown): string | null {
  if (typeof v !== 'string' || v === '' || v === 'null') return null;
  return v;
}

export interface EventColumns {
  uuid: string;
  published: Date;
  eventType: string;
  severity: string | null;
  displayMessage: string | null;
  actorId: string | null;
  actorAlternateId: string | null;
  actorType: string | null;
  targetIds: string[];
  /** Targets of type User: the users an event is about. */
  targetUserIds: string[];
  outcomeResult: string | null;
  outcomeReason: string | null;
  clientIp: string | null;
  country: string | null;
  city: string | null;
  sessionId: string | null;
  rootSessionId: string | null;
}

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
    severity: str(e.severity),
    displayMessage: str(e.displayMessage),
    actorId: str(actor?.id),
    actorAlternateId: str(actor?.alternateId),
    actorType: str(actor?.type),
    targetIds: targets.map((t) => str(t.id)).filter((id): id is string => !!id),
    targetUserIds: targets
      .filter((t) => t.type === 'User')
      .map((t) => str(t.id))
      .filter((id): id is string => !!id),
    outcomeResult: str(outcome?.result),
    outcomeReason: str(outcome?.reason),
    clientIp: str(client?.ipAddress) ?? str(firstHop?.ip),
    country: str(geo?.country),
    city: str(geo?.city),
    sessionId: str(auth?.externalSessionId),
    rootSessionId: str(auth?.rootSessionId),
  };
}

/** How a user appears in an event, for their Activity table; null when they do not. */
export function userRole(c: EventColumns, userId: string): 'actor' | 'target' | 'actor+target' | null {
  const isActor = c.actorId === userId;
  const isTarget = c.targetUserIds.includes(userId);
  if (isActor && isTarget) return 'actor+target';
  if (isActor) return 'actor';
  if (isTarget) return 'target';
  return null;
}

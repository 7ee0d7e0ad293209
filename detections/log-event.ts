/** Precompiled accessors and small predicates for the Okta fields most rules read. */
import { equalsIgnoreCase, field, textIs, textOf } from './fields.js';
import type { OktaLogEvent, SubjectUser } from './types.js';

export const commonFields = {
  eventType: field('eventType'),
  outcomeResult: field('outcome.result'),
  outcomeReason: field('outcome.reason'),
  actorId: field('actor.id'),
  actorType: field('actor.type'),
  actorAlternateId: field('actor.alternateId'),
  clientIp: field('client.ipAddress'),
  country: field('client.geographicalContext.country'),
  targetUserId: field('target[type=User].id'),
  targetUserAlternateId: field('target[type=User].alternateId'),
  debugFactor: field('debugContext.debugData.factor'),
} as const;

/** Case-insensitive equality of a field value with one of the expected strings. */
export function isOneOf(value: unknown, expected: readonly string[]): boolean {
  const text = textOf(value);
  if (text === undefined) return false;
  for (let i = 0; i < expected.length; i++) if (equalsIgnoreCase(expected[i], text)) return true;
  return false;
}

export function hasOutcome(event: OktaLogEvent, ...results: string[]): boolean {
  return isOneOf(commonFields.outcomeResult.first(event), results);
}

/** Okta writes `actor.id: "unknown"` for sign-ins of users it cannot resolve. */
export function knownId(id: string | undefined): string | undefined {
  return id && !equalsIgnoreCase(id, 'unknown') ? id : undefined;
}

/** Group-key builders. Ids keep their case (Okta ids are case-sensitive); logins and IPs are lower-cased. */
export const groupKeys = {
  user: (id: string | undefined) => (knownId(id) ? `user:${id}` : undefined),
  group: (id: string | undefined) => (knownId(id) ? `group:${id}` : undefined),
  ip: (ip: string | undefined) => (ip ? `ip:${ip.toLowerCase()}` : undefined),
  actor: (event: OktaLogEvent) => {
    const id = knownId(commonFields.actorId.text(event));
    if (!id) return undefined;
    return textIs(commonFields.actorType.text(event), 'user') ? `user:${id}` : `actor:${id}`;
  },
};

/** The actor as subject, if it is a User. */
export function actorSubject(event: OktaLogEvent): SubjectUser | undefined {
  if (!textIs(commonFields.actorType.text(event), 'user')) return undefined;
  return principal(knownId(commonFields.actorId.text(event)), commonFields.actorAlternateId.text(event));
}

/** The first `target[type=User]` as subject. */
export function targetUserSubject(event: OktaLogEvent): SubjectUser | undefined {
  return principal(knownId(commonFields.targetUserId.text(event)), commonFields.targetUserAlternateId.text(event));
}

function principal(id: string | undefined, alternateId: string | undefined): SubjectUser | undefined {
  if (!id && !alternateId) return undefined;
  return { ...(id ? { id } : {}), ...(alternateId ? { alternateId } : {}) };
}

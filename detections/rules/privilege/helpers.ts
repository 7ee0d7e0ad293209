/**
 * Small helpers shared by the section-A rules (privilege, persistence, tenant configuration).
 * Generic candidates for `log-event.ts` are marked "(generic)"; they live here until the engine owner moves them.
 */
import { decodePackedString, field, textOf } from '../../fields.js';
import { commonFields, isOneOf, knownId } from '../../log-event.js';
import { SEVERITIES, type OktaLogEvent, type Severity } from '../../types.js';

export const privilegeFields = {
  changedAttributes: field('debugContext.debugData.changedAttributes'),
  requestUri: field('debugContext.debugData.requestUri'),
  targetChangeTo: field('target.changeDetails.to'),
  targetDisplayName: field('target.displayName'),
  targetAlternateId: field('target.alternateId'),
  targetUserIds: field('target[type=User].id'),
  targetUserLogins: field('target[type=User].alternateId'),
  targetAppUserLogins: field('target[type=AppUser].alternateId'),
  targetAppId: field('target[type=AppInstance].id'),
  anyTargetId: field('target.id'),
  transactionId: field('transaction.id'),
  rawUserAgent: field('client.userAgent.rawUserAgent'),
  isProxy: field('securityContext.isProxy'),
} as const;

/** (generic) The event's type is one of `types` (case-insensitive, exact). */
export function isEventType(event: OktaLogEvent, types: readonly string[]): boolean {
  return isOneOf(commonFields.eventType.first(event), types);
}

/**
 * Okta logs the attempt and its outcome in one event. Outcome handling (absent = unknown = taken as done; refused =
 * an attempt) lives in `../outcome.ts`, shared with the other sections.
 */
export { attemptAware, attemptAwareNote, attemptOnly, carriedOut, outcomeNote } from '../outcome.js';

/** (generic) The higher of two severities. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b) ? a : b;
}

/**
 * (generic) Severity of a match = the highest severity any of its events earns. Single rules merge the hits of one
 * group within the dedupe period, so e.g. an IdP created then activated stays at the level of the creation.
 */
export function highestOf(
  perEvent: (event: OktaLogEvent) => Severity,
): (events: readonly OktaLogEvent[]) => Severity {
  return (events) => events.reduce<Severity>((worst, event) => maxSeverity(worst, perEvent(event)), 'info');
}

/** (generic) Severity by event type, e.g. `{ 'system.idp.lifecycle.create': 'high' }`, else `otherwise`. */
export function severityByEventType(
  byType: Readonly<Record<string, Severity>>,
  otherwise: Severity,
): (event: OktaLogEvent) => Severity {
  const lowered = new Map(Object.entries(byType).map(([type, severity]) => [type.toLowerCase(), severity]));
  return (event) => lowered.get(commonFields.eventType.text(event)?.toLowerCase() ?? '') ?? otherwise;
}

/**
 * (generic) Group key naming the first target of one of `types` (in the order given), e.g. `app:0oa1…`.
 * Falls back to any target id when `types` is empty. Undefined when no target has a usable id.
 */
export function targetKey(prefix: string, event: OktaLogEvent, types: readonly string[] = []): string | undefined {
  for (const type of types) {
    const id = knownId(field(`target[type=${type}].id`).text(event));
    if (id) return `${prefix}:${id}`;
  }
  if (types.length > 0) return undefined;
  const id = knownId(privilegeFields.anyTargetId.text(event));
  return id ? `${prefix}:${id}` : undefined;
}

/**
 * (generic) The actor acted on their own account: its id is a `User` target's id, or its login is the login of a
 * `User` or `AppUser` target (an AppUser's alternateId is the app username, often the same login).
 */
export function actsOnOwnAccount(event: OktaLogEvent): boolean {
  const actorId = knownId(commonFields.actorId.text(event));
  if (actorId && privilegeFields.targetUserIds.texts(event).includes(actorId)) return true;
  const login = commonFields.actorAlternateId.text(event)?.trim().toLowerCase();
  if (!login) return false;
  const logins = [...privilegeFields.targetUserLogins.texts(event), ...privilegeFields.targetAppUserLogins.texts(event)];
  return logins.some((target) => target.trim().toLowerCase() === login);
}

/** (generic) Okta's own system principal, used for internal jobs and Okta Support actions. */
export const OKTA_SYSTEM_LOGIN = 'system@okta.com';

export function actorIsOktaSystem(event: OktaLogEvent): boolean {
  return commonFields.actorAlternateId.text(event)?.trim().toLowerCase() === OKTA_SYSTEM_LOGIN;
}

// --- policy weakening -------------------------------------------------------------------------------------------

interface WeakeningCheck {
  /** Setting name as Okta spells it in policies and rules (last segment of a dotted path). */
  readonly key: string;
  readonly isWeak: (newValue: string) => boolean;
  readonly describe: (newValue: string) => string;
}

/**
 * Settings whose new value weakens authentication (catalogue A12, after Panther's skeleton-key query):
 * MFA no longer required, sessions that never expire, passwords shorter than 7 characters.
 */
const WEAKENING_CHECKS: readonly WeakeningCheck[] = [
  { key: 'requireFactor', isWeak: (v) => v.toLowerCase() === 'false', describe: () => 'requireFactor → false' },
  { key: 'maxSessionLifetimeMinutes', isWeak: (v) => v === '0', describe: () => 'maxSessionLifetimeMinutes → 0 (no limit)' },
  { key: 'minLength', isWeak: (v) => /^\d+$/.test(v) && Number(v) < 7, describe: (v) => `password minLength → ${v}` },
];

/**
 * What the change in `debugContext.debugData.changedAttributes` (or `target[].changeDetails.to`) weakened, as short
 * descriptions; empty when nothing recognisable was weakened or the event carries no change details.
 *
 * `debugData` keys are not a contract and the value is a string of unknown layout, so it is read tolerantly:
 * JSON (`{"requireFactor":{"from":true,"to":false}}`), a Java map (`{requireFactor=false}`) or free text
 * (`requireFactor: true -> false`). For a from/to pair the *new* (last) value is the one judged.
 */
export function policyWeakenings(event: OktaLogEvent): string[] {
  const sources: unknown[] = [
    ...privilegeFields.changedAttributes.all(event),
    ...privilegeFields.targetChangeTo.all(event),
  ];
  if (sources.length === 0) return [];
  const found: string[] = [];
  for (const check of WEAKENING_CHECKS) {
    const weak = sources.flatMap((source) => newValues(source, check.key)).find(check.isWeak);
    if (weak !== undefined) found.push(check.describe(weak));
  }
  return found;
}

export function weakensPolicy(event: OktaLogEvent): boolean {
  return policyWeakenings(event).length > 0;
}

/** New values of setting `key` inside one change description (structured or text). */
function newValues(source: unknown, key: string): string[] {
  const lowerKey = key.toLowerCase();
  const structured = typeof source === 'string' ? decodePackedString(source) : source;
  if (structured !== null && typeof structured === 'object') {
    const out: string[] = [];
    collectStructured(structured, lowerKey, out, 0);
    return out;
  }
  return typeof source === 'string' ? valuesInText(source, key) : [];
}

const NEW_VALUE_KEYS = ['to', 'new', 'newvalue', 'after', 'current'];
const MAX_DEPTH = 8;

function collectStructured(node: unknown, lowerKey: string, out: string[], depth: number): void {
  if (depth > MAX_DEPTH || node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const element of node) collectStructured(element, lowerKey, out, depth + 1);
    return;
  }
  for (const [name, value] of Object.entries(node as Record<string, unknown>)) {
    const lastSegment = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
    if (lastSegment === lowerKey) {
      const resolved = newValueOf(value, 0);
      if (resolved !== undefined) out.push(resolved);
    } else {
      collectStructured(value, lowerKey, out, depth + 1);
    }
  }
}

/** A scalar's own value; an array's last element; an object's `to`/`new`/… member. */
function newValueOf(value: unknown, depth: number): string | undefined {
  if (depth > MAX_DEPTH || value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return newValueOf(value[value.length - 1], depth + 1);
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    for (const wanted of NEW_VALUE_KEYS) {
      const hit = entries.find(([name]) => name.toLowerCase() === wanted);
      if (hit) return newValueOf(hit[1], depth + 1);
    }
    return undefined;
  }
  const text = textOf(value);
  return text === undefined ? undefined : lastValueToken(text);
}

/** `requireFactor: true -> false`, `minLength changed from 8 to 4`, `…maxSessionLifetimeMinutes=0`. */
function valuesInText(text: string, key: string): string[] {
  const pattern = new RegExp(`(?:^|[^A-Za-z0-9])${key}(?![A-Za-z0-9])["']?([^,;}\\]\\n]*)`, 'gi');
  const out: string[] = [];
  for (const found of text.matchAll(pattern)) {
    const value = lastValueToken(found[1]);
    if (value !== '') out.push(value);
  }
  return out;
}

/** The last boolean or integer in a fragment ("true -> false" → "false"), else the trimmed fragment. */
function lastValueToken(fragment: string): string {
  const tokens = fragment.match(/\b(?:true|false)\b|-?\d+/gi);
  return tokens ? tokens[tokens.length - 1] : fragment.trim().replace(/^["'=:\s]+|["'\s]+$/g, '');
}

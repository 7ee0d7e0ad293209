/**
 * Shared predicates, group keys and severity helpers for the credential (B) and session (C) rules.
 * Everything here is pure and reads events only through `fields.ts`, so Okta's quirks (case, nulls, packed strings)
 * are handled once.
 */
import { decodePackedString, equalsIgnoreCase, field, getAll, isTrue, perFocusedEvent, textIs, textOf, type Field } from '../../fields.js';
import { commonFields, groupKeys, hasOutcome, isOneOf, knownId } from '../../log-event.js';
import type { OktaLogEvent, Severity, SubjectUser } from '../../types.js';
import { outcomeUnknown } from '../outcome.js';

// --- fields -------------------------------------------------------------------------------------------------

export const F = {
  transactionId: field('transaction.id'),
  userAgent: field('client.userAgent.rawUserAgent'),
  os: field('client.userAgent.os'),
  asNumber: field('securityContext.asNumber'),
  isProxy: field('securityContext.isProxy'),
  isp: field('securityContext.isp'),
  asOrg: field('securityContext.asOrg'),
  domain: field('securityContext.domain'),
  externalSessionId: field('authenticationContext.externalSessionId'),
  rootSessionId: field('authenticationContext.rootSessionId'),
  dtHash: field('debugContext.debugData.dtHash'),
  requestUri: field('debugContext.debugData.requestUri'),
  threatSuspected: field('debugContext.debugData.threatSuspected'),
  targetUserId: field('target[type=User].id'),
  enrollmentMethod: field('target[type=AuthenticatorEnrollment].detailEntry.methodTypeUsed'),
  actorDisplayName: field('actor.displayName'),
  legacyEventType: field('legacyEventType'),
} as const;

// --- values -------------------------------------------------------------------------------------------------

/** Okta's placeholders for "no value": null, '', 'unknown', '-' (dtHash) and the string 'null' (client.zone). */
export function present(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '' || trimmed === '-') return undefined;
  return equalsIgnoreCase(trimmed, 'unknown') || equalsIgnoreCase(trimmed, 'null') ? undefined : trimmed;
}

export const eventTypeOf = (event: OktaLogEvent): string | undefined => commonFields.eventType.text(event);

export function sessionIdOf(event: OktaLogEvent): string | undefined {
  return present(F.externalSessionId.text(event));
}

/** The root session groups a session with the sessions stepped up from it; fall back to the session itself. */
export function rootSessionIdOf(event: OktaLogEvent): string | undefined {
  return present(F.rootSessionId.text(event)) ?? sessionIdOf(event);
}

export function dtHashOf(event: OktaLogEvent): string | undefined {
  return present(F.dtHash.text(event));
}

/**
 * A sign-in that started a session: SUCCESS or ALLOW, or an outcome Okta left out while the event still names the
 * session it started (Okta gives a failed sign-in no externalSessionId). Sign-in event types are logged for failed
 * attempts too, so an unknown outcome alone does not say a session began.
 */
export function startedSession(event: OktaLogEvent): boolean {
  if (hasOutcome(event, 'SUCCESS', 'ALLOW')) return true;
  return outcomeUnknown(event) && sessionIdOf(event) !== undefined;
}

/** The event carries debug data at all: without it, "no dtHash" means unknown, not "no device token". */
const debugData = field('debugContext.debugData');
export function hasDebugData(event: OktaLogEvent): boolean {
  return debugData.first(event) !== undefined;
}

export function isProxied(event: OktaLogEvent): boolean {
  return isTrue(F.isProxy.first(event));
}

/** Okta's own accounts and integrations (system@okta.com, "Okta …" clients), never a person under attack. */
export function isOktaInternalActor(event: OktaLogEvent): boolean {
  const id = commonFields.actorId.text(event)?.toLowerCase() ?? '';
  const name = F.actorDisplayName.text(event)?.toLowerCase() ?? '';
  const login = commonFields.actorAlternateId.text(event)?.toLowerCase() ?? '';
  return id.startsWith('okta') || name.startsWith('okta') || login === 'system@okta.com';
}

/** Distinct non-empty values of a field over the events of a match (case-insensitive). */
export function distinctValues(events: readonly OktaLogEvent[], read: (event: OktaLogEvent) => string | undefined): Set<string> {
  const values = new Set<string>();
  for (const event of events) {
    const value = present(read(event));
    if (value) values.add(value.toLowerCase());
  }
  return values;
}

// --- sign-in failures ---------------------------------------------------------------------------------------

/** Wrong password, unknown user (sprays use guessed logins) or an account already locked by the attack. */
export const CREDENTIAL_FAILURES = ['INVALID_CREDENTIALS', 'VERIFICATION_ERROR', 'UNKNOWN_USER', 'LOCKED_OUT'];
const PASSWORD_FACTOR = 'PASSWORD_AS_FACTOR';

/**
 * A failed password attempt: `user.session.start` FAILURE, or an Identity Engine password check
 * (`user.authentication.*` FAILURE whose factor is the password). Policy blocks (DENY, zone blacklist) are not
 * guesses and do not count. One attempt may be logged as both events in one transaction: count by `transaction.id`.
 */
export function isFailedPasswordAttempt(event: OktaLogEvent): boolean {
  if (!hasOutcome(event, 'FAILURE')) return false;
  const reason = commonFields.outcomeReason.text(event);
  if (reason && !isOneOf(reason, CREDENTIAL_FAILURES)) return false;
  if (eventTypeOf(event) === 'user.session.start') return true;
  // Identity Engine logs every authenticator check as user.authentication.*: keep only password checks,
  // so a rejected push from the same office IP is not mistaken for a guessed password.
  const factor = commonFields.debugFactor.text(event);
  return factor === undefined || isOneOf(factor, [PASSWORD_FACTOR]);
}

export const FAILED_SIGN_IN_TYPES = ['user.session.start', 'user.authentication.*'];

// --- MFA ----------------------------------------------------------------------------------------------------

export const PUSH_SENT = 'system.push.send_factor_verify_push';
export const CLASSIC_DENY_PUSH = 'user.mfa.okta_verify.deny_push';
export const MFA_VERIFICATION = 'user.authentication.auth_via_mfa';

/** An Okta Verify push answer (approval, rejection or timeout) in either engine. */
export function isPushResponse(event: OktaLogEvent): boolean {
  const eventType = eventTypeOf(event);
  if (eventType === CLASSIC_DENY_PUSH) return true;
  if (eventType !== MFA_VERIFICATION) return false;
  const factor = commonFields.debugFactor.first(event);
  if (factor !== undefined) return isOneOf(factor, ['OKTA_VERIFY_PUSH']);
  return /push notification/i.test(F.enrollmentMethod.text(event) ?? '');
}

/** A push answered with anything but an approval (rejected, timed out); an answer with no outcome is unknown, not rejected. */
export function isPushRejected(event: OktaLogEvent): boolean {
  if (eventTypeOf(event) === CLASSIC_DENY_PUSH) return true;
  return isPushResponse(event) && !outcomeUnknown(event) && !hasOutcome(event, 'SUCCESS');
}

/** The factor of an MFA event is the password (Identity Engine logs the password step as auth_via_mfa too). */
export function isPasswordFactor(event: OktaLogEvent): boolean {
  const factor = commonFields.debugFactor.text(event);
  if (factor !== undefined) return isOneOf(factor, [PASSWORD_FACTOR]);
  return /^password$/i.test(F.enrollmentMethod.text(event) ?? '');
}

// --- Okta behaviour flags -----------------------------------------------------------------------------------

const behaviorsRaw = field('debugContext.debugData.behaviors');
const logOnlyBehaviors = field('debugContext.debugData.logOnlySecurityData.behaviors');
const userBehaviors = field('securityContext.userBehaviors');

/**
 * Names of the behaviours Okta rated POSITIVE ("New IP", "New Device", …), from whichever place the org's events
 * carry them: the `behaviors` Java-map string, the `logOnlySecurityData` JSON string, or `securityContext.userBehaviors`.
 */
export const positiveBehaviors: (event: OktaLogEvent) => ReadonlySet<string> = perFocusedEvent(collectPositiveBehaviors);

/** Most events carry no positive behaviour: they share this empty set instead of making one each. */
const NO_BEHAVIORS: ReadonlySet<string> = new Set();

/** positiveBehaviors, computed: several rules ask for every sign-in, so the answer is kept for the event being shown. */
function collectPositiveBehaviors(event: OktaLogEvent): ReadonlySet<string> {
  const raw = behaviorsRaw.first(event);
  let names = addPositive(undefined, typeof raw === 'string' ? decodePackedString(raw) : raw);
  for (const map of logOnlyBehaviors.all(event)) names = addPositive(names, map);
  for (const entry of userBehaviors.all(event)) {
    if (!entry || typeof entry !== 'object') continue;
    const record = entry as Record<string, unknown>;
    const name = textOf(record.name);
    if (name && textIs(textOf(record.result), 'POSITIVE')) (names ??= new Set()).add(name.trim());
  }
  return names ?? NO_BEHAVIORS;
}

/** `names` with the behaviours `map` rates POSITIVE added (a set is made for the first one). */
function addPositive(names: Set<string> | undefined, map: unknown): Set<string> | undefined {
  if (!map || typeof map !== 'object' || Array.isArray(map)) return names;
  for (const name in map) {
    if (!Object.prototype.hasOwnProperty.call(map, name)) continue;
    const result = textOf((map as Record<string, unknown>)[name]);
    if (result !== undefined && textIs(result.trim(), 'POSITIVE')) (names ??= new Set()).add(name.trim());
  }
  return names;
}

export function hasPositiveBehavior(event: OktaLogEvent, name: string): boolean {
  const names = positiveBehaviors(event);
  // Checked first: iterating even an empty set allocates an iterator, and this is asked of every sign-in.
  if (names.size === 0) return false;
  for (const behavior of names) if (equalsIgnoreCase(behavior, name)) return true;
  return false;
}

// --- user agents ------------------------------------------------------------------------------------------

/** HTTP libraries and headless browsers: what replay and credential tooling sends instead of a real browser. */
const SCRIPTED_AGENT = /^(python-requests|python-urllib|curl\/|wget\/|httpx|aiohttp|go-http-client|java\/|okhttp|axios\/|node-fetch|libwww-perl|powershell)|headless/i;

export function isScriptedUserAgent(userAgent: string | undefined): boolean {
  if (userAgent === undefined) return false;
  // A tenant's sign-ins carry a few hundred distinct agents; several rules ask about each event's.
  let verdict = scriptedVerdicts.get(userAgent);
  if (verdict === undefined) {
    verdict = SCRIPTED_AGENT.test(userAgent.trim());
    if (scriptedVerdicts.size >= VERDICT_CACHE_LIMIT) scriptedVerdicts.clear();
    scriptedVerdicts.set(userAgent, verdict);
  }
  return verdict;
}

const VERDICT_CACHE_LIMIT = 2_000;
const scriptedVerdicts = new Map<string, boolean>();

// --- group keys ---------------------------------------------------------------------------------------------

/**
 * The actor as 'user:<id>', or 'login:<typed login>' for sign-ins Okta could not resolve (actor.id "unknown"):
 * a brute force against a guessed or mistyped login is still one target.
 */
export function actorUserOrLoginKey(event: OktaLogEvent): string | undefined {
  const byId = groupKeys.user(commonFields.actorId.text(event));
  if (byId) return byId;
  const login = present(commonFields.actorAlternateId.text(event));
  return login ? `login:${login.toLowerCase()}` : undefined;
}

/** The User actor, else the first User target (events Okta logs with a system actor). */
export function userKey(event: OktaLogEvent): string | undefined {
  const actorIsUser = textIs(commonFields.actorType.text(event), 'user');
  return (actorIsUser ? actorUserOrLoginKey(event) : undefined) ?? groupKeys.user(F.targetUserId.text(event));
}

export const sessionKey = (event: OktaLogEvent): string | undefined => {
  const id = sessionIdOf(event);
  return id ? `session:${id}` : undefined;
};

export const rootSessionKey = (event: OktaLogEvent): string | undefined => {
  const id = rootSessionIdOf(event);
  return id ? `session:${id}` : undefined;
};

/** Device-token hashes are hex digests: lower-cased so one token is one key. */
export const dtHashKey = (event: OktaLogEvent): string | undefined => {
  const hash = dtHashOf(event);
  return hash ? `dthash:${hash.toLowerCase()}` : undefined;
};

export const ipKey = (event: OktaLogEvent): string | undefined => groupKeys.ip(present(commonFields.clientIp.text(event)));

/** Group of the events whose source Okta did not log (no client, or no IP in it). */
export const UNKNOWN_IP_KEY = 'ip:unknown';

/** The source IP, or one shared "unknown source" group: for rules where lumping unknown sources together is still a signal. */
export const ipOrUnknownKey = (event: OktaLogEvent): string => ipKey(event) ?? UNKNOWN_IP_KEY;

/** One source attacking one account; an unknown source is one source (the account still narrows it to one target). */
export function ipAndUserKey(event: OktaLogEvent): string | undefined {
  const user = actorUserOrLoginKey(event);
  return user ? `${ipOrUnknownKey(event)}|${user}` : undefined;
}

/** Description sentence of the rules that count failed sign-ins. */
export const FAILURES_NEED_OUTCOME =
  ' Needs outcome: only a logged FAILURE is a wrong guess, and Okta logs successful sign-ins under the same event types.';

/** Whole-tenant aggregation (an evaluation only ever sees one tenant's events). */
export const TENANT_KEY = 'tenant';

// --- subjects and severities --------------------------------------------------------------------------------

/** No person is the subject (IP-, tenant- or device-level detections). */
export const noSubject = (): SubjectUser | undefined => undefined;

const SEVERITY_RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

/** Okta's own severity words (threatDetections, risk level) mapped onto ours. */
export function severityFromOkta(level: string | undefined): Severity | undefined {
  switch (level?.trim().toUpperCase()) {
    case 'CRITICAL':
      return 'critical';
    case 'HIGH':
      return 'high';
    case 'MEDIUM':
      return 'medium';
    case 'LOW':
      return 'low';
    case 'INFO':
    case 'INFORMATIONAL':
      return 'info';
    default:
      return undefined;
  }
}

/** Every value at a path, as lower-cased strings (for "any element contains" tests). */
/** Where Okta names what an event is about (an app, a policy): any target's display name or alternate id. */
export const TARGET_NAMES: readonly Field[] = [field('target.displayName'), field('target.alternateId')];

/** One of the values at these fields is `wanted`, in any case (no copies: for predicates run on every event). */
export function anyTextIs(event: OktaLogEvent, fields: readonly Field[], wanted: string): boolean {
  for (const f of fields) {
    const texts = f.texts(event);
    for (let i = 0; i < texts.length; i++) if (equalsIgnoreCase(texts[i], wanted)) return true;
  }
  return false;
}

export function textsAt(event: OktaLogEvent, path: string): string[] {
  return getAll(event, path)
    .map(textOf)
    .filter((text): text is string => text !== undefined)
    .map((text) => text.toLowerCase());
}

export { knownId };

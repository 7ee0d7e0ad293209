// Shared by the section-B (credential attacks) rule tests, test/unit/rules-credential*.test.ts: the people and
// attacker IP their events use, an event builder for the Okta fields the factory does not expose, and the
// shapes of failed sign-ins, sprays and lockouts as Okta logs them.
import { catalogue, evaluate, type DetectionMatch, type OktaLogEvent, type Rule } from '../../../detections/index.js';
import { minutesAfter, oktaEvent, oktaUser, type EventSpec, type TestPrincipal } from '../../../detections/testing.js';

export const T0 = '2026-03-02T09:00:00.000Z';
export const admin = oktaUser('walter.skinner@example.com');
export const dana = oktaUser('dana.scully@example.com');
export const fox = oktaUser('fox.mulder@example.com');
export const attackerIp = '185.156.73.20';
export const users = Array.from({ length: 40 }, (_, i) => oktaUser(`employee${String(i).padStart(2, '0')}@example.com`));

/** Okta event fields the factory does not expose. */
export interface Extra {
  userAgent?: string;
  asNumber?: number;
  dtHash?: string;
  sessionId?: string | null;
  legacyEventType?: string;
}

export function event(spec: Omit<EventSpec, 'at'> & Extra & { minute?: number }): OktaLogEvent {
  const { userAgent, asNumber, dtHash, sessionId, legacyEventType, minute = 0, ...base } = spec;
  const built = oktaEvent({
    ...base,
    at: minutesAfter(T0, minute),
    debugData: { ...(dtHash ? { dtHash } : {}), ...base.debugData },
  }) as Record<string, any>;
  if (userAgent) built.client.userAgent = { rawUserAgent: userAgent, os: 'Unknown', browser: 'UNKNOWN' };
  if (asNumber !== undefined) built.securityContext.asNumber = asNumber;
  if (sessionId !== undefined) built.authenticationContext.externalSessionId = sessionId;
  if (legacyEventType) built.legacyEventType = legacyEventType;
  return built as OktaLogEvent;
}

export function matchesOf(ruleId: string, events: OktaLogEvent[], rules: readonly Rule[] = catalogue): DetectionMatch[] {
  return evaluate(rules, events).filter((match) => match.ruleId === ruleId);
}

/** A wrong password: `user.session.start` FAILURE, as Okta logs it (no session, legacy login_failed). */
export const failed = (user: TestPrincipal, minute: number, extra: Partial<EventSpec> & Extra = {}) =>
  event({
    eventType: 'user.session.start',
    minute,
    actor: user,
    ip: attackerIp,
    result: 'FAILURE',
    reason: 'INVALID_CREDENTIALS',
    legacyEventType: 'core.user_auth.login_failed',
    ...extra,
  });

/** `rounds` passwords tried against each of `count` users, `spacing` minutes apart. */
export function spray(count: number, rounds: number, spacing = 0.25, ip = attackerIp): OktaLogEvent[] {
  const events: OktaLogEvent[] = [];
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < count; i++) events.push(failed(users[i], events.length * spacing, { ip }));
  }
  return events;
}

export const lockout = (user: TestPrincipal, minute: number, ip = attackerIp) =>
  event({
    eventType: 'user.account.lock',
    minute,
    actor: user,
    ip,
    result: 'FAILURE',
    reason: 'LOCKED_OUT',
    displayMessage: 'Max sign in attempts exceeded',
  });

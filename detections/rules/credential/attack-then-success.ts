/**
 * Catalogue B43 and B45: a credential attack that worked. B43: a user targeted by a brute-force, spray or stuffing
 * detection signs in successfully within three hours of it. B45: five or more rejected pushes are followed, within
 * ten minutes, by an accepted push or a new session for the same user (the user gave in).
 */
import { textIs } from '../../fields.js';
import { actorSubject, commonFields, groupKeys, hasOutcome } from '../../log-event.js';
import type { OktaLogEvent, SequenceRule } from '../../types.js';
import {
  CLASSIC_DENY_PUSH,
  F,
  MFA_VERIFICATION,
  actorUserOrLoginKey,
  eventTypeOf,
  hasDebugData,
  hasPositiveBehavior,
  isProxied,
  isPushRejected,
  isPushResponse,
  isScriptedUserAgent,
  startedSession,
} from './helpers.js';

const SIGN_IN_TYPES = ['user.session.start', 'user.authentication.*'];

/** A successful sign-in or authentication step of a User (a session start without an outcome that names its session counts). */
function isSuccessfulSignIn(event: OktaLogEvent): boolean {
  const type = eventTypeOf(event) ?? '';
  if (type === 'user.session.start') {
    if (!startedSession(event)) return false;
  } else if (!type.startsWith('user.authentication.') || !hasOutcome(event, 'SUCCESS')) {
    return false;
  }
  return textIs(commonFields.actorType.text(event), 'user');
}

/**
 * The success does not look like the user's everyday sign-in: Okta rates its IP or device new for the user, or it
 * comes through an anonymiser or a scripted client. Without this, every sprayed user who later signs in from their
 * usual laptop at home raised a high detection (the catalogue's "any IP"): a spray of 20 users meant 20 alerts.
 */
function isUnfamiliarSuccess(event: OktaLogEvent): boolean {
  if (!isSuccessfulSignIn(event)) return false;
  return (
    // No debug data: Okta's verdict on the IP and device is unknown, so the success is not assumed familiar.
    !hasDebugData(event) ||
    hasPositiveBehavior(event, 'New IP') ||
    hasPositiveBehavior(event, 'New Device') ||
    isProxied(event) ||
    isScriptedUserAgent(F.userAgent.text(event))
  );
}

/** Catalogue B37–B41: the credential-attack detections whose targets B43 follows. */
export const CREDENTIAL_ATTACK_RULES = [
  'okta-brute-force-multi-source',
  'okta-brute-force-dt-rotation',
  'okta-brute-force-no-device-token',
  'okta-brute-force-ua-rotation',
  'okta-password-spray-single-source',
  'okta-password-spray-distributed',
  'okta-credential-stuffing',
];

export const successAfterCredentialAttack: SequenceRule = {
  kind: 'sequence',
  id: 'okta-success-after-credential-attack',
  title: 'Successful sign-in after a credential attack on the account',
  description:
    'A user who was a target of a brute-force, password-spray or credential-stuffing detection signed in successfully ' +
    'within three hours after it, from an IP or device Okta rates new for the user, an anonymiser or a script. The ' +
    'guessed or stuffed password may have worked. Without debugContext Okta\'s new-IP/new-device verdict is unknown and ' +
    'the success counts as unfamiliar. Needs outcome: the attack detections it follows count failed sign-ins, and ' +
    'only a success (or a session start naming its session) says the password worked.',
  severity: 'high',
  attack: { tactics: ['TA0006', 'TA0001'], techniques: ['T1110.003', 'T1110.004', 'T1078'] },
  eventTypes: SIGN_IN_TYPES,
  fields: [
    'eventType',
    'outcome.result',
    'actor.id',
    'actor.type',
    'client.ipAddress',
    'debugContext.debugData.behaviors',
    'securityContext.isProxy',
    'client.userAgent.rawUserAgent',
  ],
  runbook:
    'Compare the successful sign-in with the attack (IP, device, country): if it came from the attacker side, clear ' +
    'the sessions, reset the password and factors; if it was the user at home, still have them change the password.',
  dedupe: { periodMinutes: 180, key: actorUserOrLoginKey },
  enabled: true,
  // The match holds the attack's failures of many users; the one it is about is who then signed in.
  subject: (events) => {
    const success = [...events].reverse().find(isUnfamiliarSuccess);
    return success ? actorSubject(success) : undefined;
  },
  within: 180,
  first: { alerts: CREDENTIAL_ATTACK_RULES },
  then: { match: isUnfamiliarSuccess },
};

const SUCCESS_TYPES = ['user.authentication.sso', MFA_VERIFICATION, 'user.authentication.verify', 'user.session.start'];

function isAcceptedPushOrSession(event: OktaLogEvent): boolean {
  const type = eventTypeOf(event);
  if (type === 'user.session.start') return startedSession(event);
  if (!hasOutcome(event, 'SUCCESS')) return false;
  if (type === MFA_VERIFICATION) return isPushResponse(event);
  return SUCCESS_TYPES.includes(type ?? '');
}

export const mfaPushBombingSuccess: SequenceRule = {
  kind: 'sequence',
  id: 'okta-mfa-push-bombing-success',
  title: 'MFA push bombing followed by an accepted push or a session',
  description:
    'At least five Okta Verify pushes for a user were rejected or failed and then, within ten minutes, a push was ' +
    'accepted or a session started for the same user. The attacker most likely got in. Needs outcome: a rejected ' +
    'and an accepted push differ only by it (Classic Engine deny_push needs none).',
  severity: 'critical',
  attack: { tactics: ['TA0006', 'TA0001'], techniques: ['T1621', 'T1078.004'] },
  eventTypes: [CLASSIC_DENY_PUSH, ...SUCCESS_TYPES],
  fields: ['eventType', 'outcome.result', 'actor.id', 'debugContext.debugData.factor', 'client.ipAddress'],
  runbook:
    'Treat the account as taken over: clear all sessions, reset the password and Okta Verify enrolment, and review ' +
    'what the new session accessed; then talk to the user about MFA fatigue.',
  dedupe: { periodMinutes: 60, key: (event) => groupKeys.user(commonFields.actorId.text(event)) },
  enabled: true,
  within: 10,
  first: { match: isPushRejected, atLeast: 5 },
  then: { match: isAcceptedPushOrSession },
};

/**
 * Catalogue B50: a successful Okta sign-in proven by the password alone. Identity Engine lists on
 * `user.session.start` the authenticators the sign-in used (AuthenticatorEnrollment targets): when every one of them
 * is the password, no second factor was asked for. Sign-ins without that list (Classic Engine) are not judged.
 */
import { field, textIs } from '../../fields.js';
import { commonFields } from '../../log-event.js';
import type { OktaLogEvent, SingleRule } from '../../types.js';
import { eventTypeOf, ipAndUserKey, startedSession } from './helpers.js';

const authenticators = field('target[type=AuthenticatorEnrollment].displayName');
const PASSWORD_ONLY = /^password$/i;

export function isPasswordOnlySignIn(event: OktaLogEvent): boolean {
  if (eventTypeOf(event) !== 'user.session.start' || !startedSession(event)) return false;
  if (!textIs(commonFields.actorType.text(event), 'user')) return false;
  const used = authenticators.texts(event);
  return used.length > 0 && used.every((name) => PASSWORD_ONLY.test(name.trim()));
}

export const singleFactorSuccess: SingleRule = {
  kind: 'single',
  id: 'okta-single-factor-success',
  title: 'Successful sign-in with the password alone',
  description:
    'A user signed in to Okta and the only authenticator the sign-in used was the password. Either the sign-on policy ' +
    'lets this user in without MFA, or the account has no second factor: a stolen password is enough. A sign-in ' +
    'without an outcome counts when it names the session it started. Needs target: the authenticators used are listed ' +
    'only there.',
  severity: 'medium',
  attack: { tactics: ['TA0001', 'TA0005'], techniques: ['T1078.004', 'T1556'] },
  eventTypes: ['user.session.start'],
  fields: ['eventType', 'outcome.result', 'actor.id', 'actor.type', 'target[type=AuthenticatorEnrollment].displayName', 'client.ipAddress'],
  runbook:
    "Check the global session and authentication policies that matched the sign-in and the user's enrolled factors; " +
    'require MFA for the user or the zone, and confirm the sign-in was theirs.',
  // One detection per user and source per day: the signal is the policy gap, not each sign-in.
  dedupe: { periodMinutes: 1440, key: ipAndUserKey },
  enabled: true,
  match: isPasswordOnlySignIn,
};

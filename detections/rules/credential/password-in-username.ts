/**
 * Catalogue B49: a failed sign-in whose login is neither an email address nor a client id, most often a password
 * typed into the username field. That password now sits in the System Log and in every copy of it.
 */
import { textIs } from '../../fields.js';
import { commonFields, hasOutcome } from '../../log-event.js';
import type { OktaLogEvent, SingleRule } from '../../types.js';
import { F, eventTypeOf, ipKey, noSubject, present } from './helpers.js';

const LOGIN_FAILED = 'core.user_auth.login_failed';
/** What a legitimate login looks like: an email address (searched anywhere, as the Sigma rule does) or an app id. */
const LOOKS_LIKE_LOGIN = /^0oa|[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,10}/;

function isPasswordTypedAsLogin(event: OktaLogEvent): boolean {
  const failedSignIn =
    textIs(F.legacyEventType.text(event), LOGIN_FAILED) ||
    (eventTypeOf(event) === 'user.session.start' && hasOutcome(event, 'FAILURE'));
  if (!failedSignIn) return false;
  const login = present(commonFields.actorAlternateId.text(event));
  return login !== undefined && !LOOKS_LIKE_LOGIN.test(login);
}

export const passwordInUsername: SingleRule = {
  kind: 'single',
  id: 'okta-password-in-username',
  title: 'Possible password typed into the username field',
  description:
    'A failed sign-in used a login that is not an email address: usually the user typed their password into the ' +
    'username box, so the password is now stored in clear text in the System Log and everywhere it is shipped. ' +
    'Orgs that allow short (non-email) usernames will see this for plain typos too. The detection deliberately ' +
    'carries no user and no login in its keys. Needs outcome (unless legacyEventType says core.user_auth.login_failed): ' +
    'a successful sign-in with a short login is an ordinary short username.',
  // The catalogue proposes high; it is a data-hygiene finding with a routine fix, so medium.
  severity: 'medium',
  attack: { tactics: ['TA0006'], techniques: ['T1552'] },
  eventTypes: ['user.session.start', 'user.authentication.*'],
  fields: ['eventType', 'legacyEventType', 'outcome.result', 'actor.alternateId', 'client.ipAddress'],
  runbook:
    'From the IP and time, find the user who signed in successfully right after, have them change that password, ' +
    'and restrict access to the stored event (and its copies) where possible.',
  dedupe: { periodMinutes: 60, key: ipKey },
  enabled: true,
  // The actor's alternateId is the secret: never surface it as the subject.
  subject: noSubject,
  match: isPasswordTypedAsLogin,
};

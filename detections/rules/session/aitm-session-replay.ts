/**
 * Catalogue C52 (aggregated form): adversary-in-the-middle cookie replay. The victim's sign-in runs through the
 * phishing proxy with the victim's browser; the stolen session is then used by the attacker's script, so one root
 * session shows a browser session start and policy/SSO events from an HTTP library.
 */
import type { OktaLogEvent, ThresholdRule, WindowStats } from '../../types.js';
import { F, eventTypeOf, isScriptedUserAgent, rootSessionIdOf, rootSessionKey, startedSession } from '../credential/helpers.js';

const SESSION_START = 'user.session.start';
const REPLAY_TYPES = ['policy.evaluate_sign_on', 'user.authentication.sso'];

/**
 * Session starts count with any user agent; policy and SSO events only when a script made them. So two user agents in
 * the window, one of them scripted, means a scripted client used a session a different client started.
 */
function isStartOrScriptedUse(event: OktaLogEvent): boolean {
  if (rootSessionIdOf(event) === undefined) return false;
  const eventType = eventTypeOf(event);
  if (eventType === SESSION_START) return startedSession(event);
  return REPLAY_TYPES.includes(eventType ?? '') && isScriptedUserAgent(F.userAgent.text(event));
}

/** The distinct values are the user agents: at least one scripted and at least one not. */
function scriptedNextToBrowser(stats: WindowStats): boolean {
  let scripted = false;
  let other = false;
  for (const agent of stats.perValue.keys()) {
    if (isScriptedUserAgent(agent)) scripted = true;
    else other = true;
  }
  return scripted && other;
}

export const aitmSessionReplay: ThresholdRule = {
  kind: 'threshold',
  id: 'okta-aitm-session-replay',
  title: 'Session cookie replayed by a script (adversary in the middle)',
  description:
    'Within 30 minutes, one Okta root session was started by a browser and then used for sign-on policy or app SSO ' +
    'by a scripted client (python-requests, curl, Go, Java, okhttp, headless browsers…). This is how phishing kits ' +
    'such as Evilginx cash in a stolen session cookie. Needs client: the user agents are the signal.',
  severity: 'high',
  attack: { tactics: ['TA0006', 'TA0005'], techniques: ['T1557', 'T1539', 'T1550.004'] },
  eventTypes: [SESSION_START, ...REPLAY_TYPES],
  fields: [
    'eventType',
    'outcome.result',
    'actor.id',
    'authenticationContext.rootSessionId',
    'authenticationContext.externalSessionId',
    'client.userAgent.rawUserAgent',
    'client.ipAddress',
  ],
  runbook:
    "Clear the user's sessions at once, reset the password and factors, find the phishing page the user signed in " +
    'through (the session-start IP is the proxy), and review the apps the script reached.',
  dedupe: { periodMinutes: 60, key: rootSessionKey },
  enabled: true,
  filter: isStartOrScriptedUse,
  window: 30,
  threshold: 2,
  distinct: 'client.userAgent.rawUserAgent',
  having: scriptedNextToBrowser,
};

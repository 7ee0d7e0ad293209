// Shared by the section-C (sessions and sign-in context) rule tests, test/unit/rules-session*.test.ts: the
// people, user agents and apps their events use, an event builder for the Okta fields the factory does not
// expose, and a settings helper for the rules that are off by default.
import { catalogue, evaluate, type DetectionMatch, type DetectionSettings, type OktaLogEvent } from '../../../detections/index.js';
import { minutesAfter, oktaEvent, oktaId, oktaUser, type EventSpec, type TestPrincipal } from '../../../detections/testing.js';

export const T0 = '2026-03-02T09:00:00.000Z';
export const admin = oktaUser('walter.skinner@example.com');
export const dana = oktaUser('dana.scully@example.com');
export const fox = oktaUser('fox.mulder@example.com');

export const CHROME_MAC = {
  rawUserAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/127.0.0.0 Safari/537.36',
  os: 'Mac OS X',
  browser: 'CHROME',
};
export const CHROME_WINDOWS = {
  rawUserAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/127.0.0.0 Safari/537.36',
  os: 'Windows 10',
  browser: 'CHROME',
};
export const PYTHON = { rawUserAgent: 'python-requests/2.32.3', os: 'Unknown', browser: 'UNKNOWN' };

export const app = (label: string): TestPrincipal => ({ id: oktaId('0oa', label), type: 'AppInstance', alternateId: label, displayName: label, detailEntry: null });
export const adminConsole = app('Okta Admin Console');
export const slack = app('Slack');

/** Okta event fields the factory does not expose. */
export interface Extra {
  minute?: number;
  agent?: { rawUserAgent: string; os: string; browser: string };
  sessionId?: string | null;
  rootSessionId?: string;
  dtHash?: string;
  securityContext?: Record<string, unknown>;
  issuer?: { id: string; type: string };
}

export function event(spec: Omit<EventSpec, 'at'> & Extra): OktaLogEvent {
  const { minute = 0, agent, sessionId, rootSessionId, dtHash, securityContext, issuer, ...base } = spec;
  const built = oktaEvent({
    ...base,
    at: minutesAfter(T0, minute),
    debugData: { ...(dtHash ? { dtHash } : {}), ...base.debugData },
  }) as Record<string, any>;
  if (agent) built.client.userAgent = { ...agent };
  if (sessionId !== undefined) built.authenticationContext.externalSessionId = sessionId;
  if (rootSessionId) built.authenticationContext.rootSessionId = rootSessionId;
  if (securityContext) built.securityContext = { ...built.securityContext, ...securityContext };
  if (issuer) built.authenticationContext.issuer = issuer;
  return built as OktaLogEvent;
}

export function matchesOf(ruleId: string, events: OktaLogEvent[], settings?: DetectionSettings): DetectionMatch[] {
  return evaluate(catalogue, events, settings ? { settings } : {}).filter((match) => match.ruleId === ruleId);
}

export const enable = (ruleId: string): DetectionSettings => ({ rules: { [ruleId]: { enabled: true } } });

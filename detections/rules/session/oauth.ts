/** Catalogue C64–C65: OAuth client and token abuse. */
import { field } from '../../fields.js';
import { commonFields, groupKeys, hasOutcome, isOneOf } from '../../log-event.js';
import type { OktaLogEvent, SingleRule } from '../../types.js';
import { F } from '../credential/helpers.js';

// --- C64 ------------------------------------------------------------------------------------------------------

const TOKEN_GRANT_TYPES = ['app.oauth2.as.token.grant', 'app.oauth2.token.grant'];
const grantType = field('debugContext.debugData.grantType');

/** Okta's own integrations and monitoring vendors legitimately probe scopes. */
function isKnownIntegration(event: OktaLogEvent): boolean {
  const names = [commonFields.actorAlternateId.text(event), F.actorDisplayName.text(event)].map((name) => name?.toLowerCase() ?? '');
  if (names.some((name) => name.startsWith('okta') || name.includes('datadog'))) return true;
  return /okta-integrations/i.test(F.userAgent.text(event) ?? '');
}

function isPublicClientCredentialsProbe(event: OktaLogEvent): boolean {
  return (
    hasOutcome(event, 'FAILURE') &&
    isOneOf(commonFields.actorType.first(event), ['PublicClientApp']) &&
    isOneOf(grantType.first(event), ['client_credentials']) &&
    isOneOf(commonFields.outcomeReason.first(event), ['no_matching_scope']) &&
    !isKnownIntegration(event)
  );
}

export const oauthPublicClientAbuse: SingleRule = {
  kind: 'single',
  id: 'okta-oauth-public-client-abuse',
  title: 'Client-credentials token requested for a scope the app does not have',
  description:
    'An OAuth client app asked the authorisation server for a client_credentials token and was refused because no ' +
    'granted scope matched. Scripts holding a stolen client secret probe for scopes like this; the app itself asks ' +
    'for what it was built with. Needs outcome and debugContext: the refusal reason and the grant type are the signal.',
  severity: 'medium',
  attack: { tactics: ['TA0005', 'TA0006'], techniques: ['T1550.001', 'T1528'] },
  eventTypes: TOKEN_GRANT_TYPES,
  fields: [
    'eventType',
    'outcome.result',
    'outcome.reason',
    'actor.type',
    'actor.id',
    'actor.displayName',
    'debugContext.debugData.grantType',
    'debugContext.debugData.requestedScopes',
    'client.userAgent.rawUserAgent',
    'client.ipAddress',
  ],
  runbook:
    'Ask the app owner whether the client (actor) should request these scopes from this IP; if not, rotate the ' +
    'client secret and review the tokens it obtained.',
  dedupe: { periodMinutes: 60, key: groupKeys.actor },
  enabled: true,
  match: isPublicClientCredentialsProbe,
};

// --- C65 ------------------------------------------------------------------------------------------------------

const REUSE_TYPES = ['app.oauth2.as.token.detect_reuse', 'app.oauth2.token.detect_reuse'];

export const refreshTokenReuse: SingleRule = {
  kind: 'single',
  id: 'okta-refresh-token-reuse',
  title: 'Refresh token reuse detected',
  description:
    'Okta saw a rotated refresh token presented again. With refresh-token rotation only one party can hold the ' +
    'current token, so the token was copied: the legitimate app or the thief presented a token the other already ' +
    'used. Okta revokes the token family; the theft still needs investigating.',
  severity: 'high',
  attack: { tactics: ['TA0006', 'TA0005'], techniques: ['T1528', 'T1550.001'] },
  eventTypes: REUSE_TYPES,
  fields: ['eventType', 'actor.id', 'actor.type', 'target.id', 'target[type=User].id', 'client.ipAddress', 'client.userAgent.rawUserAgent'],
  runbook:
    "Identify the user and app of the token, compare both clients' IPs and user agents, clear the user's sessions " +
    'and look for malware on the device that held the token.',
  dedupe: { periodMinutes: 60, key: groupKeys.actor },
  enabled: true,
  match: (event) => REUSE_TYPES.includes(commonFields.eventType.text(event) ?? ''),
};

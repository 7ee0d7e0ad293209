/**
 * OAuth token theft and abuse. 'scope-probe': a script holding a leaked client secret asks the
 * authorization server for client_credentials tokens with admin scopes the app was never granted.
 * 'refresh-reuse': a refresh token copied off a user's laptop is redeemed by the thief after the
 * app already rotated it, and Okta reports the reuse.
 */
import { userTarget, type RequestSource } from '../events.js';
import { ID_PREFIX, stableOktaId } from '../ids.js';
import { MINUTE, SECOND, addMs } from '../time.js';
import type { LogActor, OktaLogEvent } from '../types.js';
import { ATTACKER_AGENTS, chooseVictim, defineScenario, directForeignOrigin } from './context.js';
import { scenarioEvent } from './log-events.js';

export type OAuthAbuse = 'scope-probe' | 'refresh-reuse';

export interface OAuthTokenAbuseOptions {
  /** Which abuses, in order (default both). */
  abuses?: OAuthAbuse[];
  /** refresh-reuse: the user whose token was copied. */
  userId?: string;
}

export interface OAuthTokenAbuseSubjects {
  abuses: OAuthAbuse[];
  /** The service app whose secret leaked. */
  serviceClientId: string;
  /** The user-facing app whose refresh token was replayed. */
  userClientId: string;
  userId: string;
  attackerIp: string;
}

const ALL_ABUSES: OAuthAbuse[] = ['scope-probe', 'refresh-reuse'];
const PROBED_SCOPES = ['okta.users.manage', 'okta.apps.manage', 'okta.roles.manage', 'okta.apiTokens.manage'];

const clientActor = (id: string, name: string): LogActor => ({ id, type: 'PublicClientApp', alternateId: id, displayName: name, detailEntry: null });

export const oauthTokenAbuse = defineScenario<OAuthTokenAbuseOptions, OAuthTokenAbuseSubjects>({
  description: 'app.oauth2.as.token.grant client_credentials refused (no_matching_scope) for a leaked secret, and app.oauth2.as.token.detect_reuse',
  build(context, options) {
    const { org, rng, at } = context;
    const abuses = options.abuses?.length ? options.abuses : ALL_ABUSES;
    const user = chooseVictim(context, options.userId);
    const script: RequestSource = { origin: directForeignOrigin(rng), agent: ATTACKER_AGENTS.curl, device: null };
    const serviceClientId = stableOktaId(ID_PREFIX.app, `${org.orgName}:oauth:reporting-service`);
    const userClientId = stableOktaId(ID_PREFIX.app, `${org.orgName}:oauth:expenses-app`);
    const authServer = stableOktaId('aus', `${org.orgName}:authorization-server:default`);
    const issuer = { id: authServer, type: 'AuthorizationServer' };
    const events: OktaLogEvent[] = [];
    let t = at;

    if (abuses.includes('scope-probe')) {
      for (const scope of PROBED_SCOPES) {
        events.push(scenarioEvent(rng, {
          eventType: 'app.oauth2.as.token.grant', published: t, actor: clientActor(serviceClientId, 'Internal Reporting Service'), source: script,
          outcome: { result: 'FAILURE', reason: 'no_matching_scope' }, severity: 'WARN',
          target: [{ id: authServer, type: 'AuthorizationServer', alternateId: 'unknown', displayName: 'default', detailEntry: null }],
          authentication: { issuer, credentialType: 'OAuth 2.0' }, requestUri: `/oauth2/${authServer}/v1/token`,
          debugData: { grantType: 'client_credentials', requestedScopes: scope, clientAuthType: 'client_secret_basic' },
        }));
        t = addMs(t, rng.int(3, 20) * SECOND);
      }
      t = addMs(t, rng.int(5, 15) * MINUTE);
    }
    if (abuses.includes('refresh-reuse')) {
      events.push(scenarioEvent(rng, {
        eventType: 'app.oauth2.as.token.detect_reuse', published: t, actor: clientActor(userClientId, 'Expenses'), source: script,
        outcome: { result: 'FAILURE', reason: 'refresh_token_reuse_detected' },
        target: [userTarget(user), { id: `oar${rng.base62(17)}`, type: 'RefreshToken', alternateId: 'unknown', displayName: 'Refresh Token', detailEntry: null }],
        authentication: { issuer, credentialType: 'OAuth 2.0' }, requestUri: `/oauth2/${authServer}/v1/token`,
        debugData: { grantType: 'refresh_token' },
      }));
    }
    return { events, subjects: { abuses, serviceClientId, userClientId, userId: user.id, attackerIp: script.origin.ip } };
  },
});

/**
 * Cross-tenant impersonation: an admin account adds an Identity Provider the attacker controls and
 * activates it, then signs in as a user through it (no password, no MFA). A captured SAML response
 * replayed a second time is refused by Okta.
 */
import { buildEvent, userActor } from '../events.js';
import { ID_PREFIX, oktaId } from '../ids.js';
import { newSession } from '../sign-in.js';
import { MINUTE, SECOND, addMs } from '../time.js';
import type { LogTarget, OktaLogEvent } from '../types.js';
import { attackerSource, chooseAdmin, chooseVictim, defineScenario, homeSource, openAdminConsole } from './context.js';
import { scenarioEvent } from './log-events.js';

export interface RogueIdentityProviderOptions {
  adminId?: string;
  /** The user impersonated through the new IdP. */
  userId?: string;
  idpName?: string;
}

export interface RogueIdentityProviderSubjects {
  adminId: string;
  idpId: string;
  userId: string;
  attackerIp: string;
}

const REPLAYED = 'A SAML assert with the same ID has already been processed by Okta for a previous request';

export const rogueIdentityProvider = defineScenario<RogueIdentityProviderOptions, RogueIdentityProviderSubjects>({
  description: 'system.idp.lifecycle.create + activate, a federated sign-in as a user through it, and a replayed assertion rejected',
  build(context, options) {
    const { org, rng, at } = context;
    const admin = chooseAdmin(context, options.adminId);
    const user = chooseVictim(context, options.userId);
    const source = homeSource(context, admin);
    const session = newSession(rng);
    const idpId = oktaId(rng, ID_PREFIX.app);
    const idp: LogTarget = { id: idpId, type: 'IdentityProvider', alternateId: 'unknown', displayName: options.idpName ?? 'Partner SSO', detailEntry: { protocol: 'SAML2' } };
    const events: OktaLogEvent[] = [openAdminConsole(context, admin, source, at, session)];
    let t = addMs(at, rng.int(2, 5) * MINUTE);
    events.push(scenarioEvent(rng, { eventType: 'system.idp.lifecycle.create', published: t, actor: userActor(admin), source, session, target: [idp], requestUri: '/api/v1/idps' }));
    t = addMs(t, rng.int(20, 90) * SECOND);
    events.push(scenarioEvent(rng, {
      eventType: 'system.idp.lifecycle.activate', published: t, actor: userActor(admin), source, session, target: [idp],
      requestUri: `/api/v1/idps/${idpId}/lifecycle/activate`,
    }));

    // The attacker's own IdP asserts the user's login; Okta trusts it and starts a session.
    const attacker = attackerSource(rng, org.personas[user.id]?.home.place.countryCode);
    const federated = { authenticationProvider: 'FEDERATION', credentialType: 'ASSERTION', issuer: { id: idpId, type: 'SAML2' } };
    const userSession = newSession(rng);
    t = addMs(t, rng.int(5, 15) * MINUTE);
    events.push(scenarioEvent(rng, {
      eventType: 'user.authentication.auth_via_IDP', published: t, actor: userActor(user), source: attacker, session: userSession,
      target: [idp], authentication: federated, requestUri: `/sso/saml2/${idpId}`,
    }));
    events.push(buildEvent(rng, {
      eventType: 'user.session.start', published: addMs(t, rng.int(300, 900)), actor: userActor(user), source: attacker, session: userSession,
      authentication: federated, requestUri: `/sso/saml2/${idpId}`,
    }));
    events.push(scenarioEvent(rng, {
      eventType: 'user.authentication.auth_via_IDP', published: addMs(t, rng.int(2, 6) * MINUTE), actor: userActor(user), source: attacker,
      outcome: { result: 'FAILURE', reason: REPLAYED }, severity: 'WARN', legacyEventType: 'core.idp.saml.login.failed',
      target: [idp], authentication: federated, requestUri: `/sso/saml2/${idpId}`,
    }));
    return { events, subjects: { adminId: admin.id, idpId, userId: user.id, attackerIp: attacker.origin.ip } };
  },
});

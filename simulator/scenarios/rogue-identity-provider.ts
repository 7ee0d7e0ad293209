/**
 * Cross-tenant impersonation: an admin account adds an Identity Provider the attacker controls and
 * activates it, then signs in as a user through it (no password, no MFA). A captured SAML response
 * replayed a second time is refused by Okta. Optionally the org already federates: for
 * `partnerFederationDays` before the attack, contractors sign in every workday through the
 * partner company's IdP, so the tenant knows what its usual issuers are.
 */
import { buildEvent, userActor, type RequestSource } from '../events.js';
import { ID_PREFIX, oktaId, stableOktaId } from '../ids.js';
import type { Random } from '../random.js';
import { newSession } from '../sign-in.js';
import { DAY, MINUTE, SECOND, addMs } from '../time.js';
import type { LogTarget, OktaLogEvent, OktaUser } from '../types.js';
import {
  attackerSource, chooseAdmin, chooseVictim, defineScenario, homeSource, openAdminConsole, otherActiveUsers, type ScenarioContext,
} from './context.js';
import { scenarioEvent } from './log-events.js';
import { workdayMoments } from './routine.js';

export interface RogueIdentityProviderOptions {
  adminId?: string;
  /** The user impersonated through the new IdP. */
  userId?: string;
  idpName?: string;
  /** Days of contractors' sign-ins through the partner IdP before the attack (default 0: the org does not federate). */
  partnerFederationDays?: number;
}

export interface RogueIdentityProviderSubjects {
  adminId: string;
  idpId: string;
  userId: string;
  attackerIp: string;
  /** The partner IdP's id, when the org federates with one. */
  partnerIdpId: string | null;
}

const REPLAYED = 'A SAML assert with the same ID has already been processed by Okta for a previous request';

export const rogueIdentityProvider = defineScenario<RogueIdentityProviderOptions, RogueIdentityProviderSubjects>({
  description: 'system.idp.lifecycle.create + activate, a federated sign-in as a user through it, and a replayed assertion rejected',
  build(context, options) {
    const { org, rng } = context;
    const admin = chooseAdmin(context, options.adminId);
    const user = chooseVictim(context, options.userId);
    const history = partnerSignIns(context, [admin.id, user.id], Math.max(0, options.partnerFederationDays ?? 0));
    const at = history.attackAt;
    const source = homeSource(context, admin);
    const session = newSession(rng);
    const idpId = oktaId(rng, ID_PREFIX.app);
    const idp: LogTarget = { id: idpId, type: 'IdentityProvider', alternateId: 'unknown', displayName: options.idpName ?? 'Partner SSO', detailEntry: { protocol: 'SAML2' } };
    const events: OktaLogEvent[] = [...history.events, openAdminConsole(context, admin, source, at, session)];
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
    return { events, subjects: { adminId: admin.id, idpId, userId: user.id, attackerIp: attacker.origin.ip, partnerIdpId: history.idpId } };
  },
});

/** Three contractors signing in through the partner's IdP each workday morning for `days`; the attack follows. */
function partnerSignIns(context: ScenarioContext, exclude: string[], days: number) {
  const { org, rng, at } = context;
  const attackAt = addMs(at, days * DAY);
  if (days === 0) return { events: [], attackAt, idpId: null };
  const idpId = stableOktaId(ID_PREFIX.app, `${org.orgName}:idp:partner`);
  const idp: LogTarget = { id: idpId, type: 'IdentityProvider', alternateId: 'unknown', displayName: 'Northwind Traders Entra ID', detailEntry: { protocol: 'SAML2' } };
  const events: OktaLogEvent[] = [];
  for (const contractor of otherActiveUsers(context, exclude, 3)) {
    const persona = org.personas[contractor.id];
    if (!persona) continue;
    for (const moment of workdayMoments(rng, persona, at, attackAt, [0])) {
      events.push(...federatedSignIn(rng, contractor, homeSource(context, contractor), moment, idp));
    }
  }
  return { events, attackAt, idpId };
}

function federatedSignIn(rng: Random, user: OktaUser, source: RequestSource, at: Date, idp: LogTarget): OktaLogEvent[] {
  const federated = { authenticationProvider: 'FEDERATION', credentialType: 'ASSERTION', issuer: { id: idp.id, type: 'SAML2' } };
  const session = newSession(rng);
  return [
    scenarioEvent(rng, {
      eventType: 'user.authentication.auth_via_IDP', published: at, actor: userActor(user), source, session,
      target: [idp], authentication: federated, requestUri: `/sso/saml2/${idp.id}`,
    }),
    buildEvent(rng, {
      eventType: 'user.session.start', published: addMs(at, rng.int(300, 900)), actor: userActor(user), source, session,
      authentication: federated, requestUri: `/sso/saml2/${idp.id}`,
    }),
  ];
}

/**
 * Catalogue C62 (first-seen form) and C63: sign-in paths the tenant or the user has not used recently. C62: a
 * federated sign-in through an issuer (external IdP) not seen in the tenant for 5 days. C63: a successful app SSO
 * from a device Okta cannot identify ("Unknown") with a user agent the user has not used for SSO in 14 days (the
 * Classic Engine policy bypass with a forged client).
 */
import { field } from '../../fields.js';
import { commonFields, groupKeys } from '../../log-event.js';
import { carriedOut } from '../outcome.js';
import type { BaselineRule, OktaLogEvent } from '../../types.js';
import { F, eventTypeOf, userKey } from '../credential/helpers.js';

const FEDERATION_TYPES = ['user.authentication.auth_via_IDP', 'user.authentication.auth_via_inbound_SAML', 'user.authentication.auth_via_social'];
const issuerId = field('authenticationContext.issuer.id');
const clientDevice = field('client.device');

function thirdPartyIssuer(event: OktaLogEvent): string | undefined {
  const id = issuerId.text(event)?.trim();
  return id && id.toLowerCase() !== 'okta' ? id : undefined;
}

export const idpSignInNewIssuer: BaselineRule = {
  kind: 'baseline',
  id: 'okta-idp-signin-new-issuer',
  title: 'Sign-in through an identity provider not seen recently',
  description:
    'A user signed in through an external identity provider whose issuer the tenant has not seen in the last 5 days ' +
    '(after 5 days of learning). A newly added IdP is how an attacker with admin access impersonates any user. A ' +
    'sign-in without an outcome counts; refused ones do not (they would make a rogue issuer known before it works).',
  severity: 'high',
  attack: { tactics: ['TA0001', 'TA0003'], techniques: ['T1199', 'T1484.002'] },
  eventTypes: FEDERATION_TYPES,
  fields: ['eventType', 'outcome.result', 'authenticationContext.issuer.id', 'actor.id'],
  runbook:
    'Look up the issuer in Security > Identity Providers and who created or activated it (system.idp.lifecycle.*); if ' +
    'it is not sanctioned, deactivate it and clear the sessions it created.',
  dedupe: { periodMinutes: 1440, key: (event) => (thirdPartyIssuer(event) ? `issuer:${thirdPartyIssuer(event)}` : undefined) },
  enabled: true,
  observe: (event) => carriedOut(event) && thirdPartyIssuer(event) !== undefined,
  terms: thirdPartyIssuer,
  entity: () => 'tenant',
  historyDays: 5,
  minHistoryDays: 5,
  learning: 'tenant',
};

const isUnknownDevice = (event: OktaLogEvent) => /^unknown$/i.test(clientDevice.text(event)?.trim() ?? '');

export const ssoFromUnknownDeviceNew: BaselineRule = {
  kind: 'baseline',
  id: 'okta-sso-unknown-device-new',
  title: 'App SSO from an unidentified device with a new user agent',
  description:
    'A user signed in to an app through Okta from a device Okta reports as "Unknown", with a user agent the user has ' +
    'not used for SSO in the last 14 days. Forged or scripted clients evade device-based sign-on policy this way. An ' +
    'SSO without an outcome counts. Needs client: the device verdict and the user agent are the signal.',
  severity: 'medium',
  attack: { tactics: ['TA0001', 'TA0005'], techniques: ['T1078.004', 'T1550.004'] },
  eventTypes: ['user.authentication.sso'],
  fields: ['eventType', 'outcome.result', 'client.device', 'client.userAgent.rawUserAgent', 'actor.id'],
  runbook:
    'Look at the user agent and IP of the SSO: a script or an unusual browser from an unknown network means a stolen ' +
    'session or credentials; clear the sessions and require a managed device for the app.',
  dedupe: { periodMinutes: 1440, key: (event) => groupKeys.user(commonFields.actorId.text(event)) },
  enabled: true,
  // Every SSO of the user builds the history of their user agents; only unknown-device ones are judged.
  observe: (event) => eventTypeOf(event) === 'user.authentication.sso' && carriedOut(event) && userKey(event) !== undefined,
  judge: isUnknownDevice,
  terms: (event) => F.userAgent.text(event),
  historyDays: 14,
  minHistoryDays: 7,
  learning: 'tenant',
};

/**
 * Catalogue C62 (single-event forms): sign-ins through a third-party identity provider. The first-seen-issuer
 * baseline is a separate rule kind; these two need no history.
 */
import { field } from '../../fields.js';
import { commonFields, hasOutcome } from '../../log-event.js';
import { carriedOut } from '../outcome.js';
import type { OktaLogEvent, Severity, SingleRule } from '../../types.js';
import { userKey } from '../credential/helpers.js';

const FEDERATION_TYPES = [
  'user.authentication.auth_via_IDP',
  'user.authentication.auth_via_inbound_SAML',
  'user.authentication.auth_via_social',
];
const issuerId = field('authenticationContext.issuer.id');
const FIELDS = [
  'eventType',
  'outcome.result',
  'outcome.reason',
  'authenticationContext.issuer.id',
  'authenticationContext.issuer.type',
  'actor.id',
  'client.ipAddress',
];
const ATTACK = { tactics: ['TA0001', 'TA0006'], techniques: ['T1199', 'T1606.002'] } as const;

/** Okta itself as issuer is not third-party federation. */
const isThirdPartyIssuer = (event: OktaLogEvent): boolean => issuerId.text(event)?.trim().toLowerCase() !== 'okta';

export const idpSignIn: SingleRule = {
  kind: 'single',
  id: 'okta-idp-signin',
  title: 'Sign-in through a third-party identity provider',
  description:
    'A user signed in through an external identity provider (inbound SAML/OIDC, social login). For orgs that do not ' +
    'federate, any such sign-in means someone added an IdP to impersonate users. Off by default: enable it when the ' +
    'tenant has no inbound federation. A federated sign-in without an outcome counts: in such a tenant any of them ' +
    'is the alarm (refused ones are okta-idp-signin-failure\'s).',
  severity: 'high',
  attack: ATTACK,
  eventTypes: FEDERATION_TYPES,
  fields: FIELDS,
  runbook:
    'Find the IdP (issuer) in Security > Identity Providers and who created it (system.idp.lifecycle.create); if it ' +
    'is not sanctioned, deactivate it and clear the sessions it created.',
  dedupe: { periodMinutes: 60, key: userKey },
  enabled: false,
  match: (event) => carriedOut(event) && isThirdPartyIssuer(event),
};

const REPLAYED_ASSERTION = /already been processed|replay/i;

/** A replayed assertion is an attack (or a test of one); other validation failures are mostly misconfiguration. */
function federationFailureSeverity(events: readonly OktaLogEvent[]): Severity {
  return events.some((event) => REPLAYED_ASSERTION.test(commonFields.outcomeReason.text(event) ?? '')) ? 'high' : 'low';
}

export const idpSignInFailure: SingleRule = {
  kind: 'single',
  id: 'okta-idp-signin-failure',
  title: 'Federated sign-in rejected (SAML replay or validation failure)',
  description:
    'Okta rejected a sign-in through an external identity provider. High when the assertion had already been used ' +
    '(a captured SAML response replayed); low for other validation failures such as an unmatched username, which ' +
    'are usually configuration errors but also what a forged assertion for a non-existent user produces. Needs outcome: ' +
    'the rule is about rejections (sign-ins without one are okta-idp-signin\'s).',
  severity: federationFailureSeverity,
  severityNote: { levels: ['low', 'high'], how: 'high when the rejection reason shows a replayed assertion, else low' },
  attack: { tactics: ['TA0001', 'TA0006'], techniques: ['T1606.002', 'T1550'] },
  eventTypes: FEDERATION_TYPES,
  fields: FIELDS,
  runbook:
    'For a replay: find the original assertion (same user, minutes earlier), treat the user\'s IdP session as ' +
    'stolen and revoke it at the IdP. For other failures: check the IdP configuration with its owner.',
  dedupe: { periodMinutes: 60, key: userKey },
  enabled: true,
  match: (event) => hasOutcome(event, 'FAILURE', 'DENY'),
};

// Failure types that activities raise and workflows refuse to retry: retrying cannot change the answer.

/** Okta refused the integration's API token (revoked, expired, or missing a scope). */
export const CREDENTIALS_REJECTED = 'OktaCredentialsRejected';
/** Okta does not know the user (refreshUser for an id that is not in the org). */
export const OKTA_USER_NOT_FOUND = 'OktaUserNotFound';
/** Okta refused the request as malformed (HTTP 400). */
export const OKTA_BAD_REQUEST = 'OktaBadRequest';
/** The outbound guard refused the destination (a private address, another origin, a redirect). */
export const OKTA_DESTINATION_REFUSED = 'OktaDestinationRefused';
/** The integration's stored Okta domain is no longer allowed. */
export const OKTA_DOMAIN_REFUSED = 'OktaDomainRefused';
/** A Sigma rule in SIGMA_RULES_DIR does not load: the detection step refuses to run a partial rule set. */
export const SIGMA_RULES_INVALID = 'SigmaRulesInvalid';
/** No such integration (deleted, or a wrong id given to a workflow). */
export const INTEGRATION_NOT_FOUND = 'IntegrationNotFound';


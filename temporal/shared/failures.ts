// Failure types that activities raise and workflows refuse to retry: retrying cannot change Okta's answer.

/** Okta refused the integration's API token (revoked, expired, or missing a scope). */
export const CREDENTIALS_REJECTED = 'OktaCredentialsRejected';
/** Okta does not know the user (refreshUser for an id that is not in the org). */
export const OKTA_USER_NOT_FOUND = 'OktaUserNotFound';

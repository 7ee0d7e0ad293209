/** The detection rules shipped with the integration, in catalogue order (sections A–C of detections-catalog.md). */
import { adminRoleGrantedToGroup, adminRoleGrantedToUser } from './rules/admin-role-granted.js';
import { apiTokenCreated } from './rules/api-token-created.js';
import { signInsFromTwoCountries } from './rules/impossible-travel.js';
import { mfaPushBombing } from './rules/mfa-push-bombing.js';
import { passwordSpraySingleSource } from './rules/password-spray.js';
import { userReportedSuspicious } from './rules/user-reported-suspicious.js';
import type { Rule } from './types.js';
import { validateRules } from './validate.js';

export const catalogue: readonly Rule[] = Object.freeze([
  // A. Privilege, persistence and tenant configuration
  adminRoleGrantedToUser,
  adminRoleGrantedToGroup,
  apiTokenCreated,
  // B. Credential attacks
  passwordSpraySingleSource,
  mfaPushBombing,
  // C. Session theft, risky sign-in context and Okta's own signals
  signInsFromTwoCountries,
  userReportedSuspicious,
]);

validateRules(catalogue);

export function findRule(id: string): Rule | undefined {
  return catalogue.find((rule) => rule.id === id);
}

/** Section A of the catalogue: privilege, persistence and tenant configuration, in catalogue order. */
import type { Rule } from '../../types.js';
import { adminApiViaProxy } from './admin-api-via-proxy.js';
import { adminRoleGrantedToGroup, adminRoleGrantedToUser } from './admin-role-granted.js';
import { apiTokenCreated } from './api-token-created.js';
import { apiTokenRevoked } from './api-token-revoked.js';
import { appModifiedOrRemoved, org2orgAppChange, scimPasswordPush } from './app-changes.js';
import { adminViewedOtherUserPassword, passwordHealthReportAccess } from './credential-exposure.js';
import { customAdminBindingCreated } from './custom-admin-binding.js';
import { deviceEnrolled } from './device-enrolled.js';
import { idpLifecycleChange } from './idp-lifecycle-change.js';
import { mfaBypassAttempt, orgMfaFactorDisabled, userMfaFactorRemoved, userMfaResetAll, userMfaSelfReset } from './mfa-changes.js';
import { networkZoneWeakened } from './network-zone-weakened.js';
import { appSignOnPolicyWeakened, policyRuleWeakened, policyWeakened } from './policy-changes.js';
import { supportCredentialReset, supportImpersonation } from './support-access.js';
import { userCreated } from './user-created.js';

import { adAgentActivityNewSource, adAgentAuthAnomaly } from './ad-agent.js';
import { adminEnrolsFactorsForOthers } from './factor-enrolment-for-others.js';
import { mfaRemovedNotRestored } from './mfa-not-restored.js';
import { swaBulkCredentialAccess, swaOffHoursAccess } from './swa-access.js';

export const privilegeRules: readonly Rule[] = [
  adminRoleGrantedToUser, // A1
  adminRoleGrantedToGroup, // A2
  customAdminBindingCreated, // A3
  apiTokenCreated, // A4
  apiTokenRevoked, // A5
  idpLifecycleChange, // A6
  org2orgAppChange, // A7
  scimPasswordPush, // A8
  appModifiedOrRemoved, // A9
  appSignOnPolicyWeakened, // A10
  policyWeakened, // A11
  policyRuleWeakened, // A12
  networkZoneWeakened, // A13
  orgMfaFactorDisabled, // A14
  userMfaFactorRemoved, // A15
  userMfaResetAll, // A16
  userMfaSelfReset, // A17
  mfaRemovedNotRestored, // A18
  mfaBypassAttempt, // A19
  deviceEnrolled, // A20
  adminEnrolsFactorsForOthers, // A21
  supportImpersonation, // A22
  supportCredentialReset, // A23
  userCreated, // A24
  adminViewedOtherUserPassword, // A25
  passwordHealthReportAccess, // A26
  adminApiViaProxy, // A27
  adAgentActivityNewSource, // A28
  adAgentAuthAnomaly, // A29
  swaBulkCredentialAccess, // A30
  swaOffHoursAccess, // A31
];

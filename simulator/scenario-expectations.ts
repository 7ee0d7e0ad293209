/**
 * What each attack scenario must raise: per scenario, one or more cases (options) with the rule ids
 * the case must raise and, from the injection's subjects, the exact detections (rule, group key and
 * subject user). An hourly run over benign traffic with the case mixed in raises each of them once;
 * the same traffic without it raises none of them. Tests and benchmarks read this map.
 */
import type { ScenarioName, ScenarioOptions, ScenarioSubjects } from './scenarios.js';

export interface ExpectedDetection {
  ruleId: string;
  /** The match's group key; its dedupe key is `${ruleId}:${groupKey}`. */
  groupKey: string;
  /** The user the detection names, when the rule names one. */
  subjectUserId?: string;
}

export interface ScenarioCase<N extends ScenarioName = ScenarioName> {
  scenario: N;
  /** Readable case name, e.g. `bruteForce/rotating-proxies`. */
  label: string;
  /** Options of this case; the caller adds `seed` and `at`. */
  options: ScenarioOptions<N>;
  /** The rule ids `detections` returns, listed statically. */
  ruleIds: readonly string[];
  /** The detections the case must raise, each exactly once. */
  detections(subjects: ScenarioSubjects<N>): ExpectedDetection[];
  /**
   * Days of the org's ordinary traffic that must come before the scenario: a tenant-wide learning
   * period (C63 learns the tenant's SSO for 7 days), or room for a scenario that builds days of its
   * own history. Default 0: a day's traffic around the scenario is enough.
   */
  benignDaysBefore?: number;
}

const user = (id: string) => `user:${id}`;
const ip = (address: string) => `ip:${address.toLowerCase()}`;
const ipAndUser = (address: string, id: string) => `${ip(address)}|${user(id)}`;

/** One case; `ruleIds` lists the rule ids `detections` returns (test/unit/scenarios-detect checks they agree). */
function scenarioCase<N extends ScenarioName>(
  scenario: N, variant: string | null, options: ScenarioOptions<N>, ruleIds: readonly string[],
  detections: (subjects: ScenarioSubjects<N>) => ExpectedDetection[], benignDaysBefore?: number,
): ScenarioCase<N> {
  return { scenario, label: variant ? `${scenario}/${variant}` : scenario, options, ruleIds, detections, ...(benignDaysBefore ? { benignDaysBefore } : {}) };
}

/** Days of history the scenarios that build one are given: five workdays and a weekend. */
const HISTORY_DAYS = 7;

/** The shipped Sigma rules (sigma-rules/) the hourly run loads next to the catalogue, by their engine rule ids. */
const SIGMA = {
  apiTokenViaProxy: 'sigma-1139e5b4-5216-443d-a775-af6348ef0b0b',
  policyDeactivatedOrDeleted: 'sigma-9d0cec1e-28e2-408d-a917-8295f9bb3418',
  mfaFactorRemovedByOther: 'sigma-32801c46-866d-4242-909d-7b038adc6ea4',
} as const;

/** What taking MFA apart raises, whichever address the admin works from. */
const MFA_WEAKENED_RULES = ['okta-org-mfa-factor-disabled', 'okta-user-mfa-factor-removed', 'okta-mfa-bypass-attempt', 'okta-mfa-removed-not-restored'];
const mfaWeakenedDetections = (s: ScenarioSubjects<'mfaWeakened'>): ExpectedDetection[] => [
  { ruleId: 'okta-org-mfa-factor-disabled', groupKey: user(s.adminId), subjectUserId: s.adminId },
  { ruleId: 'okta-user-mfa-factor-removed', groupKey: user(s.userId), subjectUserId: s.userId },
  { ruleId: 'okta-mfa-bypass-attempt', groupKey: user(s.userId), subjectUserId: s.userId },
  { ruleId: 'okta-mfa-removed-not-restored', groupKey: user(s.userId), subjectUserId: s.userId },
];

export const SCENARIO_EXPECTATIONS: { readonly [N in ScenarioName]: readonly ScenarioCase<N>[] } = {
  passwordSpray: [
    scenarioCase('passwordSpray', null, {}, ['okta-password-spray-single-source', 'okta-threatinsight-detection'], (s) => [
      { ruleId: 'okta-password-spray-single-source', groupKey: ip(s.sourceIp) },
      { ruleId: 'okta-threatinsight-detection', groupKey: ip(s.sourceIp) },
    ]),
    // No subject for B43: when the spray and the sign-in fall in one run, its match holds every sprayed user's failures,
    // so the default subject (one User actor across the match) is empty. The group key still names the user.
    scenarioCase('passwordSpray', 'password-guessed', { compromise: true },
      ['okta-password-spray-single-source', 'okta-success-after-credential-attack'], (s) => [
        { ruleId: 'okta-password-spray-single-source', groupKey: ip(s.sourceIp) },
        { ruleId: 'okta-success-after-credential-attack', groupKey: user(s.compromisedUserId ?? 'none') },
      ]),
  ],
  // The barrage ends with the approval: the attacker got in (B45).
  mfaPushBombing: [scenarioCase('mfaPushBombing', null, {}, ['okta-mfa-push-bombing', 'okta-mfa-challenge-failed', 'okta-mfa-push-bombing-success'], (s) => [
    { ruleId: 'okta-mfa-push-bombing', groupKey: user(s.userId), subjectUserId: s.userId },
    { ruleId: 'okta-mfa-challenge-failed', groupKey: user(s.userId), subjectUserId: s.userId },
    { ruleId: 'okta-mfa-push-bombing-success', groupKey: user(s.userId), subjectUserId: s.userId },
  ])],
  adminRoleGranted: [
    scenarioCase('adminRoleGranted', null, {}, ['okta-admin-role-granted-user'], (s) => [
      { ruleId: 'okta-admin-role-granted-user', groupKey: user(s.userId), subjectUserId: s.userId },
    ]),
    // About the group, so no subject; the member added afterwards is never named in a grant.
    scenarioCase('adminRoleGranted', 'group', { recipient: 'group' }, ['okta-admin-role-granted-group'], (s) => [
      { ruleId: 'okta-admin-role-granted-group', groupKey: `group:${s.groupId ?? 'none'}` },
    ]),
  ],
  twoCountriesWithinHour: [
    scenarioCase('twoCountriesWithinHour', null, {}, ['okta-impossible-travel'], (s) => [
      { ruleId: 'okta-impossible-travel', groupKey: user(s.userId), subjectUserId: s.userId },
    ]),
    // Out and back again are both too fast; the user's return within the dedupe period keeps them one detection.
    scenarioCase('twoCountriesWithinHour', 'consumer-isp', { attackerNetwork: 'consumer', userReturnsAfterMinutes: 70 },
      ['okta-impossible-travel', 'okta-impossible-travel-velocity'], (s) => [
        { ruleId: 'okta-impossible-travel', groupKey: user(s.userId), subjectUserId: s.userId },
        { ruleId: 'okta-impossible-travel-velocity', groupKey: user(s.userId), subjectUserId: s.userId },
      ]),
  ],
  apiTokenCreated: [
    scenarioCase('apiTokenCreated', null, {}, ['okta-api-token-created'], (s) => [
      { ruleId: 'okta-api-token-created', groupKey: user(s.createdBy), subjectUserId: s.createdBy },
    ]),
    scenarioCase('apiTokenCreated', 'via-proxy', { viaProxy: true }, ['okta-api-token-created', SIGMA.apiTokenViaProxy], (s) => [
      { ruleId: 'okta-api-token-created', groupKey: user(s.createdBy), subjectUserId: s.createdBy },
      { ruleId: SIGMA.apiTokenViaProxy, groupKey: user(s.createdBy), subjectUserId: s.createdBy },
    ]),
  ],
  userReportedSuspicious: [scenarioCase('userReportedSuspicious', null, {}, ['okta-user-reported-suspicious'], (s) => [
    { ruleId: 'okta-user-reported-suspicious', groupKey: user(s.userId), subjectUserId: s.userId },
  ])],

  bruteForce: [
    scenarioCase('bruteForce', 'single-source', { style: 'single-source' },
      ['okta-brute-force-by-user', 'okta-brute-force-by-ip', 'okta-brute-force-no-device-token', 'okta-account-locked'], (s) => [
        { ruleId: 'okta-brute-force-by-user', groupKey: user(s.userId), subjectUserId: s.userId },
        { ruleId: 'okta-brute-force-by-ip', groupKey: ip(s.sourceIps[0]) },
        { ruleId: 'okta-brute-force-no-device-token', groupKey: ipAndUser(s.sourceIps[0], s.userId), subjectUserId: s.userId },
        { ruleId: 'okta-account-locked', groupKey: user(s.userId), subjectUserId: s.userId },
      ]),
    scenarioCase('bruteForce', 'rotating-proxies', { style: 'rotating-proxies' }, ['okta-brute-force-multi-source', 'okta-account-locked'], (s) => [
      { ruleId: 'okta-brute-force-multi-source', groupKey: user(s.userId), subjectUserId: s.userId },
      { ruleId: 'okta-account-locked', groupKey: user(s.userId), subjectUserId: s.userId },
    ]),
    scenarioCase('bruteForce', 'device-token-rotation', { style: 'device-token-rotation' }, ['okta-brute-force-dt-rotation', 'okta-account-locked'], (s) => [
      { ruleId: 'okta-brute-force-dt-rotation', groupKey: ipAndUser(s.sourceIps[0], s.userId), subjectUserId: s.userId },
      { ruleId: 'okta-account-locked', groupKey: user(s.userId), subjectUserId: s.userId },
    ]),
    scenarioCase('bruteForce', 'user-agent-rotation', { style: 'user-agent-rotation' }, ['okta-brute-force-ua-rotation', 'okta-account-locked'], (s) => [
      { ruleId: 'okta-brute-force-ua-rotation', groupKey: ipAndUser(s.sourceIps[0], s.userId), subjectUserId: s.userId },
      { ruleId: 'okta-account-locked', groupKey: user(s.userId), subjectUserId: s.userId },
    ]),
    // Each lockout is its own okta-account-locked detection (they are more than an hour apart); the repeat is the finding.
    scenarioCase('bruteForce', 'slow-lockouts', { style: 'slow-lockouts' }, ['okta-repeated-lockouts-user'], (s) => [
      { ruleId: 'okta-repeated-lockouts-user', groupKey: user(s.userId), subjectUserId: s.userId },
    ]),
  ],
  credentialStuffing: [scenarioCase('credentialStuffing', null, {}, ['okta-credential-stuffing', 'okta-dthash-many-users'], (s) => [
    { ruleId: 'okta-credential-stuffing', groupKey: ip(s.sourceIp) },
    { ruleId: 'okta-dthash-many-users', groupKey: `dthash:${s.deviceToken}` },
  ])],
  passwordResetAbuse: [
    scenarioCase('passwordResetAbuse', 'recovery-flood', { style: 'recovery-flood' }, ['okta-reset-unlock-flood'], (s) => [
      { ruleId: 'okta-reset-unlock-flood', groupKey: user(s.actorId), subjectUserId: s.actorId },
    ]),
    scenarioCase('passwordResetAbuse', 'mass-reset', { style: 'mass-reset' }, ['okta-mass-password-reset'], (s) => [
      { ruleId: 'okta-mass-password-reset', groupKey: user(s.actorId), subjectUserId: s.actorId },
    ]),
  ],
  pushFromRotatingProxies: [scenarioCase('pushFromRotatingProxies', null, {}, ['okta-push-source-response-mismatch', 'okta-mfa-challenge-failed'], (s) => [
    { ruleId: 'okta-push-source-response-mismatch', groupKey: `session:${s.sessionId}`, subjectUserId: s.userId },
    { ruleId: 'okta-mfa-challenge-failed', groupKey: user(s.userId), subjectUserId: s.userId },
  ])],
  // The detection deliberately names nobody: the typed "login" is the secret.
  passwordInUsername: [scenarioCase('passwordInUsername', null, {}, ['okta-password-in-username'], (s) => [
    { ruleId: 'okta-password-in-username', groupKey: ip(s.sourceIp) },
  ])],
  vpnCredentialTesting: [scenarioCase('vpnCredentialTesting', null, {}, ['okta-dthash-many-users-proxy', 'okta-session-via-anonymizer'], (s) => [
    { ruleId: 'okta-dthash-many-users-proxy', groupKey: `dthash:${s.deviceToken}` },
    { ruleId: 'okta-session-via-anonymizer', groupKey: user(s.compromisedUserId), subjectUserId: s.compromisedUserId },
  ])],
  // Every account on the list locks within minutes: B34 for the source, and each lockout on its own (B32).
  lockoutStorm: [scenarioCase('lockoutStorm', null, {}, ['okta-many-accounts-locked', 'okta-account-locked', 'okta-brute-force-by-ip'], (s) => [
    { ruleId: 'okta-many-accounts-locked', groupKey: ip(s.sourceIp) },
    { ruleId: 'okta-brute-force-by-ip', groupKey: ip(s.sourceIp) },
    ...s.userIds.map((id) => ({ ruleId: 'okta-account-locked', groupKey: user(id), subjectUserId: id })),
  ])],

  aitmPhishing: [
    // The replaying script's app SSO comes from an "Unknown" device: C63 judges it once the tenant has learnt a week of SSO.
    scenarioCase('aitmPhishing', 'session-stolen', { outcome: 'session-stolen' }, ['okta-aitm-session-replay', 'okta-sso-unknown-device-new'], (s) => [
      { ruleId: 'okta-aitm-session-replay', groupKey: `session:${s.sessionId}`, subjectUserId: s.userId },
      { ruleId: 'okta-sso-unknown-device-new', groupKey: user(s.userId), subjectUserId: s.userId },
    ], 8),
    scenarioCase('aitmPhishing', 'fastpass-blocked', { outcome: 'fastpass-blocked' }, ['okta-fastpass-phishing-blocked'], (s) => [
      { ruleId: 'okta-fastpass-phishing-blocked', groupKey: user(s.userId), subjectUserId: s.userId },
    ]),
  ],
  stolenSessionReplay: [scenarioCase('stolenSessionReplay', null, {},
    ['okta-dthash-multi-client', 'okta-session-hijack-multi-device', 'okta-failed-app-access-in-session', 'okta-unauthorized-app-access'], (s) => [
      { ruleId: 'okta-dthash-multi-client', groupKey: `dthash:${s.stolenDeviceToken}`, subjectUserId: s.userId },
      { ruleId: 'okta-session-hijack-multi-device', groupKey: `session:${s.sessionId}`, subjectUserId: s.userId },
      { ruleId: 'okta-failed-app-access-in-session', groupKey: `session:${s.sessionId}`, subjectUserId: s.userId },
      { ruleId: 'okta-unauthorized-app-access', groupKey: user(s.userId), subjectUserId: s.userId },
    ])],
  concurrentSessions: [scenarioCase('concurrentSessions', null, {}, ['okta-many-sessions-user'], (s) => [
    { ruleId: 'okta-many-sessions-user', groupKey: user(s.userId), subjectUserId: s.userId },
  ])],
  // The anonymised session followed by the console detections is C58's chain.
  adminConsoleViaProxy: [scenarioCase('adminConsoleViaProxy', null, {},
    ['okta-admin-console-login-failure', 'okta-new-behavior-admin-console', 'okta-admin-api-via-proxy', 'okta-proxy-login-then-alerts'], (s) => [
      { ruleId: 'okta-admin-console-login-failure', groupKey: user(s.adminId), subjectUserId: s.adminId },
      { ruleId: 'okta-new-behavior-admin-console', groupKey: user(s.adminId), subjectUserId: s.adminId },
      { ruleId: 'okta-admin-api-via-proxy', groupKey: user(s.adminId), subjectUserId: s.adminId },
      { ruleId: 'okta-proxy-login-then-alerts', groupKey: user(s.adminId), subjectUserId: s.adminId },
    ])],
  oauthTokenAbuse: [scenarioCase('oauthTokenAbuse', null, {}, ['okta-oauth-public-client-abuse', 'okta-refresh-token-reuse'], (s) => [
    { ruleId: 'okta-oauth-public-client-abuse', groupKey: `actor:${s.serviceClientId}` },
    { ruleId: 'okta-refresh-token-reuse', groupKey: `actor:${s.userClientId}` },
  ])],
  // The token's owner is the actor of Okta's rate-limit events; one detection for the whole flood (24 h dedupe).
  rateLimitFlood: [scenarioCase('rateLimitFlood', null, {}, ['okta-rate-limit-violation'], (s) => [
    { ruleId: 'okta-rate-limit-violation', groupKey: user(s.tokenOwnerId), subjectUserId: s.tokenOwnerId },
  ])],

  policyWeakened: [
    scenarioCase('policyWeakened', null, {},
      ['okta-policy-rule-weakened', 'okta-policy-weakened', 'okta-app-signon-policy-weakened', 'okta-single-factor-success'], (s) => [
        { ruleId: 'okta-policy-rule-weakened', groupKey: user(s.adminId), subjectUserId: s.adminId },
        { ruleId: 'okta-policy-weakened', groupKey: user(s.adminId), subjectUserId: s.adminId },
        { ruleId: 'okta-app-signon-policy-weakened', groupKey: user(s.adminId), subjectUserId: s.adminId },
        ...(s.signIn ? [{ ruleId: 'okta-single-factor-success', groupKey: ipAndUser(s.signIn.sourceIp, s.signIn.userId), subjectUserId: s.signIn.userId }] : []),
      ]),
    // Switched off and deleted rather than edited: the Sigma rule groups both changes under the admin.
    scenarioCase('policyWeakened', 'deactivated-or-deleted', { changes: ['enrolment-policy-deactivated', 'sign-on-rule-deleted'] },
      [SIGMA.policyDeactivatedOrDeleted, 'okta-policy-weakened', 'okta-policy-rule-weakened', 'okta-single-factor-success'], (s) => [
        { ruleId: SIGMA.policyDeactivatedOrDeleted, groupKey: user(s.adminId), subjectUserId: s.adminId },
        { ruleId: 'okta-policy-weakened', groupKey: user(s.adminId), subjectUserId: s.adminId },
        { ruleId: 'okta-policy-rule-weakened', groupKey: user(s.adminId), subjectUserId: s.adminId },
        ...(s.signIn ? [{ ruleId: 'okta-single-factor-success', groupKey: ipAndUser(s.signIn.sourceIp, s.signIn.userId), subjectUserId: s.signIn.userId }] : []),
      ]),
  ],
  // Nobody re-enrols the removed Okta Verify: twelve hours later that absence is A18.
  mfaWeakened: [
    scenarioCase('mfaWeakened', null, {}, MFA_WEAKENED_RULES, mfaWeakenedDetections),
    // The same changes from an anonymiser: the Sigma rule adds the proxy, keyed and named by the acting admin, and
    // the Admin Console opened through it is A27.
    scenarioCase('mfaWeakened', 'admin-via-proxy', { adminViaProxy: true },
      [...MFA_WEAKENED_RULES, SIGMA.mfaFactorRemovedByOther, 'okta-admin-api-via-proxy'], (s) => [
        ...mfaWeakenedDetections(s),
        { ruleId: SIGMA.mfaFactorRemovedByOther, groupKey: user(s.adminId), subjectUserId: s.adminId },
        { ruleId: 'okta-admin-api-via-proxy', groupKey: user(s.adminId), subjectUserId: s.adminId },
      ]),
  ],
  helpDeskTakeover: [scenarioCase('helpDeskTakeover', null, {}, ['okta-user-mfa-reset-all', 'okta-device-enrolled'], (s) => [
    { ruleId: 'okta-user-mfa-reset-all', groupKey: user(s.userId), subjectUserId: s.userId },
    { ruleId: 'okta-device-enrolled', groupKey: user(s.userId), subjectUserId: s.userId },
  ])],
  defensesDisabled: [scenarioCase('defensesDisabled', null, {}, ['okta-api-token-revoked', 'okta-network-zone-weakened'], (s) => [
    { ruleId: 'okta-api-token-revoked', groupKey: user(s.adminId), subjectUserId: s.adminId },
    { ruleId: 'okta-network-zone-weakened', groupKey: user(s.adminId), subjectUserId: s.adminId },
  ])],
  supportAccess: [scenarioCase('supportAccess', null, {}, ['okta-support-impersonation', 'okta-support-credential-reset'], (s) => [
    { ruleId: 'okta-support-impersonation', groupKey: user(s.grantedBy), subjectUserId: s.grantedBy },
    { ruleId: 'okta-support-credential-reset', groupKey: user(s.resetUserId), subjectUserId: s.resetUserId },
  ])],
  rogueIdentityProvider: [
    scenarioCase('rogueIdentityProvider', null, {}, ['okta-idp-lifecycle-change', 'okta-idp-signin-failure'], (s) => [
      { ruleId: 'okta-idp-lifecycle-change', groupKey: `idp:${s.idpId}`, subjectUserId: s.adminId },
      { ruleId: 'okta-idp-signin-failure', groupKey: user(s.userId), subjectUserId: s.userId },
    ]),
    // A tenant that has federated with a partner for a week knows its issuers: the attacker's is new (C62).
    scenarioCase('rogueIdentityProvider', 'established-federation', { partnerFederationDays: HISTORY_DAYS },
      ['okta-idp-lifecycle-change', 'okta-idp-signin-failure', 'okta-idp-signin-new-issuer'], (s) => [
        { ruleId: 'okta-idp-lifecycle-change', groupKey: `idp:${s.idpId}`, subjectUserId: s.adminId },
        { ruleId: 'okta-idp-signin-failure', groupKey: user(s.userId), subjectUserId: s.userId },
        { ruleId: 'okta-idp-signin-new-issuer', groupKey: `issuer:${s.idpId}`, subjectUserId: s.userId },
      ], 1),
  ],
  appIntegrationBackdoor: [scenarioCase('appIntegrationBackdoor', null, {},
    ['okta-org2org-app-change', 'okta-scim-password-push', 'okta-app-modified-or-removed'], (s) => [
      { ruleId: 'okta-org2org-app-change', groupKey: `app:${s.appId}`, subjectUserId: s.adminId },
      { ruleId: 'okta-scim-password-push', groupKey: `app:${s.appId}`, subjectUserId: s.adminId },
      { ruleId: 'okta-app-modified-or-removed', groupKey: user(s.adminId), subjectUserId: s.adminId },
    ])],
  backdoorAccount: [scenarioCase('backdoorAccount', null, {}, ['okta-user-created', 'okta-custom-admin-binding-created'], (s) => [
    { ruleId: 'okta-user-created', groupKey: user(s.adminId), subjectUserId: s.adminId },
    { ruleId: 'okta-custom-admin-binding-created', groupKey: user(s.adminId), subjectUserId: s.adminId },
  ])],
  // One detection per (admin, owner, app), as the rule groups reveals.
  appPasswordHarvest: [scenarioCase('appPasswordHarvest', null, {}, ['okta-admin-viewed-other-user-password', 'okta-password-health-report-access'], (s) => [
    ...s.ownerIds.map((owner) => ({
      ruleId: 'okta-admin-viewed-other-user-password', groupKey: `${user(s.adminId)}|owner:${owner}|app:${s.appId}`, subjectUserId: s.adminId,
    })),
    { ruleId: 'okta-password-health-report-access', groupKey: user(s.adminId), subjectUserId: s.adminId },
  ])],
  // The admin never enrolled a factor for anyone before: the first time alerts at once.
  skeletonKeyEnrolment: [scenarioCase('skeletonKeyEnrolment', null, {}, ['okta-admin-enrolls-factors-for-others'], (s) => [
    { ruleId: 'okta-admin-enrolls-factors-for-others', groupKey: user(s.adminId), subjectUserId: s.adminId },
  ])],
  adAgentAbuse: [
    scenarioCase('adAgentAbuse', 'rogue-agent', { style: 'rogue-agent' }, ['okta-ad-agent-activity-new-source'], (s) => [
      { ruleId: 'okta-ad-agent-activity-new-source', groupKey: user(s.accountId), subjectUserId: s.accountId },
    ]),
    scenarioCase('adAgentAbuse', 'delegated-auth-spike', { style: 'delegated-auth-spike', historyDays: HISTORY_DAYS }, ['okta-ad-agent-auth-anomaly'], (s) => [
      { ruleId: 'okta-ad-agent-auth-anomaly', groupKey: user(s.accountId), subjectUserId: s.accountId },
    ], 1),
  ],
  // Both against a week of the user's ordinary vaulted-app hours (z-scores, not the cold-start floor).
  vaultedAppHarvest: [
    scenarioCase('vaultedAppHarvest', 'bulk', { style: 'bulk', historyDays: HISTORY_DAYS }, ['okta-swa-bulk-credential-access'], (s) => [
      { ruleId: 'okta-swa-bulk-credential-access', groupKey: user(s.userId), subjectUserId: s.userId },
    ], 1),
    scenarioCase('vaultedAppHarvest', 'off-hours', { style: 'off-hours', historyDays: HISTORY_DAYS }, ['okta-swa-offhours-access'], (s) => [
      { ruleId: 'okta-swa-offhours-access', groupKey: user(s.userId), subjectUserId: s.userId },
    ], 1),
  ],
};

/** Every case of every scenario, in registry order. */
export function scenarioCases(): ScenarioCase[] {
  return Object.values(SCENARIO_EXPECTATIONS).flat() as ScenarioCase[];
}

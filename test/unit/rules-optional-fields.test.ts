// Every rule of the catalogue, and every example Sigma rule, against events that lack what Okta does not always send:
// `outcome`, `client`, `securityContext`, `debugContext` and `target`, each removed and each null in turn. Absent
// means unknown: a rule still fires on its positive example (possibly at another severity), unless the table below
// says it needs the field, and then the rule's description says so too ("Needs <field>…") and the rule really stays
// silent. A refused attempt (outcome FAILURE) of a privileged action is decided per rule in the same table.
import { describe, expect, it } from 'vitest';
import {
  catalogue,
  evaluateRun,
  mergeStateRows,
  type DetectionMatch,
  type DetectionSettings,
  type OktaLogEvent,
  type Rule,
  type Severity,
  type StateRow,
} from '../../detections/index.js';
import { loadSigmaRules } from '../../detections/sigma/index.js';
import {
  minutesAfter,
  oktaEvent,
  oktaGroup,
  oktaId,
  oktaUser,
  oktaVerifyEnrollment,
  type EventSpec,
  type TestPrincipal,
} from '../../detections/testing.js';

const OPTIONAL = ['outcome', 'client', 'securityContext', 'debugContext', 'target'] as const;
type Optional = (typeof OPTIONAL)[number];

const T0 = '2026-03-02T09:00:00.000Z';
const HOUR = 60;
const DAY = 24 * HOUR;

// --- principals -------------------------------------------------------------------------------------------------

const admin = oktaUser('walter.skinner@example.com');
const helpDesk = oktaUser('monica.reyes@example.com');
const dana = oktaUser('dana.scully@example.com');
const fox = oktaUser('fox.mulder@example.com');
const staff = Array.from({ length: 24 }, (_, i) => oktaUser(`staff${i}@example.com`));
const oktaSystem: TestPrincipal = { id: '00u0system0okta00001', type: 'SystemPrincipal', alternateId: 'system@okta.com', displayName: 'Okta System', detailEntry: null };
const publicClient: TestPrincipal = { id: '0oa1publicclient0001', type: 'PublicClientApp', alternateId: 'Inventory CLI', displayName: 'Inventory CLI', detailEntry: null };
const entity = (type: string, name: string, prefix = '0oa'): TestPrincipal => ({
  id: oktaId(prefix, `${type}:${name}`),
  type,
  alternateId: 'unknown',
  displayName: name,
  detailEntry: null,
});
const app = (label: string, displayName = label, signOnModeType?: string): TestPrincipal => ({
  id: oktaId('0oa', label),
  type: 'AppInstance',
  alternateId: label,
  displayName,
  detailEntry: signOnModeType ? { signOnModeType } : null,
});
const adminConsole = app('Okta Admin Console');
const appUser = (user: TestPrincipal): TestPrincipal => ({ ...user, type: 'AppUser', id: oktaId('0ua', user.alternateId) });
const passwordAuthenticator: TestPrincipal = { id: 'lae1password00000001', type: 'AuthenticatorEnrollment', alternateId: 'unknown', displayName: 'Password', detailEntry: null };
const swaApps = Array.from({ length: 6 }, (_, i) => app(`Vault ${i}`, `Vault ${i}`, 'BROWSER_PLUGIN'));

// --- event builders ---------------------------------------------------------------------------------------------

type Mutable = Record<string, any>;

/** An event `minute` minutes after T0; `tweak` edits the built JSON (nested fields oktaEvent does not expose). */
function ev(spec: Omit<EventSpec, 'at'> & { minute?: number }, tweak?: (event: Mutable) => void): OktaLogEvent {
  const event = oktaEvent({ ...spec, at: minutesAfter(T0, spec.minute ?? 0) }) as Mutable;
  tweak?.(event);
  return event as OktaLogEvent;
}
const adminEv = (spec: Omit<EventSpec, 'at' | 'actor'> & { minute?: number }, tweak?: (event: Mutable) => void) =>
  ev({ actor: admin, ip: '73.14.22.9', ...spec }, tweak);
const sessionOf = (id: string) => (event: Mutable) => {
  event.authenticationContext.externalSessionId = id;
};
const userAgent = (raw: string, os = 'Mac OS X') => (event: Mutable) => {
  event.client.userAgent = { rawUserAgent: raw, os, browser: 'UNKNOWN' };
};
const failedSignIn = (user: TestPrincipal, minute: number, ip: string, debugData?: Record<string, string>, tweak?: (e: Mutable) => void) =>
  ev({ eventType: 'user.session.start', actor: user, minute, ip, result: 'FAILURE', reason: 'INVALID_CREDENTIALS', debugData }, tweak);
const rejectedPush = (minute: number) =>
  ev({
    eventType: 'user.authentication.auth_via_mfa',
    actor: dana,
    minute,
    result: 'FAILURE',
    reason: 'INVALID_CREDENTIALS',
    target: [dana, oktaVerifyEnrollment(dana)],
    debugData: { factor: 'OKTA_VERIFY_PUSH' },
  });
const sso = (user: TestPrincipal, minute: number, target: TestPrincipal, tweak?: (e: Mutable) => void) =>
  ev({ eventType: 'user.authentication.sso', actor: user, minute, target: [user, target] }, tweak);

/** A distributed spray: 10 accounts × 3 wrong passwords within 15 minutes, from 5 addresses. */
const distributedSpray = () =>
  staff.slice(0, 10).flatMap((user, u) => [0, 1, 2].map((round) => failedSignIn(user, round * 4 + u * 0.3, `185.220.101.${u % 5}`)));

// --- the table ----------------------------------------------------------------------------------------------------

interface Case {
  /** The rule's positive example: one batch per hourly run (earlier ones build state); the last run must fire. */
  readonly runs: () => OktaLogEvent[][];
  /** Severity of the intact example. */
  readonly severity: Severity;
  /** Other rules the example needs (the sources of an alert chain). */
  readonly with?: readonly string[];
  /** The evaluation's clock (absence rules). */
  readonly now?: string;
  /** Fields the rule cannot do without, and why (its description says so too). */
  readonly requires?: Partial<Record<Optional, string>>;
  /**
   * The same example with every event of the last run refused (outcome FAILURE): the severity it is reported at,
   * or 'none' with the reason. Left out where the outcome is not what the rule is about.
   */
  readonly refused?: Severity | { readonly none: string };
}

const FAILURES = 'it counts failed sign-ins: only a logged FAILURE is a wrong guess';
const TOKENS = 'the device tokens (debugData.dtHash) are the signal';
const NONE_ROUTINE = { none: 'nothing changed, and refusals of this routine action are common' };

const CASES: Record<string, Case> = {
  // --- A: privilege, persistence, tenant configuration -------------------------------------------------------------
  'okta-admin-role-granted-user': {
    runs: () => [[adminEv({ eventType: 'user.account.privilege.grant', target: [fox], debugData: { privilegeGranted: 'Super administrator' } })]],
    severity: 'critical',
    refused: 'high',
  },
  'okta-admin-role-granted-group': {
    runs: () => [[adminEv({ eventType: 'group.privilege.grant', target: [oktaGroup('Help Desk')], debugData: { privilegeGranted: 'Help Desk administrator' } })]],
    severity: 'high',
    refused: 'medium',
  },
  'okta-custom-admin-binding-created': {
    runs: () => [[adminEv({ eventType: 'iam.resourceset.bindings.add', target: [entity('ResourceSet', 'All IT apps'), oktaGroup('Contractors IT')] })]],
    severity: 'medium',
    refused: 'low',
  },
  'okta-api-token-created': {
    runs: () => [[adminEv({ eventType: 'system.api_token.create', target: [entity('Token', 'jenkins-sync', '00T')] })]],
    severity: 'medium',
    refused: 'low',
  },
  'okta-api-token-revoked': {
    runs: () => [[adminEv({ eventType: 'system.api_token.revoke', target: [entity('Token', 'jenkins-sync', '00T')] })]],
    severity: 'low',
    refused: 'info',
  },
  'okta-idp-lifecycle-change': {
    runs: () => [[adminEv({ eventType: 'system.idp.lifecycle.create', target: [entity('IdentityProvider', 'Partner SAML')] })]],
    severity: 'high',
    refused: 'medium',
  },
  'okta-org2org-app-change': {
    runs: () => [[adminEv({ eventType: 'application.lifecycle.create', target: [app('Partner Tenant Sync', 'Okta Org2Org')] })]],
    severity: 'high',
    requires: { target: "only the target's name tells an Org2Org app from any other" },
    refused: 'medium',
  },
  'okta-scim-password-push': {
    runs: () => [[adminEv({ eventType: 'application.lifecycle.update', target: [app('HR SCIM')], reason: 'Pushing user passwords' })]],
    severity: 'high',
    requires: { outcome: 'Okta says "Pushing user passwords" only in outcome.reason' },
    refused: 'medium',
  },
  'okta-app-modified-or-removed': {
    runs: () => [[adminEv({ eventType: 'application.lifecycle.deactivate', target: [app('Salesforce')] })]],
    severity: 'low',
    refused: NONE_ROUTINE,
  },
  'okta-app-signon-policy-weakened': {
    runs: () => [[adminEv({ eventType: 'application.policy.sign_on.update', target: [app('Salesforce')] })]],
    severity: 'medium',
    refused: 'low',
  },
  'okta-policy-weakened': {
    runs: () => [
      [adminEv({ eventType: 'policy.lifecycle.update', target: [entity('PolicyEntity', 'Default Password Policy', '00p')], debugData: { changedAttributes: '{minLength=4}' } })],
    ],
    severity: 'high',
    refused: 'medium',
  },
  'okta-policy-rule-weakened': {
    runs: () => [[adminEv({ eventType: 'policy.rule.update', target: [entity('PolicyRule', 'Require MFA', '0pr')], debugData: { changedAttributes: '{requireFactor=false}' } })]],
    severity: 'high',
    refused: 'medium',
  },
  'okta-network-zone-weakened': {
    runs: () => [[adminEv({ eventType: 'zone.update', target: [entity('NetworkZone', 'Blocked countries', 'nzo')] })]],
    severity: 'medium',
    refused: 'low',
  },
  'okta-org-mfa-factor-disabled': {
    runs: () => [[adminEv({ eventType: 'security.authenticator.lifecycle.deactivate', target: [entity('Authenticator', 'Okta Verify', 'aut')] })]],
    severity: 'high',
    refused: 'medium',
  },
  'okta-user-mfa-factor-removed': {
    runs: () => [[ev({ eventType: 'user.mfa.factor.deactivate', actor: helpDesk, target: [fox, oktaVerifyEnrollment(fox)] })]],
    severity: 'medium',
    refused: 'low',
  },
  'okta-user-mfa-reset-all': {
    runs: () => [[ev({ eventType: 'user.mfa.factor.reset_all', actor: helpDesk, target: [fox] })]],
    severity: 'medium',
    refused: 'low',
  },
  'okta-user-mfa-self-reset': {
    runs: () => [[ev({ eventType: 'user.mfa.factor.deactivate', actor: fox, target: [fox, oktaVerifyEnrollment(fox)], reason: 'User reset OKTA_VERIFY_PUSH factor' })]],
    severity: 'info',
    refused: { none: 'a refused self-service reset leaves the factor in place' },
  },
  'okta-mfa-removed-not-restored': {
    runs: () => [[ev({ eventType: 'user.mfa.factor.reset_all', actor: helpDesk, target: [fox] })]],
    now: minutesAfter(T0, 2 * DAY),
    severity: 'low',
    refused: { none: 'a refused removal leaves the factor in place, so nothing is missing' },
  },
  'okta-mfa-bypass-attempt': {
    runs: () => [[adminEv({ eventType: 'user.mfa.attempt_bypass', target: [fox] })]],
    severity: 'high',
    refused: 'high',
  },
  'okta-device-enrolled': {
    runs: () => [[ev({ eventType: 'device.enrollment.create', actor: dana, target: [entity('Device', 'Dana iPhone', 'guo')] })]],
    severity: 'low',
    refused: { none: 'a refused enrolment leaves no device behind' },
  },
  'okta-admin-enrolls-factors-for-others': {
    runs: () => [[adminEv({ eventType: 'user.mfa.factor.activate', target: [fox, oktaVerifyEnrollment(fox)] })]],
    severity: 'high',
    requires: { target: "only a User target says the factor is someone else's" },
    refused: { none: 'a refused enrolment gives nobody a factor' },
  },
  'okta-support-impersonation': {
    runs: () => [[adminEv({ eventType: 'user.session.impersonation.grant', target: [admin] })]],
    severity: 'high',
    refused: 'medium',
  },
  'okta-support-credential-reset': {
    runs: () => [
      [
        ev({ eventType: 'user.account.reset_password', actor: oktaSystem, target: [fox], country: null }, (e) => {
          e.client = { userAgent: null, zone: null, device: null, id: null, ipAddress: null, geographicalContext: null };
          e.transaction = { type: 'JOB', id: 'unknown', detail: {} };
        }),
      ],
    ],
    severity: 'high',
    refused: 'medium',
  },
  'okta-user-created': {
    runs: () => [[adminEv({ eventType: 'user.lifecycle.create', target: [oktaUser('svc_network_backup@example.com')] })]],
    severity: 'medium',
    refused: { none: 'a refused creation leaves no account behind' },
  },
  'okta-admin-viewed-other-user-password': {
    runs: () => [[adminEv({ eventType: 'application.user_membership.show_password', target: [dana, appUser(dana), app('Payroll', 'Payroll', 'BROWSER_PLUGIN')] })]],
    severity: 'medium',
    refused: 'low',
  },
  'okta-password-health-report-access': {
    runs: () => [[adminEv({ eventType: 'user.session.access_admin_app', debugData: { requestUri: '/api/internal/v1/reports/password-health/weak' } })]],
    severity: 'low',
    requires: { debugContext: 'the endpoint is visible only in debugData.requestUri' },
    refused: 'low',
  },
  'okta-admin-api-via-proxy': {
    runs: () => [[adminEv({ eventType: 'user.session.access_admin_app', ip: '185.220.101.9', isProxy: true, debugData: { requestUri: '/admin/dashboard' } })]],
    severity: 'medium',
    requires: { securityContext: 'the proxy flag is the signal', debugContext: 'the admin URI is in debugData.requestUri' },
    refused: 'medium',
  },
  'okta-ad-agent-activity-new-source': {
    runs: () => [[adminEv({ eventType: 'system.agent.ad.agent_instance_added', ip: '10.20.0.15', target: [entity('AgentInstance', 'DC01 agent', '0aa')] })]],
    severity: 'critical',
    refused: { none: "a refused operation must not teach the baseline the attacker's source" },
  },
  'okta-ad-agent-auth-anomaly': {
    runs: () => {
      // Twelve ordinary days: two delegated sign-ins from the office at 09:00; then an hour of 30 from six places.
      const history = Array.from({ length: 12 }, (_, d) =>
        [0, 20].map((minute) => ev({ eventType: 'user.authentication.auth_via_AD_agent', actor: dana, minute: d * DAY + minute, ip: '73.14.22.9' })),
      ).flat();
      const countries = ['United States', 'Netherlands', 'Germany', 'Brazil', 'Singapore'];
      const spike = Array.from({ length: 30 }, (_, i) =>
        ev({ eventType: 'user.authentication.auth_via_AD_agent', actor: dana, minute: 12 * DAY + i, ip: `45.83.1.${i % 6}`, country: countries[i % 5] }),
      );
      return [history, spike];
    },
    severity: 'medium',
  },
  'okta-swa-bulk-credential-access': {
    runs: () => [Array.from({ length: 12 }, (_, i) => sso(dana, i * 4, swaApps[i % 6]))],
    severity: 'high',
    requires: { target: "only the app's sign-on mode (target) says an SSO opens a password-vaulting app" },
    refused: { none: 'a refused sign-on hands over no password' },
  },
  'okta-swa-offhours-access': {
    runs: () => {
      const history = Array.from({ length: 12 }, (_, d) => [0, 10, 20].map((minute) => sso(dana, d * DAY + minute, swaApps[0]))).flat();
      // 02:00 UTC, seven hours from any hour the user used the apps at.
      const night = [0, 10, 20].map((minute) => sso(dana, 12 * DAY + 17 * HOUR + minute, swaApps[1]));
      return [history, night];
    },
    severity: 'high',
    requires: { target: "only the app's sign-on mode (target) says an SSO opens a password-vaulting app" },
    refused: { none: 'a refused sign-on hands over no password' },
  },

  // --- B: credential attacks -----------------------------------------------------------------------------------------
  'okta-account-locked': {
    runs: () => [[ev({ eventType: 'user.account.lock', actor: dana, ip: '185.220.101.9' })]],
    severity: 'low',
  },
  'okta-repeated-lockouts-user': {
    runs: () => [[0, 60, 120].map((minute) => ev({ eventType: 'user.account.lock', actor: dana, minute, ip: '185.220.101.9' }))],
    severity: 'medium',
  },
  'okta-many-accounts-locked': {
    runs: () => [staff.slice(0, 5).map((user, i) => ev({ eventType: 'user.account.lock', actor: user, minute: i * 2, ip: '185.220.101.9' }))],
    severity: 'medium',
  },
  'okta-brute-force-by-user': {
    runs: () => [Array.from({ length: 20 }, (_, i) => failedSignIn(dana, i * 2, '185.220.101.9'))],
    severity: 'medium',
    requires: { outcome: FAILURES },
  },
  'okta-brute-force-by-ip': {
    runs: () => [Array.from({ length: 20 }, (_, i) => failedSignIn(staff[i % 4], i * 2, '185.220.101.9'))],
    severity: 'medium',
    requires: { outcome: FAILURES, client: 'the group is the source IP; unknown sources together would be a tenant-wide failure count' },
  },
  'okta-brute-force-multi-source': {
    runs: () => [Array.from({ length: 10 }, (_, i) => failedSignIn(dana, i * 2, `45.83.1.${i % 5}`))],
    severity: 'low',
    requires: { outcome: FAILURES, client: 'the distinct source IPs are the signal' },
  },
  'okta-brute-force-dt-rotation': {
    runs: () => [Array.from({ length: 10 }, (_, i) => failedSignIn(dana, i * 2, '185.220.101.9', { dtHash: `${i}f3c9a7e2b1d04c8e9a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5` }))],
    severity: 'low',
    requires: { outcome: FAILURES, debugContext: TOKENS },
  },
  'okta-brute-force-no-device-token': {
    runs: () => [Array.from({ length: 12 }, (_, i) => failedSignIn(dana, i * 2, '185.220.101.9'))],
    severity: 'low',
    requires: { outcome: FAILURES, debugContext: 'only an event carrying debug data can show that no device token was sent' },
  },
  'okta-brute-force-ua-rotation': {
    runs: () => [Array.from({ length: 10 }, (_, i) => failedSignIn(dana, i * 2, '185.220.101.9', undefined, userAgent(`Mozilla/5.0 Tool/${i % 5}`)))],
    severity: 'low',
    requires: { outcome: FAILURES, client: 'the distinct user agents are the signal' },
  },
  'okta-password-spray-single-source': {
    runs: () => [staff.slice(0, 6).flatMap((user, u) => [0, 1].map((round) => failedSignIn(user, round * 20 + u, '185.220.101.9')))],
    severity: 'medium',
    requires: { outcome: FAILURES, client: 'the group is the source IP (okta-password-spray-distributed judges the rest)' },
  },
  'okta-password-spray-distributed': {
    runs: () => [distributedSpray()],
    severity: 'medium',
    requires: { outcome: FAILURES },
  },
  'okta-credential-stuffing': {
    runs: () => [staff.slice(0, 16).flatMap((user, u) => [0, 1].map((round) => failedSignIn(user, u * 0.4 + round * 7, '185.220.101.9')))],
    severity: 'medium',
    requires: { outcome: FAILURES, client: 'the group is the source IP (okta-password-spray-distributed judges the rest)' },
  },
  'okta-dthash-many-users': {
    runs: () => [staff.slice(0, 21).map((user, u) => failedSignIn(user, u * 0.3, `45.83.1.${u % 7}`, { dtHash: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90' }))],
    severity: 'medium',
    requires: { outcome: 'it counts wrong passwords (outcome FAILURE, INVALID_CREDENTIALS)', debugContext: 'the device token is the entity' },
  },
  'okta-dthash-many-users-proxy': {
    runs: () => [
      staff.slice(0, 3).map((user, u) =>
        ev({ eventType: 'user.authentication.verify', actor: user, minute: u, ip: '185.220.101.9', isProxy: true, debugData: { dtHash: 'b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1' } }),
      ),
    ],
    severity: 'medium',
    requires: { securityContext: 'the proxy flag is the signal', debugContext: 'the device token is the entity' },
  },
  'okta-success-after-credential-attack': {
    runs: () => [
      [
        ...distributedSpray(),
        ev({ eventType: 'user.session.start', actor: staff[3], minute: 60, ip: '45.83.1.77', debugData: { behaviors: '{New IP=POSITIVE, New Device=POSITIVE}' } }),
      ],
    ],
    with: ['okta-password-spray-distributed'],
    severity: 'high',
    requires: { outcome: 'the attack detections it follows count failed sign-ins, and only a success says the password worked' },
  },
  'okta-mfa-push-bombing': {
    runs: () => [[0, 1, 2, 3, 4].map(rejectedPush)],
    severity: 'high',
    requires: { outcome: 'auth_via_mfa records approvals and rejections alike' },
  },
  'okta-mfa-push-bombing-success': {
    runs: () => [
      [
        ...[0, 1, 2, 3, 4].map(rejectedPush),
        ev({ eventType: 'user.authentication.auth_via_mfa', actor: dana, minute: 6, target: [dana, oktaVerifyEnrollment(dana)], debugData: { factor: 'OKTA_VERIFY_PUSH' } }),
      ],
    ],
    severity: 'critical',
    requires: { outcome: 'a rejected and an accepted push differ only by their outcome' },
  },
  'okta-push-source-response-mismatch': {
    runs: () => [
      [
        ev({ eventType: 'system.push.send_factor_verify_push', actor: dana, ip: '185.220.101.9', target: [oktaVerifyEnrollment(dana)] }, sessionOf('idx2Tq7rVh2KxW9mLp4sNc8dEw')),
        ev(
          { eventType: 'user.authentication.auth_via_mfa', actor: dana, minute: 1, ip: '73.14.22.9', result: 'FAILURE', reason: 'INVALID_CREDENTIALS', target: [dana, oktaVerifyEnrollment(dana)], debugData: { factor: 'OKTA_VERIFY_PUSH' } },
          sessionOf('idx2Tq7rVh2KxW9mLp4sNc8dEw'),
        ),
      ],
    ],
    severity: 'high',
    requires: { client: 'the distinct IP addresses are the signal' },
  },
  'okta-mfa-challenge-failed': {
    runs: () => [[rejectedPush(0)]],
    severity: 'low',
    requires: { outcome: 'auth_via_mfa records approvals and failures alike' },
  },
  'okta-reset-unlock-flood': {
    runs: () => [[0, 5, 10, 15, 20].map((minute) => ev({ eventType: 'system.email.password_reset.sent_message', actor: dana, minute, target: [dana] }))],
    severity: 'medium',
  },
  'okta-mass-password-reset': {
    runs: () => [Array.from({ length: 16 }, (_, i) => adminEv({ eventType: 'user.account.reset_password', minute: i * 2, target: [staff[i % 12]] }))],
    severity: 'medium',
    requires: { target: 'the distinct users reset are the signal' },
    refused: 'medium',
  },
  'okta-password-in-username': {
    runs: () => [[failedSignIn(oktaUser('Summer2026!'), 0, '73.14.22.9')]],
    severity: 'medium',
    requires: { outcome: 'a successful sign-in with a short login is an ordinary short username' },
  },
  'okta-single-factor-success': {
    runs: () => [[ev({ eventType: 'user.session.start', actor: dana, target: [passwordAuthenticator] })]],
    severity: 'medium',
    requires: { target: 'the authenticators a sign-in used are listed only there' },
  },

  // --- C: sessions, sign-in context, Okta's own signals -------------------------------------------------------------
  'okta-session-hijack-multi-device': {
    runs: () => [
      [0, 1, 2, 3].map((i) =>
        ev({ eventType: 'application.user_membership.add', actor: dana, minute: i, ip: i < 2 ? '73.14.22.9' : '185.220.101.9', debugData: { dtHash: `c${i}d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2` } }),
      ),
    ],
    severity: 'high',
    requires: { debugContext: TOKENS },
  },
  'okta-aitm-session-replay': {
    runs: () => [
      [
        ev({ eventType: 'user.session.start', actor: dana, ip: '185.220.101.9' }),
        ev({ eventType: 'user.authentication.sso', actor: dana, minute: 3, ip: '45.83.1.2', target: [dana, app('Salesforce')] }, userAgent('python-requests/2.31.0', 'Linux')),
      ],
    ],
    severity: 'high',
    requires: { client: 'the user agents are the signal' },
  },
  'okta-dthash-multi-client': {
    runs: () => [
      [
        ev({ eventType: 'user.authentication.verify', actor: dana, debugData: { dtHash: 'd4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3' } }),
        ev({ eventType: 'user.authentication.verify', actor: dana, minute: 20, ip: '45.83.1.2', debugData: { dtHash: 'd4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3' } }, userAgent('Mozilla/5.0 (Windows NT 10.0)', 'Windows')),
      ],
    ],
    severity: 'high',
    requires: { debugContext: 'the device token is the entity', client: 'the operating systems are the signal' },
  },
  'okta-many-sessions-user': {
    runs: () => [[0, 10, 20].map((minute, i) => ev({ eventType: 'user.session.start', actor: dana, minute }, sessionOf(`idxSession${i}AbCdEfGhIjKlMn`)))],
    severity: 'medium',
  },
  'okta-failed-app-access-in-session': {
    runs: () => [[0, 3, 6].map((minute) => ev({ eventType: 'policy.evaluate_sign_on', actor: dana, minute, result: 'CHALLENGE', target: [app('Workday')] }))],
    severity: 'medium',
    requires: { outcome: 'challenges and successful sign-ons are told apart by it' },
  },
  'okta-impossible-travel': {
    runs: () => [[ev({ eventType: 'user.session.start', actor: dana }), ev({ eventType: 'user.session.start', actor: dana, minute: 30, ip: '45.83.1.2', country: 'Germany' })]],
    severity: 'high',
    requires: { client: 'the countries are the signal' },
  },
  'okta-impossible-travel-velocity': {
    runs: () => [[ev({ eventType: 'user.session.start', actor: dana }), ev({ eventType: 'user.session.start', actor: dana, minute: 60, ip: '45.83.1.2', country: 'Singapore' })]],
    severity: 'high',
    requires: { client: 'the geolocation is the signal' },
  },
  'okta-session-via-anonymizer': {
    runs: () => [[ev({ eventType: 'user.session.start', actor: dana, ip: '185.220.101.9', isProxy: true })]],
    severity: 'high',
    requires: { securityContext: 'the proxy flag is the signal' },
  },
  'okta-proxy-login-then-alerts': {
    runs: () => [
      [
        ev({ eventType: 'user.session.start', actor: dana, ip: '185.220.101.9', isProxy: true }),
        ev({ eventType: 'system.api_token.create', actor: dana, minute: 5, ip: '185.220.101.9', isProxy: true, target: [entity('Token', 'backup', '00T')] }),
      ],
    ],
    with: ['okta-session-via-anonymizer', 'okta-api-token-created'],
    severity: 'high',
    requires: { securityContext: 'its first step (okta-session-via-anonymizer) reads the proxy flag there' },
  },
  'okta-new-behavior-admin-console': {
    runs: () => [[ev({ eventType: 'policy.evaluate_sign_on', actor: admin, result: 'ALLOW', target: [adminConsole], debugData: { behaviors: '{New Device=POSITIVE, New IP=POSITIVE, Velocity=NEGATIVE}' } })]],
    severity: 'high',
    requires: { debugContext: 'the behaviour flags are read there (this org has no securityContext.userBehaviors)', target: 'policy evaluations name the Admin Console only there' },
  },
  'okta-new-risk-behavior': {
    runs: () => [[ev({ eventType: 'user.session.start', actor: dana, debugData: { behaviors: '{New IP=POSITIVE}' } })]],
    severity: 'low',
    requires: { debugContext: 'the behaviour flags are read there (this org has no securityContext.userBehaviors)' },
  },
  'okta-admin-console-login-failure': {
    runs: () => [[ev({ eventType: 'user.session.access_admin_app', actor: admin, result: 'FAILURE', reason: 'VERIFICATION_ERROR', target: [adminConsole] })]],
    severity: 'low',
    requires: { outcome: 'the rule is about failures', target: 'the Admin Console is named only there' },
  },
  'okta-idp-signin': {
    runs: () => [[ev({ eventType: 'user.authentication.auth_via_IDP', actor: dana }, (e) => (e.authenticationContext.issuer = { id: '0oa1rogueidp00000001', type: 'SAML2' }))]],
    severity: 'high',
  },
  'okta-idp-signin-failure': {
    runs: () => [[ev({ eventType: 'user.authentication.auth_via_inbound_SAML', actor: dana, result: 'FAILURE', reason: 'The SAML assertion has already been processed' })]],
    severity: 'high',
    requires: { outcome: 'the rule is about rejections' },
  },
  'okta-idp-signin-new-issuer': {
    runs: () => {
      const via = (issuer: string, minute: number) =>
        ev({ eventType: 'user.authentication.auth_via_IDP', actor: dana, minute }, (e) => (e.authenticationContext.issuer = { id: issuer, type: 'SAML2' }));
      return [[via('0oa1partneridp000001', 0)], [via('0oa1partneridp000001', 6 * DAY), via('0oa1rogueidp00000001', 6 * DAY + 5)]];
    },
    severity: 'high',
  },
  'okta-sso-unknown-device-new': {
    runs: () => [
      [sso(dana, 0, app('Salesforce'))],
      [sso(dana, 8 * DAY, app('Salesforce'), (e) => { e.client.device = 'Unknown'; e.client.userAgent = { rawUserAgent: 'python-requests/2.31.0', os: 'Unknown', browser: 'UNKNOWN' }; })],
    ],
    severity: 'medium',
    requires: { client: 'the device verdict and the user agent are the signal' },
  },
  'okta-oauth-public-client-abuse': {
    runs: () => [[ev({ eventType: 'app.oauth2.as.token.grant', actor: publicClient, result: 'FAILURE', reason: 'no_matching_scope', debugData: { grantType: 'client_credentials' } })]],
    severity: 'medium',
    requires: { outcome: 'the refusal reason is the signal', debugContext: 'the grant type is in debugData' },
  },
  'okta-refresh-token-reuse': {
    runs: () => [[ev({ eventType: 'app.oauth2.as.token.detect_reuse', actor: publicClient, target: [dana] })]],
    severity: 'high',
  },
  'okta-unauthorized-app-access': {
    runs: () => [[ev({ eventType: 'app.generic.unauth_app_access_attempt', actor: dana, target: [app('Payroll')] })]],
    severity: 'low',
  },
  'okta-fastpass-phishing-blocked': {
    runs: () => [[ev({ eventType: 'user.authentication.auth_via_mfa', actor: dana, result: 'FAILURE', reason: 'FastPass declined phishing attempt' })]],
    severity: 'high',
    requires: { outcome: 'Okta says so only in outcome.reason' },
  },
  'okta-threatinsight-detection': {
    runs: () => [[ev({ eventType: 'security.threat.detected', actor: dana, ip: '185.220.101.9', debugData: { threatDetections: '{"Password Spray":"HIGH"}' } })]],
    severity: 'high',
  },
  'okta-user-reported-suspicious': {
    runs: () => [[ev({ eventType: 'user.account.report_suspicious_activity_by_enduser', actor: dana, debugData: { suspiciousActivityEventType: 'user.session.start' } })]],
    severity: 'high',
  },
  'okta-rate-limit-violation': {
    runs: () => [[ev({ eventType: 'system.org.rate_limit.violation', actor: publicClient, debugData: { requestUri: '/api/v1/users' } })]],
    severity: 'low',
  },

  // --- the example Sigma rules (sigma-rules) -------------------------------------------------------------------------
  'sigma-4d5be8a5-a47d-4212-85f3-3d13e2f23e6b': {
    runs: () => [[ev({ eventType: 'policy.evaluate_sign_on', actor: admin, result: 'ALLOW', target: [adminConsole], debugData: { behaviors: '{New Device=POSITIVE}' } })]],
    severity: 'high',
    requires: { debugContext: 'the behaviour flags are read from debugData', target: 'the Admin Console is named only there' },
  },
  'sigma-1139e5b4-5216-443d-a775-af6348ef0b0b': {
    runs: () => [[adminEv({ eventType: 'system.api_token.create', ip: '185.220.101.9', isProxy: true, target: [entity('Token', 'backup', '00T')] })]],
    severity: 'high',
    requires: { securityContext: 'the proxy flag is the signal' },
    refused: { none: 'left to okta-api-token-created, which reports it one level lower' },
  },
  'sigma-32801c46-866d-4242-909d-7b038adc6ea4': {
    runs: () => [[ev({ eventType: 'user.mfa.factor.reset_all', actor: helpDesk, ip: '185.220.101.9', isProxy: true, target: [fox] })]],
    severity: 'high',
    requires: { securityContext: 'the proxy flag is the signal' },
    refused: { none: 'left to okta-user-mfa-reset-all, which reports it one level lower' },
  },
  'sigma-9d0cec1e-28e2-408d-a917-8295f9bb3418': {
    runs: () => [[adminEv({ eventType: 'policy.lifecycle.deactivate', target: [entity('PolicyEntity', 'Default Policy', '00p')] })]],
    severity: 'medium',
    refused: { none: 'left to okta-policy-weakened, which reports it one level lower' },
  },
  'sigma-cf30db41-c010-48ce-81ba-714f0a0a5812': {
    runs: () => [[adminEv({ eventType: 'user.session.impersonation.grant', target: [admin] })]],
    severity: 'high',
    refused: { none: 'left to okta-support-impersonation, which reports it one level lower' },
  },
  'sigma-34073c11-7127-4d86-b4e5-eac043cddcc2': {
    runs: () => [staff.slice(0, 10).map((user, i) => ev({ eventType: 'user.session.start', actor: user, ip: '185.220.101.9', result: 'FAILURE', reason: 'INVALID_CREDENTIALS', minute: i * 3 }))],
    severity: 'medium',
    requires: { client: 'the group is the source IP', outcome: 'only failed sign-ins count' },
  },
  'sigma-cf0033dc-ebb3-4c68-af48-c9779f9bab63': {
    runs: () => [[ev({ eventType: 'user.session.start', actor: dana, result: 'FAILURE', reason: 'INVALID_CREDENTIALS' })]],
    severity: 'low',
    requires: { outcome: 'only failures count' },
  },
  'sigma-097b7843-ccd4-4fea-9f94-ce789820654a': {
    runs: () => [[
      ...[0, 2, 4].map((minute) => ev({ eventType: 'user.mfa.okta_verify.deny_push', actor: dana, minute })),
      ev({ eventType: 'user.authentication.auth_via_mfa', actor: dana, debugData: { factor: 'OKTA_VERIFY_PUSH' }, minute: 8 }),
    ]],
    severity: 'high',
    with: ['sigma-15e9b8bf-f140-405f-9dec-0f001d1a55b1'],
    requires: { outcome: 'an approval is a successful MFA check', debugContext: 'the push factor is named in debugData' },
  },
  'sigma-15e9b8bf-f140-405f-9dec-0f001d1a55b1': {
    runs: () => [[0, 2, 4].map((minute) => ev({ eventType: 'user.mfa.okta_verify.deny_push', actor: dana, minute }))],
    severity: 'medium',
  },
  'sigma-e3747ea1-b9f1-4a1d-88e2-92a608b46497': {
    runs: () => [[ev({ eventType: 'user.mfa.okta_verify.deny_push', actor: dana })]],
    severity: 'low',
  },
  'sigma-ef11b1a7-9f8d-4817-8c00-ad101113d498': {
    runs: () => [[ev({ eventType: 'user.authentication.auth_via_mfa', actor: dana, debugData: { factor: 'OKTA_VERIFY_PUSH' } })]],
    severity: 'low',
    requires: { outcome: 'the success is the signal', debugContext: 'the push factor is named in debugData' },
  },
};

// --- running ------------------------------------------------------------------------------------------------------

const sigma = loadSigmaRules('sigma-rules');
const ALL_RULES: readonly Rule[] = [...catalogue, ...sigma.rules];
const ruleById = new Map(ALL_RULES.map((rule) => [rule.id, rule]));

/** The run's rules, every one enabled (some ship disabled). */
function rulesFor(id: string, testCase: Case): { rules: Rule[]; settings: DetectionSettings } {
  const ids = [id, ...(testCase.with ?? [])];
  const rules = ids.map((one) => ruleById.get(one) ?? expect.fail(`no rule ${one}`));
  return { rules, settings: { rules: Object.fromEntries(ids.map((one) => [one, { enabled: true }])) } };
}

/** Hourly runs with state carried between them; the rule's matches of the last run. Throws what a rule throws. */
function detect(id: string, testCase: Case, runs: OktaLogEvent[][]): DetectionMatch[] {
  const { rules, settings } = rulesFor(id, testCase);
  const delivered: OktaLogEvent[] = [];
  let state: StateRow[] = [];
  let last: DetectionMatch[] = [];
  runs.forEach((batch, i) => {
    delivered.push(...batch);
    const fresh = new Set(batch.map((event) => event.uuid));
    const lastRun = i === runs.length - 1;
    const result = evaluateRun(rules, delivered, {
      isNew: (event) => fresh.has(event.uuid),
      settings,
      state,
      ...(lastRun && testCase.now ? { now: testCase.now } : {}),
    });
    state = mergeStateRows(state, result.stateChanges);
    last = result.matches.filter((match) => match.ruleId === id);
  });
  return last;
}

function withoutField(event: OktaLogEvent, name: Optional, mode: 'absent' | 'null'): OktaLogEvent {
  const copy = structuredClone(event) as Mutable;
  if (mode === 'absent') delete copy[name];
  else copy[name] = null;
  return copy as OktaLogEvent;
}

function refusedRuns(runs: OktaLogEvent[][]): OktaLogEvent[][] {
  return runs.map((batch, i) =>
    i < runs.length - 1
      ? batch
      : batch.map((event) => {
          const reason = (event.outcome as { reason?: string | null } | undefined)?.reason ?? 'E0000006';
          return { ...event, outcome: { result: 'FAILURE', reason } } as OktaLogEvent;
        }),
  );
}

const worst = (matches: DetectionMatch[]): Severity | undefined => matches.map((match) => match.severity).sort(bySeverity).at(-1);
const ORDER: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
function bySeverity(a: Severity, b: Severity): number {
  return ORDER.indexOf(a) - ORDER.indexOf(b);
}

// --- tests --------------------------------------------------------------------------------------------------------

describe('optional fields: the table', () => {
  it('has one case for every rule of the catalogue and every example Sigma rule', () => {
    expect(sigma.errors).toEqual([]);
    expect(Object.keys(CASES).sort()).toEqual(ALL_RULES.map((rule) => rule.id).sort());
  });

  it('names a reason for every required field and every unreported refusal, and the rule says so in its description', () => {
    for (const [id, testCase] of Object.entries(CASES)) {
      const rule = ruleById.get(id)!;
      for (const [name, why] of Object.entries(testCase.requires ?? {})) {
        expect(why.trim(), `${id}: ${name}`).not.toBe('');
        // "Needs outcome: …", "Needs outcome and client: …", "Needs debugContext (or …) and target …"
        expect(rule.description, `${id} should say it needs ${name}`).toMatch(new RegExp(`Needs [^:]*\\b${name}\\b`));
      }
      if (typeof testCase.refused === 'object') expect(testCase.refused.none.trim(), id).not.toBe('');
    }
  });
});

describe.each(Object.entries(CASES))('%s', (id, testCase) => {
  it(`fires on its positive example at ${testCase.severity}`, () => {
    expect(worst(detect(id, testCase, testCase.runs()))).toBe(testCase.severity);
  });

  for (const name of OPTIONAL) {
    const needed = testCase.requires?.[name];
    for (const mode of ['absent', 'null'] as const) {
      it(
        needed ? `stays silent without ${name} (${mode}): needs it, ${needed}` : `still fires with ${name} ${mode}`,
        () => {
          const runs = testCase.runs().map((batch) => batch.map((event) => withoutField(event, name, mode)));
          const matches = detect(id, testCase, runs);
          if (needed) expect(matches).toEqual([]);
          else expect(matches.length, `${id} without ${name}`).toBeGreaterThan(0);
        },
      );
    }
  }

  const refused = testCase.refused;
  if (refused !== undefined) {
    it(
      typeof refused === 'string' ? `reports a refused attempt at ${refused}` : `does not report a refused attempt: ${refused.none}`,
      () => {
        const matches = detect(id, testCase, refusedRuns(testCase.runs()));
        if (typeof refused === 'string') expect(worst(matches)).toBe(refused);
        else expect(matches).toEqual([]);
      },
    );
  }
});

describe('optional fields: bare events', () => {
  it('no rule throws on events that carry only uuid, published and eventType', () => {
    const bare: OktaLogEvent[] = [];
    for (const rule of ALL_RULES) {
      for (const type of rule.eventTypes) {
        const eventType = type === '*' ? 'user.session.start' : type.replace(/\*$/, 'verify');
        for (let i = 0; i < 12; i++) bare.push({ uuid: `${rule.id}-${type}-${i}`, published: minutesAfter(T0, i), eventType });
      }
    }
    const settings: DetectionSettings = { rules: Object.fromEntries(ALL_RULES.map((rule) => [rule.id, { enabled: true }])) };
    const errors: string[] = [];
    evaluateRun(ALL_RULES, bare, { settings, now: minutesAfter(T0, 2 * DAY), onRuleError: (ruleId, error) => errors.push(`${ruleId}: ${String(error)}`) });
    expect(errors).toEqual([]);
  });
});

/**
 * Builds System Log events in Okta's exact JSON shape (okta.md §2): every top-level field
 * present, string-only debugData, `client.zone` as the string "null", snake_case `device`.
 */
import { deviceTokenHash, requestId, timeUuid } from './ids.js';
import type { Random } from './random.js';
import { iso } from './time.js';
import type {
  BrowserAgent, DeviceUserLink, GeographicalContext, LogActor, LogAuthenticationContext, LogDevice, LogSeverity,
  LogTarget, OktaDevice, OktaLogEvent, OktaUser, OktaUserFactor, Origin, Place, SignOnPolicy, SimulatedApp,
} from './types.js';

/** displayMessage, legacyEventType and default severity per event type. */
export const EVENT_TYPES = {
  'user.session.start': { displayMessage: 'User login to Okta', legacyEventType: 'core.user_auth.login_success' },
  'user.session.end': { displayMessage: 'User logout from Okta', legacyEventType: 'core.user_auth.logout_success' },
  'user.session.access_admin_app': { displayMessage: 'User accessing Okta admin app', legacyEventType: 'app.admin.sso.login.success' },
  'policy.evaluate_sign_on': { displayMessage: 'Evaluation of sign-on policy', legacyEventType: null },
  'system.push.send_factor_verify_push': { displayMessage: 'Push notification sent for verification', legacyEventType: null },
  'user.authentication.auth_via_mfa': { displayMessage: 'Authentication of user via MFA', legacyEventType: 'core.user.factor.attempt_success' },
  'user.authentication.sso': { displayMessage: 'User single sign on to app', legacyEventType: 'app.auth.sso' },
  'user.account.update_password': { displayMessage: 'User update password for Okta', legacyEventType: 'core.user.config.password_update.success' },
  'user.mfa.factor.activate': { displayMessage: 'Activate factor or authenticator', legacyEventType: 'core.user.factor.activate' },
  'user.account.privilege.grant': { displayMessage: 'Grant user privilege', legacyEventType: 'core.user.admin_privilege.granted' },
  'system.api_token.create': { displayMessage: 'Create API token', legacyEventType: 'api.token.create' },
  'user.account.report_suspicious_activity_by_enduser': { displayMessage: 'User report suspicious activity', legacyEventType: null, severity: 'WARN' },
  'user.lifecycle.create': { displayMessage: 'Create Okta user', legacyEventType: 'core.user.config.user_creation.success' },
  'user.lifecycle.activate': { displayMessage: 'Activate Okta user', legacyEventType: 'core.user.config.user_activated' },
  'user.lifecycle.suspend': { displayMessage: 'Suspend Okta user', legacyEventType: 'core.user.config.user_status.suspended' },
  'user.account.unlock_by_admin': { displayMessage: 'Unlock user account by admin', legacyEventType: 'core.user.config.user_status.unlock' },
  'user.mfa.factor.reset_all': { displayMessage: 'Reset all factors for user', legacyEventType: 'core.user.factor.reset_all' },
  'group.user_membership.add': { displayMessage: 'Add user to group membership', legacyEventType: 'core.user_group_member.user_add' },
  'application.user_membership.add': { displayMessage: 'Add user to application membership', legacyEventType: 'app.generic.provision.assign_user_to_app' },
  'policy.rule.update': { displayMessage: 'Update policy rule', legacyEventType: 'policy.rule.update' },
} as const satisfies Record<string, { displayMessage: string; legacyEventType: string | null; severity?: LogSeverity }>;

export type KnownEventType = keyof typeof EVENT_TYPES;

/** Where the request came from and with what; absent for system/job events. */
export interface RequestSource {
  origin: Origin;
  agent: BrowserAgent;
  /** OIE device context, when the request came from an Okta Verify-registered device. */
  device?: LogDevice | null;
}

export interface EventSpec {
  eventType: KnownEventType;
  published: Date;
  actor: LogActor;
  source: RequestSource | null;
  outcome?: { result: string; reason?: string | null };
  severity?: LogSeverity;
  /** Overrides the catalogue's legacy type (e.g. a failed MFA has a different one). */
  legacyEventType?: string | null;
  target?: LogTarget[] | null;
  session?: { externalSessionId: string | null; rootSessionId: string | null };
  authentication?: Partial<LogAuthenticationContext>;
  requestUri?: string;
  debugData?: Record<string, string>;
  transaction?: { type?: 'WEB' | 'JOB'; detail?: Record<string, unknown> };
}

export function buildEvent(rng: Random, spec: EventSpec): OktaLogEvent {
  const catalogue: { displayMessage: string; legacyEventType: string | null; severity?: LogSeverity } = EVENT_TYPES[spec.eventType];
  const reqId = requestId(rng);
  const source = spec.source;
  const geo = source ? geographicalContext(source.origin.place) : null;
  const requestUri = spec.requestUri ?? '/';
  const debugData: Record<string, string> = {
    requestId: reqId,
    ...(source ? { requestUri, url: requestUri } : {}),
    ...(source?.device ? { dtHash: deviceTokenHash(source.device.id) } : {}),
    ...spec.debugData,
  };
  return {
    uuid: timeUuid(rng, spec.published),
    published: iso(spec.published),
    eventType: spec.eventType,
    version: '0',
    severity: spec.severity ?? catalogue.severity ?? 'INFO',
    legacyEventType: spec.legacyEventType !== undefined ? spec.legacyEventType : catalogue.legacyEventType,
    displayMessage: catalogue.displayMessage,
    actor: spec.actor,
    client: source
      ? {
          userAgent: { rawUserAgent: source.agent.rawUserAgent, os: source.agent.os, browser: source.agent.browser },
          zone: 'null',
          device: source.agent.device,
          id: null,
          ipAddress: source.origin.ip,
          geographicalContext: geo,
        }
      : { userAgent: null, zone: null, device: null, id: null, ipAddress: null, geographicalContext: null },
    device: source?.device ?? null,
    authenticationContext: {
      authenticationProvider: null,
      credentialProvider: null,
      credentialType: null,
      issuer: null,
      interface: null,
      authenticationStep: 0,
      externalSessionId: spec.session?.externalSessionId ?? null,
      rootSessionId: spec.session?.rootSessionId ?? null,
      ...spec.authentication,
    },
    outcome: { result: spec.outcome?.result ?? 'SUCCESS', reason: spec.outcome?.reason ?? null },
    securityContext: source
      ? {
          asNumber: source.origin.network.asNumber,
          asOrg: source.origin.network.asOrg,
          isp: source.origin.network.isp,
          domain: source.origin.network.domain,
          isProxy: source.origin.network.isProxy,
        }
      : { asNumber: null, asOrg: null, isp: null, domain: null, isProxy: null },
    debugContext: { debugData },
    transaction: { type: spec.transaction?.type ?? 'WEB', id: reqId, detail: spec.transaction?.detail ?? {} },
    request: {
      ipChain: source ? [{ ip: source.origin.ip, version: 'V4', source: null, geographicalContext: geo }] : [],
    },
    target: spec.target === undefined ? null : spec.target,
  };
}

export function geographicalContext(place: Place): GeographicalContext {
  return {
    city: place.city,
    state: place.state,
    country: place.country,
    postalCode: place.postalCode,
    geolocation: { lat: place.lat, lon: place.lon },
  };
}

// --- actors and targets -----------------------------------------------------------------------

export function userActor(user: OktaUser): LogActor {
  return { id: user.id, type: 'User', alternateId: user.profile.login, displayName: user.profile.displayName, detailEntry: null };
}

/** A sign-in by a username Okta does not know. */
export function unknownActor(attemptedLogin: string): LogActor {
  return { id: 'unknown', type: 'User', alternateId: attemptedLogin, displayName: 'unknown', detailEntry: null };
}

export const SYSTEM_ACTOR: LogActor = { id: '0oa1oktasystem000000', type: 'SystemPrincipal', alternateId: 'system@okta.com', displayName: 'Okta System', detailEntry: null };

export function userTarget(user: OktaUser): LogTarget {
  return { id: user.id, type: 'User', alternateId: user.profile.login, displayName: user.profile.displayName, detailEntry: null };
}

export function appTargets(app: SimulatedApp, user: OktaUser): LogTarget[] {
  return [
    { id: app.id, type: 'AppInstance', alternateId: app.label, displayName: app.label, detailEntry: { signOnModeType: app.signOnMode } },
    { id: user.id, type: 'AppUser', alternateId: user.profile.login, displayName: user.profile.displayName, detailEntry: null },
  ];
}

const AUTHENTICATOR_NAMES: Record<OktaUserFactor['factorType'], string> = {
  push: 'Okta Verify', signed_nonce: 'Okta Verify', 'token:software:totp': 'Google Authenticator',
  sms: 'Phone', webauthn: 'Security Key or Biometric', email: 'Email',
};

export function enrollmentTarget(factor: OktaUserFactor, detailEntry: Record<string, unknown> | null = null): LogTarget {
  return { id: factor.id, type: 'AuthenticatorEnrollment', alternateId: 'unknown', displayName: AUTHENTICATOR_NAMES[factor.factorType], detailEntry };
}

export function policyTargets(policy: SignOnPolicy): LogTarget[] {
  return [
    { id: policy.policyId, type: 'PolicyEntity', alternateId: 'unknown', displayName: policy.policyName, detailEntry: { policyType: 'OktaSignOn' } },
    { id: policy.ruleId, type: 'PolicyRule', alternateId: policy.policyId, displayName: policy.ruleName, detailEntry: null },
  ];
}

/** The top-level, snake_case `device` of an event coming from a registered device. */
export function logDevice(device: OktaDevice, link: DeviceUserLink | undefined): LogDevice {
  const platform = { MACOS: 'OSX', WINDOWS: 'WINDOWS', IOS: 'IOS', ANDROID: 'ANDROID' }[device.profile.platform];
  return {
    id: device.id,
    name: device.profile.model,
    os_platform: platform,
    os_version: device.profile.osVersion,
    managed: link?.managementStatus === 'MANAGED',
    registered: device.profile.registered,
    device_integrator: null,
    disk_encryption_type: device.profile.diskEncryptionType,
    screen_lock_type: link?.screenLockType ?? null,
    jailbreak: device.profile.integrityJailbreak ?? null,
    secure_hardware_present: device.profile.secureHardwarePresent,
  };
}

// --- debugData strings --------------------------------------------------------------------------

export type Behavior = 'New Geo-Location' | 'New Device' | 'New IP' | 'New State' | 'New Country' | 'Velocity' | 'New City';
const BEHAVIORS: readonly Behavior[] = ['New Geo-Location', 'New Device', 'New IP', 'New State', 'New Country', 'Velocity', 'New City'];

/** Okta's Java-map string, e.g. `{New Geo-Location=NEGATIVE, New Device=POSITIVE, …}`. */
export function behaviorsString(positive: readonly Behavior[]): string {
  return `{${BEHAVIORS.map((b) => `${b}=${positive.includes(b) ? 'POSITIVE' : 'NEGATIVE'}`).join(', ')}}`;
}

/** `{level=LOW}` or `{level=HIGH, reasons=Anomalous Device, Anomalous Location}`. */
export function riskString(level: 'LOW' | 'MEDIUM' | 'HIGH', reasons: readonly string[] = []): string {
  return reasons.length ? `{level=${level}, reasons=${reasons.join(', ')}}` : `{level=${level}}`;
}

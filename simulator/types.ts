/**
 * Shapes the simulator produces. API objects mirror Okta's JSON (okta.md §1.7, §2, §5);
 * `Persona` and friends are simulation-only and never leave the process over HTTP.
 */

// ---------------------------------------------------------------------------------------------
// System Log `LogEvent` (okta.md §2). camelCase except the top-level `device`.

export interface GeoPoint {
  lat: number;
  lon: number;
}

export interface GeographicalContext {
  city: string | null;
  state: string | null;
  country: string | null;
  postalCode: string | null;
  geolocation: GeoPoint | null;
}

export interface LogActor {
  id: string;
  type: string;
  alternateId: string | null;
  displayName: string | null;
  detailEntry: Record<string, unknown> | null;
}

export interface LogTarget extends LogActor {
  changeDetails?: { from: Record<string, unknown> | null; to: Record<string, unknown> | null };
}

export interface LogClient {
  userAgent: { rawUserAgent: string | null; os: string | null; browser: string | null } | null;
  zone: string | null;
  device: string | null;
  id: string | null;
  ipAddress: string | null;
  geographicalContext: GeographicalContext | null;
}

export interface LogDevice {
  id: string;
  name: string;
  os_platform: string;
  os_version: string;
  managed: boolean;
  registered: boolean;
  device_integrator: Record<string, unknown> | null;
  disk_encryption_type: string | null;
  screen_lock_type: string | null;
  jailbreak: boolean | null;
  secure_hardware_present: boolean;
}

export interface LogAuthenticationContext {
  authenticationProvider: string | null;
  credentialProvider: string | null;
  credentialType: string | null;
  issuer: { id: string | null; type: string | null } | null;
  interface: string | null;
  authenticationStep: number;
  externalSessionId: string | null;
  rootSessionId?: string | null;
}

export interface IpDetails {
  asNumber: number | null;
  asOrg: string | null;
  isp: string | null;
  domain?: string | null;
}

export interface LogSecurityContext {
  asNumber: number | null;
  asOrg: string | null;
  isp: string | null;
  domain: string | null;
  isProxy: boolean | null;
  ipDetails?: IpDetails & { ipServiceCategories?: string[] };
  risk?: { level: 'LOW' | 'MEDIUM' | 'HIGH'; previousLevel?: string | null; reasons: string[]; detectionName?: string | null; issuer?: string | null };
  userBehaviors?: { id: string; name: string; result: 'UNKNOWN' | 'POSITIVE' | 'NEGATIVE' | 'BAD_REQUEST' }[];
}

export interface LogIpAddress {
  ip: string;
  version: 'V4' | 'V6';
  source: string | null;
  geographicalContext: GeographicalContext | null;
  ipDetails?: IpDetails;
}

export type LogSeverity = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface OktaLogEvent {
  uuid: string;
  published: string;
  eventType: string;
  version: string;
  severity: LogSeverity;
  legacyEventType: string | null;
  displayMessage: string;
  actor: LogActor;
  client: LogClient;
  device: LogDevice | null;
  authenticationContext: LogAuthenticationContext;
  outcome: { result: string; reason: string | null };
  securityContext: LogSecurityContext;
  debugContext: { debugData: Record<string, string> };
  transaction: { type: 'WEB' | 'JOB'; id: string; detail: Record<string, unknown> };
  request: { ipChain: LogIpAddress[] };
  target: LogTarget[] | null;
}

// ---------------------------------------------------------------------------------------------
// Management API objects (okta.md §1.7, §5).

export type UserStatus =
  | 'STAGED' | 'PROVISIONED' | 'ACTIVE' | 'RECOVERY' | 'LOCKED_OUT' | 'PASSWORD_EXPIRED' | 'SUSPENDED' | 'DEPROVISIONED';

export interface OktaUserProfile {
  login: string;
  email: string;
  firstName: string;
  lastName: string;
  displayName: string;
  department: string;
  title: string;
  employeeNumber: string;
  city: string;
  countryCode: string;
  timezone: string;
  mobilePhone: string | null;
  managerId: string | null;
  [custom: string]: unknown;
}

export interface OktaUser {
  id: string;
  status: UserStatus;
  created: string;
  activated: string | null;
  statusChanged: string | null;
  lastLogin: string | null;
  lastUpdated: string;
  passwordChanged: string | null;
  type: { id: string };
  profile: OktaUserProfile;
  credentials: { password: Record<string, never>; provider: { type: string; name: string } };
}

export type DevicePlatform = 'MACOS' | 'WINDOWS' | 'IOS' | 'ANDROID';

export interface OktaDevice {
  id: string;
  status: string;
  created: string;
  lastUpdated: string;
  resourceType: 'UDDevice';
  resourceId: string;
  resourceDisplayName: { value: string; sensitive: boolean };
  resourceAlternateId: string | null;
  profile: {
    displayName: string;
    platform: DevicePlatform;
    manufacturer: string;
    model: string;
    osVersion: string;
    serialNumber: string | null;
    udid: string;
    sid: string | null;
    registered: boolean;
    managed: boolean;
    secureHardwarePresent: boolean;
    diskEncryptionType: string;
    integrityJailbreak?: boolean;
  };
}

/** The device–user link; management status lives here, not on the device (okta.md §5.2). */
export interface DeviceUserLink {
  deviceId: string;
  userId: string;
  created: string;
  managementStatus: 'MANAGED' | 'NOT_MANAGED';
  screenLockType: 'NONE' | 'PASSCODE' | 'BIOMETRIC';
}

export type FactorType = 'push' | 'signed_nonce' | 'token:software:totp' | 'sms' | 'webauthn' | 'email';

export interface OktaUserFactor {
  id: string;
  factorType: FactorType;
  provider: string;
  vendorName: string;
  status: string;
  created: string;
  lastUpdated: string;
  profile: Record<string, unknown>;
}

export type AwsRegion = string;

export interface LogStream {
  id: string;
  type: 'aws_eventbridge' | 'splunk_cloud_logstreaming';
  name: string;
  status: 'ACTIVE' | 'INACTIVE';
  created: string;
  lastUpdated: string;
  settings:
    | { accountId: string; eventSourceName: string; region: AwsRegion }
    | { edition: 'aws' | 'aws_govcloud' | 'gcp'; host: string };
}

// ---------------------------------------------------------------------------------------------
// Simulation-only data: where people are and how they sign in.

export interface Place {
  city: string;
  state: string;
  country: string;
  countryCode: string;
  postalCode: string;
  lat: number;
  lon: number;
  /** Standard-time offset; the simulator ignores DST ("timezone-ish"). */
  utcOffsetHours: number;
  timezone: string;
}

export interface Network {
  isp: string;
  asOrg: string;
  asNumber: number;
  domain: string | null;
  isProxy: boolean;
  /** First octets of the addresses handed out, e.g. [73] or [185, 156]. */
  prefixes: readonly (readonly number[])[];
}

/** Where a request comes from: an address, its network and its location. */
export interface Origin {
  ip: string;
  place: Place;
  network: Network;
}

export interface BrowserAgent {
  rawUserAgent: string;
  os: string;
  browser: string;
  device: 'Computer' | 'Mobile' | 'Unknown';
}

export type SignInFactor = 'push' | 'signed_nonce' | 'token:software:totp' | 'sms' | 'webauthn';

export interface Persona {
  userId: string;
  home: Origin;
  browser: BrowserAgent;
  phoneBrowser: BrowserAgent | null;
  laptopId: string | null;
  phoneId: string | null;
  /** How this person usually completes MFA. */
  signInFactor: SignInFactor;
  /** Apps this person normally signs in to, most used first. */
  appIds: string[];
  /** Local hour the workday usually starts. */
  workdayStartHour: number;
}

export interface SimulatedApp {
  id: string;
  name: string;
  label: string;
  signOnMode: 'SAML_2_0' | 'OPENID_CONNECT' | 'AUTO_LOGIN' | 'BROWSER_PLUGIN';
}

export type AdminRole = 'SUPER_ADMIN' | 'ORG_ADMIN' | 'HELP_DESK_ADMIN' | 'READ_ONLY_ADMIN';

export interface AdminAssignment {
  userId: string;
  role: AdminRole;
}

export interface SignOnPolicy {
  policyId: string;
  policyName: string;
  ruleId: string;
  ruleName: string;
}

export interface SimulatedOrg {
  /** Okta subdomain, e.g. `acme` for acme.okta.com; used in EventBridge source names. */
  orgName: string;
  /** Email domain of the users. */
  domain: string;
  users: OktaUser[];
  /** Factors per user id. */
  factors: Record<string, OktaUserFactor[]>;
  devices: OktaDevice[];
  deviceUsers: DeviceUserLink[];
  apps: SimulatedApp[];
  admins: AdminAssignment[];
  signOnPolicy: SignOnPolicy;
  personas: Record<string, Persona>;
  logStreams: LogStream[];
  /** The System Log in persistence order (the order events were added). */
  events: OktaLogEvent[];
}

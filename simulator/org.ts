/**
 * Deterministic org generator: users with homes and habits, their devices and factors,
 * the org's apps, admins, sign-on policy and log stream. Same options ⇒ deep-equal org.
 */
import { APP_CATALOG, DEPARTMENTS, DESKTOP_BROWSERS, FIRST_NAMES, LAPTOP_MODELS, LAST_NAMES, MOBILE_BROWSERS, PHONE_MODELS } from './catalog.js';
import type { HardwareModel } from './catalog.js';
import { homeOrigin } from './geo.js';
import { ID_PREFIX, oktaId, stableOktaId } from './ids.js';
import { Random, type Seed } from './random.js';
import { DAY, HOUR, MINUTE, addMs, iso } from './time.js';
import type {
  AdminAssignment, AdminRole, DeviceUserLink, LogStream, OktaDevice, OktaUser, OktaUserFactor, Persona,
  SignInFactor, SimulatedApp, SimulatedOrg, UserStatus,
} from './types.js';

export interface OrgOptions {
  seed: Seed;
  /** Number of users. */
  users: number;
  /** Email domain, default `acme.example`. */
  domain?: string;
  /** Okta subdomain; defaults to the first label of `domain`. */
  orgName?: string;
  /** The org's "now": every generated timestamp is before it. Default 2026-01-01T00:00:00Z. */
  asOf?: Date;
  /** The org's EventBridge log stream; `false` for none. */
  logStream?: false | Partial<EventBridgeStreamOptions>;
}

const DEFAULT_AS_OF = new Date('2026-01-01T00:00:00.000Z');

const STATUS_WEIGHTS: readonly (readonly [UserStatus, number])[] = [
  ['ACTIVE', 88], ['PASSWORD_EXPIRED', 2], ['LOCKED_OUT', 1], ['RECOVERY', 1],
  ['SUSPENDED', 2], ['DEPROVISIONED', 4], ['STAGED', 1], ['PROVISIONED', 1],
];

const CALLING_CODES: Record<string, string> = { US: '1', CA: '1', GB: '44', IE: '353', DE: '49', NL: '31', IN: '91', AU: '61' };

export function generateOrg(options: OrgOptions): SimulatedOrg {
  const root = new Random(options.seed);
  const domain = options.domain ?? 'acme.example';
  const orgName = options.orgName ?? domain.split('.')[0];
  const asOf = options.asOf ?? DEFAULT_AS_OF;

  const appRng = root.fork('apps');
  const apps: SimulatedApp[] = APP_CATALOG.map(({ name, label, signOnMode }) => ({ id: oktaId(appRng, ID_PREFIX.app), name, label, signOnMode }));

  const org: SimulatedOrg = {
    orgName, domain, users: [], factors: {}, devices: [], deviceUsers: [], apps, admins: [],
    signOnPolicy: signOnPolicy(root.fork('policy')), personas: {}, logStreams: [], events: [],
  };

  const taken = { logins: new Set<string>(), managers: new Map<string, string>() };
  const statuses = assignStatuses(root.fork('statuses'), options.users);
  for (let i = 0; i < options.users; i++) {
    addPerson(org, root.fork('user', i), i, statuses[i], asOf, taken);
  }
  org.admins = chooseAdmins(org);
  if (options.logStream !== false) {
    org.logStreams.push(makeEventBridgeLogStream({
      name: `${orgName} to Oort`, eventSourceName: `${orgName}-oort`, created: addMs(asOf, -30 * DAY), ...options.logStream,
    }));
  }
  return org;
}

/** Mostly ACTIVE, and in any org of 20+ users at least one SUSPENDED and one DEPROVISIONED. */
function assignStatuses(rng: Random, count: number): UserStatus[] {
  const statuses = Array.from({ length: count }, () => rng.weighted(STATUS_WEIGHTS));
  if (count >= 20) {
    for (const required of ['SUSPENDED', 'DEPROVISIONED'] as const) {
      if (!statuses.includes(required)) statuses[rng.int(1, count - 1)] = required;
    }
  }
  return statuses;
}

interface Uniqueness {
  logins: Set<string>;
  /** First ACTIVE person of each department, who manages the ones after. */
  managers: Map<string, string>;
}

function addPerson(org: SimulatedOrg, rng: Random, index: number, status: UserStatus, asOf: Date, taken: Uniqueness): void {
  const firstName = rng.pick(FIRST_NAMES);
  const lastName = rng.pick(LAST_NAMES);
  const login = uniqueLogin(`${firstName}.${lastName}`, org.domain, taken.logins);
  const department = rng.weighted(DEPARTMENTS);
  const home = homeOrigin(rng);
  const id = oktaId(rng, ID_PREFIX.user);

  const created = addMs(asOf, -(rng.int(60, 1400) * DAY + rng.int(0, DAY / MINUTE) * MINUTE));
  const activated = status === 'STAGED' ? null : addMs(created, rng.int(1, 48) * HOUR);
  const everSignedIn = activated !== null && status !== 'PROVISIONED';
  const recently = (maxDays: number) => addMs(asOf, -rng.int(1, maxDays * 24) * HOUR);
  const statusChanged = status === 'ACTIVE' ? activated : status === 'STAGED' ? null : recently(60);
  const passwordChanged = everSignedIn ? maxDate(activated, recently(120)) : null;
  const lastLogin = !everSignedIn ? null : status === 'DEPROVISIONED' || status === 'SUSPENDED' ? maxDate(activated, recently(90)) : recently(3);
  const managerId = taken.managers.get(department.name) ?? null;
  if (!managerId && status === 'ACTIVE') taken.managers.set(department.name, id);

  const user: OktaUser = {
    id, status,
    created: iso(created),
    activated: activated && iso(activated),
    statusChanged: statusChanged && iso(statusChanged),
    lastLogin: lastLogin && iso(lastLogin),
    lastUpdated: iso([statusChanged, passwordChanged, recently(30)].reduce<Date>((a, b) => maxDate(b, a), created)),
    passwordChanged: passwordChanged && iso(passwordChanged),
    type: { id: stableOktaId('oty', `${org.orgName}:default-user-type`) },
    profile: {
      login, email: login, firstName, lastName, displayName: `${firstName} ${lastName}`,
      department: department.name, title: rng.pick(department.titles), employeeNumber: String(10_000 + index),
      city: home.place.city, countryCode: home.place.countryCode, timezone: home.place.timezone,
      mobilePhone: `+${CALLING_CODES[home.place.countryCode] ?? '1'} 555 01${rng.digits(2)}`, managerId,
    },
    credentials: { password: {}, provider: { type: 'OKTA', name: 'OKTA' } },
  };
  org.users.push(user);

  // Okta Verify on a phone for most people; FastPass on the laptop for some of them.
  const laptop = rng.pick(LAPTOP_MODELS);
  const phone = rng.chance(0.9) ? rng.pick(PHONE_MODELS) : null;
  const usesFastPass = phone !== null && rng.chance(0.35);
  const enrolledAt = addMs(activated ?? created, rng.int(1, 14) * DAY);
  const deviceStatus = status === 'DEPROVISIONED' ? 'DEACTIVATED' : status === 'SUSPENDED' ? 'SUSPENDED' : 'ACTIVE';
  const phoneDevice = phone && activated ? addDevice(org, rng, id, phone, deviceStatus, enrolledAt, asOf) : null;
  const laptopDevice = usesFastPass && activated ? addDevice(org, rng, id, laptop, deviceStatus, enrolledAt, asOf) : null;

  const factors = activated ? enrollFactors(rng, user, phoneDevice, laptopDevice, enrolledAt) : [];
  org.factors[id] = factors;

  const laptopPlatform = laptop.platform === 'MACOS' ? 'MACOS' : 'WINDOWS';
  org.personas[id] = {
    userId: id,
    home,
    browser: rng.weighted(DESKTOP_BROWSERS[laptopPlatform]),
    phoneBrowser: phone ? MOBILE_BROWSERS[phone.platform === 'IOS' ? 'IOS' : 'ANDROID'] : null,
    laptopId: laptopDevice?.id ?? null,
    phoneId: phoneDevice?.id ?? null,
    signInFactor: preferredFactor(rng, factors, usesFastPass),
    appIds: preferredApps(rng, org.apps, department.name),
    workdayStartHour: Math.min(11, Math.max(6, rng.normal(8.5, 0.8))),
  } satisfies Persona;
}

function uniqueLogin(name: string, domain: string, taken: Set<string>): string {
  const base = name.toLowerCase().replace(/[^a-z.]/g, '');
  let login = `${base}@${domain}`;
  for (let n = 2; taken.has(login); n++) login = `${base}${n}@${domain}`;
  taken.add(login);
  return login;
}

function addDevice(org: SimulatedOrg, rng: Random, userId: string, hw: HardwareModel, status: string, enrolledAt: Date, asOf: Date): OktaDevice {
  const id = oktaId(rng, ID_PREFIX.device);
  const isPhone = hw.platform === 'IOS' || hw.platform === 'ANDROID';
  const managed = isPhone ? rng.chance(0.2) : rng.chance(0.7);
  const device: OktaDevice = {
    id, status,
    created: iso(enrolledAt),
    lastUpdated: iso(maxDate(enrolledAt, addMs(asOf, -rng.int(1, 40) * DAY))),
    resourceType: 'UDDevice',
    resourceId: id,
    resourceDisplayName: { value: hw.displayName, sensitive: false },
    resourceAlternateId: null,
    profile: {
      displayName: hw.displayName, platform: hw.platform, manufacturer: hw.manufacturer, model: hw.model, osVersion: hw.osVersion,
      serialNumber: isPhone ? null : rng.base62(12).toUpperCase(),
      udid: `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`.toUpperCase(),
      sid: hw.platform === 'WINDOWS' ? `S-1-5-21-${rng.digits(10)}-${rng.digits(10)}-${rng.digits(9)}-${rng.int(1000, 9999)}` : null,
      registered: true, managed, secureHardwarePresent: hw.platform !== 'ANDROID' || rng.chance(0.6),
      diskEncryptionType: hw.diskEncryptionType,
      ...(isPhone ? { integrityJailbreak: false } : {}),
    },
  };
  const link: DeviceUserLink = {
    deviceId: id, userId, created: device.created, managementStatus: managed ? 'MANAGED' : 'NOT_MANAGED',
    screenLockType: isPhone ? (rng.chance(0.85) ? 'BIOMETRIC' : 'PASSCODE') : hw.platform === 'MACOS' ? 'BIOMETRIC' : 'PASSCODE',
  };
  org.devices.push(device);
  org.deviceUsers.push(link);
  return device;
}

function enrollFactors(rng: Random, user: OktaUser, phone: OktaDevice | null, laptop: OktaDevice | null, at: Date): OktaUserFactor[] {
  const factor = (prefix: string, factorType: OktaUserFactor['factorType'], provider: string, profile: Record<string, unknown>): OktaUserFactor => ({
    id: oktaId(rng, prefix), factorType, provider, vendorName: provider, status: 'ACTIVE',
    created: iso(at), lastUpdated: iso(at), profile,
  });
  const deviceProfile = (d: OktaDevice) => ({
    name: d.profile.displayName, platform: d.profile.platform, version: d.profile.osVersion, credentialId: user.profile.login,
    deviceType: d.profile.platform === 'IOS' ? 'SmartPhone_IPhone' : d.profile.platform === 'ANDROID' ? 'SmartPhone_Android' : 'Desktop',
  });
  const factors: OktaUserFactor[] = [factor(ID_PREFIX.emailFactor, 'email', 'OKTA', { email: user.profile.email })];
  if (phone) {
    factors.push(factor(ID_PREFIX.pushFactor, 'push', 'OKTA', deviceProfile(phone)));
    factors.push(factor(ID_PREFIX.fastPassFactor, 'signed_nonce', 'OKTA', deviceProfile(phone)));
  }
  if (laptop) factors.push(factor(ID_PREFIX.fastPassFactor, 'signed_nonce', 'OKTA', deviceProfile(laptop)));
  if (!phone || rng.chance(0.2)) factors.push(factor(ID_PREFIX.totpFactor, 'token:software:totp', 'GOOGLE', { credentialId: user.profile.login }));
  if (!phone || rng.chance(0.25)) factors.push(factor(ID_PREFIX.smsFactor, 'sms', 'OKTA', { phoneNumber: user.profile.mobilePhone }));
  if (rng.chance(0.12)) factors.push(factor(ID_PREFIX.webAuthnFactor, 'webauthn', 'FIDO', { credentialId: rng.base62(43), authenticatorName: 'YubiKey 5 Series' }));
  return factors;
}

function preferredFactor(rng: Random, factors: OktaUserFactor[], usesFastPass: boolean): SignInFactor {
  if (usesFastPass) return 'signed_nonce';
  const has = (t: SignInFactor) => factors.some((f) => f.factorType === t);
  if (has('push') && rng.chance(0.9)) return 'push';
  const fallbacks: SignInFactor[] = ['webauthn', 'token:software:totp', 'sms', 'push'];
  return fallbacks.find(has) ?? 'push';
}

/** The apps a person uses, most used first: a popularity-weighted shuffle of what their department uses. */
function preferredApps(rng: Random, apps: SimulatedApp[], department: string): string[] {
  const usable = APP_CATALOG
    .map((entry, i) => ({ entry, app: apps[i] }))
    .filter(({ entry }) => entry.name !== 'saasure' && (!entry.departments || entry.departments.includes(department)));
  return usable
    .map(({ entry, app }) => ({ id: app.id, key: Math.pow(rng.next(), 1 / entry.popularity) }))
    .sort((a, b) => b.key - a.key)
    .map(({ id }) => id);
}

/** A few admins, preferring ACTIVE people in IT and Security. */
function chooseAdmins(org: SimulatedOrg): AdminAssignment[] {
  const active = org.users.filter((u) => u.status === 'ACTIVE');
  const itFirst = [
    ...active.filter((u) => u.profile.department === 'IT' || u.profile.department === 'Security'),
    ...active.filter((u) => u.profile.department !== 'IT' && u.profile.department !== 'Security'),
  ];
  const roles: AdminRole[] = ['SUPER_ADMIN', 'ORG_ADMIN', 'HELP_DESK_ADMIN', 'ORG_ADMIN', 'READ_ONLY_ADMIN'];
  const count = Math.min(itFirst.length, org.users.length >= 50 ? 5 : org.users.length >= 10 ? 3 : 1);
  return itFirst.slice(0, count).map((u, i) => ({ userId: u.id, role: roles[i] }));
}

function signOnPolicy(rng: Random) {
  return {
    policyId: oktaId(rng, ID_PREFIX.policy), policyName: 'Default Policy',
    ruleId: oktaId(rng, ID_PREFIX.policyRule), ruleName: 'Require MFA',
  };
}

function maxDate(a: Date | null, b: Date): Date {
  return a && a.getTime() > b.getTime() ? a : b;
}

export interface EventBridgeStreamOptions {
  name: string;
  eventSourceName: string;
  accountId: string;
  region: string;
  status: 'ACTIVE' | 'INACTIVE';
  created: Date;
  id: string;
}

/** An `aws_eventbridge` LogStream (okta.md §1.7). The id is derived from the name unless given. */
export function makeEventBridgeLogStream(options: Partial<EventBridgeStreamOptions> = {}): LogStream {
  const name = options.name ?? 'Oort EventBridge';
  const created = iso(options.created ?? DEFAULT_AS_OF);
  return {
    id: options.id ?? stableOktaId(ID_PREFIX.logStream, `logStream:${name}`),
    type: 'aws_eventbridge',
    name,
    status: options.status ?? 'ACTIVE',
    created,
    lastUpdated: created,
    settings: {
      accountId: options.accountId ?? '123456789012',
      eventSourceName: options.eventSourceName ?? 'oort-okta',
      region: options.region ?? 'us-east-2',
    },
  };
}

/** Lookups the event generators need. */
export function userById(org: SimulatedOrg, id: string): OktaUser {
  const user = org.users.find((u) => u.id === id);
  if (!user) throw new Error(`Unknown user ${id}`);
  return user;
}

export function deviceById(org: SimulatedOrg, id: string | null): OktaDevice | null {
  return id ? org.devices.find((d) => d.id === id) ?? null : null;
}

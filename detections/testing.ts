/**
 * Builders of realistic Okta System Log events for tests and local experiments. Not part of the public API.
 * Shapes follow the LogEvent JSON (docs/okta.md §2): nulls where Okta writes nulls, debugData values as strings.
 */
import type { OktaLogEvent } from './types.js';

export interface TestPrincipal {
  id: string;
  type: string;
  alternateId: string;
  displayName: string;
  detailEntry?: Record<string, unknown> | null;
}

export interface EventSpec {
  eventType: string;
  /** ISO time or Date. */
  at: string | Date;
  actor?: TestPrincipal;
  target?: TestPrincipal[] | null;
  result?: string;
  reason?: string | null;
  ip?: string;
  country?: string | null;
  city?: string | null;
  debugData?: Record<string, string>;
  transactionId?: string;
  isProxy?: boolean | null;
  displayMessage?: string;
  uuid?: string;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A stable Okta-style id (`00u…`, `00g…`) derived from a name, 20 characters like the real ones. */
export function oktaId(prefix: string, name: string): string {
  let hash = 2166136261;
  let id = prefix;
  for (let i = 0; id.length < 20; i++) {
    hash = Math.imul(hash ^ name.charCodeAt(i % Math.max(1, name.length)) ^ i, 16777619) >>> 0;
    id += BASE62[hash % 62];
  }
  return id;
}

export function oktaUser(login: string): TestPrincipal {
  const local = login.split('@')[0];
  const displayName = local.replace(/[._]/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
  return { id: oktaId('00u', login), type: 'User', alternateId: login, displayName, detailEntry: null };
}

export function oktaGroup(name: string): TestPrincipal {
  return { id: oktaId('00g', name), type: 'UserGroup', alternateId: 'unknown', displayName: name, detailEntry: null };
}

/** Okta Verify enrolment target, as on push and MFA events. */
export function oktaVerifyEnrollment(user: TestPrincipal, method = 'Get a push notification'): TestPrincipal {
  return {
    id: oktaId('opf', user.alternateId),
    type: 'AuthenticatorEnrollment',
    alternateId: 'unknown',
    displayName: 'Okta Verify',
    detailEntry: { methodTypeUsed: method, methodUsedVerifiedProperties: '[DEVICE_BOUND, USER_PRESENCE]' },
  };
}

/** `base` plus whole or fractional minutes, as an ISO string. */
export function minutesAfter(base: string | Date, minutes: number): string {
  return new Date(new Date(base).getTime() + minutes * 60_000).toISOString();
}

let sequence = 0;

/** Time-based-looking UUIDs (Okta's are v1), unique within a process. */
export function nextUuid(): string {
  sequence++;
  const hex = sequence.toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-11f0-8478-2b7584bf8d5a`;
}

const COUNTRY_CITY: Record<string, { city: string; state: string; lat: number; lon: number }> = {
  'United States': { city: 'New York', state: 'New York', lat: 40.7128, lon: -74.006 },
  Netherlands: { city: 'Rotterdam', state: 'South Holland', lat: 51.92, lon: 4.48 },
  Germany: { city: 'Frankfurt am Main', state: 'Hesse', lat: 50.11, lon: 8.68 },
  Brazil: { city: 'Sao Paulo', state: 'Sao Paulo', lat: -23.55, lon: -46.63 },
  Singapore: { city: 'Singapore', state: 'Central Singapore', lat: 1.29, lon: 103.85 },
};

export function oktaEvent(spec: EventSpec): OktaLogEvent {
  const published = typeof spec.at === 'string' ? new Date(spec.at).toISOString() : spec.at.toISOString();
  const actor = spec.actor ?? oktaUser('dana.scully@example.com');
  const ip = spec.ip ?? '198.51.100.7';
  const country = spec.country === undefined ? 'United States' : spec.country;
  const place = country ? COUNTRY_CITY[country] : undefined;
  const geographicalContext = country
    ? {
        city: spec.city === undefined ? (place?.city ?? null) : spec.city,
        state: place?.state ?? null,
        country,
        postalCode: null,
        geolocation: place ? { lat: place.lat, lon: place.lon } : null,
      }
    : null;
  const transactionId = spec.transactionId ?? `Zvoj${nextUuid().replace(/-/g, '').slice(0, 23)}`;
  return {
    uuid: spec.uuid ?? nextUuid(),
    published,
    version: '0',
    eventType: spec.eventType,
    legacyEventType: null,
    displayMessage: spec.displayMessage ?? spec.eventType,
    severity: spec.result === 'FAILURE' ? 'WARN' : 'INFO',
    outcome: { result: spec.result ?? 'SUCCESS', reason: spec.reason ?? null },
    actor,
    client: {
      userAgent: {
        rawUserAgent:
          'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/127.0.0.0 Safari/537.36',
        os: 'Mac OS X',
        browser: 'CHROME',
      },
      zone: 'null',
      device: 'Computer',
      id: null,
      ipAddress: ip,
      geographicalContext,
    },
    device: null,
    authenticationContext: {
      authenticationProvider: null,
      credentialProvider: null,
      credentialType: null,
      issuer: null,
      interface: null,
      authenticationStep: 0,
      externalSessionId: spec.result === 'FAILURE' ? null : 'idxBager62CSveUkTxvgRtonA',
    },
    securityContext: { asNumber: 394089, asOrg: 'example transit', isp: 'example isp', domain: null, isProxy: spec.isProxy ?? false },
    debugContext: { debugData: { requestId: transactionId, requestUri: '/idp/idx/identify', threatSuspected: 'false', ...spec.debugData } },
    transaction: { type: 'WEB', id: transactionId, detail: {} },
    request: { ipChain: [{ ip, version: 'V4', source: null, geographicalContext }] },
    target: spec.target === undefined ? null : spec.target,
  };
}

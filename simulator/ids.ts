/** Okta-shaped identifiers, all derived from a seeded `Random` so output is reproducible. */
import { createHash } from 'node:crypto';
import type { Random } from './random.js';

/** Prefixes Okta uses for the objects the simulator creates. */
export const ID_PREFIX = {
  user: '00u',
  device: 'guo',
  app: '0oa',
  logStream: '0oa',
  policy: '00p',
  policyRule: '0pr',
  group: '00g',
  apiToken: '00T',
  pushFactor: 'opf',
  fastPassFactor: 'crp',
  totpFactor: 'ost',
  smsFactor: 'mbl',
  webAuthnFactor: 'fwf',
  emailFactor: 'emf',
  behavior: 'bhv',
} as const;

/** A 20-character Okta id: a 3-character type prefix and 17 base62 characters. */
export function oktaId(rng: Random, prefix: string): string {
  return prefix + rng.base62(20 - prefix.length);
}

/** An Okta id derived from a key instead of a PRNG, for objects built outside a generator run. */
export function stableOktaId(prefix: string, key: string): string {
  const digest = createHash('sha256').update(key).digest();
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let id = prefix;
  for (let i = 0; id.length < 20; i++) id += alphabet[digest[i] % 62];
  return id;
}

// 100-ns intervals between the Gregorian epoch (1582-10-15) and the Unix epoch.
const GREGORIAN_OFFSET = 0x01b21dd213814000n;

/**
 * A version-1 (time-based) UUID for `at`, like Okta's event uuids. The clock sequence, node
 * and sub-millisecond ticks come from `rng`, so it is unique in practice and reproducible.
 */
export function timeUuid(rng: Random, at: Date): string {
  const ticks = BigInt(at.getTime()) * 10_000n + BigInt(rng.int(0, 9_999)) + GREGORIAN_OFFSET;
  const timeLow = (ticks & 0xffffffffn).toString(16).padStart(8, '0');
  const timeMid = ((ticks >> 32n) & 0xffffn).toString(16).padStart(4, '0');
  const timeHigh = (((ticks >> 48n) & 0x0fffn) | 0x1000n).toString(16).padStart(4, '0');
  const clockSeq = ((rng.int(0, 0x3fff) | 0x8000) >>> 0).toString(16).padStart(4, '0');
  return `${timeLow}-${timeMid}-${timeHigh}-${clockSeq}-${rng.hex(12)}`;
}

/** A random (v4-format) UUID from `rng`, e.g. for EventBridge envelope ids and errorIds. */
export function randomUuid(rng: Random): string {
  const variant = '89ab'[rng.int(0, 3)];
  return `${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-${variant}${rng.hex(3)}-${rng.hex(12)}`;
}

/** Okta request ids (`debugData.requestId`, `transaction.id`) are 27 URL-safe characters. */
export function requestId(rng: Random): string {
  return 'Z' + rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', 22) + 'AAA' + rng.chars('ABCDEFGHIJ', 1);
}

/** OIE session ids, used for `externalSessionId` and `rootSessionId`. */
export function sessionId(rng: Random): string {
  return 'idx' + rng.base62(22);
}

/** `debugData.dtHash`: a sha256 hex digest standing in for the device-token hash. */
export function deviceTokenHash(deviceId: string): string {
  return createHash('sha256').update(`device-token:${deviceId}`).digest('hex');
}

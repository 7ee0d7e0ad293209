// Okta API tokens and channel secrets are stored encrypted with AES-256-GCM under a key from the
// environment (OORT_SECRET_KEY). Each sealed value names the key it was sealed with (v2), so keys can
// be rotated: the current key seals, older ones (OORT_SECRET_KEYS_PREVIOUS) still open what they
// sealed, and `npx oort-okta secrets reseal` moves every stored secret to the current key. Only activities
// and the CLI's secret commands call `decryptSecret`; the plaintext never leaves them.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** Sealed before key ids existed: `v1:iv:tag:body`, opened by trying every configured key. */
const LEGACY = 'v1';
/** `v2:keyId:iv:tag:body`. */
const VERSION = 'v2';

export class SecretKeyError extends Error {
  override name = 'SecretKeyError';
}

/** Parses a base64 key of exactly 32 bytes; the error says how to make one. */
export function parseSecretKey(base64: string | undefined): Buffer {
  if (!base64) {
    throw new SecretKeyError(
      'OORT_SECRET_KEY is not set. Generate one with `openssl rand -base64 32` and set it in the environment of the worker and the CLI.',
    );
  }
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) {
    throw new SecretKeyError(
      `OORT_SECRET_KEY must be base64 of 32 bytes (AES-256), got ${key.length} bytes. Generate one with \`openssl rand -base64 32\`.`,
    );
  }
  return key;
}

export function generateSecretKey(): string {
  return randomBytes(32).toString('base64');
}

/** A key's id: a short fingerprint, so that a sealed value names its key without revealing it. */
export function keyId(key: Buffer): string {
  return createHash('sha256').update('oort-okta secret key id').update(key).digest('hex').slice(0, 12);
}

/** The current key (it seals) and older ones (they only open what they sealed), by id. */
export class SecretKeyring {
  readonly currentId: string;
  private readonly keys = new Map<string, Buffer>();

  constructor(readonly current: Buffer, previous: readonly Buffer[] = []) {
    this.currentId = keyId(current);
    this.keys.set(this.currentId, current);
    for (const key of previous) this.keys.set(keyId(key), key);
  }

  byId(id: string): Buffer | undefined {
    return this.keys.get(id);
  }

  all(): Buffer[] {
    return [...this.keys.values()];
  }
}

/** A single key is a keyring of one. */
export type SecretKeys = Buffer | SecretKeyring;

const ringOf = (keys: SecretKeys): SecretKeyring => (keys instanceof SecretKeyring ? keys : new SecretKeyring(keys));

/** The keyring of OORT_SECRET_KEY and OORT_SECRET_KEYS_PREVIOUS (comma-separated base64 keys). */
export function parseSecretKeyring(current: string | undefined, previous?: string): SecretKeyring {
  const older = (previous ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k, i) => {
      try {
        return parseSecretKey(k);
      } catch (err) {
        throw new SecretKeyError(`OORT_SECRET_KEYS_PREVIOUS, key ${i + 1}: ${(err as Error).message.replace(/^OORT_SECRET_KEY /, '')}`);
      }
    });
  return new SecretKeyring(parseSecretKey(current), older);
}

/**
 * Seals with the current key. `aad` binds the ciphertext to what it belongs to (the integration id for a token,
 * `channel:<integration>:<channel>` for a channel secret), so a value cannot be moved to another row.
 */
export function encryptSecret(plaintext: string, keys: SecretKeys, aad: string): string {
  const ring = ringOf(keys);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', ring.current, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, ring.currentId, iv.toString('base64'), tag.toString('base64'), body.toString('base64')].join(':');
}

function open(key: Buffer, iv: string, tag: string, body: string, aad: string): string | undefined {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

export function decryptSecret(sealed: string, keys: SecretKeys, aad: string): string {
  const ring = ringOf(keys);
  const parts = sealed.split(':');
  if (parts[0] === VERSION && parts.length === 5) {
    const [, id, iv, tag, body] = parts;
    const key = ring.byId(id);
    if (!key) {
      throw new SecretKeyError(
        `The stored secret was sealed with key ${id}, which is not configured: add that key to OORT_SECRET_KEYS_PREVIOUS (or restore it as OORT_SECRET_KEY), or enter the secret again.`,
      );
    }
    const plain = open(key, iv, tag, body, aad);
    if (plain === undefined) {
      throw new SecretKeyError(`Could not decrypt the stored secret with key ${id}: it belongs to another row (integration or channel). Enter the secret again.`);
    }
    return plain;
  }
  if (parts[0] === LEGACY && parts.length === 4) {
    const [, iv, tag, body] = parts;
    for (const key of ring.all()) {
      const plain = open(key, iv, tag, body, aad);
      if (plain !== undefined) return plain;
    }
    throw new SecretKeyError(
      'Could not decrypt the stored secret: none of the configured keys (OORT_SECRET_KEY, OORT_SECRET_KEYS_PREVIOUS) sealed it, or the secret belongs to another integration. Restore the original key, or rotate the token.',
    );
  }
  throw new SecretKeyError('The stored secret is not in a known format; re-enter the Okta API token with `npx oort-okta integrations rotate-token`.');
}

/** Whether a sealed value should be sealed again under the current key (older key, or sealed before key ids). */
export function needsReseal(sealed: string, keys: SecretKeys): boolean {
  const [version, id] = sealed.split(':');
  return version !== VERSION || id !== ringOf(keys).currentId;
}

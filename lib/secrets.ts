// Okta API tokens are stored encrypted with AES-256-GCM under a key from the environment
// (OORT_SECRET_KEY). Only activities call `decryptSecret`; the plaintext never leaves them.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

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

/** `aad` binds the ciphertext to its row (the integration id), so a token cannot be moved to another integration. */
export function encryptSecret(plaintext: string, key: Buffer, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString('base64'), tag.toString('base64'), body.toString('base64')].join(':');
}

export function decryptSecret(sealed: string, key: Buffer, aad: string): string {
  const [version, iv, tag, body] = sealed.split(':');
  if (version !== VERSION || !iv || !tag || body === undefined) {
    throw new SecretKeyError('The stored secret is not in the v1 format; re-enter the Okta API token with `oort-okta integrations rotate-token`.');
  }
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretKeyError(
      'Could not decrypt the stored secret: OORT_SECRET_KEY differs from the key it was sealed with, or the secret belongs to another integration. Restore the original key, or rotate the token.',
    );
  }
}

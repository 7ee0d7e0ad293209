import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, generateSecretKey, parseSecretKey, SecretKeyError } from '../../lib/secrets.js';

const TOKEN = '00QCjAl4MlV-WPXM-ABCDEFGHIJKLMNOPQRSTUVWXYZ1234567';
const ID = 'okta-1a2b3c4d5e6f7a8b';

describe('secrets', () => {
  const key = parseSecretKey(generateSecretKey());

  it('round-trips a token', () => {
    expect(decryptSecret(encryptSecret(TOKEN, key, ID), key, ID)).toBe(TOKEN);
  });

  it('produces a different ciphertext each time, never containing the plaintext', () => {
    const a = encryptSecret(TOKEN, key, ID);
    const b = encryptSecret(TOKEN, key, ID);
    expect(a).not.toBe(b);
    for (const sealed of [a, b]) {
      expect(sealed).toMatch(/^v1:/);
      expect(sealed).not.toContain(TOKEN);
      expect(sealed).not.toContain(Buffer.from(TOKEN).toString('base64'));
    }
  });

  it('refuses another key with a message that says what to do', () => {
    const sealed = encryptSecret(TOKEN, key, ID);
    const other = parseSecretKey(generateSecretKey());
    expect(() => decryptSecret(sealed, other, ID)).toThrow(SecretKeyError);
    expect(() => decryptSecret(sealed, other, ID)).toThrow(/Restore the original key, or rotate the token/);
  });

  it('refuses a token moved to another integration', () => {
    const sealed = encryptSecret(TOKEN, key, ID);
    expect(() => decryptSecret(sealed, key, 'okta-ffffffffffffffff')).toThrow(/rotate the token/);
  });

  it('refuses a value not in the v1 format, pointing at rotate-token', () => {
    expect(() => decryptSecret(TOKEN, key, ID)).toThrow(/rotate-token/);
  });

  it('parseSecretKey explains how to make a key when it is missing or short', () => {
    expect(() => parseSecretKey(undefined)).toThrow(/OORT_SECRET_KEY is not set.*openssl rand -base64 32/);
    expect(() => parseSecretKey(Buffer.alloc(16).toString('base64'))).toThrow(/got 16 bytes.*openssl rand -base64 32/);
    expect(parseSecretKey(Buffer.alloc(32, 7).toString('base64'))).toEqual(Buffer.alloc(32, 7));
  });
});

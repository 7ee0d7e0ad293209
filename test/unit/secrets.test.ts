import { describe, expect, it } from 'vitest';
import { createCipheriv, randomBytes } from 'node:crypto';
import {
  decryptSecret,
  encryptSecret,
  generateSecretKey,
  keyId,
  needsReseal,
  parseSecretKey,
  parseSecretKeyring,
  SecretKeyError,
  SecretKeyring,
} from '../../lib/secrets.js';

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
      expect(sealed).toMatch(new RegExp(`^v2:${keyId(key)}:`));
      expect(sealed).not.toContain(TOKEN);
      expect(sealed).not.toContain(Buffer.from(TOKEN).toString('base64'));
    }
  });

  it('refuses a value sealed with a key that is not configured, naming the key and what to do', () => {
    const sealed = encryptSecret(TOKEN, key, ID);
    const other = parseSecretKey(generateSecretKey());
    expect(() => decryptSecret(sealed, other, ID)).toThrow(SecretKeyError);
    expect(() => decryptSecret(sealed, other, ID)).toThrow(new RegExp(`key ${keyId(key)}, which is not configured: add that key to OORT_SECRET_KEYS_PREVIOUS`));
  });

  it('refuses a token moved to another integration', () => {
    const sealed = encryptSecret(TOKEN, key, ID);
    expect(() => decryptSecret(sealed, key, 'okta-ffffffffffffffff')).toThrow(/belongs to another row/);
  });

  it('refuses a value in no known format, pointing at rotate-token', () => {
    expect(() => decryptSecret(TOKEN, key, ID)).toThrow(/rotate-token/);
  });

  it('parseSecretKey explains how to make a key when it is missing or short', () => {
    expect(() => parseSecretKey(undefined)).toThrow(/OORT_SECRET_KEY is not set.*openssl rand -base64 32/);
    expect(() => parseSecretKey(Buffer.alloc(16).toString('base64'))).toThrow(/got 16 bytes.*openssl rand -base64 32/);
    expect(parseSecretKey(Buffer.alloc(32, 7).toString('base64'))).toEqual(Buffer.alloc(32, 7));
  });
});

describe('key rotation', () => {
  const oldKey = parseSecretKey(generateSecretKey());
  const newKey = parseSecretKey(generateSecretKey());
  const ring = new SecretKeyring(newKey, [oldKey]);

  it('seals with the current key and opens what older keys sealed', () => {
    const old = encryptSecret(TOKEN, oldKey, ID);
    expect(decryptSecret(old, ring, ID)).toBe(TOKEN);
    expect(encryptSecret(TOKEN, ring, ID)).toMatch(new RegExp(`^v2:${ring.currentId}:`));
    expect(() => decryptSecret(old, newKey, ID)).toThrow(/not configured/);
  });

  it('opens values sealed before key ids (v1) with any configured key', () => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', oldKey, iv);
    cipher.setAAD(Buffer.from(ID));
    const body = Buffer.concat([cipher.update(TOKEN, 'utf8'), cipher.final()]);
    const legacy = ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
    expect(decryptSecret(legacy, ring, ID)).toBe(TOKEN);
    expect(() => decryptSecret(legacy, newKey, ID)).toThrow(/none of the configured keys/);
    expect(needsReseal(legacy, ring)).toBe(true);
  });

  it('knows which values to reseal', () => {
    expect(needsReseal(encryptSecret(TOKEN, oldKey, ID), ring)).toBe(true);
    expect(needsReseal(encryptSecret(TOKEN, ring, ID), ring)).toBe(false);
  });

  it('reads the previous keys from a comma-separated list and names a bad one', () => {
    const parsed = parseSecretKeyring(newKey.toString('base64'), ` ${oldKey.toString('base64')} ,`);
    expect(parsed.currentId).toBe(keyId(newKey));
    expect(parsed.byId(keyId(oldKey))).toEqual(oldKey);
    expect(() => parseSecretKeyring(newKey.toString('base64'), 'c2hvcnQ=')).toThrow(/OORT_SECRET_KEYS_PREVIOUS, key 1: .*got 5 bytes/);
  });

  it('never shows a key in its id', () => {
    expect(keyId(newKey)).toMatch(/^[0-9a-f]{12}$/);
    expect(newKey.toString('hex')).not.toContain(keyId(newKey));
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, ConfigError, loadConfig } from '../../lib/config.js';

describe('loadConfig', () => {
  it('defaults to staging: account 909617834444, region us-east-2', () => {
    const c = loadConfig({});
    expect(c.OORT_ENVIRONMENT).toBe('staging');
    expect(c.awsAccountId).toBe('909617834444');
    expect(c.AWS_REGION).toBe('us-east-2');
    expect(c.TEMPORAL_TASK_QUEUE).toBe('oort-okta');
    expect(c.OKTA_ALLOW_PRIVATE_ADDRESSES).toBe(false);
    expect(c.SQS_VISIBILITY_TIMEOUT_SECONDS).toBe(300);
  });

  it('uses account 988897525199 in production', () => {
    expect(loadConfig({ OORT_ENVIRONMENT: 'production' }).awsAccountId).toBe('988897525199');
  });

  it('coerces numbers and booleans from strings', () => {
    const c = loadConfig({ OKTA_LOG_PAGE_LIMIT: '200', OKTA_ALLOW_PRIVATE_ADDRESSES: 'true' });
    expect(c.OKTA_LOG_PAGE_LIMIT).toBe(200);
    expect(c.OKTA_ALLOW_PRIVATE_ADDRESSES).toBe(true);
  });

  it('reads the secret key from OORT_SECRET_KEY_FILE, trimmed', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'oort-config-')), 'secret.key');
    writeFileSync(file, 'c2VjcmV0LWtleS1mb3ItdGVzdHMtMzItYnl0ZXMhISE=\n');
    expect(loadConfig({ OORT_SECRET_KEY_FILE: file }).OORT_SECRET_KEY).toBe('c2VjcmV0LWtleS1mb3ItdGVzdHMtMzItYnl0ZXMhISE=');
  });

  it.each([
    ['OORT_ENVIRONMENT', 'prod'],
    ['DATABASE_URL', 'postgres@db.internal/oort_okta'],
    ['SQS_VISIBILITY_TIMEOUT_SECONDS', '50000'],
    ['OKTA_LOG_PAGE_LIMIT', '5000'],
    ['ONBOARDING_REMINDER_AFTER', 'three days'],
    ['OKTA_ALLOW_PRIVATE_ADDRESSES', 'yes'],
    ['LOG_LEVEL', 'verbose'],
    ['TEMPORAL_TASK_QUEUE', 'oort-okta-heavy'], // would be its own heavy queue
  ])('rejects %s=%s with a ConfigError naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^\\s+${name}: `, 'm'));
  });

  it('lists every variable it reads', () => {
    expect(CONFIG_KEYS).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_TASK_QUEUE', 'OORT_ENVIRONMENT', 'OORT_SECRET_KEY', 'SQS_ENDPOINT', 'OKTA_ALLOW_PRIVATE_ADDRESSES']),
    );
  });
});

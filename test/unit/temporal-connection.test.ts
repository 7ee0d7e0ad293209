import { describe, expect, it } from 'vitest';
import { describeTemporalSecurity, temporalConnectionOptions, TemporalSecurityError } from '../../lib/temporal-connection.js';

const files: Record<string, string> = { '/c.pem': 'CERT', '/k.pem': 'KEY', '/ca.pem': 'CA', '/api.key': 'secret-key\n' };
const read = (path: string) => {
  if (!(path in files)) throw new TemporalSecurityError(`cannot read ${path}`);
  return Buffer.from(files[path]);
};

describe('temporalConnectionOptions', () => {
  it('is a plain connection when nothing is set (the local dev server)', () => {
    const o = temporalConnectionOptions({ TEMPORAL_ADDRESS: '127.0.0.1:7233' }, read);
    expect(o).toEqual({ address: '127.0.0.1:7233' });
    expect(describeTemporalSecurity(o)).toMatch(/^plain connection/);
  });

  it('uses mutual TLS with a client certificate, the CA and the server name', () => {
    const o = temporalConnectionOptions(
      { TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_TLS_CERT_FILE: '/c.pem', TEMPORAL_TLS_KEY_FILE: '/k.pem', TEMPORAL_TLS_CA_FILE: '/ca.pem', TEMPORAL_TLS_SERVER_NAME: 'temporal' },
      read,
    );
    expect(o.tls?.clientCertPair).toEqual({ crt: Buffer.from('CERT'), key: Buffer.from('KEY') });
    expect(o.tls?.serverRootCACertificate).toEqual(Buffer.from('CA'));
    expect(o.tls?.serverNameOverride).toBe('temporal');
    expect(describeTemporalSecurity(o)).toBe('mutual TLS (client certificate) + own CA to temporal.internal:7233');
  });

  it('sends an API key over TLS, from the variable or a file, and never names it', () => {
    const direct = temporalConnectionOptions({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'k1' }, read);
    expect(direct).toEqual({ address: 'ns.acct.tmprl.cloud:7233', tls: {}, apiKey: 'k1' });
    const fromFile = temporalConnectionOptions({ TEMPORAL_ADDRESS: 'x:7233', TEMPORAL_API_KEY_FILE: '/api.key' }, read);
    expect(fromFile.apiKey).toBe('secret-key');
    expect(describeTemporalSecurity(fromFile)).toBe('TLS + API key to x:7233');
    expect(describeTemporalSecurity(fromFile)).not.toContain('secret-key');
  });

  it('refuses half a certificate pair, two API keys, and unreadable files, naming what to fix', () => {
    expect(() => temporalConnectionOptions({ TEMPORAL_ADDRESS: 'x:1', TEMPORAL_TLS_CERT_FILE: '/c.pem' }, read)).toThrow(/go together/);
    expect(() => temporalConnectionOptions({ TEMPORAL_ADDRESS: 'x:1', TEMPORAL_API_KEY: 'a', TEMPORAL_API_KEY_FILE: '/api.key' }, read)).toThrow(/not both/);
    expect(() => temporalConnectionOptions({ TEMPORAL_ADDRESS: 'x:1', TEMPORAL_TLS_CA_FILE: '/missing.pem' }, read)).toThrow(TemporalSecurityError);
  });
});

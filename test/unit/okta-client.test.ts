import { describe, expect, it } from 'vitest';
import {
  assertPublicOktaDomain,
  classifyOktaError,
  OktaDomainError,
  oktaOrgFromDomain,
  orgUrlFromDomain,
  withOktaRetry,
} from '../../okta/client.js';

const httpError = (status: number) => Object.assign(new Error(`Okta answered ${status}`), { status });

describe('orgUrlFromDomain', () => {
  it('turns a bare domain into an https org URL', () => {
    expect(orgUrlFromDomain('acme.okta.com').href).toBe('https://acme.okta.com/');
    expect(orgUrlFromDomain('https://acme.okta.com/').origin).toBe('https://acme.okta.com');
    expect(orgUrlFromDomain('http://127.0.0.1:8080').origin).toBe('http://127.0.0.1:8080');
  });

  it.each(['acme.okta.com/admin', 'https://acme.okta.com/app?x=1', 'https://admin:pw@acme.okta.com', 'acme okta'])('rejects %s', (domain) => {
    expect(() => orgUrlFromDomain(domain)).toThrow(OktaDomainError);
  });
});

describe('oktaOrgFromDomain', () => {
  it('takes the first label, and localhost for an IP', () => {
    expect(oktaOrgFromDomain('acme.okta.com')).toBe('acme');
    expect(oktaOrgFromDomain('https://northwind.oktapreview.com')).toBe('northwind');
    expect(oktaOrgFromDomain('http://127.0.0.1:8080')).toBe('localhost');
  });
});

describe('assertPublicOktaDomain', () => {
  it.each(['https://127.0.0.1', 'https://10.0.12.7', 'https://169.254.169.254', 'https://192.168.1.20', 'https://172.20.0.5', 'localhost'])(
    'refuses %s',
    async (domain) => {
      await expect(assertPublicOktaDomain(domain, { allowPrivateAddresses: false })).rejects.toThrow(/private or loopback address/);
    },
  );

  it.each(['https://[::1]', 'https://[fd00::7]', 'https://[::ffff:127.0.0.1]'])('refuses the IPv6 address %s', async (domain) => {
    await expect(assertPublicOktaDomain(domain, { allowPrivateAddresses: false })).rejects.toThrow(/private or loopback address/);
  });

  it('refuses plain http', async () => {
    await expect(assertPublicOktaDomain('http://acme.okta.com', { allowPrivateAddresses: false })).rejects.toThrow(/must use https/);
  });

  it('accepts a public address', async () => {
    expect((await assertPublicOktaDomain('https://8.8.8.8', { allowPrivateAddresses: false })).origin).toBe('https://8.8.8.8');
  });

  it('allows private addresses and http when told to (the simulator)', async () => {
    for (const domain of ['http://127.0.0.1:8080', 'https://169.254.169.254', 'http://localhost:9000']) {
      await expect(assertPublicOktaDomain(domain, { allowPrivateAddresses: true })).resolves.toBeInstanceOf(URL);
    }
  });
});

describe('classifyOktaError', () => {
  it.each([
    [401, 'invalid_token'],
    [403, 'forbidden'],
    [404, 'not_found'],
    [429, 'rate_limited'],
    [400, 'bad_request'],
    [500, 'server'],
    [503, 'server'],
  ])('%i → %s', (status, kind) => {
    expect(classifyOktaError({ status })).toBe(kind);
    expect(classifyOktaError(httpError(status))).toBe(kind);
  });

  it('treats an error without a status as a network error', () => {
    expect(classifyOktaError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' }))).toBe('network');
  });
});

describe('withOktaRetry', () => {
  it('retries 5xx answers until one succeeds', async () => {
    let calls = 0;
    const result = await withOktaRetry('list users', async () => {
      calls++;
      if (calls <= 2) throw httpError(503);
      return 'users';
    });
    expect(result).toBe('users');
    expect(calls).toBe(3);
  });

  it('does not retry a 401, and the caller can still classify it', async () => {
    let calls = 0;
    const err = await withOktaRetry('list users', async () => {
      calls++;
      throw httpError(401);
    }).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(classifyOktaError(err)).toBe('invalid_token');
    expect((err as Error).message).toBe('list users: Okta answered 401');
  });

  it('gives up after the retries, naming what failed', async () => {
    let calls = 0;
    const p = withOktaRetry('read logs', async () => {
      calls++;
      throw httpError(500);
    }, 1);
    await expect(p).rejects.toThrow('read logs: Okta answered 500');
    expect(calls).toBe(2);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { MockActivityEnvironment } from '@temporalio/testing';
import {
  assertOktaDomain,
  classifyOktaError,
  createOktaClient,
  OktaDomainError,
  OktaRateLimitedError,
  oktaOrgFromDomain,
  normalizeCustomDomain,
  orgUrlFromDomain,
  withOktaRetry,
} from '../../okta/client.js';
import { apiUrl, fetchRawJson, fetchRawPage } from '../../okta/pages.js';
import { generateOrg, startOktaSimulator, type OktaSimulator, type RateLimitSettings } from '../../simulator/index.js';

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

describe('assertOktaDomain', () => {
  const staging = { environment: 'staging' as const };
  const production = { environment: 'production' as const };

  it.each(['acme.okta.com', 'https://acme.okta.com', 'https://acme.oktapreview.com/', 'acme-admin.okta-emea.com', 'dev-123456.okta.com'])('accepts the Okta domain %s', (domain) => {
    expect(assertOktaDomain(domain, production).protocol).toBe('https:');
  });

  it.each([
    ['okta.com', /is not under/],
    ['acme.okta.com.evil.com', /is not under/],
    ['evilokta.com', /is not under/],
    ['acme.notokta.com', /is not under/],
    ['login.acme.com', /register it with --custom-domain login.acme.com/],
    ['http://acme.okta.com', /must use https/],
    ['https://acme.okta.com:8443', /names a port/],
    ['https://127.0.0.1', /is an IP address/],
    ['https://0x7f.1', /is an IP address/],
    ['https://2130706433', /is an IP address/],
    ['https://[::ffff:127.0.0.1]', /is an IP address/],
    ['https://8.8.8.8', /is an IP address/],
    ['localhost', /is not under/],
    ['http://127.0.0.1:8080', /must use https/],
  ])('refuses %s in staging and production', (domain, message) => {
    expect(() => assertOktaDomain(domain, staging)).toThrow(message);
    expect(() => assertOktaDomain(domain, production)).toThrow(OktaDomainError);
  });

  it('accepts a custom domain only when it is the one registered on the integration', () => {
    expect(assertOktaDomain('login.acme.com', { ...production, customDomain: 'login.acme.com' }).origin).toBe('https://login.acme.com');
    expect(assertOktaDomain('https://LOGIN.acme.com', { ...production, customDomain: 'login.acme.com' }).origin).toBe('https://login.acme.com');
    expect(() => assertOktaDomain('sso.acme.com', { ...production, customDomain: 'login.acme.com' })).toThrow(/not the integration's custom domain login.acme.com/);
    expect(() => assertOktaDomain('http://login.acme.com', { ...production, customDomain: 'login.acme.com' })).toThrow(/must use https/);
  });

  it('normalises a custom domain and refuses what is not a plain host name', () => {
    expect(normalizeCustomDomain('Login.Acme.com')).toBe('login.acme.com');
    expect(normalizeCustomDomain('https://login.acme.com/')).toBe('login.acme.com');
    for (const bad of ['http://login.acme.com', 'login.acme.com:8443', 'login.acme.com/x', '127.0.0.1', '2130706433', '[::1]', 'acme', 'user@login.acme.com', 'bad_label.acme.com']) {
      expect(() => normalizeCustomDomain(bad), bad).toThrow(OktaDomainError);
    }
  });

  it('allows the simulator (loopback, plain http) only in development and test', () => {
    for (const environment of ['development', 'test'] as const) {
      for (const domain of ['http://127.0.0.1:8080', 'http://localhost:9000', 'http://[::1]:8080', 'https://127.0.0.1:8443']) {
        expect(assertOktaDomain(domain, { environment })).toBeInstanceOf(URL);
      }
      // Other special-purpose addresses and non-Okta hosts stay refused in development too.
      for (const domain of ['http://169.254.169.254', 'https://10.0.0.5', 'http://acme.okta.com', 'https://login.acme.com']) {
        expect(() => assertOktaDomain(domain, { environment }), domain).toThrow(OktaDomainError);
      }
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

// The client against the simulator (loopback, the real SDK): how it keeps to Okta's rate-limit budget.
describe('the Okta client under rate limits and faults', () => {
  const TOKEN = 'budget-token';
  const org = generateOrg({ seed: 'budget', users: 40, logStream: false });
  let sim: OktaSimulator | undefined;

  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  async function setup(rateLimit: RateLimitSettings | null, maxRetries = 4) {
    sim = await startOktaSimulator({ token: TOKEN, org: structuredClone(org), rateLimit });
    const client = await createOktaClient({ domain: sim.url, token: TOKEN }, { environment: 'test', requestTimeoutMs: 5_000, maxRetries });
    return { sim, client };
  }
  const readUser = (client: Awaited<ReturnType<typeof setup>>['client'], i: number) =>
    fetchRawJson<{ id: string }>(client, apiUrl(client, `/api/v1/users/${org.users[i % org.users.length].id}`), 'reading a user');

  it('after a 429 waits for X-Rate-Limit-Reset (not a fixed backoff), then the read completes', async () => {
    const { sim, client } = await setup({ limitPerWindow: 100, windowSeconds: 10 });
    sim.setFaults({ storms: [{ afterRequests: 1, durationMs: 2_000, resetEveryMs: 1_000 }] });
    await readUser(client, 0);
    const started = Date.now();
    expect((await readUser(client, 1)).id).toBe(org.users[1].id);
    const users = sim.requests.filter((r) => r.path.startsWith('/api/v1/users/')).slice(1);
    expect(users.map((r) => r.status).at(-1)).toBe(200);
    expect(users.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < users.length; i++) {
      // Each retry came after the reset the previous 429 announced.
      expect(users[i].receivedAt).toBeGreaterThanOrEqual(users[i - 1].rateLimitReset! * 1000);
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(sim.budgetReport().respected).toBe(true);
  });

  it('never sends more requests in a window than X-Rate-Limit-Limit, four reads in flight', async () => {
    const { sim, client } = await setup({ users: { limitPerWindow: 6, windowSeconds: 1 } });
    let next = 0;
    const read = async () => {
      while (next < 18) await readUser(client, next++);
    };
    await Promise.all([read(), read(), read(), read()]);
    const report = sim.budgetReport();
    expect(report.byBucket.users).toMatchObject({ ok: 18, rateLimited: 0 });
    expect(report).toMatchObject({ overBudget: [], limiterRejections: [], earlyAfter429: [], respected: true });
    expect(report.windows.length).toBeGreaterThanOrEqual(3);
  });

  it('completes every read under a 429 storm and 20 % 5xx, four in flight, within the budget', async () => {
    const { sim, client } = await setup({ users: { limitPerWindow: 30, windowSeconds: 1 } });
    sim.setFaults({ storms: [{ afterRequests: 10, durationMs: 2_000 }], serverErrors: { rate: 0.2, seed: 'unit' } });
    let next = 0;
    const ids: string[] = [];
    const read = async () => {
      while (next < 40) {
        const i = next++;
        ids[i] = (await readUser(client, i)).id;
      }
    };
    await Promise.all([read(), read(), read(), read()]);
    expect(ids).toEqual(Array.from({ length: 40 }, (_, i) => org.users[i % org.users.length].id));
    const report = sim.budgetReport();
    expect(report.byBucket.users!.serverErrors).toBeGreaterThan(5);
    expect(report.byBucket.users!.rateLimited).toBeGreaterThan(0);
    expect(report.respected).toBe(true);
  });

  it('a storm longer than the retries allowed fails with a retryable OktaRateLimitedError', async () => {
    const { sim, client } = await setup(null, 1);
    sim.setFaults({ storms: [{ durationMs: 30_000 }] });
    const err = await fetchRawPage(client, apiUrl(client, '/api/v1/logs', { limit: '10' }), 'reading the System Log').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OktaRateLimitedError);
    expect(classifyOktaError(err)).toBe('rate_limited');
    expect((err as Error).message).toMatch(/^reading the System Log: Okta is still rate-limiting \(429\).*will be retried/);
    // The first request and one retry after the reset: no hammering.
    expect(sim.requests.map((r) => r.status)).toEqual([429, 429]);
    expect(sim.budgetReport().respected).toBe(true);
  });

  it('heartbeats while it waits inside an activity', async () => {
    const { sim, client } = await setup(null);
    sim.setFaults({ storms: [{ durationMs: 1_000 }] });
    const env = new MockActivityEnvironment();
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    await env.run(() => readUser(client, 0));
    expect(beats).toContainEqual(expect.objectContaining({ waitingForOkta: 'rate limit (users)' }));
  });
});

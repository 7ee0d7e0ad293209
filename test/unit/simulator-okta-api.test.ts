// The simulated Okta API, driven through @okta/okta-sdk-nodejs as the product drives Okta: users, factors,
// devices, log streams, errors and rate limits, and System Log polling and bounded queries.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Client, DefaultRequestExecutor, OktaApiError } from '@okta/okta-sdk-nodejs';
import {
  generateActivity, generateOrg, makeEventBridgeLogStream, startOktaSimulator,
  type OktaLogEvent, type OktaSimulator,
} from '../../simulator/index.js';

const TOKEN = 'test-token-valid';

const oktaClient = (sim: OktaSimulator, token = TOKEN) => new Client({ orgUrl: sim.url, token, cacheMiddleware: null });

async function rejection(promise: Promise<unknown>): Promise<OktaApiError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(OktaApiError);
  return error as OktaApiError;
}

/** One raw JSON page through the SDK's HTTP layer (auth and 429 retry applied), as a log poller reads it. */
interface RawPage<T> {
  items: T[];
  next: string | undefined;
  headers: { get(name: string): string | null };
}

async function rawPage<T = OktaLogEvent>(client: Client, url: string): Promise<RawPage<T>> {
  const res = await client.http.http(url, { method: 'get', headers: { Accept: 'application/json' } });
  const items = (await res.json()) as T[];
  const next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
  return { items, next, headers: res.headers };
}

describe('Okta API simulator through @okta/okta-sdk-nodejs', () => {
  const org = generateOrg({ seed: 42, users: 450 });
  let sim: OktaSimulator;
  let client: Client;

  beforeAll(async () => {
    sim = await startOktaSimulator({ token: TOKEN, org });
    client = oktaClient(sim);
  });
  afterAll(() => sim.close());

  it('pages listUsers with limit 200 (hiding DEPROVISIONED) and finds them with search', async () => {
    const seen: string[] = [];
    await (await client.userApi.listUsers({ limit: 200 })).each((u) => { seen.push(u.id!); });
    const visible = org.users.filter((u) => u.status !== 'DEPROVISIONED');
    expect(seen).toEqual(visible.map((u) => u.id));
    expect(sim.requests.filter((r) => r.path === '/api/v1/users')).toHaveLength(Math.ceil(visible.length / 200));

    const gone: string[] = [];
    await (await client.userApi.listUsers({ search: 'status eq "DEPROVISIONED"' })).each((u) => { gone.push(u.id!); });
    expect(gone.length).toBe(org.users.length - visible.length);
  });

  it('serves users, factors and devices, and 404s unknown users as E0000007', async () => {
    const person = org.users.find((u) => u.status === 'ACTIVE' && org.factors[u.id].some((f) => f.factorType === 'push'))!;
    const user = await client.userApi.getUser({ userId: person.id });
    expect(user.profile?.login).toBe(person.profile.login);
    const factors: string[] = [];
    await (await client.userFactorApi.listFactors({ userId: person.id })).each((f) => { factors.push(f.factorType!); });
    expect(factors).toContain('push');

    const devices = await rawPage<{ device: { id: string } }>(client, `${sim.url}/api/v1/users/${person.id}/devices`);
    expect(devices.items[0].device.id).toMatch(/^guo/);
    const expanded = await rawPage<{ _embedded: { users: { managementStatus: string }[] } }>(client, `${sim.url}/api/v1/devices?limit=5&expand=user`);
    expect(expanded.next).toContain('after=');
    const embedded = expanded.items[0]._embedded.users[0];
    expect(['MANAGED', 'NOT_MANAGED']).toContain(embedded.managementStatus);

    const notFound = await rejection(client.userApi.getUser({ userId: '00unknownunknown0000' }));
    expect(notFound.status).toBe(404);
    expect(notFound.errorCode).toBe('E0000007');
    expect(notFound.errorSummary).toBe('Not found: Resource not found: 00unknownunknown0000 (User)');
  });

  it('rejects a bad token with 401 E0000011 and an under-privileged one with 403 E0000006', async () => {
    const bad = await rejection(oktaClient(sim, 'nope').userApi.getUser({ userId: org.users[0].id }));
    expect([bad.status, bad.errorCode, bad.errorSummary]).toEqual([401, 'E0000011', 'Invalid token provided']);
    sim.setTokens([TOKEN], { underPrivileged: ['read-only'] });
    const forbidden = await rejection(oktaClient(sim, 'read-only').userApi.getUser({ userId: org.users[0].id }));
    expect([forbidden.status, forbidden.errorCode]).toEqual([403, 'E0000006']);
  });

  it('lists log streams with Okta filters', async () => {
    await sim.setLogStreams([
      makeEventBridgeLogStream({ name: 'ours', accountId: '111122223333', region: 'us-east-2', eventSourceName: 'oort-tenant-1' }),
      makeEventBridgeLogStream({ name: 'old', status: 'INACTIVE' }),
      { ...makeEventBridgeLogStream({ name: 'splunk' }), type: 'splunk_cloud_logstreaming', settings: { edition: 'aws', host: 'acme.splunkcloud.com' } },
    ]);
    const names = async (filter?: string) => {
      const out: string[] = [];
      await (await client.logStreamApi.listLogStreams(filter ? { filter } : {})).each((s) => { out.push(s.name!); });
      return out;
    };
    expect(await names('type eq "aws_eventbridge"')).toEqual(['ours', 'old']);
    expect(await names('status eq "ACTIVE"')).toEqual(['ours', 'splunk']);
    const stream = await client.logStreamApi.getLogStream({ logStreamId: sim.org.logStreams[0].id });
    expect(stream).toMatchObject({ status: 'ACTIVE', settings: { accountId: '111122223333', eventSourceName: 'oort-tenant-1', region: 'us-east-2' } });
    const invalid = await rejection(names('name eq "ours"'));
    expect([invalid.status, invalid.errorCode]).toEqual([400, 'E0000031']);
  });

  it('puts rate-limit headers and a Date on every response', async () => {
    const page = await rawPage(client, `${sim.url}/api/v1/logs?limit=1`);
    for (const h of ['x-rate-limit-limit', 'x-rate-limit-remaining', 'x-rate-limit-reset', 'date']) expect(page.headers.get(h)).toBeTruthy();
    expect(Number(page.headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.now() / 1000);
  });
});

describe('System Log polling and bounded queries', () => {
  const org = generateOrg({ seed: 11, users: 40, logStream: false });
  const events = generateActivity(org, { seed: 11, start: new Date('2026-01-05T00:00:00Z'), end: new Date('2026-01-06T00:00:00Z') });
  const now = () => new Date('2026-01-06T12:00:00Z');
  let sim: OktaSimulator;
  let client: Client;

  beforeAll(async () => {
    sim = await startOktaSimulator({ token: TOKEN, org, now });
    sim.addEvents(events.slice(0, 250));
    client = oktaClient(sim);
  });
  afterAll(() => sim.close());

  it('polls in persistence order; every page, even empty, has next; later events arrive via the stored link', async () => {
    let url: string | undefined = `${sim.url}/api/v1/logs?since=2026-01-01T00:00:00.000Z&limit=100`;
    const sizes: number[] = [];
    const received: OktaLogEvent[] = [];
    let stored = '';
    while (url) {
      const page: RawPage<OktaLogEvent> = await rawPage(client, url);
      sizes.push(page.items.length);
      received.push(...page.items);
      expect(page.next).toBeDefined();
      stored = page.next!;
      url = page.items.length === 0 ? undefined : page.next;
    }
    expect(sizes).toEqual([100, 100, 50, 0]);
    expect(received.map((e) => e.uuid)).toEqual(events.slice(0, 250).map((e) => e.uuid));

    // A late event (published long ago) persisted after our last poll is still delivered.
    const late = { ...events[0], uuid: 'd0d0d0d0-0000-1000-8000-000000000001' };
    sim.addEvents([...events.slice(250, 255), late]);
    const resumed = await rawPage(client, stored);
    expect(resumed.items.map((e) => e.uuid)).toEqual([...events.slice(250, 255).map((e) => e.uuid), late.uuid]);
    expect(resumed.next).toBeDefined();
  });

  it('ends bounded queries, ordered by published, ascending and descending', async () => {
    const since = '2026-01-05T12:00:00.000Z';
    const until = '2026-01-05T18:00:00.000Z';
    const expected = sim.org.events.filter((e) => e.published >= since && e.published < until).map((e) => e.uuid);
    for (const sortOrder of ['ASCENDING', 'DESCENDING']) {
      let url: string | undefined = `${sim.url}/api/v1/logs?since=${since}&until=${until}&limit=40&sortOrder=${sortOrder}`;
      const got: OktaLogEvent[] = [];
      let pages = 0;
      while (url) {
        const page: RawPage<OktaLogEvent> = await rawPage(client, url);
        got.push(...page.items);
        url = page.next;
        pages++;
      }
      expect(pages).toBe(Math.ceil(expected.length / 40));
      const published = got.map((e) => e.published);
      const ascending = [...published].sort();
      expect(published).toEqual(sortOrder === 'ASCENDING' ? ascending : ascending.reverse());
      expect(new Set(got.map((e) => e.uuid))).toEqual(new Set(expected));
    }
  });

  it('filters by actor.id or target.id, by eventType and by keyword', async () => {
    const admin = sim.org.events.find((e) => e.eventType === 'user.authentication.sso')!.actor.id;
    const filter = encodeURIComponent(`actor.id eq "${admin}" or target.id eq "${admin}"`);
    const page = await rawPage(client, `${sim.url}/api/v1/logs?since=2026-01-01T00:00:00Z&limit=1000&filter=${filter}`);
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((e) => e.actor.id === admin || (e.target ?? []).some((t) => t.id === admin))).toBe(true);

    const both = encodeURIComponent('eventType eq "user.session.start" and outcome.result eq "SUCCESS"');
    const starts = await rawPage(client, `${sim.url}/api/v1/logs?since=2026-01-01T00:00:00Z&limit=1000&filter=${both}`);
    expect(starts.items.length).toBeGreaterThan(0);
    expect(starts.items.every((e) => e.eventType === 'user.session.start' && e.outcome.result === 'SUCCESS')).toBe(true);

    const city = org.personas[admin].home.place.city;
    const q = await rawPage(client, `${sim.url}/api/v1/logs?since=2026-01-01T00:00:00Z&limit=1000&q=${encodeURIComponent(city.toUpperCase())}`);
    expect(q.items.every((e) => JSON.stringify(e).includes(city))).toBe(true);
  });

  it('answers invalid queries with Okta 400s', async () => {
    const error = async (query: string) => rejection(rawPage(client, `${sim.url}/api/v1/logs?${query}`));
    expect((await error(`filter=${encodeURIComponent('published gt "2026-01-01"')}`)).errorCode).toBe('E0000031');
    expect((await error(`filter=${encodeURIComponent('actor.id eq')}`)).errorCode).toBe('E0000031');
    expect((await error('limit=1001')).status).toBe(400);
    expect((await error('since=2025-01-01T00:00:00Z')).errorCode).toBe('E0000053');
  });

  it('retries a 429 with a short reset through the SDK, and surfaces 429 and 5xx faults', async () => {
    sim.setRateLimit({ logs: { limitPerWindow: 2, windowSeconds: 1 } });
    for (let i = 0; i < 3; i++) await rawPage(client, `${sim.url}/api/v1/logs?since=2026-01-01T00:00:00Z&limit=1`);
    const statuses = sim.requests.filter((r) => r.path === '/api/v1/logs').slice(-4).map((r) => r.status);
    expect(statuses).toEqual([200, 200, 429, 200]);
    sim.setRateLimit(null);

    // Without SDK retries the injected 429 is visible as Okta sends it.
    sim.injectFaults({ rateLimitNext: 1 });
    const noRetry = new Client({ orgUrl: sim.url, token: TOKEN, cacheMiddleware: null, requestExecutor: new DefaultRequestExecutor({ maxRetries: 0, requestTimeout: 0 }) });
    const limited = await rejection(noRetry.userApi.getUser({ userId: org.users[0].id }));
    expect([limited.status, limited.errorCode, limited.errorSummary]).toEqual([429, 'E0000047', 'API call exceeded rate limit due to too many requests.']);
    expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(Number(limited.headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.parse(limited.headers.get('date')!) / 1000);

    sim.injectFaults({ status5xx: 1 });
    const failure = await rejection(client.userApi.getUser({ userId: org.users[0].id }));
    expect([failure.status, failure.errorCode, failure.errorSummary]).toEqual([500, 'E0000009', 'Internal Server Error']);
    expect((await client.userApi.getUser({ userId: org.users[0].id })).id).toBe(org.users[0].id);
  }, 15_000);
});

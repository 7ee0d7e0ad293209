import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Client, DefaultRequestExecutor, OktaApiError } from '@okta/okta-sdk-nodejs';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import {
  SCENARIOS, buildScenario, duplicateDeliveries, foreignEnvelopes, generateActivity, generateOrg, injectScenario,
  makeEventBridgeLogStream, malformedBodies, partnerEventSource, publishEnvelopes, startOktaSimulator, toEventBridgeEnvelopes,
  type EventBridgeDestination, type OktaLogEvent, type OktaSimulator, type ScenarioName,
} from '../../simulator/index.js';

const TOKEN = 'test-token-valid';
const WEEK = { start: new Date('2026-01-05T00:00:00.000Z'), end: new Date('2026-01-12T00:00:00.000Z') };
const UUID_V1 = /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TOP_LEVEL_FIELDS = [
  'uuid', 'published', 'eventType', 'version', 'severity', 'legacyEventType', 'displayMessage', 'actor', 'client', 'device',
  'authenticationContext', 'outcome', 'securityContext', 'debugContext', 'transaction', 'request', 'target',
].sort();

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

describe('org and activity generator', () => {
  const org = generateOrg({ seed: 42, users: 450 });
  const events = generateActivity(org, { seed: 7, ...WEEK });

  it('is deterministic per seed', () => {
    // Compared as JSON: deep-equality over ~25k events is slow, and JSON keeps key order too.
    const again = generateOrg({ seed: 42, users: 450 });
    expect(JSON.stringify(again)).toBe(JSON.stringify(org));
    const day = { start: WEEK.start, end: new Date('2026-01-06T00:00:00.000Z') };
    const firstDay = events.filter((e) => e.published < '2026-01-06');
    expect(JSON.stringify(generateActivity(again, { seed: 7, ...day }))).toBe(JSON.stringify(firstDay));
    expect(generateOrg({ seed: 43, users: 450 }).users[0]).not.toEqual(org.users[0]);
    expect(generateActivity(org, { seed: 8, ...day }).slice(0, 50)).not.toEqual(firstDay.slice(0, 50));
  });

  it('builds Okta-shaped users, devices, factors and admins', () => {
    expect(org.users).toHaveLength(450);
    for (const u of org.users) expect(u.id).toMatch(/^00u[0-9A-Za-z]{17}$/);
    expect(new Set(org.users.map((u) => u.profile.login)).size).toBe(450);
    const statuses = new Set(org.users.map((u) => u.status));
    expect(statuses).toContain('DEPROVISIONED');
    expect(statuses).toContain('SUSPENDED');
    expect(org.users.filter((u) => u.status === 'ACTIVE').length).toBeGreaterThan(380);
    expect(org.devices.every((d) => /^guo[0-9A-Za-z]{17}$/.test(d.id))).toBe(true);
    const factorTypes = new Set(Object.values(org.factors).flat().map((f) => f.factorType));
    for (const t of ['push', 'signed_nonce', 'token:software:totp', 'sms']) expect(factorTypes).toContain(t);
    expect(org.admins.map((a) => a.role)).toContain('SUPER_ADMIN');
    expect(org.apps.every((a) => a.id.startsWith('0oa'))).toBe(true);
  });

  it('emits complete LogEvents sorted by published with a daily rhythm', () => {
    expect(events.length).toBeGreaterThan(10_000);
    const published = events.map((e) => e.published);
    expect([...published].sort()).toEqual(published);
    expect(new Set(events.map((e) => e.uuid)).size).toBe(events.length);
    for (const e of events.slice(0, 500)) {
      expect(Object.keys(e).sort()).toEqual(TOP_LEVEL_FIELDS);
      expect(e.uuid).toMatch(UUID_V1);
      expect(Object.values(e.debugContext.debugData).every((v) => typeof v === 'string')).toBe(true);
    }
    const types = new Set(events.map((e) => e.eventType));
    for (const t of ['user.session.start', 'policy.evaluate_sign_on', 'system.push.send_factor_verify_push', 'user.authentication.auth_via_mfa', 'user.authentication.sso', 'user.session.end']) {
      expect(types).toContain(t);
    }
    const start = events.find((e) => e.eventType === 'user.session.start' && e.outcome.result === 'SUCCESS')!;
    expect(start.client.zone).toBe('null');
    expect(start.debugContext.debugData.behaviors).toMatch(/^\{New Geo-Location=(POSITIVE|NEGATIVE), .*\}$/);
    expect(start.debugContext.debugData.risk).toMatch(/^\{level=(LOW|MEDIUM|HIGH)/);
    expect(start.authenticationContext.externalSessionId).toMatch(/^idx/);
    expect(events.some((e) => e.eventType === 'user.session.start' && e.outcome.reason === 'INVALID_CREDENTIALS')).toBe(true);
    expect(events.some((e) => e.device !== null && 'os_platform' in e.device)).toBe(true);

    // Local working hours dominate the night; weekdays dominate the weekend (Jan 10–11 2026).
    const localHour = (e: OktaLogEvent) => {
      const offset = org.personas[e.actor.id]?.home.place.utcOffsetHours ?? 0;
      return (new Date(e.published).getUTCHours() + offset + 48) % 24;
    };
    const work = events.filter((e) => localHour(e) >= 8 && localHour(e) < 18).length;
    const night = events.filter((e) => localHour(e) >= 0 && localHour(e) < 6).length;
    expect(work).toBeGreaterThan(night * 10);
    const day = (d: string) => events.filter((e) => e.published.startsWith(d)).length;
    expect(day('2026-01-07')).toBeGreaterThan(3 * day('2026-01-11'));
  });
});

describe('attack scenarios', () => {
  const org = generateOrg({ seed: 5, users: 120 });
  const at = new Date('2026-01-06T14:00:00.000Z');

  it('passwordSpray: one IP, ≥ 15 accounts, 2–4 INVALID_CREDENTIALS failures each within 40 minutes', () => {
    const { events, subjects } = buildScenario(org, 'passwordSpray', { seed: 1, at });
    expect(new Set(events.map((e) => e.client.ipAddress))).toEqual(new Set([subjects.sourceIp]));
    expect(events.every((e) => e.eventType === 'user.session.start' && e.outcome.result === 'FAILURE' && e.outcome.reason === 'INVALID_CREDENTIALS')).toBe(true);
    const perLogin = new Map<string, number>();
    for (const e of events) perLogin.set(e.actor.alternateId!, (perLogin.get(e.actor.alternateId!) ?? 0) + 1);
    expect(perLogin.size).toBeGreaterThanOrEqual(15);
    expect([...perLogin.values()].every((n) => n >= 2 && n <= 4)).toBe(true);
    expect(events.some((e) => e.actor.id === 'unknown')).toBe(true);
    expect(Date.parse(events[events.length - 1].published) - Date.parse(events[0].published)).toBeLessThan(40 * 60_000);
  });

  it('mfaPushBombing: ≥ 6 rejected pushes for one user within 10 minutes, then an approval', () => {
    const { events, subjects } = buildScenario(org, 'mfaPushBombing', { seed: 1, at });
    const sends = events.filter((e) => e.eventType === 'system.push.send_factor_verify_push');
    const rejected = events.filter((e) => e.eventType === 'user.authentication.auth_via_mfa' && e.outcome.result === 'FAILURE');
    expect(sends.length).toBeGreaterThanOrEqual(6);
    expect(rejected.length).toBeGreaterThanOrEqual(6);
    expect(rejected.every((e) => e.outcome.reason === 'INVALID_CREDENTIALS' && e.debugContext.debugData.factor === 'OKTA_VERIFY_PUSH')).toBe(true);
    expect(events.every((e) => e.actor.id === subjects.userId)).toBe(true);
    expect(events.at(-1)).toMatchObject({ eventType: 'user.session.start', outcome: { result: 'SUCCESS' } });
    expect(Date.parse(events.at(-1)!.published) - Date.parse(events[0].published)).toBeLessThan(10 * 60_000);
  });

  it('adminRoleGranted, twoCountriesWithinHour, apiTokenCreated, userReportedSuspicious have the expected shapes', () => {
    const grant = buildScenario(org, 'adminRoleGranted', { seed: 1, at, privilege: 'Organization administrator' });
    const grantEvent = grant.events.find((e) => e.eventType === 'user.account.privilege.grant')!;
    expect(grantEvent.debugContext.debugData.privilegeGranted).toBe('Organization administrator');
    expect(grantEvent.actor.id).toBe(grant.subjects.grantedBy);
    expect(org.admins.map((a) => a.userId)).toContain(grant.subjects.grantedBy);
    expect(grantEvent.target).toEqual([expect.objectContaining({ id: grant.subjects.userId, type: 'User' })]);

    const travel = buildScenario(org, 'twoCountriesWithinHour', { seed: 1, at });
    const starts = travel.events.filter((e) => e.eventType === 'user.session.start');
    expect(starts).toHaveLength(2);
    expect(starts.every((e) => e.outcome.result === 'SUCCESS' && e.actor.id === travel.subjects.userId)).toBe(true);
    expect(starts[0].client.geographicalContext!.country).not.toBe(starts[1].client.geographicalContext!.country);
    expect(Date.parse(starts[1].published) - Date.parse(starts[0].published)).toBeLessThan(60 * 60_000);

    const token = buildScenario(org, 'apiTokenCreated', { seed: 1, at });
    expect(token.events[0]).toMatchObject({ eventType: 'system.api_token.create', target: [{ id: token.subjects.tokenId, type: 'Token' }] });

    const report = buildScenario(org, 'userReportedSuspicious', { seed: 1, at });
    const reported = report.events.find((e) => e.eventType === 'user.account.report_suspicious_activity_by_enduser')!;
    expect(reported.actor.id).toBe(report.subjects.userId);
    expect(reported.debugContext.debugData.suspiciousActivityEventId).toBe(report.subjects.reportedEventUuid);
  });

  it('injects every registered scenario into a sorted stream, labelled and deterministic', () => {
    const stream = generateActivity(org, { seed: 3, start: new Date('2026-01-06T00:00:00Z'), end: new Date('2026-01-07T00:00:00Z') });
    const before = stream.length;
    const names = Object.keys(SCENARIOS) as ScenarioName[];
    const injections = names.map((name, i) => injectScenario(org, stream, name, { seed: 9, at: new Date(at.getTime() + i * 3_600_000) }));
    expect(stream.length).toBe(before + injections.reduce((n, inj) => n + inj.events.length, 0));
    expect(stream.map((e) => e.published)).toEqual(stream.map((e) => e.published).sort());
    expect(new Set(injections.map((inj) => inj.label)).size).toBe(names.length);
    expect(buildScenario(org, 'passwordSpray', { seed: 9, at })).toEqual(injections[0]);
  });
});

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
    sim.setLogStreams([
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

describe('EventBridge delivery through fauxqs', () => {
  const org = generateOrg({ seed: 3, users: 20 });
  const events = generateActivity(org, { seed: 3, start: new Date('2026-01-05T00:00:00Z'), end: new Date('2026-01-05T12:00:00Z') }).slice(0, 25);
  const destination: EventBridgeDestination = { oktaOrg: 'acme', eventSourceName: 'oort-tenant-1', account: '111122223333', region: 'us-east-2' };

  it('builds the okta.md §1.3 envelope, deterministically with a seed', () => {
    const [envelope] = toEventBridgeEnvelopes(events, destination, 1);
    expect(envelope).toMatchObject({
      version: '0', 'detail-type': 'SystemLog', source: 'aws.partner/okta.com/acme/oort-tenant-1',
      account: '111122223333', region: 'us-east-2', resources: [], detail: events[0],
    });
    expect(envelope.time).toBe(events[0].published.replace(/\.\d{3}Z$/, 'Z'));
    expect(toEventBridgeEnvelopes(events, destination, 1)).toEqual(toEventBridgeEnvelopes(events, destination, 1));
    expect(toEventBridgeEnvelopes(events, destination, 2)[0].id).not.toBe(envelope.id);
    expect(partnerEventSource('acme', 'x')).toBe('aws.partner/okta.com/acme/x');
  });

  it('round-trips envelopes, duplicates, malformed and foreign bodies through SQS', async () => {
    const fauxqs = await startFauxqs({ port: 0, logger: false });
    const sqs = new SQSClient({ endpoint: `http://127.0.0.1:${fauxqs.port}`, region: 'us-east-2', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    try {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'okta-events', Attributes: { MaximumMessageSize: '262144' } }));
      const envelopes = toEventBridgeEnvelopes(events, destination, 1);
      const duplicates = duplicateDeliveries(envelopes, 3, 1);
      expect(duplicates.map((d) => d.detail.uuid).every((uuid) => envelopes.some((e) => e.detail.uuid === uuid))).toBe(true);
      expect(duplicates.every((d) => !envelopes.some((e) => e.id === d.id))).toBe(true);
      const malformed = malformedBodies(envelopes[0]);
      const foreign = foreignEnvelopes(events[1], destination, 1);
      expect(foreign.every((f) => f.envelope.source !== envelopes[0].source || f.envelope.account !== destination.account || f.envelope.region !== destination.region)).toBe(true);

      const bodies = [...envelopes, ...duplicates, ...malformed.map((m) => m.body), ...foreign.map((f) => f.envelope)];
      const result = await publishEnvelopes(sqs, QueueUrl!, bodies, { concurrency: 3 });
      // The 300 kB "oversized" body exceeds this queue's 256 KiB limit: a permanent sender fault.
      expect(result.failed).toEqual([expect.objectContaining({ senderFault: true, body: malformed.find((m) => m.kind === 'oversized')!.body })]);
      expect(result.sent).toBe(bodies.length - 1);

      const received: string[] = [];
      for (let empty = 0; received.length < result.sent && empty < 3;) {
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        empty = Messages.length ? 0 : empty + 1;
        received.push(...Messages.map((m) => m.Body!));
      }
      expect(received).toHaveLength(result.sent);
      const parsedDetails = received.flatMap((b) => { try { return [JSON.parse(b)]; } catch { return []; } })
        .filter((b) => b?.source === envelopes[0].source && b.account === destination.account && b.region === destination.region && b.detail?.uuid);
      const byUuid = new Map(parsedDetails.map((b) => [b.detail.uuid, b.detail]));
      expect(byUuid.size).toBe(events.length);
      for (const event of events) expect(byUuid.get(event.uuid)).toEqual(event);
    } finally {
      sqs.destroy();
      await fauxqs.stop();
    }
  });
});

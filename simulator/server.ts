/**
 * A local Okta Management API (the subset the product calls), good enough for the real
 * `@okta/okta-sdk-nodejs` with `orgUrl: sim.url`: SSWS auth, Okta error bodies, Link paging,
 * rate-limit headers and 429s the SDK's retry understands, plus latency and fault injection.
 */
import { createPartnerEventBridgeClient, createPartnerEventSource } from './partner-events.js';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { OktaApiFailure, OktaErrors } from './api-errors.js';
import { FaultInjector, budgetReport, type BudgetReport, type BudgetReportOptions, type FaultMode, type RecordedRequest } from './api-faults.js';
import { HostileOrg, answerHostile, type HostileMode } from './hostile.js';
import type { ApiRequest, ApiResponse } from './api-paging.js';
import { getDevice, getUser, listDevices, listFactors, listUserDevices, listUsers } from './directory-api.js';
import { SystemLogStore } from './log-store.js';
import { getLogStream, listLogStreams } from './log-streams-api.js';
import { generateOrg } from './org.js';
import { RateLimiter, bucketFor, type RateLimitSettings, type RateLimitState } from './rate-limiter.js';
import { listLogEvents } from './system-log-api.js';
import type { LogStream, OktaLogEvent, SimulatedOrg } from './types.js';

export interface OktaSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** The valid SSWS token (more with `setTokens`). */
  token: string;
  /** Default: an org with no users and no log stream. */
  org?: SimulatedOrg;
  /** Enforced budgets; without it nothing is enforced and headers advertise Okta's Workforce limits. */
  rateLimit?: RateLimitSettings | null;
  latencyMs?: number;
  /** The org's clock for `/api/v1/logs` defaults and the 180-day check (rate limits use real time). */
  now?: () => Date;
  /**
   * The AWS side Okta's log streams point at (the EventBridge emulator). With it, saving an AWS EventBridge log stream
   * that targets `account` creates its partner event source there, as Okta does; streams to other accounts create
   * theirs where the platform cannot see them.
   */
  eventBridge?: { endpoint: string; account: string; region?: string };
}

export type { RecordedRequest };

export interface InjectedFaults {
  /** The next N authenticated requests fail with 500 E0000009. */
  status5xx?: number;
  /** The next N authenticated requests get 429 E0000047 with a reset ~1 s ahead. */
  rateLimitNext?: number;
}

export interface OktaSimulator {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Live, mutable state: what the endpoints serve. */
  readonly org: SimulatedOrg;
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Appends to the System Log in persistence order; `persistedAt` models late-arriving events. */
  addEvents(events: readonly OktaLogEvent[], options?: { persistedAt?: Date }): void;
  /** Replaces the org's log streams, as the customer saving them in Okta would (see `eventBridge`). */
  setLogStreams(streams: LogStream[]): Promise<void>;
  /** Replaces the accepted tokens; under-privileged ones authenticate but get 403 E0000006. */
  setTokens(valid: string[], options?: { underPrivileged?: string[] }): void;
  injectFaults(faults: InjectedFaults): void;
  /**
   * Switches a fault mode on (replacing the previous one; `null` switches it off): 429 storms and a
   * seeded share of 5xx answers. Also `POST /__simulator/faults` (JSON body) and `DELETE …`.
   */
  setFaults(mode: FaultMode | null): void;
  /**
   * Makes the org hostile (`null`: sane again): redirects, `next` links to another origin, huge or never-ending
   * bodies, error bodies carrying secrets (simulator/hostile.ts). Returns how many requests it answered so.
   */
  setHostile(mode: HostileMode | null): void;
  hostileAnswers(): number;
  /**
   * What arrived per bucket and rate-limit window, and whether the clients kept to the announced
   * budget (also `GET /__simulator/budget?since=<epoch ms>`).
   */
  budgetReport(options?: BudgetReportOptions): BudgetReport;
  setRateLimit(settings: RateLimitSettings | null): void;
  setLatency(ms: number): void;
  close(): Promise<void>;
}

type Handler = (request: ApiRequest, org: SimulatedOrg, store: SystemLogStore, param: string) => ApiResponse;

const ROUTES: readonly (readonly [RegExp, Handler])[] = [
  [/^\/api\/v1\/logs$/, (r, _o, store) => listLogEvents(r, store)],
  [/^\/api\/v1\/users$/, (r, o) => listUsers(r, o)],
  [/^\/api\/v1\/users\/([^/]+)$/, (r, o, _s, id) => getUser(r, o, id)],
  [/^\/api\/v1\/users\/([^/]+)\/factors$/, (r, o, _s, id) => listFactors(r, o, id)],
  [/^\/api\/v1\/users\/([^/]+)\/devices$/, (r, o, _s, id) => listUserDevices(r, o, id)],
  [/^\/api\/v1\/devices$/, (r, o) => listDevices(r, o)],
  [/^\/api\/v1\/devices\/([^/]+)$/, (r, o, _s, id) => getDevice(r, o, id)],
  [/^\/api\/v1\/logStreams$/, (r, o) => listLogStreams(r, o)],
  [/^\/api\/v1\/logStreams\/([^/]+)$/, (r, o, _s, id) => getLogStream(r, o, id)],
];

export async function startOktaSimulator(options: OktaSimulatorOptions): Promise<OktaSimulator> {
  const org = options.org ?? generateOrg({ seed: 'empty', users: 0, logStream: false });
  const store = new SystemLogStore(org);
  const limiter = new RateLimiter(options.rateLimit);
  const clock = options.now ?? (() => new Date());
  const requests: RecordedRequest[] = [];
  const faults = { status5xx: 0, rateLimitNext: 0 };
  let validTokens = new Set([options.token]);
  let underPrivileged = new Set<string>();
  let latencyMs = options.latencyMs ?? 0;
  let baseUrl = '';

  /** What Okta does when a stream is saved: the partner event source appears in the target account (PENDING). */
  const saveToEventBridge = async (streams: readonly LogStream[]) => {
    const target = options.eventBridge;
    if (!target) return;
    const client = createPartnerEventBridgeClient({ endpoint: target.endpoint, region: target.region });
    try {
      for (const stream of streams) {
        if (stream.type !== 'aws_eventbridge' || stream.status !== 'ACTIVE' || !('accountId' in stream.settings)) continue;
        if (stream.settings.accountId !== target.account || stream.settings.region !== (target.region ?? 'us-east-2')) continue;
        await createPartnerEventSource(client, { oktaOrg: org.orgName, eventSourceName: stream.settings.eventSourceName, account: target.account, region: stream.settings.region });
      }
    } finally {
      client.destroy();
    }
  };
  await saveToEventBridge(org.logStreams);

  const injector = new FaultInjector();
  const hostile = new HostileOrg();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const receivedAt = Date.now();
    const url = new URL(req.url ?? '/', baseUrl);
    if (url.pathname.startsWith('/__simulator/')) return admin(req, res, url);
    const bucket = bucketFor(url.pathname);
    const method = req.method ?? 'GET';
    if (latencyMs > 0) await sleep(latencyMs);

    let rate: RateLimitState;
    let response: ApiResponse | OktaApiFailure | GatewayFailure;
    let fault: RecordedRequest['fault'];
    const token = /^SSWS\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const authenticated = !!token && (validTokens.has(token) || underPrivileged.has(token));
    if (!token || !authenticated) {
      rate = limiter.peek(bucket);
      response = OktaErrors.invalidToken();
    } else {
      // Every authenticated request counts against its bucket's window, whatever it is answered.
      rate = limiter.take(bucket, receivedAt);
      const decided = injector.decide(bucket, receivedAt);
      if (faults.rateLimitNext > 0) {
        faults.rateLimitNext--;
        fault = 'injected';
        rate = { ...rate, allowed: false, remaining: 0, reset: Math.floor(Date.now() / 1000) + 1 };
        response = OktaErrors.rateLimited();
      } else if (faults.status5xx > 0) {
        faults.status5xx--;
        fault = 'injected';
        response = OktaErrors.internal();
      } else if (decided?.kind === 'storm') {
        fault = 'storm';
        rate = { ...rate, allowed: false, remaining: 0, reset: decided.reset };
        response = OktaErrors.rateLimited();
      } else if (decided?.kind === 'server-error') {
        fault = 'server-error';
        response = decided.status === 500 ? OktaErrors.internal() : new GatewayFailure(decided.status);
      } else {
        response = !rate.allowed ? OktaErrors.rateLimited()
          : underPrivileged.has(token) ? OktaErrors.forbidden()
          : route(method, url, org, store, { url, baseUrl, now: clock() });
      }
    }

    const behaviour = authenticated ? hostile.take() : undefined;
    if (behaviour) {
      requests.push({ method, path: url.pathname, query: url.search, status: 0, bucket, receivedAt, at: Date.now(), authenticated, fault: 'injected' });
      if (answerHostile(behaviour, res)) return;
      if (behaviour.kind === 'foreign-next' && !(response instanceof OktaApiFailure) && !(response instanceof GatewayFailure)) {
        const next = new URL(response.links?.self ?? url.toString());
        response = { ...response, links: { self: next.toString(), next: `${behaviour.origin}${next.pathname}${next.search}` } };
      }
    }

    const status = response instanceof OktaApiFailure || response instanceof GatewayFailure ? response.status : 200;
    const withRateHeaders = !(response instanceof GatewayFailure);
    requests.push({
      method, path: url.pathname, query: url.search, status, bucket, receivedAt, at: Date.now(), authenticated,
      rateLimitReset: withRateHeaders ? rate.reset : undefined, fault,
    });
    res.statusCode = status;
    res.setHeader('Date', new Date().toUTCString());
    if (response instanceof GatewayFailure) {
      // A load balancer's page: no Okta headers, not JSON.
      res.setHeader('Content-Type', 'text/html');
      res.end(response.html());
      return;
    }
    res.setHeader('Content-Type', 'application/json;charset=UTF-8');
    res.setHeader('X-Okta-Request-Id', randomBytes(18).toString('base64url'));
    res.setHeader('X-Rate-Limit-Limit', String(rate.limit));
    res.setHeader('X-Rate-Limit-Remaining', String(rate.remaining));
    res.setHeader('X-Rate-Limit-Reset', String(rate.reset));
    if (response instanceof OktaApiFailure) {
      res.end(JSON.stringify(response.toBody()));
      return;
    }
    if (response.links) {
      // Okta sends one Link header per relation.
      const links = [`<${response.links.self}>; rel="self"`];
      if (response.links.next) links.push(`<${response.links.next}>; rel="next"`);
      res.setHeader('Link', links);
    }
    res.end(JSON.stringify(response.body));
  };

  const report = (options?: BudgetReportOptions) => budgetReport(requests, limiter.history, options);

  /** The simulator's own endpoints (no token, not counted): fault modes and the budget report. */
  const admin = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const reply = (status: number, body: unknown) => {
      res.statusCode = status;
      res.setHeader('Content-Type', 'application/json;charset=UTF-8');
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/__simulator/faults' && (req.method === 'POST' || req.method === 'DELETE')) {
      let body = '';
      for await (const chunk of req) body += String(chunk);
      try {
        injector.set(req.method === 'DELETE' ? null : (JSON.parse(body || 'null') as FaultMode | null));
      } catch (error) {
        return reply(400, { error: String(error) });
      }
      return reply(200, { ok: true });
    }
    if (url.pathname === '/__simulator/budget' && req.method === 'GET') {
      const since = url.searchParams.get('since');
      return reply(200, report({ since: since ? Number(since) : undefined }));
    }
    return reply(404, { error: `No simulator endpoint ${req.method} ${url.pathname}` });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader('Content-Type', 'application/json;charset=UTF-8');
      }
      res.end(JSON.stringify({ ...OktaErrors.internal().toBody(), errorCauses: [{ errorSummary: String(error) }] }));
    });
  });
  // Keep-alive sockets would otherwise hold close() open.
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    port,
    org,
    requests,
    addEvents: (events, addOptions) => store.append(events, addOptions?.persistedAt),
    setLogStreams: async (streams) => {
      org.logStreams = [...streams];
      await saveToEventBridge(streams);
    },
    setTokens: (valid, tokenOptions) => {
      validTokens = new Set(valid);
      underPrivileged = new Set(tokenOptions?.underPrivileged ?? []);
    },
    injectFaults: (f) => {
      faults.status5xx += f.status5xx ?? 0;
      faults.rateLimitNext += f.rateLimitNext ?? 0;
    },
    setFaults: (mode) => injector.set(mode),
    setHostile: (mode) => hostile.set(mode),
    hostileAnswers: () => hostile.answered,
    budgetReport: report,
    setRateLimit: (settings) => limiter.configure(settings),
    setLatency: (ms) => { latencyMs = ms; },
    close: () => new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    }),
  };
}

/** A 502/503 from the load balancer in front of the org: an HTML page, no Okta headers. */
class GatewayFailure {
  constructor(readonly status: 502 | 503) {}

  html(): string {
    const title = this.status === 502 ? '502 Bad Gateway' : '503 Service Temporarily Unavailable';
    return `<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center></body></html>`;
  }
}

function route(method: string, url: URL, org: SimulatedOrg, store: SystemLogStore, request: ApiRequest): ApiResponse | OktaApiFailure {
  for (const [pattern, handler] of ROUTES) {
    const match = pattern.exec(url.pathname);
    if (!match) continue;
    if (method !== 'GET') return OktaErrors.methodNotAllowed();
    try {
      return handler(request, org, store, decodeURIComponent(match[1] ?? ''));
    } catch (error) {
      if (error instanceof OktaApiFailure) return error;
      throw error;
    }
  }
  return OktaErrors.notFound(url.pathname, 'Resource');
}

// The one way out of this process to a URL a tenant gave us (their Okta org, their webhook, their Slack).
//
// Addresses are judged when each connection is made, not once when the URL is accepted: the agents below
// hand Node's `net.connect` a `lookup` that refuses every special-purpose address (node:net's BlockList, the
// IANA special-purpose registries), and judge IP literals before connecting. So a name that resolves to a
// public address when checked and to 127.0.0.1 on the next request (DNS rebinding) still cannot reach us.
// Redirects are never followed (the Okta executor and `guardedFetch` refuse 3xx).
//
// Development exceptions: with OORT_ENVIRONMENT `development` or `test` (the local stack, the test suite), plain
// http and loopback targets (127.0.0.0/8, ::1, `localhost`) are allowed: the Okta simulator and the local webhook
// receiver run there. Every other special-purpose range stays refused there too; `staging` and `production`
// refuse loopback and http whatever else is configured.
import http from 'node:http';
import https from 'node:https';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, isIPv4, isIPv6, Socket as NetSocket, type Socket } from 'node:net';
import type { OortEnvironment } from './config.js';

export interface OutboundPolicy {
  environment: OortEnvironment;
}

/** `development` and `test` allow plain http and loopback targets; `staging` and `production` never. */
export function isDevelopmentEnvironment(environment: OortEnvironment): boolean {
  return environment === 'development' || environment === 'test';
}

/** A refused destination: never retried, never sent the request. */
export class OutboundRefusedError extends Error {
  override name = 'OutboundRefusedError';
  readonly code = 'ERR_OUTBOUND_REFUSED';
}

/** A URL a tenant gave us that cannot be used (syntax, scheme, credentials, host). */
export class OutboundUrlError extends Error {
  override name = 'OutboundUrlError';
}

/** Special-purpose IPv4 ranges (RFC 6890 and the IANA registry), each with what it is; the first match names the range. */
export const REFUSED_IPV4: ReadonlyArray<[string, number, string]> = [
  ['0.0.0.0', 8, '"this network"'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay anycast'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['255.255.255.255', 32, 'broadcast'],
  ['240.0.0.0', 4, 'reserved'],
];

/** Special-purpose IPv6 ranges. IPv4-mapped addresses (::ffff:0:0/96) are judged by the IPv4 they embed. */
export const REFUSED_IPV6: ReadonlyArray<[string, number, string]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::', 96, 'IPv4-compatible (deprecated)'],
  ['64:ff9b::', 96, 'NAT64'],
  ['64:ff9b:1::', 48, 'local-use NAT64'],
  ['100::', 64, 'discard-only'],
  ['2001::', 23, 'IETF protocol assignments (Teredo, ORCHID, benchmarking)'],
  ['2001:db8::', 32, 'documentation'],
  ['2002::', 16, '6to4'],
  ['fc00::', 7, 'unique local (private)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local (deprecated)'],
  ['ff00::', 8, 'multicast'],
];

const blockLists = (() => {
  const lists = new Map<string, BlockList>();
  for (const [net, prefix, what] of REFUSED_IPV4) {
    const list = new BlockList();
    list.addSubnet(net, prefix, 'ipv4');
    lists.set(`${net}/${prefix} (${what})`, list);
  }
  for (const [net, prefix, what] of REFUSED_IPV6) {
    const list = new BlockList();
    list.addSubnet(net, prefix, 'ipv6');
    lists.set(`${net}/${prefix} (${what})`, list);
  }
  return lists;
})();

/** 16 bytes of an IPv6 address (any notation Node accepts, including a trailing dotted IPv4). */
function ipv6Bytes(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

/** The IPv4 address an IPv4-mapped IPv6 address (::ffff:a.b.c.d) carries, else undefined. */
export function embeddedIpv4(address: string): string | undefined {
  if (!isIPv6(address)) return undefined;
  const b = ipv6Bytes(address);
  if (b.slice(0, 10).some((x) => x !== 0) || b[10] !== 0xff || b[11] !== 0xff) return undefined;
  return b.slice(12).join('.');
}

/** Why an IP address is refused as a destination (the special-purpose range it is in), or null for a public one. */
export function refusedRange(address: string): string | null {
  const ip = address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const mapped = embeddedIpv4(ip);
  if (mapped) {
    const inner = refusedRange(mapped);
    return inner ? `::ffff:0:0/96 (IPv4-mapped ${mapped}: ${inner})` : null;
  }
  const family = isIPv4(ip) ? 'ipv4' : isIPv6(ip) ? 'ipv6' : undefined;
  if (!family) return 'not an IP address';
  for (const [name, list] of blockLists) if (list.check(ip, family)) return name;
  return null;
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(address: string): boolean {
  const ip = address.replace(/^\[(.*)\]$/, '$1');
  const v4 = embeddedIpv4(ip) ?? (isIPv4(ip) ? ip : undefined);
  if (v4) return v4.startsWith('127.');
  return isIPv6(ip) && ipv6Bytes(ip).every((x, i) => x === (i === 15 ? 1 : 0));
}

/** Null when `policy` allows connecting to `address`, else why not. */
export function judgeAddress(address: string, policy: OutboundPolicy): string | null {
  const range = refusedRange(address);
  if (!range) return null;
  if (isDevelopmentEnvironment(policy.environment) && isLoopbackAddress(address)) return null;
  return range;
}

function refusal(address: string, host: string | undefined, range: string, policy: OutboundPolicy): OutboundRefusedError {
  const name = host && host !== address ? `${host} (${address})` : address;
  const hint = isDevelopmentEnvironment(policy.environment) ? '' : ` (OORT_ENVIRONMENT ${policy.environment} allows only public addresses)`;
  return new OutboundRefusedError(`refused to connect to ${name}: ${range} address${hint}`);
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
type LookupFunction = (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback) => void;

/** A `net.connect` lookup that resolves with `base` and refuses any special-purpose answer. */
export function guardedLookup(policy: OutboundPolicy, base: LookupFunction = dnsLookup as unknown as LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    base(hostname, options, (err, address, family) => {
      if (err) return callback(err, address, family);
      const answers: LookupAddress[] = Array.isArray(address) ? address : [{ address, family: family ?? isIP(address) }];
      for (const a of answers) {
        const range = judgeAddress(a.address, policy);
        if (range) return callback(refusal(a.address, hostname, range, policy), address, family);
      }
      callback(null, address, family);
    });
  };
}

export interface GuardedAgentOptions {
  /** Resolver to judge (tests give one that answers loopback for a public-looking name). Default: dns.lookup. */
  lookup?: LookupFunction;
}

type CreateConnection = (options: Record<string, unknown>, callback?: (err: Error | null, socket: Socket) => void) => Socket;

/** Wraps an agent's createConnection: IP literals judged before connecting, names judged by the lookup at connect time. */
function guard<A extends http.Agent>(agent: A, policy: OutboundPolicy, opts: GuardedAgentOptions): A {
  const original = (agent as unknown as { createConnection: CreateConnection }).createConnection.bind(agent);
  const lookup = guardedLookup(policy, opts.lookup);
  (agent as unknown as { createConnection: CreateConnection }).createConnection = (options, callback) => {
    const host = String(options.host ?? options.hostname ?? '').replace(/^\[(.*)\]$/, '$1');
    if (isIP(host)) {
      const range = judgeAddress(host, policy);
      if (range) {
        const err = refusal(host, undefined, range, policy);
        const socket = new NetSocket();
        if (callback) callback(err, socket);
        else process.nextTick(() => socket.destroy(err));
        return socket;
      }
    }
    return original({ ...options, lookup }, callback);
  };
  return agent;
}

/** An http(s) agent for `protocol` that checks every connection's address under `policy`. */
export function guardedAgent(protocol: string, policy: OutboundPolicy, opts: GuardedAgentOptions = {}): http.Agent {
  if (protocol === 'https:') return guard(new https.Agent(), policy, opts);
  if (protocol === 'http:') return guard(new http.Agent(), policy, opts);
  throw new OutboundRefusedError(`refused: ${protocol} URLs are not supported`);
}

const sharedAgents = new Map<string, http.Agent>();

/** The process's agent for a protocol and environment (no custom lookup). */
export function sharedGuardedAgent(protocol: string, policy: OutboundPolicy): http.Agent {
  const key = `${protocol}|${policy.environment}`;
  let agent = sharedAgents.get(key);
  if (!agent) sharedAgents.set(key, (agent = guardedAgent(protocol, policy)));
  return agent;
}

/** `localhost` or a loopback IP literal. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return host === 'localhost' || (isIP(host) !== 0 && isLoopbackAddress(host));
}

/**
 * A tenant-given URL usable under `policy`: http(s) only, https unless a loopback target in development/test,
 * no credentials, an IP literal (any notation: WHATWG parsing normalises `0x7f.1`, `2130706433`, `127.1`) judged
 * now. Names are judged at connect time by the agent. Returns the parsed URL.
 */
export function assertOutboundUrl(raw: string, policy: OutboundPolicy, what = 'URL'): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundUrlError(`${what} "${raw}" is not a URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new OutboundUrlError(`${what} must use https, got ${url.protocol.replace(/:$/, '')}.`);
  if (url.username || url.password) throw new OutboundUrlError(`${what} must not contain credentials (user:password@).`);
  const dev = isDevelopmentEnvironment(policy.environment);
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol === 'http:' && !(dev && loopback)) {
    throw new OutboundUrlError(`${what} must use https${dev ? ' (plain http only to a loopback address)' : ''}: ${url.origin}.`);
  }
  if (url.hostname.toLowerCase() === 'localhost' && !dev) {
    throw new OutboundUrlError(`${what} points at localhost, which OORT_ENVIRONMENT ${policy.environment} refuses.`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host)) {
    const range = judgeAddress(host, policy);
    if (range) throw new OutboundUrlError(`${what} points at ${host}, a ${range} address, which OORT_ENVIRONMENT ${policy.environment} refuses.`);
  }
  return url;
}

/** A webhook destination: https (http only to loopback in development/test), no credentials, no special-purpose IP. */
export function assertWebhookUrl(url: string, environment: OortEnvironment): URL {
  return assertOutboundUrl(url, { environment }, 'Webhook URL');
}

/**
 * A Slack incoming webhook: only `https://hooks.slack.com/services/…`. In development/test a loopback http(s) URL
 * (a local receiver) is accepted too when `environment` is given.
 */
export function assertSlackUrl(url: string, environment?: OortEnvironment): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OutboundUrlError('Slack webhook URL is not a URL; it looks like https://hooks.slack.com/services/T…/B…/….');
  }
  if (environment && isDevelopmentEnvironment(environment) && isLoopbackHost(parsed.hostname)) return assertOutboundUrl(url, { environment }, 'Slack webhook URL');
  if (parsed.protocol !== 'https:' || parsed.hostname !== 'hooks.slack.com' || parsed.port !== '' || parsed.username || parsed.password || !/^\/services\/[^/]+\/[^/]+\/[^/]+$/.test(parsed.pathname)) {
    throw new OutboundUrlError('Slack webhook URL must be https://hooks.slack.com/services/T…/B…/… (an incoming webhook).');
  }
  return parsed;
}

export interface GuardedFetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Default 10 s for the whole exchange. */
  timeoutMs?: number;
  /** Bodies beyond this are cut (default 64 KiB): an answer is only ever read for its status and a short excerpt. */
  maxBodyBytes?: number;
  signal?: AbortSignal;
}

export interface GuardedFetchOptions extends GuardedAgentOptions {
  environment: OortEnvironment;
}

/**
 * `fetch` for tenant-given URLs (webhooks): the URL is checked by `assertOutboundUrl`, the connection by the
 * guarded agent (at connect time), redirects are not followed (a 3xx is an `OutboundRefusedError`). Returns a
 * WHATWG `Response` with at most `maxBodyBytes` of body.
 */
export async function guardedFetch(url: string, init: GuardedFetchInit, opts: GuardedFetchOptions): Promise<Response> {
  const policy = { environment: opts.environment };
  const target = assertOutboundUrl(url, policy);
  const agent = opts.lookup ? guardedAgent(target.protocol, policy, opts) : sharedGuardedAgent(target.protocol, policy);
  const send = target.protocol === 'https:' ? https.request : http.request;
  const maxBody = init.maxBodyBytes ?? 64 * 1024;
  return new Promise<Response>((resolve, reject) => {
    const req = send(
      target,
      { method: init.method ?? 'GET', headers: init.headers, agent, timeout: init.timeoutMs ?? 10_000, signal: init.signal },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          res.resume();
          reject(new OutboundRefusedError(`${target.origin} answered ${status} (a redirect); redirects are not followed`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < maxBody) chunks.push(chunk.subarray(0, maxBody - size));
          size += chunk.length;
        });
        res.on('error', reject);
        res.on('end', () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
          const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
          resolve(new Response(body, { status: status < 200 || status > 599 ? 502 : status, headers }));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${target.origin} did not answer within ${init.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    req.end(init.body);
  });
}

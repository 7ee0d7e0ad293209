// The guarded way out (lib/outbound.ts) and the Okta client on it. Address rules are tested by calling the
// validators, never by connecting to a non-loopback address; the connection tests use loopback servers only and
// count what reaches them.
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '@okta/okta-sdk-nodejs';
import {
  assertOutboundUrl,
  assertSlackUrl,
  assertWebhookUrl,
  embeddedIpv4,
  guardedAgent,
  guardedFetch,
  judgeAddress,
  OutboundRefusedError,
  OutboundUrlError,
  refusedRange,
} from '../../lib/outbound.js';
import { classifyOktaError, createOktaClient, describeOktaError, OktaForeignOriginError, OktaHttpError, OktaRedirectRefusedError } from '../../okta/client.js';
import { BudgetedRequestExecutor, MAX_OKTA_RESPONSE_BYTES } from '../../okta/request-executor.js';
import { apiUrl, fetchRawJson, rawPages } from '../../okta/pages.js';
import type { OortEnvironment } from '../../lib/config.js';

const staging = { environment: 'staging' as const };
const production = { environment: 'production' as const };
const testEnv = { environment: 'test' as const };

describe('refusedRange: every special-purpose range', () => {
  // [first address, last address, a middle one] of each range.
  const v4: Array<[string, string[]]> = [
    ['0.0.0.0/8', ['0.0.0.0', '0.1.2.3', '0.255.255.255']],
    ['10.0.0.0/8', ['10.0.0.0', '10.12.7.1', '10.255.255.255']],
    ['100.64.0.0/10', ['100.64.0.0', '100.100.1.1', '100.127.255.255']],
    ['127.0.0.0/8', ['127.0.0.0', '127.0.0.1', '127.255.255.255']],
    ['169.254.0.0/16', ['169.254.0.0', '169.254.169.254', '169.254.255.255']],
    ['172.16.0.0/12', ['172.16.0.0', '172.20.0.5', '172.31.255.255']],
    ['192.0.0.0/24', ['192.0.0.0', '192.0.0.170', '192.0.0.255']],
    ['192.0.2.0/24', ['192.0.2.0', '192.0.2.10', '192.0.2.255']],
    ['192.88.99.0/24', ['192.88.99.0', '192.88.99.1', '192.88.99.255']],
    ['192.168.0.0/16', ['192.168.0.0', '192.168.1.20', '192.168.255.255']],
    ['198.18.0.0/15', ['198.18.0.0', '198.19.1.1', '198.19.255.255']],
    ['198.51.100.0/24', ['198.51.100.0', '198.51.100.7', '198.51.100.255']],
    ['203.0.113.0/24', ['203.0.113.0', '203.0.113.9', '203.0.113.255']],
    ['224.0.0.0/4', ['224.0.0.0', '232.1.2.3', '239.255.255.255']],
    ['240.0.0.0/4', ['240.0.0.0', '250.1.2.3', '255.255.255.254']],
    ['255.255.255.255/32', ['255.255.255.255']],
  ];
  it.each(v4)('refuses IPv4 %s', (range, addresses) => {
    for (const a of addresses) {
      expect(refusedRange(a), a).toContain(range.replace(/\/32$/, ''));
      for (const environment of ['staging', 'production'] as const) expect(judgeAddress(a, { environment }), a).not.toBeNull();
    }
  });

  const v6: Array<[string, string[]]> = [
    ['::/128', ['::']],
    ['::1/128', ['::1', '0:0:0:0:0:0:0:1']],
    ['64:ff9b::/96', ['64:ff9b::', '64:ff9b::7f00:1', '64:ff9b::808:808']],
    ['100::/64', ['100::', '100::1:2:3:4', '100::ffff:ffff:ffff:ffff']],
    ['2001::/23', ['2001::', '2001:0:4136:e378:8000:63bf:3fff:fdd2', '2001:1ff:ffff::']],
    ['2001:db8::/32', ['2001:db8::', '2001:db8:1234::1', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff']],
    ['2002::/16', ['2002::', '2002:7f00:1::', '2002:0808:0808::1']],
    ['fc00::/7', ['fc00::', 'fd00::7', 'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff']],
    ['fe80::/10', ['fe80::', 'fe80::1', 'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff']],
    ['ff00::/8', ['ff00::', 'ff02::1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff']],
  ];
  it.each(v6)('refuses IPv6 %s', (range, addresses) => {
    for (const a of addresses) {
      expect(refusedRange(a), a).not.toBeNull();
      if (range !== '::/128' && range !== '::1/128') expect(refusedRange(a), a).toContain(range.split('/')[0]);
      for (const environment of ['staging', 'production'] as const) expect(judgeAddress(a, { environment }), a).not.toBeNull();
    }
  });

  it('judges an IPv4-mapped IPv6 address by the IPv4 address it carries', () => {
    expect(embeddedIpv4('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(embeddedIpv4('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(embeddedIpv4('0:0:0:0:0:ffff:a9fe:a9fe')).toBe('169.254.169.254');
    expect(embeddedIpv4('2001:db8::1')).toBeUndefined();
    for (const a of ['::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '::ffff:0:0', '::ffff:ffff:ffff']) {
      expect(refusedRange(a), a).toMatch(/^::ffff:0:0\/96 \(IPv4-mapped/);
    }
    expect(refusedRange('::ffff:8.8.8.8')).toBeNull();
    expect(refusedRange('::ffff:808:808')).toBeNull();
  });

  it('lets public addresses through, next to the ranges', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '9.255.255.255', '11.0.0.0', '100.63.255.255', '100.128.0.0', '126.255.255.255', '128.0.0.0', '169.253.255.255', '172.15.255.255', '172.32.0.0', '192.0.1.0', '192.0.3.0', '192.167.255.255', '192.169.0.0', '198.17.255.255', '198.20.0.0', '223.255.255.255']) {
      expect(refusedRange(a), a).toBeNull();
      expect(judgeAddress(a, production), a).toBeNull();
    }
    for (const a of ['2606:4700:4700::1111', '2001:4860:4860::8888', '2001:200::1', '2003::1', '64:ff9a::1', '101::1', 'fbff::1', 'fec0::1'.replace('fec0', 'fe7f')]) {
      expect(refusedRange(a), a).toBeNull();
    }
  });

  it('development and test allow loopback only; every other range stays refused there', () => {
    for (const environment of ['development', 'test'] as const) {
      for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) expect(judgeAddress(a, { environment }), a).toBeNull();
      for (const a of ['10.0.0.1', '169.254.169.254', '192.168.1.1', '0.0.0.0', '::', 'fd00::1', 'fe80::1', '::ffff:169.254.169.254', '64:ff9b::7f00:1', '2002:7f00:1::']) {
        expect(judgeAddress(a, { environment }), a).not.toBeNull();
      }
    }
    for (const environment of ['staging', 'production'] as const) {
      for (const a of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) expect(judgeAddress(a, { environment }), a).not.toBeNull();
    }
  });
});

describe('assertOutboundUrl / assertWebhookUrl', () => {
  it.each([
    'https://0x7f.1/',
    'https://2130706433/',
    'https://127.1/',
    'https://0177.0.0.1/',
    'https://[::ffff:127.0.0.1]/',
    'https://[::1]/',
    'https://169.254.169.254/latest/meta-data/',
    'https://[fd00::1]/',
    'https://0/',
    'https://10.1/',
  ])('normalises and refuses %s in staging and production', (url) => {
    for (const env of [staging, production]) expect(() => assertOutboundUrl(url, env), url).toThrow(OutboundUrlError);
  });

  it('WHATWG parsing normalises the odd IPv4 notations before they are judged', () => {
    expect(new URL('https://0x7f.1/').hostname).toBe('127.0.0.1');
    expect(new URL('https://2130706433/').hostname).toBe('127.0.0.1');
    expect(new URL('https://127.1/').hostname).toBe('127.0.0.1');
    expect(new URL('https://[::ffff:127.0.0.1]/').hostname).toBe('[::ffff:7f00:1]');
  });

  it('refuses plain http, credentials, localhost and other schemes in staging and production', () => {
    for (const env of ['staging', 'production'] as const) {
      expect(() => assertWebhookUrl('http://hooks.example.com/x', env)).toThrow(/must use https/);
      expect(() => assertWebhookUrl('https://user:pw@hooks.example.com/x', env)).toThrow(/credentials/);
      expect(() => assertWebhookUrl('https://localhost:8443/x', env)).toThrow(/localhost/);
      expect(() => assertWebhookUrl('http://127.0.0.1:9000/x', env)).toThrow(/must use https/);
      expect(() => assertWebhookUrl('ftp://hooks.example.com/x', env)).toThrow(/must use https/);
      expect(() => assertWebhookUrl('not a url', env)).toThrow(/not a URL/);
      expect(assertWebhookUrl('https://hooks.example.com/oort?x=1', env).host).toBe('hooks.example.com');
      expect(assertWebhookUrl('https://8.8.8.8/hook', env).hostname).toBe('8.8.8.8');
    }
  });

  it('allows plain http to loopback (a local receiver) in development and test only', () => {
    for (const env of ['development', 'test'] as const) {
      expect(assertWebhookUrl('http://127.0.0.1:9000/hook', env).port).toBe('9000');
      expect(assertWebhookUrl('http://localhost:9000/hook', env).hostname).toBe('localhost');
      expect(assertWebhookUrl('http://[::1]:9000/hook', env).hostname).toBe('[::1]');
      expect(() => assertWebhookUrl('http://hooks.example.com/x', env)).toThrow(/plain http only to a loopback address/);
      expect(() => assertWebhookUrl('https://169.254.169.254/x', env)).toThrow(/169.254.0.0\/16/);
      expect(() => assertWebhookUrl('https://u:p@127.0.0.1/x', env)).toThrow(/credentials/);
    }
  });

  it('assertSlackUrl accepts only https://hooks.slack.com/services/…', () => {
    expect(assertSlackUrl('https://hooks.slack.com/services/T000/B000/XXXX').hostname).toBe('hooks.slack.com');
    for (const bad of [
      'http://hooks.slack.com/services/T000/B000/XXXX',
      'https://hooks.slack.com.evil.com/services/T000/B000/XXXX',
      'https://evil.com/services/T000/B000/XXXX',
      'https://hooks.slack.com/workflows/T000/B000/XXXX',
      'https://hooks.slack.com:8443/services/T000/B000/XXXX',
      'https://u:p@hooks.slack.com/services/T000/B000/XXXX',
      'https://hooks.slack.com/services/T000',
      'http://127.0.0.1:9000/slack',
      'nonsense',
    ]) {
      expect(() => assertSlackUrl(bad), bad).toThrow(/hooks\.slack\.com\/services/);
      expect(() => assertSlackUrl(bad, 'production'), bad).toThrow(OutboundUrlError);
    }
    expect(assertSlackUrl('http://127.0.0.1:9000/slack', 'test').port).toBe('9000');
  });
});

// ---- On loopback: servers that count what reaches them. ----

interface Counting {
  url: string;
  port: number;
  requests: Array<{ url: string; authorization?: string }>;
  close(): Promise<void>;
}

async function countingServer(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_q, r) => r.end('[]')): Promise<Counting> {
  const requests: Counting['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url ?? '', authorization: req.headers.authorization });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A dripping answer or a kept-alive socket would hold close() open.
        server.closeAllConnections();
      }),
  };
}

/** A TCP listener counting connections (nothing should ever connect). */
async function countingListener(): Promise<{ port: number; connections: () => number; close(): Promise<void> }> {
  let n = 0;
  const server = net.createServer((socket) => {
    n++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, connections: () => n, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A resolver that answers 127.0.0.1 for every name (a rebinding or hostile DNS answer). */
const resolvesToLoopback = (_host: string, options: { all?: boolean }, cb: (err: NodeJS.ErrnoException | null, address: never, family?: number) => void) => {
  if (options.all) cb(null, [{ address: '127.0.0.1', family: 4 }] as never);
  else cb(null, '127.0.0.1' as never, 4);
};

const TOKEN = '00secret-okta-token';
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});
async function server(handler?: Parameters<typeof countingServer>[0]) {
  const s = await countingServer(handler);
  closers.push(s.close);
  return s;
}

describe('the Okta client on loopback', () => {
  it('does not follow a redirect to another loopback port: refused, nothing reaches the other server', async () => {
    const other = await server();
    const org = await server((_req, res) => {
      res.writeHead(302, { location: `${other.url}/api/v1/users` });
      res.end();
    });
    const client = await createOktaClient({ domain: org.url, token: TOKEN }, { ...testEnv, requestTimeoutMs: 5_000, maxRetries: 0 });
    const err = await fetchRawJson(client, apiUrl(client, '/api/v1/users/me'), 'reading a user').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OktaRedirectRefusedError);
    expect(classifyOktaError(err)).toBe('refused');
    expect(org.requests).toHaveLength(1);
    expect(other.requests).toEqual([]);
  });

  it('refuses a Link: next to another origin with a named error; the token never goes there', async () => {
    const other = await server();
    const org = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', link: `<${other.url}/api/v1/users?after=x>; rel="next"` });
      res.end(JSON.stringify([{ id: 'u1' }]));
    });
    const client = await createOktaClient({ domain: org.url, token: TOKEN }, { ...testEnv, requestTimeoutMs: 5_000, maxRetries: 0 });
    const pages: unknown[] = [];
    const err = await (async () => {
      for await (const page of rawPages(client, apiUrl(client, '/api/v1/users'), 'listing users')) pages.push(page);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OktaForeignOriginError);
    expect((err as Error).message).toMatch(/Link: next to http:\/\/127\.0\.0\.1:\d+: only the org's own origin/);
    expect(org.requests.map((r) => r.authorization)).toEqual([`SSWS ${TOKEN}`]);
    expect(other.requests).toEqual([]);

    // The executor refuses such a request on its own too (a cursor, a built URL).
    const direct = await client.http.http(`${other.url}/api/v1/logs`, { method: 'get' }).catch((e: unknown) => e);
    expect(direct).toBeInstanceOf(OktaForeignOriginError);
    expect(other.requests).toEqual([]);
  });

  it('follows a Link: next on the org origin', async () => {
    let n = 0;
    const org = await server((req, res) => {
      n++;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (n === 1) headers.link = `<http://${req.headers.host}/api/v1/users?after=u1>; rel="next"`;
      res.writeHead(200, headers);
      res.end(JSON.stringify(n === 1 ? [{ id: 'u1' }] : []));
    });
    const client = await createOktaClient({ domain: org.url, token: TOKEN }, { ...testEnv, requestTimeoutMs: 5_000, maxRetries: 0 });
    const pages: unknown[][] = [];
    for await (const page of rawPages<unknown>(client, apiUrl(client, '/api/v1/users'), 'listing users')) pages.push(page);
    expect(pages).toEqual([[{ id: 'u1' }], []]);
  });

  it('in staging, an Okta host name that resolves to loopback is refused at connect time; nothing connects', async () => {
    const listener = await countingListener();
    closers.push(listener.close);
    // createOktaClient refuses ports; the executor on its own shows the connect-time judgement.
    const orgUrl = `https://acme.okta.com:${listener.port}`;
    for (const environment of ['staging', 'production'] as const) {
      const client = new Client({
        orgUrl,
        token: TOKEN,
        cacheMiddleware: null,
        requestExecutor: new BudgetedRequestExecutor({ maxRetries: 0, requestTimeout: 5_000, orgOrigin: orgUrl, outbound: { environment }, lookup: resolvesToLoopback }),
      } as ConstructorParameters<typeof Client>[0]);
      const err = await fetchRawJson(client, `${orgUrl}/api/v1/users/me`, 'reading a user').catch((e: unknown) => e);
      expect(classifyOktaError(err), String(err)).toBe('refused');
      expect(describeOktaError(err)).toMatch(/refused to connect to acme\.okta\.com \(127\.0\.0\.1\): 127\.0\.0\.0\/8 \(loopback\)/);
    }
    expect(listener.connections()).toBe(0);
  });

  it("in staging the agent refuses localhost and loopback literals; in test it connects", async () => {
    const target = await server((_req, res) => res.end('ok'));
    const get = (url: string, environment: OortEnvironment, lookup?: typeof resolvesToLoopback) =>
      new Promise<number>((resolve, reject) => {
        const agent = guardedAgent('http:', { environment }, lookup ? { lookup } : {});
        http.get(url, { agent }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject);
      });
    for (const environment of ['staging', 'production'] as const) {
      for (const url of [`http://localhost:${target.port}/`, `http://127.0.0.1:${target.port}/`, `http://[::ffff:127.0.0.1]:${target.port}/`, `http://hooks.example.com:${target.port}/`]) {
        const err = await get(url, environment, url.includes('example') ? resolvesToLoopback : undefined).catch((e: unknown) => e);
        expect(err, url).toBeInstanceOf(OutboundRefusedError);
      }
    }
    expect(target.requests).toEqual([]);
    expect(await get(`http://127.0.0.1:${target.port}/`, 'test')).toBe(200);
    expect(await get(`http://hooks.example.com:${target.port}/`, 'development', resolvesToLoopback)).toBe(200);
    expect(target.requests).toHaveLength(2);
  });

  it('keeps only the status, errorCode and a truncated summary of error answers', async () => {
    const longSummary = `Not found: ${'x'.repeat(1000)}`;
    const org = await server((req, res) => {
      if (req.url?.startsWith('/api/v1/users/json')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errorCode: 'E0000007', errorSummary: longSummary, errorCauses: [{ errorSummary: 'internal detail 10.0.0.7' }], errorId: 'oae1' }));
      } else {
        res.writeHead(400, { 'content-type': 'text/html' });
        res.end('<html><body>proxy error: upstream 10.0.0.7 said no</body></html>');
      }
    });
    const client = await createOktaClient({ domain: org.url, token: TOKEN }, { ...testEnv, requestTimeoutMs: 5_000, maxRetries: 0 });
    const json = await client.http.http(`${org.url}/api/v1/users/json`, { method: 'get' }).catch((e: unknown) => e);
    const described = describeOktaError(json);
    expect(described).toMatch(/^Okta answered 404 E0000007: Not found: x+…$/);
    expect(described.length).toBeLessThan(260);
    expect(String((json as Error).message)).not.toContain('internal detail');
    expect(classifyOktaError(json)).toBe('not_found');

    const html = await client.http.http(`${org.url}/api/v1/users/html`, { method: 'get' }).catch((e: unknown) => e);
    expect(html).toBeInstanceOf(OktaHttpError);
    expect(describeOktaError(html)).toBe('HTTP 400 (non-JSON body of 64 bytes)');
    expect(classifyOktaError(html)).toBe('bad_request');
  });
});

describe('guardedFetch', () => {
  it('posts to a loopback receiver in test, and refuses it in staging without connecting', async () => {
    const receiver = await server((_req, res) => res.end('thanks'));
    const ok = await guardedFetch(`${receiver.url}/hook`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }, testEnv);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('thanks');
    await expect(guardedFetch(`${receiver.url}/hook`, { method: 'POST', body: '{}' }, staging)).rejects.toThrow(/must use https/);
    const listener = await countingListener();
    closers.push(listener.close);
    await expect(guardedFetch(`https://hooks.example.com:${listener.port}/hook`, { method: 'POST', body: '{}' }, { ...staging, lookup: resolvesToLoopback })).rejects.toThrow(
      OutboundRefusedError,
    );
    expect(listener.connections()).toBe(0);
    expect(receiver.requests).toHaveLength(1);
  });

  it('does not follow a redirect to another loopback port', async () => {
    const other = await server();
    const receiver = await server((_req, res) => {
      res.writeHead(307, { location: `${other.url}/steal` });
      res.end();
    });
    await expect(guardedFetch(`${receiver.url}/hook`, { method: 'POST', body: '{}' }, testEnv)).rejects.toThrow(/redirects are not followed/);
    expect(other.requests).toEqual([]);
  });
});

describe('the Okta client against bodies that are too large or too slow', () => {
  it('refuses a body past MAX_OKTA_RESPONSE_BYTES instead of reading it into memory', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const org = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      let sent = 0;
      const more = () => {
        while (sent < MAX_OKTA_RESPONSE_BYTES / chunk.length + 8) {
          sent++;
          if (!res.write(chunk)) return res.once('drain', more);
        }
        res.end(']');
      };
      more();
    });
    const client = await createOktaClient({ domain: org.url, token: TOKEN }, { ...testEnv, requestTimeoutMs: 20_000, maxRetries: 0 });
    await expect(fetchRawJson(client, apiUrl(client, '/api/v1/users'), 'listing users')).rejects.toThrow(/over limit|max-size|size/i);
  });

  it('gives up on a body that drips slower than the request timeout', async () => {
    const org = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      const drip = setInterval(() => res.write(' '), 200);
      res.on('close', () => clearInterval(drip));
    });
    const client = await createOktaClient({ domain: org.url, token: TOKEN }, { ...testEnv, requestTimeoutMs: 1_000, maxRetries: 0 });
    const started = Date.now();
    await expect(fetchRawJson(client, apiUrl(client, '/api/v1/users'), 'listing users')).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

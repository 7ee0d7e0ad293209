// The findings pages: a small read-only HTTP server (node:http) that the worker starts on FINDINGS_PORT.
//   GET /                                              the integrations
//   GET /integrations/<id>/detections?severity=&rule=&since=&q=&page=&limit=
//   GET /integrations/<id>/detections/<detectionId>    the detection, its evidence events and deliveries
// GET and HEAD only; no write endpoint. Server-rendered HTML with every value escaped (findings/html.ts) and a
// Content-Security-Policy that allows no script at all. With FINDINGS_TOKEN, every request must carry it, as
// `Authorization: Bearer <token>` (a proxy in front) or HTTP Basic with the token as password (a browser).
// Without a token the server listens on loopback only. Its own small pool of read-only transactions
// (findings/queries.ts) keeps it from competing with the activities for connections.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeDatabase, connectDatabase, type Database } from '../schema/db.js';
import { errorFields, type Logger } from '../lib/logger.js';
import { CONTENT_SECURITY_POLICY, errorPage } from './layout.js';
import type { Config } from '../lib/config.js';
import { basePath, findingsBaseUrl } from './links.js';
import { BadRequest, MAX_TEXT, parseDetectionId, parseListQuery } from './params.js';
import { findIntegration, findingDetail, findingsPage, listIntegrationHeaders, readOnly, ruleIdsOf } from './queries.js';
import { renderDetail } from './render-detail.js';
import { home, renderIndex, renderList, type LinkContext } from './render-list.js';

export interface FindingsServerOptions {
  databaseUrl: string;
  host: string;
  port: number;
  /** Required of every request when set. */
  token?: string;
  /** The public address (FINDINGS_BASE_URL): its path is the prefix of the pages' own links. */
  baseUrl?: string;
  temporalUiUrl?: string;
  namespace: string;
  log: Logger;
  /** Requests answered at once; more get 503. */
  maxInFlight?: number;
}

export interface FindingsServer {
  /** `http://host:port` the server listens on. */
  url: string;
  close(): Promise<void>;
}

class NotFound extends Error {}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

function sameToken(given: string, token: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

/** The token from `Authorization: Bearer <t>` or `Basic base64(<any user>:<t>)`. */
export function presentedToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value = ''] = header.trim().split(/\s+/, 2);
  if (/^bearer$/i.test(scheme)) return value;
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : undefined;
  }
  return undefined;
}

export async function startFindingsServer(opts: FindingsServerOptions): Promise<FindingsServer> {
  if (!isLoopback(opts.host) && !opts.token) {
    throw new Error(
      `FINDINGS_HOST=${opts.host} would expose the findings pages beyond this machine without authentication: set FINDINGS_TOKEN (a proxy can send it as "Authorization: Bearer <token>"), or listen on 127.0.0.1.`,
    );
  }
  const db = connectDatabase(opts.databaseUrl, { max: 2 });
  const ctx: LinkContext = { prefix: basePath(opts.baseUrl), temporalUiUrl: opts.temporalUiUrl, namespace: opts.namespace };
  const maxInFlight = opts.maxInFlight ?? 8;
  let inFlight = 0;

  const send = (req: IncomingMessage, res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      ...headers,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(req, res, 405, errorPage(405, 'These pages are read-only: GET only.', home(ctx)), { allow: 'GET, HEAD' });
      return;
    }
    if (opts.token && !sameToken(presentedToken(req.headers.authorization) ?? '', opts.token)) {
      send(req, res, 401, errorPage(401, 'Give the findings token (FINDINGS_TOKEN) as the password, or as a Bearer token.', home(ctx)), {
        'www-authenticate': 'Basic realm="oort-okta findings", charset="UTF-8"',
      });
      return;
    }
    if (inFlight >= maxInFlight) {
      send(req, res, 503, errorPage(503, 'Too many requests at once; try again in a moment.', home(ctx)), { 'retry-after': '1' });
      return;
    }
    inFlight += 1;
    answer(db, ctx, req.url ?? '/')
      .then((html) => send(req, res, 200, html))
      .catch((err: unknown) => {
        if (err instanceof BadRequest) return send(req, res, 400, errorPage(400, err.message, home(ctx)));
        if (err instanceof NotFound) return send(req, res, 404, errorPage(404, err.message, home(ctx)));
        opts.log.error({ error: errorFields(err), path: (req.url ?? '').split('?')[0] }, 'findings page failed');
        send(req, res, 500, errorPage(500, 'The page could not be read; the worker log has the reason.', home(ctx)));
      })
      .finally(() => {
        inFlight -= 1;
      });
  });
  server.requestTimeout = 15_000;
  server.headersTimeout = 10_000;
  try {
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(opts.port, opts.host, resolve));
  } catch (err) {
    await closeDatabase(db);
    throw err;
  }
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : opts.port;
  const url = `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`;
  opts.log.info({ url, authentication: opts.token ? 'token' : 'none (loopback)', temporalUi: opts.temporalUiUrl }, 'findings pages listening');
  return {
    url,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await closeDatabase(db);
    },
  };
}

/** The worker's findings pages as configured (FINDINGS_*, TEMPORAL_UI_URL); none when FINDINGS_PORT is 0. */
export function startFindings(config: Config, log: Logger): Promise<FindingsServer | undefined> {
  if (config.FINDINGS_PORT === 0) return Promise.resolve(undefined);
  return startFindingsServer({
    databaseUrl: config.DATABASE_URL,
    host: config.FINDINGS_HOST,
    port: config.FINDINGS_PORT,
    token: config.FINDINGS_TOKEN,
    baseUrl: findingsBaseUrl(config),
    temporalUiUrl: config.TEMPORAL_UI_URL,
    namespace: config.TEMPORAL_NAMESPACE,
    log,
  });
}

/** The page for one request path; throws BadRequest (400) or NotFound (404). */
async function answer(db: Database, ctx: LinkContext, rawUrl: string): Promise<string> {
  const url = new URL(rawUrl, 'http://findings.invalid');
  let path = url.pathname;
  if (ctx.prefix && (path === ctx.prefix || path.startsWith(`${ctx.prefix}/`))) path = path.slice(ctx.prefix.length) || '/';
  const segments = path.split('/').filter(Boolean).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new BadRequest('the address is not valid URL encoding.');
    }
  });
  if (segments.some((s) => s.length > MAX_TEXT)) throw new BadRequest(`a path segment is longer than ${MAX_TEXT} characters.`);
  if (segments.length === 0) return readOnly(db, async (tx) => renderIndex(await listIntegrationHeaders(tx), ctx));
  if (segments[0] !== 'integrations' || segments.length < 3 || segments[2] !== 'detections' || segments.length > 4) {
    throw new NotFound('There is no page here: the pages are /integrations/<id>/detections and /integrations/<id>/detections/<detectionId>.');
  }
  const integrationId = segments[1];
  if (segments.length === 3) {
    const q = parseListQuery(url.searchParams);
    return readOnly(db, async (tx) => {
      const integration = await findIntegration(tx, integrationId);
      if (!integration) throw new NotFound(`No integration "${integrationId}".`);
      const [{ rows, total }, ruleIds] = [await findingsPage(tx, integrationId, q.filter), await ruleIdsOf(tx, integrationId)];
      return renderList({ integration, rows, total, page: q.filter.page, limit: q.filter.limit, given: q.given, ruleIds }, ctx);
    });
  }
  const detectionId = parseDetectionId(segments[3]);
  if ([...url.searchParams.keys()].length > 0) throw new BadRequest('a detection page takes no parameters.');
  return readOnly(db, async (tx) => {
    const integration = await findIntegration(tx, integrationId);
    if (!integration) throw new NotFound(`No integration "${integrationId}".`);
    const detection = await findingDetail(tx, integrationId, detectionId);
    if (!detection) throw new NotFound(`Integration "${integrationId}" has no detection ${detectionId}.`);
    return renderDetail(integration, detection, ctx);
  });
}

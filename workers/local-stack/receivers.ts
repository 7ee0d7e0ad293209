// The local stack's notification receivers, where the demo's detections arrive: a tenant's webhook endpoint that
// verifies each delivery the Standard Webhooks way (the `standardwebhooks` package, through notify/webhook.ts) with
// the secrets of the demo's webhook channel, and a Slack-compatible incoming webhook (Slack's JSON `text`/`blocks`,
// answered `ok`). Both listen on 127.0.0.1, keep what they received in memory and as JSON lines (one file each, read
// back at start so a restart keeps the list), and show it, newest first, at `GET /`: a small page for a browser,
// JSON otherwise; `GET /received.json` has the same list with each payload as received. Nothing here is the product's delivery path; it is what a
// tenant runs on the other end.
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyStandardWebhook, WEBHOOK_ID_HEADER } from '../../notify/webhook.js';

/** The receivers bind loopback only, as every listener of the local stack. */
export const RECEIVER_HOST = '127.0.0.1';
/** Where a webhook receiver takes deliveries (its page is `/`). */
export const WEBHOOK_PATH = '/webhook';
/** A Slack incoming webhook's path: `/services/<team>/<bot>/<token>`. */
const SLACK_PATH = /^\/services\/[^/]+\/[^/]+\/[^/]+$/;
/** Requests larger than this are refused (413): notices are a few KiB. */
const MAX_BODY_BYTES = 1024 * 1024;
/** How many notifications each receiver keeps in memory and reads back at start (the file keeps them all). */
const KEEP = 500;

export interface ReceivedWebhook {
  receivedAt: string;
  /** `webhook-id`: the notice's idempotency key, the same on every retry. */
  webhookId: string | null;
  /** The signature verified with one of the channel's secrets, within the 5-minute window. */
  verified: boolean;
  /** Why it did not verify. */
  problem?: string;
  /** The notice's `type`: detection, digest, onboarding_reminder, log_stream_… */
  type: string | null;
  integrationId: string | null;
  detection?: { id: number | null; ruleId: string | null; title: string | null; severity: string | null; subjectUser: string | null };
  digest?: { count: number; detections: Array<{ title: string | null; severity: string | null; subjectUser: string | null }> };
  /** The notice's link to its findings page (`links.detection`, or a digest's `links.detections`), when it has one. */
  link?: string;
  /** The text of other notices (reminders, stream health). */
  message?: string;
  /** The payload as received (parsed JSON, or the text when it is not JSON). */
  body: unknown;
}

export interface ReceivedSlackMessage {
  receivedAt: string;
  /** The hook's path with its token hidden: `/services/T…/B…/***`. */
  hook: string;
  text: string | null;
  /** The text of each block's mrkdwn/plain_text sections, in order. */
  blockTexts: string[];
  body: unknown;
}

export interface Receiver<T> {
  /** Its page (`GET /`). */
  url: string;
  /** Where notices are POSTed (a channel's URL). */
  postUrl: string;
  port: number;
  /** What it received, newest first. */
  received(): T[];
  stop(): Promise<void>;
}

export interface WebhookReceiverOptions {
  port: number;
  /** The JSON lines file (`.data/received-webhooks.jsonl`). */
  file: string;
  /** The secrets (`whsec_…`) that verify a delivery: those of the channel that points here, read at each delivery. */
  secrets: () => Promise<string[]>;
}

export interface SlackReceiverOptions {
  port: number;
  /** The JSON lines file (`.data/received-slack.jsonl`). */
  file: string;
  /** The hook path the Slack channel posts to, `/services/<team>/<bot>/<token>` (default `/services/T0DEMO/B0DEMO/okta-demo`). */
  hookPath?: string;
}

const asString = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const asNumber = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** What the receiver's list shows of a webhook notice's body. */
export function describeWebhookBody(body: unknown): Pick<ReceivedWebhook, 'type' | 'integrationId' | 'detection' | 'digest' | 'message' | 'link'> {
  if (!isObject(body)) return { type: null, integrationId: null };
  const type = asString(body.type);
  const link = isObject(body.links) ? (asString(body.links.detection) ?? asString(body.links.detections)) : null;
  const base = { type, integrationId: asString(body.integration_id), ...(link ? { link } : {}) };
  if (type === 'detection') {
    return {
      ...base,
      detection: {
        id: asNumber(body.detection_id),
        ruleId: asString(body.rule_id),
        title: asString(body.title),
        severity: asString(body.severity),
        subjectUser: asString(body.subject_user),
      },
    };
  }
  if (type === 'digest') {
    const entries = Array.isArray(body.detections) ? body.detections.filter(isObject) : [];
    return {
      ...base,
      digest: {
        count: asNumber(body.detection_count) ?? entries.length,
        detections: entries.map((e) => ({ title: asString(e.title), severity: asString(e.severity), subjectUser: asString(e.subject_user) })),
      },
    };
  }
  const message = asString(body.message);
  return message === null ? base : { ...base, message };
}

/** What the receiver's list shows of a Slack message: its fallback `text` and the text of its blocks. */
export function describeSlackBody(body: unknown): Pick<ReceivedSlackMessage, 'text' | 'blockTexts'> {
  if (!isObject(body)) return { text: null, blockTexts: [] };
  const texts: string[] = [];
  const collect = (v: unknown) => {
    if (!isObject(v)) return;
    if (isObject(v.text) && typeof v.text.text === 'string') texts.push(v.text.text);
    else if ((v.type === 'mrkdwn' || v.type === 'plain_text') && typeof v.text === 'string') texts.push(v.text);
    if (Array.isArray(v.elements)) v.elements.forEach(collect);
    if (Array.isArray(v.fields)) v.fields.forEach(collect);
  };
  if (Array.isArray(body.blocks)) body.blocks.forEach(collect);
  return { text: asString(body.text), blockTexts: texts };
}

/** `/services/T0/B0/secret` → `/services/T0/B0/***`: the token of a Slack hook is a secret, not something to list. */
function redactHook(path: string): string {
  return path.replace(/^(\/services\/[^/]+\/[^/]+\/).+$/, '$1***');
}

/** The received notices of one receiver: newest first in memory, each appended to its file. */
class Store<T> {
  private items: T[] = [];
  private writes: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  async load(): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    this.items = lines
      .slice(-KEEP)
      .map((l) => parseJson(l) as T | undefined)
      .filter((x): x is T => x !== undefined)
      .reverse();
  }

  add(item: T): void {
    this.items.unshift(item);
    if (this.items.length > KEEP) this.items.length = KEEP;
    const line = `${JSON.stringify(item)}\n`;
    this.writes = this.writes.then(() => appendFile(this.file, line, { mode: 0o600 })).catch((err: unknown) => {
      console.error(`Receiver: could not append to ${this.file}: ${(err as Error).message}`);
    });
  }

  list(): T[] {
    return [...this.items];
  }

  flushed(): Promise<void> {
    return this.writes;
  }
}

class TooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new TooLarge());
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A table cell: text, or a link (http(s) only). */
type Cell = string | { href: string; text: string };

function cellHtml(c: Cell): string {
  if (typeof c === 'string') return escapeHtml(c);
  return /^https?:\/\//.test(c.href) ? `<a href="${escapeHtml(c.href)}">${escapeHtml(c.text)}</a>` : escapeHtml(c.text);
}

function page(title: string, intro: string, head: string[], rows: Cell[][]): string {
  const cells = (r: Cell[], tag: string) => `<tr>${r.map((c) => `<${tag}>${cellHtml(c)}</${tag}>`).join('')}</tr>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="10"><title>${escapeHtml(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}td{white-space:pre-wrap}</style>
</head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(intro)}</p>
${rows.length === 0 ? '<p><em>Nothing received yet.</em></p>' : `<table>${cells(head, 'th')}${rows.map((r) => cells(r, 'td')).join('')}</table>`}
</body></html>
`;
}

/**
 * `GET /`: a page for a browser, JSON otherwise (the list without the payloads); `GET /received.json`: the list with
 * each payload as received. Anything else is the caller's.
 */
function serveList(req: IncomingMessage, res: ServerResponse, path: string, json: (withBodies: boolean) => unknown, html: () => string): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (path === '/received.json' || (path === '/' && !(req.headers.accept ?? '').includes('text/html'))) {
    const body = JSON.stringify(json(path === '/received.json'), null, 2);
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }).end(`${body}\n`);
    return true;
  }
  if (path === '/') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(html());
    return true;
  }
  return false;
}

async function listen(server: Server, port: number, variable: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`Port ${port} on ${RECEIVER_HOST} is in use: set ${variable} to a free port.`) : err),
    );
    server.listen(port, RECEIVER_HOST, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

function closer(server: Server, store: Store<unknown>): () => Promise<void> {
  return async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await store.flushed();
  };
}

function handler(name: string, fn: (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://receiver').pathname;
    fn(req, res, path).catch((err: unknown) => {
      if (err instanceof TooLarge) {
        if (!res.headersSent) res.writeHead(413, { 'Content-Type': 'text/plain' }).end('request too large\n');
        return;
      }
      console.error(`${name}: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' }).end('receiver error\n');
    });
  };
}

/**
 * The tenant's webhook endpoint: `POST /webhook` verifies the delivery with the channel's secrets (401 when it does
 * not verify, kept in the list as unverified so the reason shows), accepts each `webhook-id` once (a repeat of a
 * verified id is answered 204 and not listed again), and answers 204.
 */
export async function startWebhookReceiver(opts: WebhookReceiverOptions): Promise<Receiver<ReceivedWebhook>> {
  const store = new Store<ReceivedWebhook>(opts.file);
  await store.load();
  const accepted = new Set(store.list().filter((r) => r.verified && r.webhookId).map((r) => r.webhookId!));
  let postUrl = '';
  const server = createServer(
    handler('Webhook receiver', async (req, res, path) => {
      const list = (withBodies: boolean) => ({
        receiver: 'webhook',
        postUrl,
        verifiedWith: 'the secrets of the demo webhook channel that points here',
        received: withBodies ? store.list() : store.list().map(({ body: _, ...shown }) => shown),
      });
      const html = () =>
        page(
          'Webhook receiver (local stack)',
          `Notifications of the demo's detections, newest first, as a tenant's endpoint receives them at ${postUrl}; each signature verified (Standard Webhooks) with the demo webhook channel's secret. JSON: /received.json.`,
          ['Received', 'Verified', 'Type', 'Severity', 'Title', 'User', 'Findings page', 'webhook-id'],
          store.list().map((r) => [
            r.receivedAt,
            r.verified ? 'yes' : `no: ${r.problem ?? ''}`,
            r.type ?? '',
            r.detection?.severity ?? (r.digest ? [...new Set(r.digest.detections.map((d) => d.severity))].join(', ') : ''),
            r.detection?.title ?? (r.digest ? `${r.digest.count} detections: ${r.digest.detections.map((d) => d.title).join('; ')}` : (r.message ?? '')),
            r.detection?.subjectUser ?? '',
            r.link ? { href: r.link, text: 'open' } : '',
            r.webhookId ?? '',
          ]),
        );
      if (serveList(req, res, path, list, html)) return;
      if (path !== WEBHOOK_PATH) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`POST notices to ${WEBHOOK_PATH}; GET / lists them\n`);
        return;
      }
      if (req.method !== 'POST') {
        res.writeHead(405, { Allow: 'POST', 'Content-Type': 'text/plain' }).end('POST only\n');
        return;
      }
      const text = await readBody(req);
      const webhookId = asString(req.headers[WEBHOOK_ID_HEADER]);
      let verified = false;
      let problem: string | undefined;
      try {
        const secrets = await opts.secrets();
        if (secrets.length === 0) throw new Error('no webhook channel of the demo points at this receiver');
        verifyStandardWebhook(text, req.headers, secrets);
        verified = true;
      } catch (err) {
        problem = (err as Error).message;
      }
      if (verified && webhookId && accepted.has(webhookId)) {
        res.writeHead(204).end();
        return;
      }
      const body = parseJson(text) ?? text;
      store.add({ receivedAt: new Date().toISOString(), webhookId, verified, ...(problem ? { problem } : {}), ...describeWebhookBody(body), body });
      if (!verified) {
        res.writeHead(401, { 'Content-Type': 'text/plain' }).end(`signature not verified: ${problem}\n`);
        return;
      }
      if (webhookId) accepted.add(webhookId);
      res.writeHead(204).end();
    }),
  );
  const port = await listen(server, opts.port, 'OORT_WEBHOOK_RECEIVER_PORT');
  const url = `http://${RECEIVER_HOST}:${port}/`;
  postUrl = `http://${RECEIVER_HOST}:${port}${WEBHOOK_PATH}`;
  return { url, postUrl, port, received: () => store.list(), stop: closer(server, store as Store<unknown>) };
}

/**
 * A Slack-compatible incoming webhook: `POST /services/<team>/<bot>/<token>` with Slack's JSON (`text` and/or
 * `blocks`) is answered `200 ok`; as Slack does, an unknown hook is `404 no_service`, a body that is not JSON
 * `400 invalid_payload`, and one with neither text nor blocks `400 no_text`.
 */
export async function startSlackReceiver(opts: SlackReceiverOptions): Promise<Receiver<ReceivedSlackMessage>> {
  const hookPath = opts.hookPath ?? '/services/T0DEMO/B0DEMO/okta-demo';
  if (!SLACK_PATH.test(hookPath)) throw new Error(`Slack hook path ${hookPath} is not /services/<team>/<bot>/<token>.`);
  const store = new Store<ReceivedSlackMessage>(opts.file);
  await store.load();
  let origin = '';
  const slack = (res: ServerResponse, status: number, text: string): void => void res.writeHead(status, { 'Content-Type': 'text/plain' }).end(text);
  const server = createServer(
    handler('Slack receiver', async (req, res, path) => {
      const list = (withBodies: boolean) => ({
        receiver: 'slack',
        hook: redactHook(hookPath),
        received: withBodies ? store.list() : store.list().map(({ body: _, ...shown }) => shown),
      });
      const html = () =>
        page(
          'Slack receiver (local stack)',
          `Notifications of the demo's detections, newest first, as Slack messages posted to the demo's Slack channel (an incoming webhook at ${origin}${redactHook(hookPath)}). JSON: /received.json.`,
          ['Received', 'Text', 'Blocks'],
          store.list().map((m) => [m.receivedAt, m.text ?? '', m.blockTexts.join('\n')]),
        );
      if (serveList(req, res, path, list, html)) return;
      if (req.method !== 'POST') return slack(res, 405, 'invalid_method');
      if (path !== hookPath) return slack(res, 404, 'no_service');
      const body = parseJson(await readBody(req));
      if (!isObject(body)) return slack(res, 400, 'invalid_payload');
      const shown = describeSlackBody(body);
      if (!shown.text && !(Array.isArray(body.blocks) && body.blocks.length > 0)) return slack(res, 400, 'no_text');
      store.add({ receivedAt: new Date().toISOString(), hook: redactHook(path), ...shown, body });
      slack(res, 200, 'ok');
    }),
  );
  const port = await listen(server, opts.port, 'OORT_SLACK_RECEIVER_PORT');
  origin = `http://${RECEIVER_HOST}:${port}`;
  return { url: `${origin}/`, postUrl: `${origin}${hookPath}`, port, received: () => store.list(), stop: closer(server, store as Store<unknown>) };
}

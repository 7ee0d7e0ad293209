// A tenant's endpoint for tests, on loopback: records every delivery; can be told to fail. With
// `secrets`, it is a Standard Webhooks receiver: it verifies each request with the `standardwebhooks`
// package (any of the secrets; 5-minute timestamp window), answers 401 to a bad signature and 409 to a
// `webhook-id` it already accepted (a replay). With `slack`, it answers like a Slack incoming webhook:
// 200 `ok`, and 404 `no_service` for a hook path that is not real (e.g. a redacted `…/***`).
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { Webhook } from 'standardwebhooks';

export interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
  /** The request path, e.g. `/services/T0/B0/secret` for a Slack hook. */
  path: string;
}

export interface Rejection extends Delivery {
  status: number;
  reason: string;
}

export interface ReceiverOptions {
  /** Verify every request with these `whsec_…` secrets (any one suffices). */
  secrets?: string[];
  /** Answer like Slack's incoming webhooks. */
  slack?: boolean;
}

export interface WebhookReceiver {
  url: string;
  deliveries: Delivery[];
  /** Requests refused by verification (401), as replays (409), for a bad Slack path (404), or by failNext/failWith. */
  rejected: Rejection[];
  failNext(n: number): void;
  /** Answer every request with this status until called with null. */
  failWith(status: number | null): void;
  /** Replace the secrets the receiver verifies with (e.g. after a rotation). */
  setSecrets(secrets: string[]): void;
  close(): Promise<void>;
}

/** What a tenant's endpoint does: verify with any of its secrets, throwing the last verification error. */
export function verifyDelivery(body: string, headers: IncomingHttpHeaders | Record<string, string>, secrets: string[]): unknown {
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (typeof v === 'string') flat[k] = v;
  let last: unknown = new Error('no secret to verify with');
  for (const secret of secrets) {
    try {
      return new Webhook(secret).verify(body, flat);
    } catch (err) {
      last = err;
    }
  }
  throw last;
}

export async function startWebhookReceiver(options: ReceiverOptions = {}): Promise<WebhookReceiver> {
  const deliveries: Delivery[] = [];
  const rejected: Rejection[] = [];
  const seenIds = new Set<string>();
  let secrets = options.secrets;
  let failures = 0;
  let failStatus: number | null = null;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const refuse = (status: number, reason: string, text: string) => {
        rejected.push({ headers: req.headers, body, path, status, reason });
        res.writeHead(status).end(text);
      };
      if (failStatus !== null) return refuse(failStatus, 'failWith', 'failing');
      if (failures > 0) {
        failures -= 1;
        return refuse(503, 'failNext', 'try later');
      }
      if (options.slack && (/\*/.test(decodeURIComponent(path)) || !/^\/services\/[^/]+\/[^/]+\/[^/]+$/.test(path.replace(/^\/hooks\/oort/, '')))) {
        return refuse(404, 'no_service', 'no_service');
      }
      if (secrets) {
        try {
          verifyDelivery(body, req.headers, secrets);
        } catch (err) {
          return refuse(401, `signature: ${(err as Error).message}`, 'bad signature');
        }
        const id = String(req.headers['webhook-id']);
        if (seenIds.has(id)) return refuse(409, 'replay', 'already received');
        seenIds.add(id);
      }
      deliveries.push({ headers: req.headers, body, path });
      if (options.slack) res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hooks/oort`,
    deliveries,
    rejected,
    failNext: (n) => void (failures = n),
    failWith: (status) => void (failStatus = status),
    setSecrets: (s) => void (secrets = s),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

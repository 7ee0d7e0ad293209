import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  idempotencyKey,
  postWebhook,
  sign,
  verifySignature,
  webhookBody,
  WebhookDeliveryError,
  type DetectionNotice,
} from '../../notify/webhook.js';

const SECRET = 'whsec_5f2c8e1a9b7d4c3e';
const notice: DetectionNotice = {
  integrationId: 'okta-1a2b3c4d5e6f7a8b',
  detectionId: 4182,
  ruleId: 'okta.mfa_factor_reset_then_signin',
  severity: 'high',
  title: 'MFA factor reset followed by a sign-in from a new country',
  subjectUser: 'dana.whitfield@northwind.example',
  subjectUserId: '00u4kq9ZtW2mB7xN1d8e',
  firstEventAt: '2026-11-02T09:15:04.512Z',
  lastEventAt: '2026-11-02T09:41:17.006Z',
  evidenceUuids: ['3e0c6d52-b8a1-11f1-9c2e-5f1d2a7b9e11', '6a1f0b3c-b8a5-11f1-8d4e-0b2c3d4e5f60'],
};

describe('webhook signing', () => {
  const body = webhookBody(notice);

  it('signs the exact body with HMAC-SHA256 hex', () => {
    const hex = createHmac('sha256', SECRET).update(body).digest('hex');
    expect(sign(body, SECRET)).toBe(`sha256=${hex}`);
    expect(verifySignature(body, SECRET, `sha256=${hex}`)).toBe(true);
  });

  it('rejects a tampered body, a wrong secret and a missing header', () => {
    const header = sign(body, SECRET);
    expect(verifySignature(body.replace('"high"', '"low"'), SECRET, header)).toBe(false);
    expect(verifySignature(body, 'whsec_other', header)).toBe(false);
    expect(verifySignature(body, SECRET, undefined)).toBe(false);
    expect(verifySignature(body, SECRET, '')).toBe(false);
    expect(verifySignature(body, SECRET, 'sha256=abc')).toBe(false);
  });

  it('carries the documented fields', () => {
    expect(JSON.parse(body)).toEqual({
      type: 'detection',
      integration_id: 'okta-1a2b3c4d5e6f7a8b',
      detection_id: 4182,
      rule_id: 'okta.mfa_factor_reset_then_signin',
      severity: 'high',
      title: 'MFA factor reset followed by a sign-in from a new country',
      subject_user: 'dana.whitfield@northwind.example',
      subject_user_id: '00u4kq9ZtW2mB7xN1d8e',
      first_event_at: '2026-11-02T09:15:04.512Z',
      last_event_at: '2026-11-02T09:41:17.006Z',
      evidence_event_uuids: ['3e0c6d52-b8a1-11f1-9c2e-5f1d2a7b9e11', '6a1f0b3c-b8a5-11f1-8d4e-0b2c3d4e5f60'],
    });
  });

  it('keys a delivery on detection and channel, the same on every retry', () => {
    expect(idempotencyKey(4182, 7)).toBe(idempotencyKey(4182, 7));
    expect(idempotencyKey(4182, 7)).not.toBe(idempotencyKey(4182, 8));
    expect(idempotencyKey(4182, 7)).not.toBe(idempotencyKey(4183, 7));
  });
});

describe('postWebhook', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  async function receiver(status: number) {
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    server = createServer((req, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: data });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/oort`, received };
  }

  it('delivers a signed body with its idempotency key', async () => {
    const { url, received } = await receiver(204);
    const body = webhookBody(notice);
    await postWebhook(url, body, SECRET, idempotencyKey(4182, 7));
    expect(received).toHaveLength(1);
    const [{ headers, body: got }] = received;
    expect(got).toBe(body);
    expect(verifySignature(got, SECRET, headers['x-oort-signature'] as string)).toBe(true);
    expect(headers['idempotency-key']).toBe('oort-detection-4182-channel-7');
    expect(headers['content-type']).toBe('application/json');
  });

  it('fails on a 503 with the status in the message', async () => {
    const { url } = await receiver(503);
    const p = postWebhook(url, webhookBody(notice), SECRET, idempotencyKey(4182, 7));
    await expect(p).rejects.toThrow(WebhookDeliveryError);
    await expect(p).rejects.toThrow(/answered 503/);
  });

  it('fails when the receiver is unreachable', async () => {
    const { url } = await receiver(200);
    await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
    await expect(postWebhook(url, webhookBody(notice), SECRET, 'k')).rejects.toThrow(/unreachable/);
  });
});

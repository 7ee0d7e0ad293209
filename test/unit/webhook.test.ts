import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import {
  idempotencyKey,
  postSlack,
  postWebhook,
  receiverSecret,
  sign,
  signedHeaders,
  signingKey,
  standardSignature,
  verifySignature,
  verifyStandardWebhook,
  webhookBody,
  webhookDigestBody,
  WebhookDeliveryError,
  WEBHOOK_TOLERANCE_SECONDS,
  type DetectionNotice,
} from '../../notify/webhook.js';
import { generateWebhookSecret } from '../../notify/channels.js';
import { slackDetectionMessage, slackDigestMessage } from '../../notify/slack.js';
import { startWebhookReceiver, verifyDelivery, type WebhookReceiver } from '../support/webhook-receiver.js';

/** The receivers here listen on loopback, allowed in the test environment only. */
const TO = { environment: 'test' } as const;

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

describe('webhook signing (deprecated X-Oort-Signature)', () => {
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

describe('links to the findings pages (additive)', () => {
  const detection = 'https://oort.example/findings/integrations/okta-1a2b3c4d5e6f7a8b/detections/4182';

  it('adds links.detection to a detection body only when the pages have an address, and signs what is sent', () => {
    const body = webhookBody({ ...notice, links: { detection } });
    expect(JSON.parse(body)).toEqual({ ...JSON.parse(webhookBody(notice)), links: { detection } });
    expect(JSON.parse(webhookBody(notice))).not.toHaveProperty('links');
    const headers = signedHeaders(body, SECRET, 'k');
    expect(verifyStandardWebhook(body, headers, [receiverSecret(SECRET)])).toEqual(JSON.parse(body));
  });

  it("adds the list to a digest, and each entry's page", () => {
    const entry = { detectionId: 4182, ruleId: 'r', severity: 'high', title: 't', subjectUser: null };
    const list = 'https://oort.example/findings/integrations/okta-1a2b3c4d5e6f7a8b/detections';
    const body = JSON.parse(webhookDigestBody('okta-1a2b3c4d5e6f7a8b', 9, [{ ...entry, links: { detection } }, entry], { detections: list }));
    expect(body.links).toEqual({ detections: list });
    expect(body.detections[0].links).toEqual({ detection });
    expect(body.detections[1]).not.toHaveProperty('links');
    expect(JSON.parse(webhookDigestBody('okta-1a2b3c4d5e6f7a8b', 9, [entry]))).not.toHaveProperty('links');
  });

  it('gives the Slack message and digest a "View in oort-okta" link', () => {
    const slack = { ...notice, runbook: null, clientIp: null, city: null, country: null, count: 2 };
    const texts = (m: string) => JSON.stringify(JSON.parse(m).blocks);
    expect(texts(slackDetectionMessage({ ...slack, links: { detection } }))).toContain(`<${detection}|View in oort-okta>`);
    expect(texts(slackDetectionMessage(slack))).not.toContain('View in oort-okta');
    expect(texts(slackDetectionMessage({ ...slack, links: { detection: `${detection}|x>` } }))).not.toContain('<https');
    const line = { ruleId: 'r', severity: 'high', title: 't', subjectUser: null };
    expect(texts(slackDigestMessage('okta-1', 9, [line], { detections: 'https://oort.example/d' }))).toContain('<https://oort.example/d|View in oort-okta>');
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
    await postWebhook(url, body, SECRET, idempotencyKey(4182, 7), TO);
    expect(received).toHaveLength(1);
    const [{ headers, body: got }] = received;
    expect(got).toBe(body);
    expect(verifySignature(got, SECRET, headers['x-oort-signature'] as string)).toBe(true);
    expect(verifyDelivery(got, headers, [receiverSecret(SECRET)])).toEqual(JSON.parse(body));
    expect(headers['webhook-id']).toBe('oort-detection-4182-channel-7');
    expect(headers['idempotency-key']).toBe('oort-detection-4182-channel-7');
    expect(headers['content-type']).toBe('application/json');
  });

  it('fails on a 503 with the status in the message', async () => {
    const { url } = await receiver(503);
    const p = postWebhook(url, webhookBody(notice), SECRET, idempotencyKey(4182, 7), TO);
    await expect(p).rejects.toThrow(WebhookDeliveryError);
    await expect(p).rejects.toThrow(/answered 503/);
  });

  it('fails when the receiver is unreachable', async () => {
    const { url } = await receiver(200);
    await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
    await expect(postWebhook(url, webhookBody(notice), SECRET, 'k', TO)).rejects.toThrow(/unreachable/);
  });
});

describe('Standard Webhooks signing', () => {
  const body = webhookBody(notice);
  const id = idempotencyKey(4182, 7);
  const now = new Date();

  it('sends webhook-id, webhook-timestamp and a v1 signature of "id.timestamp.body" (keeping Idempotency-Key)', () => {
    const secret = generateWebhookSecret();
    const h = signedHeaders(body, secret, id, now);
    const ts = Math.floor(now.getTime() / 1000);
    expect(h['webhook-id']).toBe(id);
    expect(h['Idempotency-Key']).toBe(id);
    expect(h['webhook-timestamp']).toBe(String(ts));
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const mac = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');
    expect(h['webhook-signature']).toBe(`v1,${mac}`);
    // The receiver side: the standardwebhooks package, given the secret as whsec_…
    expect(new Webhook(secret).verify(body, h)).toEqual(JSON.parse(body));
  });

  it('generates whsec_ secrets of 32 random bytes', () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(signingKey(a)).toHaveLength(32);
    expect(receiverSecret(a)).toBe(a);
    expect(generateWebhookSecret()).not.toBe(a);
  });

  it('uses a secret given before Standard Webhooks as its UTF-8 bytes: the receiver uses whsec_<base64 of it>', () => {
    const legacy = 'whsec-stark';
    expect(receiverSecret(legacy)).toBe(`whsec_${Buffer.from(legacy).toString('base64')}`);
    const h = signedHeaders(body, legacy, id);
    expect(() => new Webhook(receiverSecret(legacy)).verify(body, h)).not.toThrow();
    expect(verifySignature(body, legacy, h['X-Oort-Signature'])).toBe(true);
  });

  it('rejects a tampered body, another id, a wrong secret and missing headers', () => {
    const secret = generateWebhookSecret();
    const h = signedHeaders(body, secret, id);
    expect(() => verifyDelivery(body.replace('"high"', '"low"'), h, [secret])).toThrow(/No matching signature/);
    expect(() => verifyDelivery(body, { ...h, 'webhook-id': idempotencyKey(4182, 8) }, [secret])).toThrow(/No matching signature/);
    expect(() => verifyDelivery(body, h, [generateWebhookSecret()])).toThrow(/No matching signature/);
    expect(() => verifyDelivery(body, { 'webhook-id': id }, [secret])).toThrow(/Missing required headers/);
  });

  it('during a rotation signs with both secrets, so a receiver holding either one verifies', () => {
    const previous = 'whsec-stark';
    const current = generateWebhookSecret();
    const h = signedHeaders(body, { current, previous }, id);
    const entries = h['webhook-signature'].split(' ');
    expect(entries).toHaveLength(2);
    for (const e of entries) expect(e).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(current).verify(body, h)).toBeTruthy();
    expect(new Webhook(receiverSecret(previous)).verify(body, h)).toBeTruthy();
    expect(verifyStandardWebhook(body, h, [receiverSecret(previous)])).toBeTruthy();
    expect(() => verifyDelivery(body, h, [generateWebhookSecret()])).toThrow(/No matching signature/);
    // The deprecated header carries the current secret only.
    expect(verifySignature(body, current, h['X-Oort-Signature'])).toBe(true);
    // After the rotation is finished, only the new secret verifies.
    const after = signedHeaders(body, { current, previous: null }, id);
    expect(after['webhook-signature'].split(' ')).toHaveLength(1);
    expect(() => verifyDelivery(body, after, [receiverSecret(previous)])).toThrow(/No matching signature/);
    expect(verifyDelivery(body, after, [receiverSecret(previous), current])).toBeTruthy();
  });

  it(`accepts a timestamp within the ${WEBHOOK_TOLERANCE_SECONDS / 60}-minute tolerance window and rejects one outside it`, () => {
    const secret = generateWebhookSecret();
    const at = (offsetSeconds: number) => signedHeaders(body, secret, id, new Date(Date.now() + offsetSeconds * 1000));
    expect(verifyDelivery(body, at(-(WEBHOOK_TOLERANCE_SECONDS - 30)), [secret])).toBeTruthy();
    expect(verifyDelivery(body, at(WEBHOOK_TOLERANCE_SECONDS - 30), [secret])).toBeTruthy();
    expect(() => verifyDelivery(body, at(-(WEBHOOK_TOLERANCE_SECONDS + 60)), [secret])).toThrow(/too old/);
    expect(() => verifyDelivery(body, at(WEBHOOK_TOLERANCE_SECONDS + 60), [secret])).toThrow(/too new/);
    // A captured request cannot be re-dated: a new timestamp breaks the signature.
    const old = at(-(WEBHOOK_TOLERANCE_SECONDS + 60));
    const redated = { ...old, 'webhook-timestamp': String(Math.floor(Date.now() / 1000)) };
    expect(() => verifyDelivery(body, redated, [secret])).toThrow(/No matching signature/);
  });

  it('standardSignature matches the package signing each secret', () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    const ts = new Date(Math.floor(Date.now() / 1000) * 1000);
    expect(standardSignature({ current: a, previous: b }, id, ts, body)).toBe(`${new Webhook(a).sign(id, ts, body)} ${new Webhook(b).sign(id, ts, body)}`);
  });
});

describe('the test receiver (Standard Webhooks)', () => {
  let receiver: WebhookReceiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  it('accepts a signed delivery once and rejects its replay and a forged one', async () => {
    const secret = generateWebhookSecret();
    receiver = await startWebhookReceiver({ secrets: [secret] });
    const body = webhookBody(notice);
    await postWebhook(receiver.url, body, secret, idempotencyKey(4182, 7), TO);
    expect(receiver.deliveries).toHaveLength(1);
    // A captured request sent again, byte for byte: the id was seen.
    const captured = receiver.deliveries[0];
    const replay = await fetch(receiver.url, { method: 'POST', headers: captured.headers as Record<string, string>, body: captured.body });
    expect(replay.status).toBe(409);
    // The sender's own retry of the same message is a replay too (same webhook-id): refused, not recorded twice.
    await expect(postWebhook(receiver.url, body, secret, idempotencyKey(4182, 7), TO)).rejects.toThrow(/answered 409/);
    await expect(postWebhook(receiver.url, body, generateWebhookSecret(), idempotencyKey(4182, 9), TO)).rejects.toThrow(/answered 401/);
    expect(receiver.deliveries).toHaveLength(1);
    expect(receiver.rejected.map((r) => r.reason)).toEqual(['replay', 'replay', 'signature: No matching signature found']);
  });

  it('rejects a delivery signed outside the tolerance window', async () => {
    const secret = generateWebhookSecret();
    receiver = await startWebhookReceiver({ secrets: [secret] });
    const body = webhookBody(notice);
    const headers = signedHeaders(body, secret, 'oort-old', new Date(Date.now() - (WEBHOOK_TOLERANCE_SECONDS + 60) * 1000));
    const res = await fetch(receiver.url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
    expect(res.status).toBe(401);
    expect(receiver.rejected[0].reason).toMatch(/too old/);
  });
});

describe('where notices may go', () => {
  // Judged before any connection is made: these addresses are never contacted.
  it('refuses private, metadata and loopback webhook addresses outside development and test', async () => {
    for (const url of ['https://10.0.0.7/hook', 'https://169.254.169.254/latest', 'https://[::ffff:127.0.0.1]/x', 'http://hooks.acme.example/oort']) {
      await expect(postWebhook(url, '{}', SECRET, 'k', { environment: 'production' })).rejects.toThrow(WebhookDeliveryError);
    }
  });

  it('posts to Slack only at hooks.slack.com outside development and test', async () => {
    await expect(postSlack('https://hooks.slack.com.evil.example/services/T/B/x', '{}', { environment: 'staging' })).rejects.toThrow(/Slack channel refused/);
    await expect(postSlack('https://evil.example/services/T/B/x', '{}', { environment: 'production' })).rejects.toThrow(/Slack channel refused/);
  });
});

// The local stack's notification receivers (workers/local-stack/receivers.ts), fed by the product's own senders:
// a signed detection verifies with the channel's secret, a wrong or missing signature is listed unverified and
// refused, a verified repeat of a webhook-id is not listed twice; the Slack receiver answers like Slack; both list
// newest first at GET / (JSON, or a page for a browser), keep their list in a JSON lines file across a restart,
// and listen on 127.0.0.1 only.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { postSlack, postWebhook, receiverSecret, webhookBody, webhookDigestBody, type DetectionNotice } from '../../notify/webhook.js';
import { generateWebhookSecret } from '../../notify/channels.js';
import { slackDetectionMessage } from '../../notify/slack.js';
import { startSlackReceiver, startWebhookReceiver, type ReceivedSlackMessage, type ReceivedWebhook, type Receiver } from '../../workers/local-stack/receivers.js';

const TO = { environment: 'development' } as const;
const dir = mkdtempSync(join(tmpdir(), 'oort-receivers-'));
const running: Array<Receiver<unknown>> = [];

afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const notice: DetectionNotice = {
  integrationId: 'okta-demo',
  detectionId: 7,
  ruleId: 'okta-password-spray-single-source',
  severity: 'medium',
  title: 'Password spray from one IP address',
  subjectUser: null,
  subjectUserId: null,
  firstEventAt: '2026-11-02T09:15:04.512Z',
  lastEventAt: '2026-11-02T09:41:17.006Z',
  evidenceUuids: ['53100bdf-f039-11f1-a74d-d14552886b56'],
};

async function webhookReceiver(file: string, secret: string) {
  const r = await startWebhookReceiver({ port: 0, file, secrets: () => Promise.resolve([receiverSecret(secret)]) });
  running.push(r as Receiver<unknown>);
  return r;
}

async function list<T>(url: string, accept = 'application/json'): Promise<{ status: number; type: string | null; json: () => T[]; text: string }> {
  const res = await fetch(url, { headers: { accept } });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), text, json: () => (JSON.parse(text) as { received: T[] }).received };
}

describe('the webhook receiver', () => {
  it('verifies what the product signs, lists it newest first, refuses a bad signature and lists a repeat once', async () => {
    const secret = generateWebhookSecret();
    const file = join(dir, 'webhooks.jsonl');
    const r = await webhookReceiver(file, secret);
    expect(r.postUrl).toBe(`http://127.0.0.1:${r.port}/webhook`);
    expect(r.url).toBe(`http://127.0.0.1:${r.port}/`);

    const linked = webhookBody({ ...notice, links: { detection: 'http://127.0.0.1:9465/integrations/okta-demo/detections/7' } });
    await postWebhook(r.postUrl, linked, secret, 'oort-detection-7-channel-1', TO);
    await postWebhook(r.postUrl, linked, secret, 'oort-detection-7-channel-1', TO); // a retry: same id
    const digest = webhookDigestBody('okta-demo', 3, [{ detectionId: 8, ruleId: 'r', severity: 'high', title: 'Admin role granted', subjectUser: 'a@b.example' }]);
    await postWebhook(r.postUrl, digest, secret, 'oort-digest-3-channel-1', TO);
    // Signed with another secret: the product sees the refusal (and would retry); the list shows why.
    await expect(postWebhook(r.postUrl, webhookBody(notice), generateWebhookSecret(), 'oort-detection-9-channel-1', TO)).rejects.toThrow(/answered 401/);

    const shown = await list<ReceivedWebhook>(r.url);
    expect(shown.type).toMatch(/^application\/json/);
    const received = shown.json();
    expect(received.map((x) => [x.webhookId, x.verified, x.type])).toEqual([
      ['oort-detection-9-channel-1', false, 'detection'],
      ['oort-digest-3-channel-1', true, 'digest'],
      ['oort-detection-7-channel-1', true, 'detection'],
    ]);
    expect(received[0].problem).toMatch(/signature/i);
    expect(received[1].digest).toEqual({ count: 1, detections: [{ title: 'Admin role granted', severity: 'high', subjectUser: 'a@b.example' }] });
    expect(received[2].detection).toEqual({ id: 7, ruleId: notice.ruleId, title: notice.title, severity: 'medium', subjectUser: null });
    expect(received[2].link).toBe('http://127.0.0.1:9465/integrations/okta-demo/detections/7');
    expect(received[2]).not.toHaveProperty('body');
    // /received.json adds each payload as received.
    expect((await list<ReceivedWebhook>(`${r.url}received.json`)).json()[2].body).toEqual(JSON.parse(linked));

    const page = await list(r.url, 'text/html,application/xhtml+xml');
    expect(page.type).toMatch(/^text\/html/);
    expect(page.text).toContain('Password spray from one IP address');
    expect(page.text).toMatch(/<td>yes<\/td><td>detection<\/td><td>medium<\/td>/);
    expect(page.text).toContain('<a href="http://127.0.0.1:9465/integrations/okta-demo/detections/7">open</a>');

    // Kept as JSON lines, read back by the next start (oldest line first in the file).
    await r.stop();
    running.length = 0;
    expect(readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as ReceivedWebhook).webhookId)).toEqual([
      'oort-detection-7-channel-1',
      'oort-digest-3-channel-1',
      'oort-detection-9-channel-1',
    ]);
    const again = await webhookReceiver(file, secret);
    expect(again.received().map((x) => x.webhookId)).toEqual(received.map((x) => x.webhookId));
    // Still a repeat after the restart.
    await postWebhook(again.postUrl, webhookBody(notice), secret, 'oort-detection-7-channel-1', TO);
    expect(again.received()).toHaveLength(3);
  });

  it('refuses when no channel points at it, and takes deliveries only at /webhook', async () => {
    const r = await startWebhookReceiver({ port: 0, file: join(dir, 'none.jsonl'), secrets: () => Promise.resolve([]) });
    running.push(r as Receiver<unknown>);
    await expect(postWebhook(r.postUrl, webhookBody(notice), generateWebhookSecret(), 'id-1', TO)).rejects.toThrow(/answered 401/);
    expect(r.received()[0].problem).toMatch(/no webhook channel/);
    expect((await fetch(`${r.url}elsewhere`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(r.postUrl)).status).toBe(405);
  });
});

describe('the Slack receiver', () => {
  it("answers like Slack's incoming webhooks and lists the messages", async () => {
    const r = await startSlackReceiver({ port: 0, file: join(dir, 'slack.jsonl') });
    running.push(r as Receiver<unknown>);
    expect(r.postUrl).toBe(`http://127.0.0.1:${r.port}/services/T0DEMO/B0DEMO/okta-demo`);
    const message = slackDetectionMessage({ ...notice, runbook: 'Check the IP.', clientIp: '203.0.113.9', city: 'Oslo', country: 'Norway', count: 63 });
    await postSlack(r.postUrl, message, TO);

    const post = (path: string, body: string) => fetch(`http://127.0.0.1:${r.port}${path}`, { method: 'POST', body }).then(async (res) => [res.status, await res.text()]);
    expect(await post('/services/T0DEMO/B0DEMO/other', '{"text":"x"}')).toEqual([404, 'no_service']);
    expect(await post('/services/T0DEMO/B0DEMO/okta-demo', 'not json')).toEqual([400, 'invalid_payload']);
    expect(await post('/services/T0DEMO/B0DEMO/okta-demo', '{"unfurl_links":false}')).toEqual([400, 'no_text']);
    expect(await post('/services/T0DEMO/B0DEMO/okta-demo', '{"text":"second"}')).toEqual([200, 'ok']);

    const received = (await list<ReceivedSlackMessage>(r.url)).json();
    expect(received.map((m) => m.text)).toEqual(['second', JSON.parse(message).text]);
    expect(received[1].hook).toBe('/services/T0DEMO/B0DEMO/***');
    expect(received[1].blockTexts.join('\n')).toContain('*Where:* 203.0.113.9 (Oslo, Norway)');
    const page = await list(r.url, 'text/html');
    expect(page.text).toContain('Password spray from one IP address');
    // The hook's token is not shown.
    expect(page.text).toContain('/services/T0DEMO/B0DEMO/***');
    expect(page.text).not.toContain('B0DEMO/okta-demo');
  });

  it('says which variable to change when its port is taken', async () => {
    const first = await startSlackReceiver({ port: 0, file: join(dir, 'a.jsonl') });
    running.push(first as Receiver<unknown>);
    await expect(startSlackReceiver({ port: first.port, file: join(dir, 'b.jsonl') })).rejects.toThrow(
      new RegExp(`Port ${first.port} on 127\\.0\\.0\\.1 is in use: set OORT_SLACK_RECEIVER_PORT`),
    );
  });
});

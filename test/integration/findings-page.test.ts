// The findings pages in a real browser: Debian's Chromium, driven headless by playwright-core, against the
// worker's own findings server after a real hourly run over simulated attacks. The list shows each detection's
// severity, rule and subject; the filter form narrows it; a detection's page shows its evidence events and links
// its run to the Temporal UI; an event field carrying <script> is shown as text and runs nothing; the links in
// the webhook and Slack notices open that page. Chromium comes from scripts/ensure-chromium.sh (apt-get, as root);
// where it cannot be installed the file is skipped with the reason, except in CI, where that is a failure.
// Only loopback traffic: every other request the browser tries is refused and recorded.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildScenario, generateActivity, generateOrg, publishEnvelopes, toEventBridgeEnvelopes, type OktaLogEvent } from '../../simulator/index.js';
import { freeLoopbackPort } from '../../lib/ports.js';
import { createLogger } from '../../lib/logger.js';
import { startFindingsServer, type FindingsServer } from '../../findings/server.js';
import { createWorld, type World } from '../support/world.js';
import { runHourly, streamingIntegration, type StreamingIntegration } from '../support/fixtures.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** What a hostile org puts in its users' names and user agents. */
const HOSTILE = `<script>window.__pwned = 1; alert('pwned')</script><img src=x onerror="window.__pwned = 2">`;

/** Debian's Chromium: installed when missing (root with apt-get, as in CI); otherwise why not. */
async function ensureChromium(): Promise<{ path?: string; why?: string }> {
  try {
    const { stdout } = await promisify(execFile)('sh', ['scripts/ensure-chromium.sh'], {
      cwd: ROOT, env: { ...process.env, CHROMIUM_PATH: CHROMIUM }, timeout: 900_000,
    });
    return { path: stdout.trim().split('\n').pop() };
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    return { why: (e.stderr || e.message).trim() };
  }
}

const started = Date.now();
const browserAt = await ensureChromium();
if (!browserAt.path) {
  if (process.env.CI) throw new Error(`CI runs the findings browser test, but Chromium could not be installed: ${browserAt.why}`);
  const bar = '!'.repeat(100);
  console.warn(`\n${bar}\nSKIPPED test/integration/findings-page.test.ts: no Chromium at ${CHROMIUM} (${browserAt.why})\n${bar}\n`);
} else if (Date.now() - started > 2_000) {
  console.log(`Chromium installed by scripts/ensure-chromium.sh in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

describe.skipIf(!browserAt.path)('the findings pages in Chromium', () => {
  let world: World;
  let webhook: WebhookReceiver;
  let slack: WebhookReceiver;
  let integration: StreamingIntegration;
  let findingsUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];
  const offLoopback: string[] = [];
  let pushUserId: string;

  beforeAll(async () => {
    const t0 = Date.now();
    world = await createWorld({ FINDINGS_PORT: String(await freeLoopbackPort()), TEMPORAL_UI_URL: 'http://127.0.0.1:8233' });
    findingsUrl = (await world.startWorker()).findingsUrl!;
    webhook = await startWebhookReceiver();
    slack = await startWebhookReceiver({ slack: true });
    integration = await streamingIntegration(world, {
      oktaDomain: 'http://127.0.0.1:9',
      oktaOrg: 'initech',
      apiToken: 'ssws-unused-here',
      webhook: { url: webhook.url, secret: 'whsec-initech-findings' },
      slack: { webhookUrl: `${slack.url}/services/T0FIND/B0OORT/s3cr3t`, minSeverity: 'high' },
      digestAfter: 1000,
    });
    const org = generateOrg({ seed: 'findings-page', users: 40, orgName: 'initech', logStream: false });
    const day = new Date(Date.now() - 30 * 3_600_000);
    const at = (h: number) => new Date(day.getTime() + h * 3_600_000);
    const benign = generateActivity(org, { seed: 'findings-page', start: day, end: at(24) }).slice(0, 600);
    const push = buildScenario(org, 'mfaPushBombing', { seed: 2, at: at(10) });
    pushUserId = push.subjects.userId;
    // The victim's name and the attacker's user agent, as a hostile org would send them.
    const hostile = push.events.map((e): OktaLogEvent => ({
      ...e,
      actor: { ...e.actor, displayName: HOSTILE },
      client: { ...e.client, userAgent: e.client.userAgent ? { ...e.client.userAgent, rawUserAgent: HOSTILE } : e.client.userAgent },
    }));
    const attacks = [
      ...hostile,
      ...buildScenario(org, 'passwordSpray', { seed: 1, at: at(8) }).events,
      ...buildScenario(org, 'adminRoleGranted', { seed: 3, at: at(12) }).events,
      ...buildScenario(org, 'twoCountriesWithinHour', { seed: 4, at: at(16) }).events,
    ];
    const envelopes = toEventBridgeEnvelopes([...benign, ...attacks], integration.destination, 'findings-page');
    expect((await publishEnvelopes(world.sqs, integration.queueUrl, envelopes.map((e) => JSON.stringify(e)), { concurrency: 8 })).failed).toEqual([]);
    await runHourly(world, integration.integrationId);

    browser = await chromium.launch({ executablePath: browserAt.path, headless: true });
    context = await browser.newContext();
    await context.route('**/*', (route) => {
      const host = new URL(route.request().url()).hostname;
      if (host === '127.0.0.1' || host === 'localhost' || host === '[::1]') return route.continue();
      offLoopback.push(route.request().url());
      return route.abort();
    });
    page = await context.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    console.log(`findings browser test: stack, hourly run and Chromium ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });

  afterAll(async () => {
    await browser?.close();
    await slack?.close();
    await webhook?.close();
    await world?.close();
    console.log(`findings browser test: ${((Date.now() - started) / 1000).toFixed(1)} s in all (Chromium check or install included)`);
  });

  /** FINDINGS_SCREENSHOTS=<dir> keeps a picture of each page, to look at. */
  async function shot(name: string) {
    if (process.env.FINDINGS_SCREENSHOTS) await page.screenshot({ path: `${process.env.FINDINGS_SCREENSHOTS}/${name}.png`, fullPage: true });
  }

  const listUrl = () => `${findingsUrl}/integrations/${integration.integrationId}/detections`;

  async function tableRows() {
    return page.$$eval('#detections tbody tr', (rows) =>
      rows.map((r) => ({
        id: Number(r.getAttribute('data-detection-id')),
        severity: r.querySelector('[data-severity]')!.getAttribute('data-severity'),
        rule: r.querySelector('code.rule')!.textContent,
        subject: r.querySelector('td.subject')!.textContent!.trim(),
      })),
    );
  }

  async function dbDetections(where = world.db.$client``) {
    return world.db.$client<{ id: number; severity: string; rule: string; subject: string | null }[]>`
      select id::int, severity::text, rule_id as rule, coalesce(subject_user, subject_user_id) as subject from detections
      where integration_id = ${integration.integrationId} ${where} order by last_event_at desc, id desc`;
  }

  it('lists every detection with its severity, rule and subject', async () => {
    const res = await page.goto(listUrl());
    expect(res!.status()).toBe(200);
    expect(res!.headers()['content-security-policy']).toMatch(/default-src 'none'/);
    const expected = await dbDetections();
    expect(expected.length).toBeGreaterThanOrEqual(4);
    const rows = await tableRows();
    expect(rows).toEqual(expected.map((d) => ({ id: d.id, severity: d.severity, rule: d.rule, subject: d.subject ?? '—' })));
    const rules = rows.map((r) => r.rule);
    for (const rule of ['okta-mfa-push-bombing', 'okta-password-spray-single-source', 'okta-admin-role-granted-user', 'okta-impossible-travel']) {
      expect(rules, rule).toContain(rule);
    }
    expect(await page.textContent('#summary')).toContain(`${expected.length} detection`);
    await shot('list');
  });

  it('filters through the form: severity and above, rule, subject text', async () => {
    await page.goto(listUrl());
    await page.selectOption('select[name=severity]', 'high');
    await Promise.all([page.waitForURL(/severity=high/), page.click('form.filters button[type=submit]')]);
    const high = await dbDetections(world.db.$client`and severity in ('high', 'critical')`);
    expect(high.length).toBeGreaterThan(0);
    expect((await tableRows()).map((r) => r.id)).toEqual(high.map((d) => d.id));

    const [{ login }] = await world.db.$client<{ login: string }[]>`
      select subject_user as login from detections where integration_id = ${integration.integrationId} and subject_user_id = ${pushUserId} limit 1`;
    await page.selectOption('select[name=severity]', '');
    await page.selectOption('select[name=rule]', 'okta-mfa-push-bombing');
    await page.fill('input[name=q]', login.slice(0, 5).toUpperCase());
    await Promise.all([page.waitForURL(/rule=okta-mfa-push-bombing/), page.click('form.filters button[type=submit]')]);
    const rows = await tableRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ rule: 'okta-mfa-push-bombing', subject: login });
    expect(await page.inputValue('input[name=q]')).toBe(login.slice(0, 5).toUpperCase());
    await shot('filtered');
  });

  it("opens a detection: its evidence events, shown as text, and its run's Temporal workflow", async () => {
    await page.goto(`${listUrl()}?rule=okta-mfa-push-bombing`);
    await Promise.all([page.waitForURL(/\/detections\/\d+$/), page.click('#detections tbody tr a')]);
    const [d] = await world.db.$client<{ id: number; evidence: string[]; workflow_id: string; workflow_run_id: string }[]>`
      select d.id::int, d.evidence_uuids as evidence, r.workflow_id, r.workflow_run_id
      from detections d join ingest_runs r on r.id = d.ingest_run_id
      where d.integration_id = ${integration.integrationId} and d.rule_id = 'okta-mfa-push-bombing'`;
    expect(page.url()).toBe(`${listUrl()}/${d.id}`);
    const evidence = await page.$$eval('#evidence tbody tr', (rows) => rows.map((r) => ({ uuid: r.getAttribute('data-uuid'), cells: [...r.querySelectorAll('td')].map((c) => c.textContent!.trim()) })));
    expect(evidence.map((e) => e.uuid).sort()).toEqual([...d.evidence].sort());
    const types = await world.db.$client<{ uuid: string; event_type: string }[]>`
      select uuid, event_type from events where integration_id = ${integration.integrationId} and uuid = any(${d.evidence})`;
    for (const t of types) expect(evidence.find((e) => e.uuid === t.uuid)!.cells[1].startsWith(t.event_type)).toBe(true);
    // The hostile name and user agent are on the page as text, and nothing of them ran.
    expect(evidence[0].cells[2]).toContain(HOSTILE);
    expect(evidence[0].cells[6]).toBe(HOSTILE);
    // (A string, so the test needs no DOM types: it runs in the page.)
    expect(await page.evaluate('({ pwned: window.__pwned ?? null, scripts: document.scripts.length, images: document.images.length })')).toEqual({ pwned: null, scripts: 0, images: 0 });
    expect(dialogs).toEqual([]);
    const href = await page.getAttribute('#run a.run', 'href');
    expect(href).toBe(`http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(d.workflow_id)}/${d.workflow_run_id}`);
    expect(await page.textContent('#deliveries')).toContain('sent');
    await shot('detection');
  });

  it('answers an unknown integration or detection 404 and a bad parameter 400, as pages', async () => {
    expect((await page.goto(`${findingsUrl}/integrations/nope/detections`))!.status()).toBe(404);
    expect((await page.goto(`${listUrl()}/999999999`))!.status()).toBe(404);
    const bad = await page.goto(`${listUrl()}?severity=%3Cscript%3Ealert(1)%3C/script%3E`);
    expect(bad!.status()).toBe(400);
    expect(await page.textContent('#error')).toContain('<script>alert(1)</script>');
    expect(dialogs).toEqual([]);
    expect((await fetch(`${findingsUrl}/integrations/%E0%A4%A/detections`)).status).toBe(400);
    expect((await fetch(`${listUrl()}?limit=100000`)).status).toBe(400);
    expect((await fetch(`${findingsUrl}/etc/passwd`)).status).toBe(404);
    const head = await fetch(listUrl(), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('the webhook and Slack notices link to the detection page', async () => {
    const bodies = webhook.deliveries.map((x) => JSON.parse(x.body) as { detection_id: number; links?: { detection: string } });
    expect(bodies.length).toBeGreaterThan(0);
    for (const b of bodies) expect(b.links).toEqual({ detection: `${listUrl()}/${b.detection_id}` });
    const res = await page.goto(bodies[0].links!.detection);
    expect(res!.status()).toBe(200);
    expect(await page.textContent('h1')).toBeTruthy();
    expect(slack.deliveries.length).toBeGreaterThan(0);
    for (const m of slack.deliveries) expect(m.body).toMatch(new RegExp(`<${listUrl().replace(/[.?]/g, '\\$&')}/\\d+\\|View in oort-okta>`));
  });

  it('with FINDINGS_TOKEN: 401 without it, the page with it (Basic in the browser, Bearer for a proxy); GET only', async () => {
    const token = 'findings-token-0123456789abcdef';
    const server: FindingsServer = await startFindingsServer({
      databaseUrl: world.config.DATABASE_URL, host: '127.0.0.1', port: 0, token, namespace: 'default', log: createLogger('silent'),
    });
    try {
      const url = `${server.url}/integrations/${integration.integrationId}/detections`;
      // (Headless Chromium turns a 401 with no credentials to give into a navigation error, so this one is asked directly.)
      const anonymous = await fetch(url);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      const signedIn = await browser.newContext({ httpCredentials: { username: 'ops', password: token } });
      const p = await signedIn.newPage();
      expect((await p.goto(url))!.status()).toBe(200);
      expect(await p.locator('#detections tbody tr').count()).toBeGreaterThan(0);
      await signedIn.close();
      expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
      expect((await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status).toBe(405);
    } finally {
      await server.close();
    }
    await expect(startFindingsServer({ databaseUrl: world.config.DATABASE_URL, host: '0.0.0.0', port: 0, namespace: 'default', log: createLogger('silent') }))
      .rejects.toThrow(/FINDINGS_TOKEN/);
  });

  it('sent nothing beyond loopback', () => {
    expect(offLoopback).toEqual([]);
  });
});

// The findings pages' pure parts: escaping (every value is hostile Okta or tenant data), the list and
// detection pages, the links (to the pages and to the Temporal UI), the query parameters and the token.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { escapeHtml, html, raw, safeHref } from '../../findings/html.js';
import { CONTENT_SECURITY_POLICY, STYLE_HASH } from '../../findings/layout.js';
import { basePath, detectionUrl, findingsBaseUrl, temporalWorkflowUrl } from '../../findings/links.js';
import { BadRequest, parseDetectionId, parseListQuery } from '../../findings/params.js';
import { likePattern, type FindingDetail, type FindingRow } from '../../findings/queries.js';
import { destination, renderDetail, targetLines } from '../../findings/render-detail.js';
import { renderList, type LinkContext } from '../../findings/render-list.js';
import { presentedToken } from '../../findings/server.js';

const HOSTILE = `<script>alert("x")</script><img src=x onerror=alert(1)>`;
const ctx: LinkContext = { prefix: '', temporalUiUrl: 'http://127.0.0.1:8233', namespace: 'default' };
const integration = { id: 'okta-1a2b', tenantId: 'globex', name: 'Globex <Okta>', status: 'streaming' };
const run = { id: 12, kind: 'hourly', status: 'completed', workflowId: 'okta-hourly:okta-1a2b-2026-11-03T10:00:00Z', workflowRunId: '0195-run', startedAt: new Date('2026-11-03T10:00:00Z') };
const row: FindingRow = {
  id: 41,
  ruleId: 'okta-password-spray-single-source',
  severity: 'high',
  title: 'Password spray from one IP',
  subjectUser: HOSTILE,
  subjectUserId: '00u1',
  count: 30,
  firstEventAt: new Date('2026-11-03T10:00:04Z'),
  lastEventAt: new Date('2026-11-03T10:09:00Z'),
  run,
};

/** No markup of the page's own may come from data: the only tags are ours, and no script at all. */
function expectInert(page: string) {
  expect(page).not.toMatch(/<script/i);
  expect(page).not.toMatch(/<img/i);
  expect(page).toContain(escapeHtml(HOSTILE));
}

describe('escaping', () => {
  it('escapes the five HTML characters, and values in the html tag', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const v = `"><script>`;
    expect(html`<input value="${v}">`.value).toBe('<input value="&quot;&gt;&lt;script&gt;">');
  });

  it('keeps nested fragments and arrays of them, drops null/undefined/false, escapes the rest', () => {
    const items = ['<b>', 'c'].map((s) => html`<li>${s}</li>`);
    expect(html`<ul>${items}</ul>${null}${undefined}${false}${0}`.value).toBe('<ul><li>&lt;b&gt;</li><li>c</li></ul>0');
    expect(html`${raw('<hr>')}`.value).toBe('<hr>');
  });

  it('allows only http(s) and same-site paths as hrefs', () => {
    expect(safeHref('javascript:alert(1)')).toBe('#');
    expect(safeHref('JaVaScRiPt:alert(1)')).toBe('#');
    expect(safeHref('data:text/html,<script>')).toBe('#');
    expect(safeHref('//evil.example/x')).toBe('#');
    expect(safeHref('/integrations/a/detections')).toBe('/integrations/a/detections');
    expect(safeHref('https://ui.example/namespaces/d')).toBe('https://ui.example/namespaces/d');
  });
});

describe('the detection list', () => {
  const page = renderList({ integration, rows: [row], total: 120, page: 2, limit: 50, given: { severity: 'high', q: `"><script>` }, ruleIds: ['okta-password-spray-single-source'] }, ctx);

  it('shows severity, rule id and title, subject, first/last seen and count, as text', () => {
    expect(page).toContain('data-severity="high"');
    expect(page).toContain('<code class="rule">okta-password-spray-single-source</code>');
    expect(page).toContain('href="/integrations/okta-1a2b/detections/41">Password spray from one IP</a>');
    expect(page).toContain('<time datetime="2026-11-03T10:00:04.000Z">2026-11-03 10:00:04 UTC</time>');
    expect(page).toContain('<td class="num">30</td>');
    expect(page).toContain('Globex &lt;Okta&gt;');
    expectInert(page);
  });

  it('links the run to its workflow execution in the Temporal UI', () => {
    expect(page).toContain('href="http://127.0.0.1:8233/namespaces/default/workflows/okta-hourly%3Aokta-1a2b-2026-11-03T10%3A00%3A00Z/0195-run"');
    expect(page).toContain('#12 hourly');
  });

  it('keeps the filters in the form (escaped) and in the paging links', () => {
    expect(page).toContain('<option value="high" selected>high</option>');
    expect(page).toContain('value="&quot;&gt;&lt;script&gt;"');
    expect(page).toContain('showing 51–51');
    expect(page).toContain('page 2 of 3');
    expect(page).toContain('href="/integrations/okta-1a2b/detections?severity=high&amp;q=%22%3E%3Cscript%3E"');
    expect(page).toContain('href="/integrations/okta-1a2b/detections?severity=high&amp;q=%22%3E%3Cscript%3E&amp;page=3"');
  });

  it('says when nothing matches', () => {
    expect(renderList({ integration, rows: [], total: 0, page: 1, limit: 50, given: { rule: 'x' }, ruleIds: [] }, ctx)).toContain('No detections match these filters.');
    expect(renderList({ integration, rows: [], total: 0, page: 1, limit: 50, given: {}, ruleIds: [] }, ctx)).toContain('No detections yet');
  });
});

describe('a detection', () => {
  const detail: FindingDetail = {
    ...row,
    integrationId: integration.id,
    dedupeKey: 'ip:203.0.113.7',
    tactics: ['TA0006'],
    techniques: ['T1110.003'],
    runbook: 'Block the IP; reset the users who signed in.',
    createdAt: new Date('2026-11-03T11:00:00Z'),
    evidenceUuids: ['u1', 'u2', 'u3'],
    evidence: [
      {
        uuid: 'u1',
        published: new Date('2026-11-03T10:00:04Z'),
        eventType: 'user.session.start',
        severity: 'INFO',
        displayMessage: HOSTILE,
        actorAlternateId: 'dana@globex.example',
        actorDisplayName: HOSTILE,
        actorType: 'User',
        targets: [{ type: 'AppInstance', displayName: HOSTILE, alternateId: 'app' }, 'junk', null],
        outcomeResult: 'FAILURE',
        outcomeReason: 'INVALID_CREDENTIALS',
        clientIp: '203.0.113.7',
        city: 'Lagos',
        state: null,
        country: 'Nigeria',
        userAgent: HOSTILE,
      },
    ],
    deliveries: [{ channelId: 1, channel: 'webhook', url: 'https://hooks.globex.example/oort?token=abc', status: 'sent', attempts: 2, lastError: null, sentAt: new Date('2026-11-03T11:00:05Z'), digestId: null }],
  };
  const page = renderDetail(integration, detail, ctx);

  it('shows the evidence events as text: time, type, actor, target, client and place, outcome', () => {
    expectInert(page);
    expect(page).toContain('<code>user.session.start</code>');
    expect(page).toContain('dana@globex.example');
    expect(page).toContain('AppInstance: &lt;script&gt;');
    expect(page).toContain('203.0.113.7<br><span class="muted">Lagos, Nigeria</span>');
    expect(page).toContain('FAILURE<br><span class="muted">INVALID_CREDENTIALS</span>');
    expect(page).toContain('1 of 3 evidence events shown; 2 no longer stored.');
  });

  it('links the run to Temporal and lists the deliveries without the receiver URL query', () => {
    expect(page).toContain('href="http://127.0.0.1:8233/namespaces/default/workflows/okta-hourly%3Aokta-1a2b-2026-11-03T10%3A00%3A00Z/0195-run"');
    expect(page).toContain('https://hooks.globex.example/oort</td>');
    expect(page).not.toContain('token=abc');
    expect(destination('not a url')).toBe('not a url');
  });

  it('reads targets defensively', () => {
    expect(targetLines(undefined)).toEqual([]);
    expect(targetLines([{ type: 'User', displayName: 'Dana', alternateId: 'dana@x' }, { id: '00u2' }, 7])).toEqual(['User: Dana (dana@x)', '00u2', '?']);
    expect(targetLines(Array.from({ length: 12 }, () => ({ alternateId: 'a' })))).toHaveLength(11);
  });
});

describe('the pages\' policy', () => {
  it('allows no script, and exactly the one stylesheet the pages carry', () => {
    const page = renderList({ integration, rows: [], total: 0, page: 1, limit: 50, given: {}, ruleIds: [] }, ctx);
    const style = /<style>([\s\S]*)<\/style>/.exec(page)![1];
    expect(STYLE_HASH).toBe(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(CONTENT_SECURITY_POLICY).toMatch(/default-src 'none'/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src|unsafe/);
  });
});

describe('links', () => {
  it('defaults the base URL to the listener, a wildcard host shown as loopback', () => {
    expect(findingsBaseUrl({ FINDINGS_PORT: 9465, FINDINGS_HOST: '127.0.0.1' })).toBe('http://127.0.0.1:9465');
    expect(findingsBaseUrl({ FINDINGS_PORT: 9465, FINDINGS_HOST: '0.0.0.0' })).toBe('http://127.0.0.1:9465');
    expect(findingsBaseUrl({ FINDINGS_PORT: 9465, FINDINGS_HOST: '::1' })).toBe('http://[::1]:9465');
    expect(findingsBaseUrl({ FINDINGS_PORT: 0, FINDINGS_HOST: '127.0.0.1' })).toBeUndefined();
    expect(findingsBaseUrl({ FINDINGS_PORT: 0, FINDINGS_HOST: '127.0.0.1', FINDINGS_BASE_URL: 'https://oort.example/findings/' })).toBe('https://oort.example/findings');
  });

  it('builds detection and Temporal UI addresses', () => {
    expect(detectionUrl('https://oort.example/findings', 'okta-1a2b', 41)).toBe('https://oort.example/findings/integrations/okta-1a2b/detections/41');
    expect(detectionUrl(undefined, 'okta-1a2b', 41)).toBeUndefined();
    expect(basePath('https://oort.example/findings/')).toBe('/findings');
    expect(basePath('http://127.0.0.1:9465')).toBe('');
    expect(temporalWorkflowUrl('https://cloud.example/', 'prod.acct', 'wf/1', 'r1')).toBe('https://cloud.example/namespaces/prod.acct/workflows/wf%2F1/r1');
    expect(temporalWorkflowUrl(undefined, 'default', 'wf', 'r')).toBeUndefined();
  });
});

describe('query parameters', () => {
  const now = new Date('2026-11-04T00:00:00Z');
  const parse = (q: string) => parseListQuery(new URLSearchParams(q), now);

  it('reads the filters; empty fields mean no filter', () => {
    expect(parse('severity=high&rule=r1&since=24h&q=dana&page=2&limit=20').filter).toEqual({
      minSeverity: 'high', ruleId: 'r1', since: new Date('2026-11-03T00:00:00Z'), subject: 'dana', page: 2, limit: 20,
    });
    expect(parse('severity=&rule=&since=&q=').filter).toEqual({ minSeverity: undefined, ruleId: undefined, since: undefined, subject: undefined, page: 1, limit: 50 });
    expect(parse('since=2026-11-03&q=x').given).toEqual({ since: '2026-11-03', q: 'x' });
  });

  it.each([
    ['severity=urgent', /severity/],
    ['since=yesterday', /since/],
    ['page=0', /page/],
    ['page=1001', /page/],
    ['limit=500', /limit/],
    ['limit=-1', /limit/],
    ['q=a&q=b', /given 2 times/],
    ['order=asc', /unknown parameter "order"/],
    [`q=${'a'.repeat(201)}`, /longer than 200/],
    ['q=%00', /control/],
  ])('refuses %s', (q, message) => {
    expect(() => parse(q)).toThrow(BadRequest);
    expect(() => parse(q)).toThrow(message);
  });

  it('takes detection ids that fit a bigint only', () => {
    expect(parseDetectionId('41')).toBe(41);
    for (const bad of ['0', '-1', '1e3', 'abc', '9'.repeat(16)]) expect(() => parseDetectionId(bad)).toThrow(BadRequest);
  });

  it('searches for % and _ literally', () => {
    expect(likePattern('50%_a\\')).toBe('%50\\%\\_a\\\\%');
  });
});

describe('the token', () => {
  it('is read from a Bearer or a Basic password', () => {
    expect(presentedToken('Bearer abc')).toBe('abc');
    expect(presentedToken(`Basic ${Buffer.from('ops:s3cr:et').toString('base64')}`)).toBe('s3cr:et');
    expect(presentedToken('Digest x')).toBeUndefined();
    expect(presentedToken(undefined)).toBeUndefined();
  });
});

// The integrations index and an integration's detection list: filters as a GET form, one table row per
// detection (severity, rule, subject, first/last seen, count, the run with its Temporal workflow), paging
// links that keep the filters. Pure: data in, HTML out.
import { SEVERITIES } from '../detections/index.js';
import { html, safeHref, type Html } from './html.js';
import { orDash, page, severityBadge, when } from './layout.js';
import { detectionPath, detectionsPath, temporalWorkflowUrl } from './links.js';
import type { FindingRow, IntegrationHeader, RunRef } from './queries.js';

/** Where the pages link to: their path prefix, and the Temporal UI with the worker's namespace. */
export interface LinkContext {
  prefix: string;
  temporalUiUrl?: string;
  namespace: string;
}

export function home(ctx: LinkContext): string {
  return `${ctx.prefix}/`;
}

/** A run as `#12 hourly`, linked to its workflow execution in the Temporal UI when there is one. */
export function runLink(run: RunRef | null, ctx: LinkContext): Html {
  if (!run) return html`<span class="muted">—</span>`;
  const label = `#${run.id} ${run.kind}`;
  const url = temporalWorkflowUrl(ctx.temporalUiUrl, ctx.namespace, run.workflowId, run.workflowRunId);
  if (!url) return html`<span title="${run.workflowId}">${label}</span>`;
  return html`<a class="run" href="${safeHref(url)}" title="${run.workflowId} (Temporal UI)" rel="noopener noreferrer" target="_blank">${label}</a>`;
}

export function renderIndex(integrations: IntegrationHeader[], ctx: LinkContext): string {
  const rows = integrations.map(
    (i) => html`<tr><td><a href="${detectionsPath(ctx.prefix, i.id)}">${i.name}</a></td><td class="mono">${i.id}</td><td>${i.tenantId}</td><td>${i.status}</td></tr>`,
  );
  return page({
    title: 'Integrations',
    home: home(ctx),
    body: html`<h1>Integrations</h1>
${integrations.length
  ? html`<table id="integrations"><thead><tr><th>Name</th><th>Integration</th><th>Tenant</th><th>Status</th></tr></thead><tbody>${rows}</tbody></table>`
  : html`<p class="muted">No integrations.</p>`}`,
  });
}

export interface ListPageData {
  integration: IntegrationHeader;
  rows: FindingRow[];
  total: number;
  page: number;
  limit: number;
  /** The filters as given (non-empty, normalised). */
  given: Record<string, string>;
  ruleIds: string[];
}

function option(value: string, label: string, selected: boolean): Html {
  return html`<option value="${value}"${selected ? html` selected` : ''}>${label}</option>`;
}

function filterForm(d: ListPageData, ctx: LinkContext): Html {
  const g = d.given;
  const rules = g.rule && !d.ruleIds.includes(g.rule) ? [g.rule, ...d.ruleIds] : d.ruleIds;
  return html`<form class="filters" method="get" action="${detectionsPath(ctx.prefix, d.integration.id)}">
<label>Severity (and above)<select name="severity">${option('', 'any', !g.severity)}${[...SEVERITIES].reverse().map((s) => option(s, s, g.severity === s))}</select></label>
<label>Rule<select name="rule">${option('', 'any', !g.rule)}${rules.map((r) => option(r, r, g.rule === r))}</select></label>
<label>Last event since<input name="since" value="${g.since ?? ''}" placeholder="24h, 7d, 2026-11-03" size="16"></label>
<label>Subject contains<input name="q" type="search" value="${g.q ?? ''}" placeholder="login or user id" size="24"></label>
${g.limit ? html`<input type="hidden" name="limit" value="${g.limit}">` : ''}
<button type="submit">Filter</button>
<a href="${detectionsPath(ctx.prefix, d.integration.id)}">Clear</a>
</form>`;
}

function row(r: FindingRow, integrationId: string, ctx: LinkContext): Html {
  return html`<tr data-detection-id="${r.id}">
<td>${severityBadge(r.severity)}</td>
<td><a href="${detectionPath(ctx.prefix, integrationId, r.id)}">${r.title}</a><br><code class="rule">${r.ruleId}</code></td>
<td class="subject">${orDash(r.subjectUser ?? r.subjectUserId)}</td>
<td>${when(r.firstEventAt)}</td>
<td>${when(r.lastEventAt)}</td>
<td class="num">${r.count}</td>
<td>${runLink(r.run, ctx)}</td>
</tr>`;
}

function pager(d: ListPageData, ctx: LinkContext): Html {
  const pages = Math.max(1, Math.ceil(d.total / d.limit));
  const link = (p: number, label: string, rel: string) => {
    const q = new URLSearchParams(d.given);
    if (p > 1) q.set('page', String(p));
    return html`<a rel="${rel}" href="${detectionsPath(ctx.prefix, d.integration.id, q)}">${label}</a>`;
  };
  return html`<nav class="pages">
${d.page > 1 ? link(d.page - 1, '← Newer', 'prev') : ''}
<span class="muted">page ${d.page} of ${pages}</span>
${d.page < pages ? link(d.page + 1, 'Older →', 'next') : ''}
</nav>`;
}

export function renderList(d: ListPageData, ctx: LinkContext): string {
  const first = (d.page - 1) * d.limit + 1;
  const filtered = Object.keys(d.given).some((k) => k !== 'limit');
  const summary = d.total === 0
    ? filtered ? 'No detections match these filters.' : 'No detections yet: the hourly run lists what it finds here.'
    : d.rows.length === 0
      ? `${d.total} detection${d.total === 1 ? '' : 's'} match; this page is past the last one.`
      : `${d.total} detection${d.total === 1 ? '' : 's'} match; showing ${first}–${first + d.rows.length - 1}.`;
  return page({
    title: `Detections of ${d.integration.name}`,
    home: home(ctx),
    body: html`<h1>Detections of ${d.integration.name} <span class="muted mono">${d.integration.id}</span></h1>
<p class="muted">Tenant ${d.integration.tenantId} · status ${d.integration.status}</p>
${filterForm(d, ctx)}
<p id="summary">${summary}</p>
${d.rows.length
  ? html`<table id="detections"><thead><tr><th>Severity</th><th>Rule</th><th>Subject</th><th>First seen</th><th>Last seen</th><th>Events</th><th>Run</th></tr></thead>
<tbody>${d.rows.map((r) => row(r, d.integration.id, ctx))}</tbody></table>`
  : ''}
${pager(d, ctx)}`,
  });
}

// One detection's page: what, who, when, the run that found it (linked to its Temporal workflow), ATT&CK and
// runbook, the evidence events (time, type, actor, targets, client IP and place, outcome, user agent) and the
// notification deliveries. Pure: data in, HTML out. Every value is Okta or tenant data, shown as text.
import { html, type Html } from './html.js';
import { orDash, page, severityBadge, when } from './layout.js';
import { detectionsPath } from './links.js';
import { EVIDENCE_LIMIT, type Delivery, type EvidenceEvent, type FindingDetail, type IntegrationHeader } from './queries.js';
import { home, runLink, type LinkContext } from './render-list.js';

/** Targets shown per event at most. */
const TARGETS_SHOWN = 10;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** An event's `target` array as `Type: Display name (alternateId)` lines; anything else in the JSON is ignored. */
export function targetLines(targets: unknown): string[] {
  if (!Array.isArray(targets)) return [];
  const lines = targets.slice(0, TARGETS_SHOWN).map((t: unknown) => {
    const o = (t && typeof t === 'object' ? t : {}) as Record<string, unknown>;
    const name = str(o.displayName);
    const id = str(o.alternateId) ?? str(o.id);
    const label = name && id && name !== id ? `${name} (${id})` : (name ?? id ?? '?');
    return str(o.type) ? `${str(o.type)}: ${label}` : label;
  });
  if (targets.length > TARGETS_SHOWN) lines.push(`…and ${targets.length - TARGETS_SHOWN} more`);
  return lines;
}

function lines(items: string[]): Html {
  return items.length ? html`${items.map((l, i) => html`${i ? html`<br>` : ''}${l}`)}` : html`<span class="muted">—</span>`;
}

function actor(e: EvidenceEvent): Html {
  const name = e.actorDisplayName && e.actorDisplayName !== e.actorAlternateId ? e.actorDisplayName : undefined;
  return html`${name ? html`${name}<br>` : ''}${orDash(e.actorAlternateId)}${e.actorType ? html` <span class="muted">${e.actorType}</span>` : ''}`;
}

function place(e: EvidenceEvent): Html {
  const where = [e.city, e.state, e.country].filter(Boolean).join(', ');
  return html`${orDash(e.clientIp)}${where ? html`<br><span class="muted">${where}</span>` : ''}`;
}

function evidenceRow(e: EvidenceEvent): Html {
  return html`<tr data-uuid="${e.uuid}">
<td>${when(e.published)}</td>
<td><code>${e.eventType}</code>${e.displayMessage ? html`<br>${e.displayMessage}` : ''}</td>
<td class="actor">${actor(e)}</td>
<td class="target">${lines(targetLines(e.targets))}</td>
<td>${place(e)}</td>
<td>${orDash(e.outcomeResult)}${e.outcomeReason ? html`<br><span class="muted">${e.outcomeReason}</span>` : ''}</td>
<td class="mono">${orDash(e.userAgent)}</td>
</tr>`;
}

/** A channel's destination without its query string (which may carry a receiver's token). */
export function destination(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url;
  }
}

function deliveryRow(n: Delivery): Html {
  return html`<tr>
<td>${n.channel}</td>
<td class="mono">${destination(n.url)}</td>
<td>${n.status}</td>
<td class="num">${n.attempts}</td>
<td>${when(n.sentAt)}</td>
<td>${orDash(n.digestId === null ? null : `digest #${n.digestId}`)}</td>
<td>${orDash(n.lastError)}</td>
</tr>`;
}

function evidenceNote(d: FindingDetail): string {
  const listed = Math.min(d.evidenceUuids.length, EVIDENCE_LIMIT);
  const parts = [`${d.evidence.length} of ${d.evidenceUuids.length} evidence event${d.evidenceUuids.length === 1 ? '' : 's'} shown`];
  if (d.evidenceUuids.length > EVIDENCE_LIMIT) parts.push(`the first ${EVIDENCE_LIMIT} are read`);
  if (d.evidence.length < listed) parts.push(`${listed - d.evidence.length} no longer stored`);
  return `${parts.join('; ')}.`;
}

export function renderDetail(integration: IntegrationHeader, d: FindingDetail, ctx: LinkContext): string {
  const attack = [...d.tactics, ...d.techniques];
  return page({
    title: `Detection ${d.id}: ${d.title}`,
    home: home(ctx),
    body: html`<p><a id="back" href="${detectionsPath(ctx.prefix, integration.id)}">← Detections of ${integration.name}</a></p>
<h1>${severityBadge(d.severity)} ${d.title}</h1>
<dl class="facts">
<dt>Detection</dt><dd>#${d.id}</dd>
<dt>Rule</dt><dd><code class="rule">${d.ruleId}</code></dd>
<dt>Subject</dt><dd class="subject">${orDash(d.subjectUser)}${d.subjectUserId ? html` <span class="mono muted">${d.subjectUserId}</span>` : ''}</dd>
<dt>Events</dt><dd>${d.count}, ${when(d.firstEventAt)} … ${when(d.lastEventAt)}</dd>
<dt>Detected</dt><dd>${when(d.createdAt)}</dd>
<dt>Run</dt><dd id="run">${runLink(d.run, ctx)}${d.run ? html` <span class="mono muted">${d.run.workflowId}</span>` : ''}</dd>
<dt>ATT&amp;CK</dt><dd>${orDash(attack.join(', '))}</dd>
<dt>Runbook</dt><dd>${orDash(d.runbook)}</dd>
<dt>Dedupe key</dt><dd class="mono">${d.dedupeKey}</dd>
</dl>
<h2>Evidence</h2>
<p class="muted">${evidenceNote(d)}</p>
${d.evidence.length
  ? html`<table id="evidence"><thead><tr><th>Time</th><th>Event</th><th>Actor</th><th>Target</th><th>Client</th><th>Outcome</th><th>User agent</th></tr></thead>
<tbody>${d.evidence.map(evidenceRow)}</tbody></table>`
  : ''}
<h2>Notifications</h2>
${d.deliveries.length
  ? html`<table id="deliveries"><thead><tr><th>Channel</th><th>Destination</th><th>Status</th><th>Attempts</th><th>Sent</th><th>Digest</th><th>Last error</th></tr></thead>
<tbody>${d.deliveries.map(deliveryRow)}</tbody></table>`
  : html`<p class="muted">None yet (the hourly run sends them after detecting).</p>`}`,
  });
}

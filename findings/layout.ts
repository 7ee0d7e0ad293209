// The findings pages' shell: one stylesheet (inline, allowed by its hash in the Content-Security-Policy, so
// no inline script or other style can run), the header, and small shared pieces. Pure.
import { createHash } from 'node:crypto';
import { html, raw, type Html } from './html.js';

const STYLE = `
:root { font-family: system-ui, sans-serif; font-size: 14px; color: #1b1f24; background: #fff; }
body { margin: 0; }
header { background: #14213d; color: #fff; padding: 8px 16px; }
header a { color: #fff; text-decoration: none; font-weight: 600; }
main { padding: 12px 16px; }
h1 { font-size: 20px; margin: 8px 0 12px; }
h2 { font-size: 16px; margin: 20px 0 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid #d8dee4; }
th { background: #f3f5f7; font-weight: 600; }
td.num { text-align: right; }
time, a.run { white-space: nowrap; }
code, .mono { font-family: ui-monospace, monospace; font-size: 12px; word-break: break-all; }
.sev { display: inline-block; min-width: 56px; padding: 1px 6px; border-radius: 3px; font-size: 12px; font-weight: 600; text-transform: uppercase; text-align: center; }
.sev-critical { background: #8b0000; color: #fff; } .sev-high { background: #d9480f; color: #fff; }
.sev-medium { background: #f2c94c; } .sev-low { background: #a5d8ff; } .sev-info { background: #e9ecef; }
form.filters { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: end; margin-bottom: 12px; }
form.filters label { display: flex; flex-direction: column; font-size: 12px; color: #57606a; }
.muted { color: #57606a; } .error { color: #b42318; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dl.facts dt { color: #57606a; } dl.facts dd { margin: 0; }
nav.pages { margin: 12px 0; display: flex; gap: 16px; }
`;

/** The stylesheet's CSP source (`'sha256-…'`): the only style the pages may apply. */
export const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

/** The Content-Security-Policy of every page: no script at all, our one stylesheet, forms to this site only. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src ${STYLE_HASH}`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export function page(opts: { title: string; home: string; body: Html }): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${opts.title} · oort-okta</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<header><a href="${opts.home}">oort-okta findings</a></header>
<main>
${opts.body}
</main>
</body>
</html>
`.value;
}

/** A UTC time as `2026-11-03 10:00:04 UTC` in a <time> element; a dash for none. */
export function when(at: Date | string | null | undefined): Html {
  if (!at) return html`<span class="muted">—</span>`;
  const d = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(d.getTime())) return html`<span class="muted">—</span>`;
  const iso = d.toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 19).replace('T', ' ')} UTC</time>`;
}

const KNOWN_SEVERITIES = new Set(['critical', 'high', 'medium', 'low', 'info']);

export function severityBadge(severity: string): Html {
  const cls = KNOWN_SEVERITIES.has(severity) ? severity : 'info';
  return html`<span class="sev sev-${cls}" data-severity="${severity}">${severity}</span>`;
}

/** A value or a muted dash. */
export function orDash(v: string | number | null | undefined): Html {
  return v === null || v === undefined || v === '' ? html`<span class="muted">—</span>` : html`${v}`;
}

/** The error page (400, 401, 404, 405, 500, 503): what went wrong and where to go. */
export function errorPage(status: number, message: string, home: string): string {
  const title = { 400: 'Bad request', 401: 'Sign-in required', 404: 'Not found', 405: 'Not allowed', 503: 'Busy' }[status] ?? 'Error';
  return page({
    title,
    home,
    body: html`<h1>${status} ${title}</h1><p class="error" id="error">${message}</p><p><a href="${home}">All integrations</a></p>`,
  });
}

// HTML with every interpolated value escaped. Every value the findings pages show comes from a tenant's
// Okta org (user names, user agents, display messages, target names) and is hostile: the only way to put
// markup on a page is the `html` tag, whose literal parts are ours and whose values are escaped unless they
// are themselves `Html` built by this tag. Attribute values are always quoted (`"${…}"`), so escaping
// `& < > " '` is enough there too; URLs in attributes go through `safeHref`, which allows http(s) and
// relative URLs only (no `javascript:`).

/** Markup built by `html` (or `raw` for a constant of ours): inserted as is. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text → HTML text or quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

function render(v: Value): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return (v as readonly Value[]).map(render).join('');
  return escapeHtml(String(v as string | number | boolean));
}

/** The tag: `html\`<td>${userControlled}</td>\`` escapes the value; nested `html` fragments and arrays of them are kept. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out);
}

/** A constant of ours (CSS, a doctype), never data. */
export function raw(markup: string): Html {
  return new Html(markup);
}

/** An href: http(s) absolute URLs and paths of this site only; anything else (javascript:, data:) becomes `#`. */
export function safeHref(url: string | null | undefined): string {
  if (!url) return '#';
  if (url.startsWith('/') && !url.startsWith('//')) return url;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : '#';
  } catch {
    return '#';
  }
}

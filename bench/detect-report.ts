// Printing for the detection benchmark: number formats, aligned tables, per-rule and per-day counts, and
// short descriptions of evidence events (what an analyst would look at first).
import { getText, type OktaLogEvent, type Severity } from '../detections/index.js';
import type { MergedDetection } from '../detections/run/merge.js';

export const log = (line = '') => process.stdout.write(`${line}\n`);
export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const row = (label: string, value: string, note = '') =>
  log(`  ${label.padEnd(50)} ${value.padStart(14)}${note ? `  ${note}` : ''}`);

/** Widths from the content; `align` has one letter per column, 'l' or 'r' (default: first left, others right). */
export function table(header: readonly string[], rows: readonly (readonly string[])[], align = ''): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const left = (i: number) => (align[i] ?? (i === 0 ? 'l' : 'r')) === 'l';
  const line = (cells: readonly string[]) =>
    `  ${cells.map((c, i) => (left(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd()}`;
  log(line(header));
  for (const r of rows) log(line(r));
}

const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
export const isHighOrCritical = (s: Severity) => s === 'high' || s === 'critical';

/** Severities seen, most severe first, e.g. "critical/high". */
export function severities(list: readonly MergedDetection[]): string {
  const seen = new Set(list.map((d) => d.severity));
  return SEVERITY_ORDER.filter((s) => seen.has(s)).join('/');
}

export function byRule(detections: readonly MergedDetection[]): Map<string, MergedDetection[]> {
  const map = new Map<string, MergedDetection[]>();
  for (const d of detections) {
    const list = map.get(d.ruleId);
    if (list) list.push(d);
    else map.set(d.ruleId, [d]);
  }
  return map;
}

/** The fields that tell whether a sign-in or change is ordinary; absent ones are left out. */
const DESCRIBED: ReadonlyArray<readonly [string, string]> = [
  ['actor', 'actor.alternateId'],
  ['actorType', 'actor.type'],
  ['target', 'target.alternateId'],
  ['outcome', 'outcome.result'],
  ['reason', 'outcome.reason'],
  ['ip', 'client.ipAddress'],
  ['city', 'client.geographicalContext.city'],
  ['country', 'client.geographicalContext.country'],
  ['browser', 'client.userAgent.browser'],
  ['os', 'client.userAgent.os'],
  ['zone', 'client.zone'],
  ['proxy', 'securityContext.isProxy'],
  ['asOrg', 'securityContext.asOrg'],
  ['dtHash', 'debugContext.debugData.dtHash'],
  ['factor', 'debugContext.debugData.factor'],
  ['behaviors', 'debugContext.debugData.behaviors'],
  ['risk', 'debugContext.debugData.risk'],
  ['threatSuspected', 'debugContext.debugData.threatSuspected'],
  ['session', 'authenticationContext.externalSessionId'],
  ['uri', 'debugContext.debugData.requestUri'],
];

export function describeEvent(e: OktaLogEvent): string {
  const parts = [`${e.published} ${e.eventType}`];
  for (const [label, path] of DESCRIBED) {
    const v = getText(e, path);
    if (v !== undefined && v !== '' && v !== 'null') parts.push(`${label}=${v.length > 120 ? `${v.slice(0, 117)}…` : v}`);
  }
  return parts.join(' ');
}

export const mb = (n: number) => `${fmt(n)} MB`;
export const secs = (s: number) => `${fmt(s, s < 10 ? 2 : 1)} s`;

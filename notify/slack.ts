// A Slack incoming-webhook message a responder can act on from their phone: severity, what, who,
// where, when, and the runbook line. Slack's Block Kit with a plain-text fallback. With the findings pages'
// address, a "View in oort-okta" link to the detection's page (a digest's: to the integration's list).
import type { DetectionNotice } from './webhook.js';

export interface SlackDetection extends DetectionNotice {
  runbook: string | null;
  clientIp: string | null;
  city: string | null;
  country: string | null;
  count: number;
}

const SEVERITY_MARK: Record<string, string> = {
  critical: ':red_circle: CRITICAL',
  high: ':large_orange_circle: HIGH',
  medium: ':large_yellow_circle: MEDIUM',
  low: ':large_blue_circle: LOW',
  info: ':white_circle: INFO',
};

const when = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/Z$/, ' UTC');

function where(d: Pick<SlackDetection, 'clientIp' | 'city' | 'country'>): string {
  const place = [d.city, d.country].filter(Boolean).join(', ');
  return [d.clientIp, place && `(${place})`].filter(Boolean).join(' ') || 'unknown';
}

export function slackDetectionMessage(d: SlackDetection): string {
  const who = d.subjectUser ?? d.subjectUserId ?? 'no single user';
  const period = d.firstEventAt === d.lastEventAt ? when(d.firstEventAt) : `${when(d.firstEventAt)} → ${when(d.lastEventAt)}`;
  const headline = `${SEVERITY_MARK[d.severity] ?? d.severity.toUpperCase()} · ${d.title}`;
  const facts = [
    `*Who:* ${who}`,
    `*Where:* ${where(d)}`,
    `*When:* ${period} (${d.count} event${d.count === 1 ? '' : 's'})`,
    `*Rule:* \`${d.ruleId}\` · integration \`${d.integrationId}\` · detection #${d.detectionId}`,
  ].join('\n');
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${headline}*` } },
    { type: 'section', text: { type: 'mrkdwn', text: facts } },
  ];
  if (d.runbook) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `:mag: ${d.runbook}` }] });
  if (d.links) blocks.push(viewLink(d.links.detection));
  return JSON.stringify({ text: `${headline} — ${who}`, blocks });
}

/** Slack's link syntax `<url|label>` ends at `|` or `>`: a URL carrying either is not linked. */
function viewLink(url: string): unknown {
  const safe = /^https?:\/\/[^\s<>|]+$/.test(url) ? url : undefined;
  return { type: 'context', elements: [{ type: 'mrkdwn', text: safe ? `:link: <${safe}|View in oort-okta>` : 'View in oort-okta: address not linkable' }] };
}

export interface DigestLine {
  ruleId: string;
  severity: string;
  title: string;
  subjectUser: string | null;
}

/** One message for a run that found many detections: counts per severity, then the lines. */
export function slackDigestMessage(integrationId: string, ingestRunId: number, lines: DigestLine[], links?: { detections: string }): string {
  const bySeverity = new Map<string, number>();
  for (const l of lines) bySeverity.set(l.severity, (bySeverity.get(l.severity) ?? 0) + 1);
  const summary = ['critical', 'high', 'medium', 'low', 'info']
    .filter((s) => bySeverity.has(s))
    .map((s) => `${bySeverity.get(s)} ${s}`)
    .join(', ');
  const shown = lines.slice(0, 20).map((l) => `• ${SEVERITY_MARK[l.severity] ?? l.severity} ${l.title} — ${l.subjectUser ?? 'no single user'}`);
  const more = lines.length > shown.length ? [`…and ${lines.length - shown.length} more`] : [];
  const text = `*${lines.length} detections* in the hourly run #${ingestRunId} of \`${integrationId}\`: ${summary}`;
  return JSON.stringify({
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'section', text: { type: 'mrkdwn', text: [...shown, ...more].join('\n') } },
      ...(links ? [viewLink(links.detections)] : []),
    ],
  });
}

/** `https://hooks.slack.com/services/T000/B000/XXXX` → `https://hooks.slack.com/services/T000/***` for display. */
export function redactSlackUrl(url: string): string {
  const u = new URL(url);
  const [first] = u.pathname.split('/').filter(Boolean).slice(1);
  return `${u.origin}/services/${first ?? ''}/***`;
}

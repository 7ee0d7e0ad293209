// The offline `detect` command's detections as SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format), for
// tools that collect findings from many scanners. There is no source file: a result's location is logical, the
// entity the detection is about (the subject user's login, the IP or other group key of its dedupe key).
//
//   runs[0].tool.driver   name oort-okta, the package version, every rule run: id, name, short and full description,
//                         help (the runbook), default level, properties (severity, kind, ATT&CK tags)
//   runs[0].results       ruleId and ruleIndex, level from severity (critical/high error, medium warning, low/info
//                         note), message, logical locations, partialFingerprints from the dedupe key, properties
//                         (first and last seen, count, evidence event uuids)
//   runs[0].invocations   executionSuccessful, and one notification per skipped entry (up to a cap)
//   runs[0].properties    the run's summary (entries read, used, skipped by reason, rules, detections)
import type { Rule, Severity } from '../index.js';
import type { MergedDetection } from './merge.js';
import type { OfflineSummary, SkippedEntry } from './offline.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** Skipped entries listed as notifications; the summary counts them all. */
export const SARIF_NOTIFICATIONS_CAP = 100;

export type SarifLevel = 'error' | 'warning' | 'note';

export function sarifLevel(severity: Severity): SarifLevel {
  if (severity === 'critical' || severity === 'high') return 'error';
  if (severity === 'medium') return 'warning';
  return 'note';
}

/** GitHub code scanning's numeric severity (0–10), which several SARIF viewers sort by. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

export interface SarifInput {
  toolVersion: string;
  rules: readonly Rule[];
  detections: readonly MergedDetection[];
  summary: OfflineSummary;
  skipped: readonly SkippedEntry[];
}

/** ATT&CK as Sigma writes tags: attack.ta0003, attack.t1098.003. */
function attackTags(tactics: readonly string[], techniques: readonly string[]): string[] {
  return ['security', ...tactics.map((t) => `attack.${t.toLowerCase()}`), ...techniques.map((t) => `attack.${t.toLowerCase()}`)];
}

/** "Okta API token created (via proxy)" → "OktaApiTokenCreatedViaProxy": SARIF's name is an identifier. */
function pascalName(title: string): string {
  return title
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase())
    .join('');
}

function ruleDescriptor(rule: Rule) {
  const fixed = typeof rule.severity === 'string' ? rule.severity : undefined;
  return {
    id: rule.id,
    name: pascalName(rule.title),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description.trim() || rule.title },
    help: { text: rule.runbook },
    defaultConfiguration: { enabled: rule.enabled, ...(fixed ? { level: sarifLevel(fixed) } : {}) },
    properties: {
      // A computed severity depends on the events of a match: "varies", as `rules list` shows it.
      severity: fixed ?? 'varies',
      kind: rule.kind,
      tactics: [...rule.attack.tactics],
      techniques: [...rule.attack.techniques],
      tags: attackTags(rule.attack.tactics, rule.attack.techniques),
      ...(fixed ? { 'security-severity': SECURITY_SEVERITY[fixed] } : {}),
    },
  };
}

/** The entity of a detection: the subject user, then the group key of its dedupe key (`user:…`, `ip:…`) if different. */
function logicalLocations(d: MergedDetection) {
  const groupKey = d.dedupeKey.startsWith(`${d.ruleId}:`) ? d.dedupeKey.slice(d.ruleId.length + 1) : d.dedupeKey;
  const locations: { name: string; fullyQualifiedName: string; kind: string }[] = [];
  if (d.subjectUser) locations.push({ name: d.subjectUser, fullyQualifiedName: `user:${d.subjectUser}`, kind: 'resource' });
  const separator = groupKey.indexOf(':');
  const value = separator > 0 ? groupKey.slice(separator + 1) : groupKey;
  const sameAsSubject = groupKey === `user:${d.subjectUserId}` || groupKey === `user:${d.subjectUser}`;
  if (groupKey && !(d.subjectUser && sameAsSubject)) locations.push({ name: value, fullyQualifiedName: groupKey, kind: 'resource' });
  return { groupKey, locations };
}

function result(d: MergedDetection, ruleIndex: number) {
  const { groupKey, locations } = logicalLocations(d);
  const who = d.subjectUser ?? groupKey;
  const span = d.firstEventAt === d.lastEventAt ? `at ${d.firstEventAt}` : `from ${d.firstEventAt} to ${d.lastEventAt}`;
  return {
    ruleId: d.ruleId,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: sarifLevel(d.severity),
    message: { text: `${d.title}: ${who}, ${d.count} event${d.count === 1 ? '' : 's'} ${span}` },
    locations: [{ logicalLocations: locations }],
    partialFingerprints: { 'dedupeKey/v1': d.dedupeKey },
    properties: {
      severity: d.severity,
      dedupeKey: d.dedupeKey,
      subjectUser: d.subjectUser,
      subjectUserId: d.subjectUserId,
      count: d.count,
      firstSeen: d.firstEventAt,
      lastSeen: d.lastEventAt,
      evidenceUuids: [...d.evidenceUuids],
      tags: attackTags(d.tactics, d.techniques),
    },
  };
}

export function toSarif(input: SarifInput) {
  const index = new Map(input.rules.map((r, i) => [r.id, i]));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'oort-okta',
            version: input.toolVersion,
            semanticVersion: input.toolVersion,
            rules: input.rules.map(ruleDescriptor),
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: input.skipped.slice(0, SARIF_NOTIFICATIONS_CAP).map((s) => ({
              level: 'warning',
              descriptor: { id: s.reason },
              message: { text: `skipped ${s.where} (${s.reason}): ${s.detail}` },
            })),
          },
        ],
        results: input.detections.map((d) => result(d, index.get(d.ruleId) ?? -1)),
        properties: { summary: input.summary },
      },
    ],
  };
}

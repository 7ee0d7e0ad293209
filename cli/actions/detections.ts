// Handlers of `oort-okta detections list|show`.
import type { CliContext } from '../context.js';
import type { Output } from '../run.js';
import { table, time, truncate } from '../format.js';
import { getIntegration } from '../../integrations/repository.js';
import { getDetection, listDetections, type Severity } from '../../integrations/operator-queries.js';

export async function list(
  ctx: CliContext,
  out: Output,
  integrationId: string,
  opts: { severity?: Severity; rule?: string; since?: Date; limit: number },
): Promise<void> {
  await getIntegration(ctx.db, integrationId);
  const rows = await listDetections(ctx.db, integrationId, { minSeverity: opts.severity, ruleId: opts.rule, since: opts.since, limit: opts.limit });
  out.print(
    table(
      ['ID', 'SEVERITY', 'RULE', 'LAST EVENT', 'COUNT', 'SUBJECT', 'TITLE'],
      rows.map((d) => [d.id, d.severity, d.ruleId, time(d.lastEventAt), d.count, d.subjectUser, truncate(d.title, 80)]),
      'No detections match.',
    ),
    rows,
  );
}

export async function show(ctx: CliContext, out: Output, detectionId: number): Promise<void> {
  const d = await getDetection(ctx.db, detectionId);
  out.print(
    [
      `Detection ${d.id} of ${d.integrationId}: [${d.severity}] ${d.title}`,
      `  rule ${d.ruleId}; subject ${d.subjectUser ?? '—'}${d.subjectUserId ? ` (${d.subjectUserId})` : ''}`,
      `  ${d.count} events, ${time(d.firstEventAt)} … ${time(d.lastEventAt)}; detected ${time(d.createdAt)} in run ${d.ingestRunId ?? '—'}`,
      d.tactics.length || d.techniques.length ? `  ATT&CK: ${[...d.tactics, ...d.techniques].join(', ')}` : undefined,
      d.runbook ? `  runbook: ${d.runbook}` : undefined,
      `  evidence (${d.evidenceUuids.length} uuids):`,
      table(
        ['    UUID', 'PUBLISHED', 'TYPE', 'ACTOR', 'OUTCOME', 'IP', 'COUNTRY'],
        d.evidence.map((e) => [`    ${e.uuid}`, time(e.published), e.eventType, e.actor, e.outcome, e.clientIp, e.country]),
        `    ${d.evidenceUuids.join('\n    ')}`,
      ),
      '  notifications:',
      table(
        ['    CHANNEL', 'STATUS', 'ATTEMPTS', 'SENT', 'DIGEST', 'LAST ERROR'],
        d.deliveries.map((n) => [`    ${n.channel} ${n.url}`, n.status, n.attempts, time(n.sentAt), n.digestId, n.lastError]),
        '    none yet (the hourly run sends them after detecting)',
      ),
    ]
      .filter((l) => l !== undefined)
      .join('\n'),
    d,
  );
}

// Handlers of `oort-okta quarantine list|show|replay`.
import type { CliContext } from '../context.js';
import type { Output } from '../run.js';
import { UsageError } from '../errors.js';
import { table, time, truncate } from '../format.js';
import { getIntegration } from '../../integrations/repository.js';
import { getQuarantined, listQuarantine, quarantineCounts } from '../../integrations/operator-queries.js';
import { replayQuarantine } from '../../ingest/quarantine-replay.js';

/** Bodies are shown up to this size in human output (--json has all of it). */
const BODY_PREVIEW = 4000;

export async function list(ctx: CliContext, out: Output, integrationId: string, opts: { reason?: string; pending?: boolean; limit: number }): Promise<void> {
  await getIntegration(ctx.db, integrationId);
  const rows = await listQuarantine(ctx.db, integrationId, { reasonCode: opts.reason, pending: opts.pending ? true : undefined, limit: opts.limit });
  const counts = await quarantineCounts(ctx.db, integrationId);
  out.print(
    [
      `${counts.pending} quarantined, ${counts.replayed} replayed.`,
      table(
        ['ID', 'RECEIVED', 'REASON', 'BYTES', 'REPLAYED', 'DETAIL'],
        rows.map((q) => [q.id, time(q.receivedAt), q.reasonCode, q.bodyBytes, q.replayedAt ? time(q.replayedAt) : 'no', truncate(q.reason, 90)]),
        'No quarantined messages match.',
      ),
    ].join('\n'),
    rows,
  );
}

export async function show(ctx: CliContext, out: Output, quarantineId: number): Promise<void> {
  const q = await getQuarantined(ctx.db, quarantineId);
  let body = q.body;
  try {
    body = JSON.stringify(JSON.parse(q.body), null, 2);
  } catch {
    // Not JSON (that may be why it is here): shown as received.
  }
  out.print(
    [
      `Quarantined message ${q.id} of ${q.integrationId} (SQS message ${q.messageId}), received ${time(q.receivedAt)} in run ${q.ingestRunId ?? '—'}`,
      `  ${q.reasonCode}: ${q.reason}`,
      q.replayedAt ? `  replayed ${time(q.replayedAt)} into run ${q.replayIngestRunId}` : '  not replayed',
      `  body (${q.bodyBytes} bytes):`,
      body.length > BODY_PREVIEW ? `${body.slice(0, BODY_PREVIEW)}\n… ${body.length - BODY_PREVIEW} more characters (use --json for all)` : body,
    ].join('\n'),
    q,
  );
}

export async function replay(ctx: CliContext, out: Output, integrationId: string, ids: string[], opts: { reason?: string }): Promise<void> {
  const quarantineIds = ids.length ? ids.map(quarantineIdOf) : undefined;
  const r = await replayQuarantine(ctx.db, { integrationId, quarantineIds, reasonCode: opts.reason, sigmaDir: ctx.config.SIGMA_RULES_DIR }, (p) =>
    out.progress(
      p.phase === 'detecting'
        ? `running detections over ${p.stored} replayed events`
        : `${p.examined} examined: ${p.stored} stored, ${p.duplicates} already stored, ${p.stillInvalid} still invalid`,
    ),
  );
  const byCode = new Map<string, typeof r.stillInvalid>();
  for (const s of r.stillInvalid) byCode.set(s.code, [...(byCode.get(s.code) ?? []), s]);
  out.print(
    [
      r.examined === 0
        ? 'Nothing to replay.'
        : `Replayed ${r.examined} messages of ${integrationId}: ${r.stored} stored, ${r.duplicates} were already stored, ${r.stillInvalid.length} still invalid.`,
      r.replayRunId !== null ? `  events in run ${r.replayRunId}; ${r.detections} new detections (see \`npx oort-okta detections list ${integrationId}\`)` : undefined,
      r.resumedRuns.length ? `  finished the detections of earlier replay runs ${r.resumedRuns.join(', ')}` : undefined,
      r.alreadyReplayed.length ? `  already replayed before: ${r.alreadyReplayed.join(', ')}` : undefined,
      ...[...byCode].map(([code, rows]) => `  still ${code} (${rows.length}: ${rows.slice(0, 5).map((s) => s.id).join(', ')}${rows.length > 5 ? ', …' : ''}): ${rows[0].reason}`),
    ]
      .filter((l) => l !== undefined)
      .join('\n'),
    r,
  );
}

function quarantineIdOf(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`quarantine id "${value}" is not a whole number ≥ 1; take the ids from \`npx oort-okta quarantine list\``);
  return Number(value);
}

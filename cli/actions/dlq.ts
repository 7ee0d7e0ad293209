// Handlers of `oort-okta dlq list|redrive` (definitions in cli/commands/dlq.ts).
import type { CliContext } from '../context.js';
import type { Output } from '../run.js';
import { table, time, truncate } from '../format.js';
import { getIntegration, type IntegrationRow } from '../../integrations/repository.js';
import { peekDeadLetters, redriveDeadLetters } from '../../ingest/dead-letter.js';

function queuesOf(row: IntegrationRow): { integrationId: string; queueUrl: string; deadLetterQueueUrl: string } {
  if (!row.queueUrl || !row.deadLetterQueueUrl) {
    throw new Error(
      `integration ${row.id} has no SQS queue (${row.ingestMode} mode, status ${row.status}), so no dead-letter queue; ` +
        `see \`npx oort-okta integrations show ${row.id}\``,
    );
  }
  return { integrationId: row.id, queueUrl: row.queueUrl, deadLetterQueueUrl: row.deadLetterQueueUrl };
}

export async function list(ctx: CliContext, out: Output, integrationId: string, opts: { limit: number }): Promise<void> {
  const q = queuesOf(await getIntegration(ctx.db, integrationId));
  const { depth, messages } = await peekDeadLetters(ctx.sqs, q.deadLetterQueueUrl, { limit: opts.limit });
  const human =
    depth === 0 && messages.length === 0
      ? `The dead-letter queue of ${integrationId} is empty.`
      : [
          `${depth} message${depth === 1 ? '' : 's'} in the dead-letter queue of ${integrationId}; ${messages.length} shown, oldest first (listing leaves them in place).`,
          table(
            ['MESSAGE ID', 'SENT', 'RECEIVES', 'BYTES', 'EVENT', 'PREVIEW'],
            messages.map((m) => [m.messageId, time(m.sentAt), m.receiveCount, m.bodyBytes, m.eventType ? `${m.eventType} ${m.uuid ?? ''}`.trim() : null, truncate(m.preview, 80)]),
            'No message could be read just now (they may be in flight); try again.',
          ),
          `Move them back to the queue with \`npx oort-okta dlq redrive ${integrationId}\`; the next hourly run stores them.`,
        ].join('\n');
  out.print(human, { integrationId, deadLetterQueueUrl: q.deadLetterQueueUrl, depth, messages });
}

export async function redrive(ctx: CliContext, out: Output, integrationId: string, opts: { limit: number }): Promise<void> {
  const q = queuesOf(await getIntegration(ctx.db, integrationId));
  const r = await redriveDeadLetters(ctx.sqs, q, {
    limit: opts.limit,
    onProgress: (p) => out.progress(`${p.moved} moved${p.failed ? `, ${p.failed} failed` : ''}`),
  });
  const lines = [
    r.moved === 0 && r.failed.length === 0
      ? `Nothing to redrive: the dead-letter queue of ${integrationId} is empty.`
      : `Moved ${r.moved} message${r.moved === 1 ? '' : 's'} from the dead-letter queue of ${integrationId} back to its queue; the next hourly run stores them.`,
    ...r.failed.slice(0, 10).map((f) =>
      f.step === 'send'
        ? `  not moved ${f.messageId}: ${f.code} ${f.message} (it stays in the dead-letter queue)`
        : `  sent but not deleted ${f.messageId}: ${f.code} ${f.message} (a later redrive sends it again; it is stored once)`,
    ),
    r.failed.length > 10 ? `  … and ${r.failed.length - 10} more failures (see --json)` : undefined,
    r.remaining > 0
      ? `${r.remaining} message${r.remaining === 1 ? '' : 's'} still in the dead-letter queue${r.stoppedBy === 'limit' ? ` (--limit ${opts.limit} reached; run it again)` : ''}.`
      : undefined,
  ].filter((l) => l !== undefined);
  out.print(lines.join('\n'), { integrationId, ...r });
  if (r.stoppedBy === 'failures') {
    const last = r.failed[r.failed.length - 1];
    throw new Error(`the redrive stopped: no message of the last batch could be moved (${last.code}: ${last.message}); run it again once SQS accepts them`);
  }
}

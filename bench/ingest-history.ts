// Figures from the Temporal history of one hourlyAnalysis run: its length, its payloads (the largest, where it
// is, and their total) and how long each activity took from scheduled to completed.
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';

export interface HistoryFigures {
  events: number;
  largestPayloadBytes: number;
  largestPayloadAt: string;
  totalPayloadBytes: number;
  historyJsonBytes: number;
  /** Scheduled → completed, per activity, in seconds. */
  activitySeconds: Record<string, number>;
}

export function historyFigures(history: Parameters<typeof historyToJSON>[0]): HistoryFigures {
  const json = historyToJSON(history);
  const parsed = JSON.parse(json) as { events?: Array<Record<string, unknown>> };
  const figures: HistoryFigures = {
    events: parsed.events?.length ?? 0,
    largestPayloadBytes: 0,
    largestPayloadAt: '-',
    totalPayloadBytes: 0,
    historyJsonBytes: Buffer.byteLength(json),
    activitySeconds: {},
  };
  const scheduled = new Map<string, { name: string; at: number }>();
  for (const e of parsed.events ?? []) {
    const attrs = e.activityTaskScheduledEventAttributes as { activityType?: { name?: string } } | undefined;
    if (attrs) scheduled.set(String(e.eventId), { name: attrs.activityType?.name ?? '?', at: Date.parse(String(e.eventTime)) });
    const done = e.activityTaskCompletedEventAttributes as { scheduledEventId?: string } | undefined;
    const from = done && scheduled.get(String(done.scheduledEventId));
    if (from) figures.activitySeconds[from.name] = (Date.parse(String(e.eventTime)) - from.at) / 1000;
  }
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item, where);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const obj = node as Record<string, unknown>;
    // A Payload: { metadata: { encoding: … }, data: base64 }.
    if (typeof obj.metadata === 'object' && obj.metadata !== null && 'data' in obj) {
      const size = typeof obj.data === 'string' ? Buffer.from(obj.data, 'base64').length : 0;
      figures.totalPayloadBytes += size;
      if (size > figures.largestPayloadBytes) {
        figures.largestPayloadBytes = size;
        figures.largestPayloadAt = where;
      }
      return;
    }
    for (const value of Object.values(obj)) walk(value, where);
  };
  for (const event of parsed.events ?? []) {
    const kind = String(event.eventType ?? '?').replace(/^EVENT_TYPE_/, '');
    walk(event, `#${event.eventId ?? '?'} ${kind}`);
  }
  return figures;
}

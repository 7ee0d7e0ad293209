// Reading the System Log through the Okta API (docs/okta.md §3.2): a polling query (no `until`)
// followed by its `next` links, which never run out. The `next` link of the last page read is the
// integration's cursor; it is stored in the same transaction as that page's events, so a crash or a
// retry resumes exactly where the last commit ended: nothing skipped, nothing stored twice (events are
// also unique on uuid). A page shorter than the page size means "caught up for now".
//
// Used for tenants without Log Streaming (polling mode), for the onboarding backfill, to fill the gap
// while a stream is degraded, and across a switch between modes.
import { createHash } from 'node:crypto';
import type { Client } from '@okta/okta-sdk-nodejs';
import type { Database } from '../schema/db.js';
import { recordBatch } from '../lib/metrics.js';
import { fetchRawPage, rateLimitPause } from '../okta/pages.js';
import type { OktaLogEvent } from '../okta/envelope.js';
import { checkLogEvent } from '../okta/log-event-check.js';
import { insertEvents, insertQuarantine, quarantineRow, toEventRow, type EventRow, type QuarantineRow } from './store-batch.js';

export interface PollOptions {
  /** Events per page (Okta's maximum, 1000, spends the rate budget best). */
  pageLimit: number;
  /** Stop after this many pages even if not caught up; the next run continues from the cursor. */
  maxPages: number;
  /** Stop when this returns true (the activity's deadline is near, or it was cancelled). */
  shouldStop?: () => boolean;
  sleep?: (ms: number) => Promise<void>;
  /** Events dated further than this after `now()` are quarantined (`published_in_future`), as streamed ones are. */
  futureSkewMs?: number;
  now?: () => Date;
}

export interface PollProgress {
  pages: number;
  read: number;
  stored: number;
  duplicates: number;
  skipped: number;
  /** The last page was short: everything Okta had persisted was read. */
  caughtUp: boolean;
}

/** Where a poll starts when the integration has no cursor yet: events persisted since `since` (no `until`). */
export function firstPollUrl(orgUrl: URL, since: Date, pageLimit: number): string {
  const url = new URL('/api/v1/logs', orgUrl);
  url.searchParams.set('since', since.toISOString());
  url.searchParams.set('limit', String(pageLimit));
  url.searchParams.set('sortOrder', 'ASCENDING');
  return url.toString();
}

/** Sets the cursor to a polling query from `since`, unless one is already being followed. */
export async function startPolling(db: Database, orgUrl: URL, integrationId: string, since: Date, pageLimit: number): Promise<boolean> {
  const res = await db.$client`
    update integrations set poll_cursor = ${firstPollUrl(orgUrl, since, pageLimit)}, poll_cursor_at = now(), updated_at = now()
    where id = ${integrationId} and poll_cursor is null`;
  return res.count > 0;
}

/** A stored cursor may only ever point at the integration's own Okta org (it came from Okta's Link header). */
export function cursorUrl(client: Client, cursor: string): string {
  const url = new URL(cursor, client.baseUrl);
  const base = new URL(client.baseUrl);
  if (url.origin !== base.origin || url.pathname !== '/api/v1/logs') {
    throw new Error(`The stored System Log cursor ${url.origin}${url.pathname} is not this org's /api/v1/logs; clear it to start over.`);
  }
  return url.toString();
}

/**
 * An API item is judged by the same rules as a streamed event's detail (okta/log-event-check.ts): what PostgreSQL
 * would refuse, or what would break time, is quarantined with its reason instead of stored.
 */
function judgeItem(item: unknown, now: Date, futureSkewMs: number | undefined): { ok: true; event: OktaLogEvent } | { ok: false; code: string; reason: string } {
  const verdict = checkLogEvent(item, { now, ...(futureSkewMs === undefined ? {} : { futureSkewMs }) });
  return verdict.ok ? verdict : { ok: false, code: verdict.code, reason: verdict.reason };
}

/** The page size the cursor asks for (it carries the `limit` it was started with). */
function limitOf(url: string, fallback: number): number {
  const limit = Number(new URL(url).searchParams.get('limit'));
  return Number.isInteger(limit) && limit > 0 ? limit : fallback;
}

function apiQuarantineRow(integrationId: string, ingestRunId: number, item: unknown, code: string, reason: string): QuarantineRow {
  let body: string;
  try {
    body = JSON.stringify(item) ?? 'undefined';
  } catch (err) {
    body = `[the item could not be serialised: ${(err as Error).message}]`;
  }
  // API items have no SQS message id: the body's hash keys them, so a re-read page quarantines once.
  const message = { messageId: `api:${createHash('sha256').update(body).digest('hex')}`, body };
  const why = `The System Log API returned an item that was not stored as an event: ${reason}`;
  return quarantineRow(integrationId, ingestRunId, message, code === 'not_an_object' ? 'api_not_log_event' : code, why);
}

export async function pollSystemLog(
  client: Client,
  db: Database,
  integrationId: string,
  ingestRunId: number,
  opts: PollOptions,
  onPage: (p: PollProgress) => void = () => {},
): Promise<PollProgress> {
  const sql = db.$client;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const progress: PollProgress = { pages: 0, read: 0, stored: 0, duplicates: 0, skipped: 0, caughtUp: false };
  const [row] = await sql<{ poll_cursor: string | null }[]>`select poll_cursor from integrations where id = ${integrationId}`;
  if (!row?.poll_cursor) return { ...progress, caughtUp: true };
  let url = cursorUrl(client, row.poll_cursor);

  while (progress.pages < opts.maxPages && !opts.shouldStop?.()) {
    const page = await fetchRawPage<unknown>(client, url, 'reading the System Log');
    const pageLimit = limitOf(url, opts.pageLimit);
    const now = opts.now?.() ?? new Date();
    const events: OktaLogEvent[] = [];
    const bad: QuarantineRow[] = [];
    // Nothing is dropped silently: an item that is not a storable LogEvent is kept in quarantine with the reason.
    for (const item of page.items) {
      const verdict = judgeItem(item, now, opts.futureSkewMs);
      if (verdict.ok) events.push(verdict.event);
      else bad.push(apiQuarantineRow(integrationId, ingestRunId, item, verdict.code, verdict.reason));
    }
    const rows: EventRow[] = events.map((e) => toEventRow(integrationId, e, JSON.stringify(e), ingestRunId));
    const latest = events.reduce<string | undefined>((max, e) => (!max || e.published > max ? e.published : max), undefined);
    // Okta always sends a next link on a polling query; without one, keep the cursor and try again next run.
    const next = page.next ? cursorUrl(client, page.next) : url;
    let quarantined = 0;
    const quarantinedByReason: Record<string, number> = {};
    const stored = await sql.begin(async (tx) => {
      const inserted = await insertEvents(tx, rows);
      if (bad.length > 0) {
        const res = await insertQuarantine(tx, integrationId, bad);
        quarantined = res.length;
        for (const r of res) quarantinedByReason[r.reason_code] = (quarantinedByReason[r.reason_code] ?? 0) + 1;
      }
      await tx`
        update ingest_runs set polled = polled + ${page.items.length}, polled_pages = polled_pages + 1,
          stored = stored + ${inserted}, duplicates = duplicates + ${rows.length - inserted}, quarantined = quarantined + ${quarantined}
        where id = ${ingestRunId}`;
      await tx`
        update integrations set poll_cursor = ${next}, poll_cursor_at = now(),
          last_event_at = greatest(last_event_at, ${latest ?? null}::timestamptz)
        where id = ${integrationId}`;
      return inserted;
    });
    // After the commit, as for streamed batches: a rolled-back page is read again.
    recordBatch(integrationId, {
      stored,
      duplicates: rows.length - stored,
      quarantinedByReason,
      newestPublished: latest,
    });
    progress.pages += 1;
    progress.read += page.items.length;
    progress.stored += stored;
    progress.duplicates += rows.length - stored;
    progress.skipped += page.items.length - events.length;
    url = next;
    onPage({ ...progress });
    if (page.items.length < pageLimit) {
      progress.caughtUp = true;
      break;
    }
    const pause = rateLimitPause(page);
    if (pause > 0) await sleep(pause);
  }
  return progress;
}

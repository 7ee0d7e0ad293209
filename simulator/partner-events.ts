/**
 * Okta's side of Log Streaming as AWS sees it: the partner creates the partner event source in the
 * customer's account when the customer saves the log stream, then sends System Log events to it
 * with PutPartnerEvents (Source = the source's name, DetailType `SystemLog`, Detail = the LogEvent's
 * JSON, Time = its `published`). EventBridge, not Okta, wraps them in the envelope the queue receives,
 * and drops them while the source is not associated with a bus. This is the path through the
 * EventBridge emulator; `publishEnvelopes` in ./eventbridge.ts still writes envelopes straight to SQS.
 */
import {
  CreatePartnerEventSourceCommand, EventBridgeClient, PutPartnerEventsCommand, ResourceAlreadyExistsException,
  type PutPartnerEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { partnerEventSource, type EventBridgeDestination } from './eventbridge.js';
import type { OktaLogEvent } from './types.js';

export const PARTNER_DETAIL_TYPE = 'SystemLog';
/** Entries per PutPartnerEvents call: 10, as PutEvents allows (AWS documents 20 for PutPartnerEvents). */
export const MAX_PARTNER_ENTRIES = 10;
/** AWS's limit on the entries of one call, sized as AWS sizes them (see entrySize). */
export const MAX_PARTNER_REQUEST_BYTES = 256 * 1024;

/** An EventBridge client for the emulator (any credentials do) or, without endpoint, AWS. */
export function createPartnerEventBridgeClient(options: { endpoint?: string; region?: string } = {}): EventBridgeClient {
  const region = options.region ?? 'us-east-2';
  if (!options.endpoint) return new EventBridgeClient({ region });
  return new EventBridgeClient({ endpoint: options.endpoint, region, credentials: { accessKeyId: 'okta', secretAccessKey: 'okta' } });
}

/**
 * What Okta does when the customer saves a log stream: create `aws.partner/okta.com/<org>/<name>` in the
 * customer's account. Saving again finds it there (created: false).
 */
export async function createPartnerEventSource(client: EventBridgeClient, destination: EventBridgeDestination): Promise<{ name: string; created: boolean }> {
  const name = partnerEventSource(destination.oktaOrg, destination.eventSourceName);
  try {
    await client.send(new CreatePartnerEventSourceCommand({ Name: name, Account: destination.account }));
    return { name, created: true };
  } catch (err) {
    if (err instanceof ResourceAlreadyExistsException) return { name, created: false };
    throw err;
  }
}

/** One PutPartnerEvents entry per event. */
export function toPartnerEntries(events: readonly OktaLogEvent[], source: string): PutPartnerEventsRequestEntry[] {
  return events.map((event) => ({
    Source: source,
    DetailType: PARTNER_DETAIL_TYPE,
    Detail: JSON.stringify(event),
    Time: new Date(event.published),
    Resources: [],
  }));
}

/** AWS's entry size: 14 bytes for a Time, plus the UTF-8 bytes of Source, DetailType, Detail and each Resource. */
export function entrySize(entry: PutPartnerEventsRequestEntry): number {
  const bytes = (s: string | undefined) => (s ? Buffer.byteLength(s) : 0);
  return (entry.Time ? 14 : 0) + bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail) + (entry.Resources ?? []).reduce((n, r) => n + bytes(r), 0);
}

export interface PartnerFailure {
  /** The event's uuid. */
  uuid: string;
  code: string;
  message: string;
}

export interface PartnerPublishResult {
  /** Entries EventBridge accepted (given an EventId): delivered or, for a PENDING source, dropped. */
  accepted: number;
  failed: number;
  failures: PartnerFailure[];
  /** PutPartnerEvents calls made. */
  requests: number;
}

/**
 * Sends the events as PutPartnerEvents in chunks of at most `maxEntries` (10) entries and 256 KiB. An entry
 * EventBridge refuses is counted as failed, as is a chunk refused as a whole (ValidationException, e.g. an
 * event too large on its own); a server or network error ends the publish with that error.
 */
export async function publishPartnerEvents(
  client: EventBridgeClient, source: string, events: readonly OktaLogEvent[], options: { maxEntries?: number } = {},
): Promise<PartnerPublishResult> {
  const entries = toPartnerEntries(events, source);
  const result: PartnerPublishResult = { accepted: 0, failed: 0, failures: [], requests: 0 };
  for (const chunk of chunks(entries.map((entry, i) => ({ entry, uuid: events[i].uuid })), options.maxEntries ?? MAX_PARTNER_ENTRIES)) {
    result.requests++;
    let response;
    try {
      response = await client.send(new PutPartnerEventsCommand({ Entries: chunk.map((c) => c.entry) }));
    } catch (err) {
      if ((err as { $fault?: string }).$fault !== 'client') throw err;
      const { name, message } = err as Error;
      for (const c of chunk) result.failures.push({ uuid: c.uuid, code: name, message });
      result.failed += chunk.length;
      continue;
    }
    (response.Entries ?? []).forEach((r, i) => {
      if (r.EventId && !r.ErrorCode) result.accepted++;
      else {
        result.failed++;
        result.failures.push({ uuid: chunk[i].uuid, code: r.ErrorCode ?? 'Unknown', message: r.ErrorMessage ?? '' });
      }
    });
  }
  return result;
}

/** At most `max` entries and MAX_PARTNER_REQUEST_BYTES per chunk (an oversized entry goes alone, and fails). */
function chunks<T extends { entry: PutPartnerEventsRequestEntry }>(items: T[], max: number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = entrySize(item.entry);
    if (current.length === max || (current.length > 0 && bytes + size > MAX_PARTNER_REQUEST_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length) out.push(current);
  return out;
}

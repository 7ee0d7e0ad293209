// PutPartnerEvents, the partner's (Okta's) side. An entry for a source that does not exist (never
// created, deleted, or not this name) fails; an entry for a PENDING source is accepted, given an
// EventId and dropped without a trace, as AWS does; an entry for an ACTIVE source goes onto its
// partner event bus, where each enabled rule whose pattern matches routes it to the rule's targets.
// Routing happens here, at acceptance, against the rules of that moment; delivery is asynchronous.
import { randomUUID } from 'node:crypto';
import { invalid } from './errors.js';
import { isObject, requiredList, type Input } from './input.js';
import { associatedBus, type State, type Target } from './model.js';
import { matchesPattern } from './pattern.js';
import type { Counters } from './stats.js';

/** The event as EventBridge delivers it to targets (the SQS message body is its JSON). */
export interface Envelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

/** One matched (event, rule): what delivery sends to each of the rule's targets. */
export interface RoutedEvent {
  source: string;
  envelope: Envelope;
  ruleArn: string;
  targets: Target[];
}

/** AWS's documented limits: 20 entries per call, 256 KiB of entries (sized as AWS sizes them). */
export const MAX_ENTRIES = 20;
export const MAX_REQUEST_BYTES = 256 * 1024;

type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export function putPartnerEvents(state: State, counters: Counters, input: Input): { response: unknown; routed: RoutedEvent[] } {
  const entries = requiredList(input, 'Entries');
  if (entries.length < 1 || entries.length > MAX_ENTRIES) {
    throw invalid(`1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES}`);
  }
  if (entries.reduce<number>((sum, e) => sum + entrySize(e), 0) > MAX_REQUEST_BYTES) {
    throw invalid(`Total size of the entries in the request is over the limit of ${MAX_REQUEST_BYTES} bytes.`);
  }
  if (!entries.some((e) => isObject(e) && ['Source', 'DetailType', 'Detail'].every((m) => typeof e[m] === 'string'))) {
    throw invalid('No entry has all of Source, DetailType and Detail.');
  }
  const routed: RoutedEvent[] = [];
  const results = entries.map((raw): EntryResult => {
    const entry = isObject(raw) ? raw : {};
    const sourceName = typeof entry.Source === 'string' && entry.Source ? entry.Source : '(none)';
    const result = acceptEntry(state, entry, routed);
    counters.add(sourceName, 'EventId' in result ? 'accepted' : 'rejected');
    if ('dropped' in result) counters.add(sourceName, 'droppedUnassociated');
    if ('matched' in result) counters.add(sourceName, 'matched', result.matched);
    return 'EventId' in result ? { EventId: result.EventId } : result;
  });
  const failed = results.filter((r) => 'ErrorCode' in r).length;
  return { response: { FailedEntryCount: failed, Entries: results }, routed };
}

type Accepted = { EventId: string; dropped?: true; matched?: number };

function acceptEntry(state: State, entry: Record<string, unknown>, routed: RoutedEvent[]): Accepted | { ErrorCode: string; ErrorMessage: string } {
  const { Source, DetailType, Detail } = entry;
  if (typeof Source !== 'string' || typeof DetailType !== 'string' || typeof Detail !== 'string' || !Source || !DetailType) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameters Source, DetailType and Detail are required.' };
  }
  if (DetailType.length > 128) return { ErrorCode: 'InvalidArgument', ErrorMessage: 'DetailType is longer than 128 characters.' };
  let detail: unknown;
  try {
    detail = JSON.parse(Detail);
  } catch {
    detail = undefined;
  }
  if (!isObject(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  const time = timeOf(entry.Time);
  if (!time) return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Time is not a valid timestamp.' };
  const resources = Array.isArray(entry.Resources) ? entry.Resources.filter((r): r is string => typeof r === 'string') : [];

  const source = state.sources.get(Source);
  if (!source || source.deleted) {
    return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: `Event source ${Source} does not exist.` };
  }
  const EventId = randomUUID();
  const bus = associatedBus(state, source);
  if (!bus) return { EventId, dropped: true };

  const envelope: Envelope = {
    version: '0',
    id: EventId,
    'detail-type': DetailType,
    source: Source,
    account: source.account,
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: state.region,
    resources,
    detail,
  };
  let matched = 0;
  for (const rule of bus.rules.values()) {
    if (rule.state !== 'ENABLED' || !matchesPattern(rule.pattern, envelope)) continue;
    matched++;
    routed.push({ source: Source, envelope, ruleArn: rule.arn, targets: [...rule.targets.values()].map((t) => structuredClone(t)) });
  }
  return { EventId, matched };
}

/** The SDK sends Time as epoch seconds; an ISO string is accepted too; absent means now. */
function timeOf(value: unknown): Date | undefined {
  if (value === undefined || value === null) return new Date();
  const date = typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

/** AWS's entry size: 14 bytes for a Time, plus the UTF-8 bytes of Source, DetailType, Detail and each Resource. */
export function entrySize(entry: unknown): number {
  if (!isObject(entry)) return 0;
  const bytes = (v: unknown) => (typeof v === 'string' ? Buffer.byteLength(v) : 0);
  const resources = Array.isArray(entry.Resources) ? entry.Resources.reduce<number>((n, r) => n + bytes(r), 0) : 0;
  return (entry.Time !== undefined ? 14 : 0) + bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail) + resources;
}

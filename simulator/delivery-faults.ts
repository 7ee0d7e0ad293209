/**
 * What a real queue also carries besides clean, unique envelopes: redeliveries, bodies that
 * are not envelopes at all, and envelopes from someone else's stream (okta.md §1.3, §1.4).
 */
import { partnerEventSource, toEventBridgeEnvelope, type EventBridgeDestination, type EventBridgeEnvelope } from './eventbridge.js';
import { randomUuid } from './ids.js';
import { Random, type Seed } from './random.js';
import type { OktaLogEvent } from './types.js';

/**
 * `n` redeliveries of randomly chosen envelopes (distinct while possible): the same
 * `detail` (so the same `detail.uuid`) under a new EventBridge `id`.
 */
export function duplicateDeliveries(envelopes: readonly EventBridgeEnvelope[], n: number, seed: Seed): EventBridgeEnvelope[] {
  if (envelopes.length === 0) return [];
  const rng = new Random(seed).fork('duplicates');
  const order = rng.sample(envelopes, envelopes.length);
  return Array.from({ length: n }, (_, i) => ({ ...order[i % order.length], id: randomUuid(rng) }));
}

export type MalformedKind = 'not-json' | 'json-array' | 'missing-detail' | 'missing-uuid' | 'wrong-detail-type' | 'oversized';

export interface MalformedBody {
  kind: MalformedKind;
  body: string;
}

/**
 * One body of each malformed kind, built from a valid envelope. `oversized` is a valid
 * envelope padded to `oversizedBytes` (default 300 000: above EventBridge's historical
 * 256 KB entry limit, still under SQS's 1 MiB so it can be delivered).
 */
export function malformedBodies(template: EventBridgeEnvelope, options: { oversizedBytes?: number } = {}): MalformedBody[] {
  const { detail, ...envelope } = template;
  const { uuid: _uuid, ...detailWithoutUuid } = detail;
  const oversizedBytes = options.oversizedBytes ?? 300_000;
  const padded: EventBridgeEnvelope = {
    ...template,
    detail: { ...detail, debugContext: { debugData: { ...detail.debugContext.debugData, padding: '' } } },
  };
  const overhead = Buffer.byteLength(JSON.stringify(padded));
  padded.detail.debugContext.debugData.padding = 'x'.repeat(Math.max(0, oversizedBytes - overhead));

  return [
    { kind: 'not-json', body: `{"version":"0","id":"${template.id}","detail-type":"SystemLog",` },
    { kind: 'json-array', body: JSON.stringify([template]) },
    { kind: 'missing-detail', body: JSON.stringify(envelope) },
    { kind: 'missing-uuid', body: JSON.stringify({ ...envelope, detail: detailWithoutUuid }) },
    { kind: 'wrong-detail-type', body: JSON.stringify({ ...template, 'detail-type': 'Scheduled Event' }) },
    { kind: 'oversized', body: JSON.stringify(padded) },
  ];
}

export type ForeignKind = 'other-event-source' | 'other-okta-org' | 'other-account' | 'other-region' | 'other-partner';

export interface ForeignEnvelope {
  kind: ForeignKind;
  envelope: EventBridgeEnvelope;
}

/**
 * Well-formed envelopes that are not ours: another integration's stream on the same bus,
 * another Okta org, another AWS account or region, another SaaS partner altogether.
 */
export function foreignEnvelopes(event: OktaLogEvent, ours: EventBridgeDestination, seed: Seed): ForeignEnvelope[] {
  const rng = new Random(seed).fork('foreign');
  const variant = (kind: ForeignKind, destination: EventBridgeDestination): ForeignEnvelope =>
    ({ kind, envelope: toEventBridgeEnvelope(event, destination, { rng }) });
  const otherPartner = toEventBridgeEnvelope(event, ours, { rng });
  otherPartner.source = `aws.partner/auth0.com/${ours.oktaOrg}-prod/logs`;
  return [
    variant('other-event-source', { ...ours, eventSourceName: `${ours.eventSourceName}-siem` }),
    variant('other-okta-org', { ...ours, oktaOrg: `${ours.oktaOrg}-partner` }),
    variant('other-account', { ...ours, account: ours.account === '210987654321' ? '123456789012' : '210987654321' }),
    variant('other-region', { ...ours, region: ours.region === 'eu-west-1' ? 'us-west-2' : 'eu-west-1' }),
    { kind: 'other-partner', envelope: otherPartner },
  ];
}

/** Whether an envelope's source is the expected partner source (for test assertions). */
export function isFromDestination(envelope: EventBridgeEnvelope, destination: EventBridgeDestination): boolean {
  return envelope.source === partnerEventSource(destination.oktaOrg, destination.eventSourceName)
    && envelope.account === destination.account && envelope.region === destination.region;
}

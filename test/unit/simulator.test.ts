// The traffic simulator offline: the org and activity generator, the attack scenarios, and EventBridge
// envelopes delivered through fauxqs. The simulated Okta API is tested in simulator-okta-api.test.ts.
import { describe, it, expect } from 'vitest';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import {
  SCENARIOS, buildScenario, duplicateDeliveries, foreignEnvelopes, generateActivity, generateOrg, injectScenario,
  malformedBodies, partnerEventSource, publishEnvelopes, toEventBridgeEnvelopes,
  type EventBridgeDestination, type OktaLogEvent, type ScenarioName,
} from '../../simulator/index.js';

const WEEK = { start: new Date('2026-01-05T00:00:00.000Z'), end: new Date('2026-01-12T00:00:00.000Z') };
const UUID_V1 = /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TOP_LEVEL_FIELDS = [
  'uuid', 'published', 'eventType', 'version', 'severity', 'legacyEventType', 'displayMessage', 'actor', 'client', 'device',
  'authenticationContext', 'outcome', 'securityContext', 'debugContext', 'transaction', 'request', 'target',
].sort();

describe('org and activity generator', () => {
  const org = generateOrg({ seed: 42, users: 450 });
  const events = generateActivity(org, { seed: 7, ...WEEK });

  it('is deterministic per seed', () => {
    // Compared as JSON: deep-equality over ~25k events is slow, and JSON keeps key order too.
    const again = generateOrg({ seed: 42, users: 450 });
    expect(JSON.stringify(again)).toBe(JSON.stringify(org));
    const day = { start: WEEK.start, end: new Date('2026-01-06T00:00:00.000Z') };
    const firstDay = events.filter((e) => e.published < '2026-01-06');
    expect(JSON.stringify(generateActivity(again, { seed: 7, ...day }))).toBe(JSON.stringify(firstDay));
    expect(generateOrg({ seed: 43, users: 450 }).users[0]).not.toEqual(org.users[0]);
    expect(generateActivity(org, { seed: 8, ...day }).slice(0, 50)).not.toEqual(firstDay.slice(0, 50));
  });

  it('builds Okta-shaped users, devices, factors and admins', () => {
    expect(org.users).toHaveLength(450);
    for (const u of org.users) expect(u.id).toMatch(/^00u[0-9A-Za-z]{17}$/);
    expect(new Set(org.users.map((u) => u.profile.login)).size).toBe(450);
    const statuses = new Set(org.users.map((u) => u.status));
    expect(statuses).toContain('DEPROVISIONED');
    expect(statuses).toContain('SUSPENDED');
    expect(org.users.filter((u) => u.status === 'ACTIVE').length).toBeGreaterThan(380);
    expect(org.devices.every((d) => /^guo[0-9A-Za-z]{17}$/.test(d.id))).toBe(true);
    const factorTypes = new Set(Object.values(org.factors).flat().map((f) => f.factorType));
    for (const t of ['push', 'signed_nonce', 'token:software:totp', 'sms']) expect(factorTypes).toContain(t);
    expect(org.admins.map((a) => a.role)).toContain('SUPER_ADMIN');
    expect(org.apps.every((a) => a.id.startsWith('0oa'))).toBe(true);
  });

  it('emits complete LogEvents sorted by published with a daily rhythm', () => {
    expect(events.length).toBeGreaterThan(10_000);
    const published = events.map((e) => e.published);
    expect([...published].sort()).toEqual(published);
    expect(new Set(events.map((e) => e.uuid)).size).toBe(events.length);
    for (const e of events.slice(0, 500)) {
      expect(Object.keys(e).sort()).toEqual(TOP_LEVEL_FIELDS);
      expect(e.uuid).toMatch(UUID_V1);
      expect(Object.values(e.debugContext.debugData).every((v) => typeof v === 'string')).toBe(true);
    }
    const types = new Set(events.map((e) => e.eventType));
    for (const t of ['user.session.start', 'policy.evaluate_sign_on', 'system.push.send_factor_verify_push', 'user.authentication.auth_via_mfa', 'user.authentication.sso', 'user.session.end']) {
      expect(types).toContain(t);
    }
    const start = events.find((e) => e.eventType === 'user.session.start' && e.outcome.result === 'SUCCESS')!;
    expect(start.client.zone).toBe('null');
    expect(start.debugContext.debugData.behaviors).toMatch(/^\{New Geo-Location=(POSITIVE|NEGATIVE), .*\}$/);
    expect(start.debugContext.debugData.risk).toMatch(/^\{level=(LOW|MEDIUM|HIGH)/);
    expect(start.authenticationContext.externalSessionId).toMatch(/^idx/);
    expect(events.some((e) => e.eventType === 'user.session.start' && e.outcome.reason === 'INVALID_CREDENTIALS')).toBe(true);
    expect(events.some((e) => e.device !== null && 'os_platform' in e.device)).toBe(true);

    // Local working hours dominate the night; weekdays dominate the weekend (Jan 10–11 2026).
    const localHour = (e: OktaLogEvent) => {
      const offset = org.personas[e.actor.id]?.home.place.utcOffsetHours ?? 0;
      return (new Date(e.published).getUTCHours() + offset + 48) % 24;
    };
    const work = events.filter((e) => localHour(e) >= 8 && localHour(e) < 18).length;
    const night = events.filter((e) => localHour(e) >= 0 && localHour(e) < 6).length;
    expect(work).toBeGreaterThan(night * 10);
    const day = (d: string) => events.filter((e) => e.published.startsWith(d)).length;
    expect(day('2026-01-07')).toBeGreaterThan(3 * day('2026-01-11'));
  });
});

describe('attack scenarios', () => {
  const org = generateOrg({ seed: 5, users: 120 });
  const at = new Date('2026-01-06T14:00:00.000Z');

  it('passwordSpray: one IP, ≥ 15 accounts, 2–4 INVALID_CREDENTIALS failures each within 40 minutes', () => {
    const { events, subjects } = buildScenario(org, 'passwordSpray', { seed: 1, at });
    expect(new Set(events.map((e) => e.client.ipAddress))).toEqual(new Set([subjects.sourceIp]));
    expect(events.every((e) => e.eventType === 'user.session.start' && e.outcome.result === 'FAILURE' && e.outcome.reason === 'INVALID_CREDENTIALS')).toBe(true);
    const perLogin = new Map<string, number>();
    for (const e of events) perLogin.set(e.actor.alternateId!, (perLogin.get(e.actor.alternateId!) ?? 0) + 1);
    expect(perLogin.size).toBeGreaterThanOrEqual(15);
    expect([...perLogin.values()].every((n) => n >= 2 && n <= 4)).toBe(true);
    expect(events.some((e) => e.actor.id === 'unknown')).toBe(true);
    expect(Date.parse(events[events.length - 1].published) - Date.parse(events[0].published)).toBeLessThan(40 * 60_000);
  });

  it('mfaPushBombing: ≥ 6 rejected pushes for one user within 10 minutes, then an approval', () => {
    const { events, subjects } = buildScenario(org, 'mfaPushBombing', { seed: 1, at });
    const sends = events.filter((e) => e.eventType === 'system.push.send_factor_verify_push');
    const rejected = events.filter((e) => e.eventType === 'user.authentication.auth_via_mfa' && e.outcome.result === 'FAILURE');
    expect(sends.length).toBeGreaterThanOrEqual(6);
    expect(rejected.length).toBeGreaterThanOrEqual(6);
    expect(rejected.every((e) => e.outcome.reason === 'INVALID_CREDENTIALS' && e.debugContext.debugData.factor === 'OKTA_VERIFY_PUSH')).toBe(true);
    expect(events.every((e) => e.actor.id === subjects.userId)).toBe(true);
    expect(events.at(-1)).toMatchObject({ eventType: 'user.session.start', outcome: { result: 'SUCCESS' } });
    expect(Date.parse(events.at(-1)!.published) - Date.parse(events[0].published)).toBeLessThan(10 * 60_000);
  });

  it('adminRoleGranted, twoCountriesWithinHour, apiTokenCreated, userReportedSuspicious have the expected shapes', () => {
    const grant = buildScenario(org, 'adminRoleGranted', { seed: 1, at, privilege: 'Organization administrator' });
    const grantEvent = grant.events.find((e) => e.eventType === 'user.account.privilege.grant')!;
    expect(grantEvent.debugContext.debugData.privilegeGranted).toBe('Organization administrator');
    expect(grantEvent.actor.id).toBe(grant.subjects.grantedBy);
    expect(org.admins.map((a) => a.userId)).toContain(grant.subjects.grantedBy);
    expect(grantEvent.target).toEqual([expect.objectContaining({ id: grant.subjects.userId, type: 'User' })]);

    const travel = buildScenario(org, 'twoCountriesWithinHour', { seed: 1, at });
    const starts = travel.events.filter((e) => e.eventType === 'user.session.start');
    expect(starts).toHaveLength(2);
    expect(starts.every((e) => e.outcome.result === 'SUCCESS' && e.actor.id === travel.subjects.userId)).toBe(true);
    expect(starts[0].client.geographicalContext!.country).not.toBe(starts[1].client.geographicalContext!.country);
    expect(Date.parse(starts[1].published) - Date.parse(starts[0].published)).toBeLessThan(60 * 60_000);

    const token = buildScenario(org, 'apiTokenCreated', { seed: 1, at });
    expect(token.events[0]).toMatchObject({ eventType: 'system.api_token.create', target: [{ id: token.subjects.tokenId, type: 'Token' }] });

    const report = buildScenario(org, 'userReportedSuspicious', { seed: 1, at });
    const reported = report.events.find((e) => e.eventType === 'user.account.report_suspicious_activity_by_enduser')!;
    expect(reported.actor.id).toBe(report.subjects.userId);
    expect(reported.debugContext.debugData.suspiciousActivityEventId).toBe(report.subjects.reportedEventUuid);
  });

  it('injects every registered scenario into a sorted stream, labelled and deterministic', () => {
    const stream = generateActivity(org, { seed: 3, start: new Date('2026-01-06T00:00:00Z'), end: new Date('2026-01-07T00:00:00Z') });
    const before = stream.length;
    const names = Object.keys(SCENARIOS) as ScenarioName[];
    const injections = names.map((name, i) => injectScenario(org, stream, name, { seed: 9, at: new Date(at.getTime() + i * 3_600_000) }));
    expect(stream.length).toBe(before + injections.reduce((n, inj) => n + inj.events.length, 0));
    expect(stream.map((e) => e.published)).toEqual(stream.map((e) => e.published).sort());
    expect(new Set(injections.map((inj) => inj.label)).size).toBe(names.length);
    expect(buildScenario(org, 'passwordSpray', { seed: 9, at })).toEqual(injections[0]);
  });
});

describe('EventBridge delivery through fauxqs', () => {
  const org = generateOrg({ seed: 3, users: 20 });
  const events = generateActivity(org, { seed: 3, start: new Date('2026-01-05T00:00:00Z'), end: new Date('2026-01-05T12:00:00Z') }).slice(0, 25);
  const destination: EventBridgeDestination = { oktaOrg: 'acme', eventSourceName: 'oort-tenant-1', account: '111122223333', region: 'us-east-2' };

  it('builds the okta.md §1.3 envelope, deterministically with a seed', () => {
    const [envelope] = toEventBridgeEnvelopes(events, destination, 1);
    expect(envelope).toMatchObject({
      version: '0', 'detail-type': 'SystemLog', source: 'aws.partner/okta.com/acme/oort-tenant-1',
      account: '111122223333', region: 'us-east-2', resources: [], detail: events[0],
    });
    expect(envelope.time).toBe(events[0].published.replace(/\.\d{3}Z$/, 'Z'));
    expect(toEventBridgeEnvelopes(events, destination, 1)).toEqual(toEventBridgeEnvelopes(events, destination, 1));
    expect(toEventBridgeEnvelopes(events, destination, 2)[0].id).not.toBe(envelope.id);
    expect(partnerEventSource('acme', 'x')).toBe('aws.partner/okta.com/acme/x');
  });

  it('round-trips envelopes, duplicates, malformed and foreign bodies through SQS', async () => {
    const fauxqs = await startFauxqs({ port: 0, logger: false });
    const sqs = new SQSClient({ endpoint: `http://127.0.0.1:${fauxqs.port}`, region: 'us-east-2', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    try {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'okta-events', Attributes: { MaximumMessageSize: '262144' } }));
      const envelopes = toEventBridgeEnvelopes(events, destination, 1);
      const duplicates = duplicateDeliveries(envelopes, 3, 1);
      expect(duplicates.map((d) => d.detail.uuid).every((uuid) => envelopes.some((e) => e.detail.uuid === uuid))).toBe(true);
      expect(duplicates.every((d) => !envelopes.some((e) => e.id === d.id))).toBe(true);
      const malformed = malformedBodies(envelopes[0]);
      const foreign = foreignEnvelopes(events[1], destination, 1);
      expect(foreign.every((f) => f.envelope.source !== envelopes[0].source || f.envelope.account !== destination.account || f.envelope.region !== destination.region)).toBe(true);

      const bodies = [...envelopes, ...duplicates, ...malformed.map((m) => m.body), ...foreign.map((f) => f.envelope)];
      const result = await publishEnvelopes(sqs, QueueUrl!, bodies, { concurrency: 3 });
      // The 300 kB "oversized" body exceeds this queue's 256 KiB limit: a permanent sender fault.
      expect(result.failed).toEqual([expect.objectContaining({ senderFault: true, body: malformed.find((m) => m.kind === 'oversized')!.body })]);
      expect(result.sent).toBe(bodies.length - 1);

      const received: string[] = [];
      for (let empty = 0; received.length < result.sent && empty < 3;) {
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        empty = Messages.length ? 0 : empty + 1;
        received.push(...Messages.map((m) => m.Body!));
      }
      expect(received).toHaveLength(result.sent);
      const parsedDetails = received.flatMap((b) => { try { return [JSON.parse(b)]; } catch { return []; } })
        .filter((b) => b?.source === envelopes[0].source && b.account === destination.account && b.region === destination.region && b.detail?.uuid);
      const byUuid = new Map(parsedDetails.map((b) => [b.detail.uuid, b.detail]));
      expect(byUuid.size).toBe(events.length);
      for (const event of events) expect(byUuid.get(event.uuid)).toEqual(event);
    } finally {
      sqs.destroy();
      await fauxqs.stop();
    }
  });
});

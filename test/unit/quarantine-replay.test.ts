import { describe, expect, it } from 'vitest';
import { judgeQuarantined } from '../../ingest/quarantine-replay.js';
import { generateActivity, generateOrg, malformedBodies, toEventBridgeEnvelopes } from '../../simulator/index.js';

const org = generateOrg({ seed: 'replay-unit', users: 5, orgName: 'initech', logStream: false });
const events = generateActivity(org, { seed: 'replay-unit', start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-11-03T00:00:00Z') }).slice(0, 2);
const destination = { oktaOrg: 'initech', eventSourceName: 'okta-initech', account: '909617834444', region: 'us-east-2' };
const expect_ = { oktaOrg: 'initech', eventSourceName: 'okta-initech', awsAccountId: '909617834444', awsRegion: 'us-east-2' };

describe('judgeQuarantined', () => {
  it('has two events to work with', () => expect(events).toHaveLength(2));
  const [good, other] = toEventBridgeEnvelopes(events, destination, 'replay-unit');

  it('turns a body that is valid now into the event row the hourly run would store', () => {
    const [v] = judgeQuarantined('okta-initech', expect_, [{ id: 7, body: JSON.stringify(good) }]);
    expect(v).toMatchObject({ id: 7, outcome: 'valid', eventUuid: events[0].uuid });
    if (v.outcome !== 'valid') throw new Error('expected valid');
    expect(v.row).toMatchObject({ integration_id: 'okta-initech', uuid: events[0].uuid, event_type: events[0].eventType, ingest_run_id: null });
    expect(JSON.parse(v.row.raw)).toEqual(JSON.parse(JSON.stringify(events[0])));
  });

  it('judges by the integration as it is now: a source quarantined as foreign is valid once the org is corrected', () => {
    const body = JSON.stringify(other);
    const before = judgeQuarantined('okta-initech', { ...expect_, oktaOrg: 'initech-sso' }, [{ id: 1, body }]);
    expect(before[0]).toMatchObject({ outcome: 'invalid', code: 'foreign_source' });
    expect(judgeQuarantined('okta-initech', expect_, [{ id: 1, body }])[0].outcome).toBe('valid');
  });

  it('says why a body is still invalid, with the same codes as the hourly run', () => {
    const bad = malformedBodies(good);
    const verdicts = judgeQuarantined('okta-initech', expect_, bad.map((m, i) => ({ id: i + 1, body: m.body })));
    expect(verdicts.map((v) => v.outcome)).toEqual(bad.map(() => 'invalid'));
    // The simulator's names for what it broke, and the pipeline's reason codes for them.
    const code = { 'not-json': 'not_json', 'json-array': 'not_an_object', 'missing-detail': 'missing_detail', 'missing-uuid': 'missing_uuid', 'wrong-detail-type': 'wrong_detail_type', oversized: 'oversize' };
    expect(verdicts.map((v) => (v.outcome === 'invalid' ? v.code : ''))).toEqual(bad.map((m) => code[m.kind]));
    for (const v of verdicts) if (v.outcome === 'invalid') expect(v.reason.length).toBeGreaterThan(10);
  });
});

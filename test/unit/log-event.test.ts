import { describe, expect, it } from 'vitest';
import { extractColumns, userRole } from '../../okta/log-event.js';
import type { OktaLogEvent } from '../../okta/envelope.js';

const ADMIN = '00u1adm9ZtW2mB7xN1d8';
const DANA = '00u4kq9ZtW2mB7xN1d8e';

const appAssignment: OktaLogEvent = {
  uuid: '3e0c6d52-b8a1-11f1-9c2e-5f1d2a7b9e11',
  published: '2026-11-02T09:15:04.512Z',
  eventType: 'application.user_membership.add',
  version: '0',
  severity: 'INFO',
  displayMessage: 'Add user to application membership',
  actor: { id: ADMIN, type: 'User', alternateId: 'it.admin@northwind.example', displayName: 'IT Admin', detailEntry: null },
  client: {
    userAgent: { rawUserAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5)', os: 'Mac OS X', browser: 'CHROME' },
    zone: 'null',
    device: 'Computer',
    id: null,
    ipAddress: '203.0.113.42',
    geographicalContext: { city: 'Lisbon', state: 'Lisbon', country: 'Portugal', postalCode: '1000-001', geolocation: { lat: 38.72, lon: -9.14 } },
  },
  authenticationContext: { externalSessionId: '102bZkQ9yT1Qd2m8S7nX4pLw', rootSessionId: 'idxR00tS3ss10n4a1b2c' },
  outcome: { result: 'SUCCESS', reason: null },
  target: [
    { id: DANA, type: 'User', alternateId: 'dana.whitfield@northwind.example', displayName: 'Dana Whitfield' },
    { id: '0oa7sl4ckAPp0000x1d8', type: 'AppInstance', alternateId: 'Slack', displayName: 'Slack' },
  ],
  request: { ipChain: [{ ip: '203.0.113.42', version: 'V4' }] },
};

describe('extractColumns', () => {
  it('extracts actor, targets, client and session', () => {
    expect(extractColumns(appAssignment)).toEqual({
      uuid: '3e0c6d52-b8a1-11f1-9c2e-5f1d2a7b9e11',
      published: new Date('2026-11-02T09:15:04.512Z'),
      eventType: 'application.user_membership.add',
      severity: 'INFO',
      displayMessage: 'Add user to application membership',
      actorId: ADMIN,
      actorAlternateId: 'it.admin@northwind.example',
      actorType: 'User',
      targetIds: [DANA, '0oa7sl4ckAPp0000x1d8'],
      targetUserIds: [DANA],
      outcomeResult: 'SUCCESS',
      outcomeReason: null,
      clientIp: '203.0.113.42',
      country: 'Portugal',
      city: 'Lisbon',
      sessionId: '102bZkQ9yT1Qd2m8S7nX4pLw',
      rootSessionId: 'idxR00tS3ss10n4a1b2c',
    });
  });

  it('falls back to the first ipChain hop, and normalises "null" and null', () => {
    const c = extractColumns({
      ...appAssignment,
      eventType: 'user.session.start',
      actor: { id: DANA, type: 'User', alternateId: 'dana.whitfield@northwind.example' },
      client: { zone: 'null', ipAddress: null, geographicalContext: { city: 'null', country: null } },
      outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' },
      target: null,
      request: { ipChain: [{ ip: '198.51.100.7', version: 'V4' }, { ip: '10.0.0.5', version: 'V4' }] },
      authenticationContext: { externalSessionId: 'null' },
    });
    expect(c).toMatchObject({
      clientIp: '198.51.100.7',
      city: null,
      country: null,
      targetIds: [],
      targetUserIds: [],
      outcomeReason: 'INVALID_CREDENTIALS',
      sessionId: null,
      rootSessionId: null,
    });
  });
});

describe('userRole', () => {
  it('says how a user appears in an event', () => {
    const c = extractColumns(appAssignment);
    expect(userRole(c, ADMIN)).toBe('actor');
    expect(userRole(c, DANA)).toBe('target');
    expect(userRole(c, '0oa7sl4ckAPp0000x1d8')).toBeNull();
    expect(userRole(c, '00u9nob0dy000000x1d8')).toBeNull();
    const selfService = extractColumns({ ...appAssignment, actor: { id: DANA, type: 'User' } });
    expect(userRole(selfService, DANA)).toBe('actor+target');
  });
});

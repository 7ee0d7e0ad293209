// The one builder of Activity rows (user-activity/activity-row.ts): who an event belongs to, with which role, and
// the message, for the daily job and the refresh alike.
import { describe, expect, it } from 'vitest';
import { activityRow, activityRows, type ActivityEvent } from '../../user-activity/activity-row.js';
import { extractColumns } from '../../okta/log-event.js';
import type { OktaLogEvent } from '../../okta/envelope.js';

const ADMIN = '00u1adm9ZtW2mB7xN1d8';
const DANA = '00u4kq9ZtW2mB7xN1d8e';
const LEE = '00u7lee0ZtW2mB7xN1d8';
const APP = '0oa7sl4ckAPp0000x1d8';
const INTEGRATION = 'okta-northwind';

/** An admin adds Dana to Slack: the admin is the actor, Dana a User target, Slack an AppInstance target. */
const assignment: ActivityEvent = {
  uuid: '3e0c6d52-b8a1-11f1-9c2e-5f1d2a7b9e11',
  published: new Date('2026-11-02T09:15:04.512Z'),
  eventType: 'application.user_membership.add',
  actorId: ADMIN,
  actorType: 'User',
  targetUserIds: [DANA],
  outcomeResult: 'SUCCESS',
  clientIp: '203.0.113.42',
  country: 'Portugal',
  city: 'Lisbon',
  displayMessage: 'Add user to application membership',
};

const columnsOf = (e: ActivityEvent) => ({
  integrationId: INTEGRATION,
  eventUuid: e.uuid,
  published: e.published,
  eventType: e.eventType,
  outcomeResult: e.outcomeResult,
  clientIp: e.clientIp,
  country: e.country,
  city: e.city,
});

describe('activityRow', () => {
  it("is the actor's row, with every column of the event", () => {
    expect(activityRow(INTEGRATION, assignment, ADMIN, 'daily')).toEqual({
      ...columnsOf(assignment),
      userId: ADMIN,
      role: 'actor',
      displayMessage: 'Add user to application membership',
      source: 'daily',
    });
  });

  it("is a User target's row", () => {
    expect(activityRow(INTEGRATION, assignment, DANA, 'refresh')).toMatchObject({ userId: DANA, role: 'target', source: 'refresh' });
  });

  it('is actor+target for a user who is both', () => {
    const selfService = { ...assignment, actorId: DANA };
    expect(activityRow(INTEGRATION, selfService, DANA, 'daily')).toMatchObject({ userId: DANA, role: 'actor+target' });
  });

  it('is null for a user the event is not about, and for a target that is not a User', () => {
    expect(activityRow(INTEGRATION, assignment, LEE, 'daily')).toBeNull();
    expect(activityRow(INTEGRATION, assignment, APP, 'daily')).toBeNull();
  });

  it('counts the actor only when the actor is a User', () => {
    // An API token or app acting: its id is not a user's, whatever it is.
    const byApp = { ...assignment, actorId: APP, actorType: 'PublicClientApp' };
    expect(activityRow(INTEGRATION, byApp, APP, 'daily')).toBeNull();
    expect(activityRow(INTEGRATION, { ...assignment, actorType: 'SystemPrincipal' }, ADMIN, 'daily')).toBeNull();
    expect(activityRow(INTEGRATION, { ...assignment, actorType: null }, ADMIN, 'daily')).toBeNull();
  });

  it('takes the message as Okta sent it, with its null, "null", "" and non-strings as no message', () => {
    const message = (displayMessage: unknown) => activityRow(INTEGRATION, { ...assignment, displayMessage }, ADMIN, 'daily')!.displayMessage;
    expect(message('User login to Okta')).toBe('User login to Okta');
    for (const none of [undefined, null, 'null', '', 42, { text: 'x' }]) expect(message(none)).toBeNull();
    // Already normalised (extractColumns did it): unchanged.
    expect(message(extractColumns(event({})).displayMessage)).toBe('Add user to application membership');
  });
});

describe('activityRows', () => {
  it('writes one row per user the event belongs to: its User actor and each User target, once each', () => {
    const grant = { ...assignment, targetUserIds: [DANA, LEE, DANA] };
    const rows = activityRows(INTEGRATION, grant, 'daily');
    expect(rows.map((r) => [r.userId, r.role]).sort()).toEqual([
      [ADMIN, 'actor'],
      [DANA, 'target'],
      [LEE, 'target'],
    ]);
    for (const r of rows) expect(r).toMatchObject({ ...columnsOf(grant), displayMessage: assignment.displayMessage, source: 'daily' });
  });

  it('writes one actor+target row for a user who is both', () => {
    expect(activityRows(INTEGRATION, { ...assignment, actorId: DANA }, 'daily')).toEqual([
      activityRow(INTEGRATION, { ...assignment, actorId: DANA }, DANA, 'daily'),
    ]);
  });

  it('writes nothing for an event about no user', () => {
    expect(activityRows(INTEGRATION, { ...assignment, actorId: APP, actorType: 'PublicClientApp', targetUserIds: [] }, 'daily')).toEqual([]);
    expect(activityRows(INTEGRATION, { ...assignment, actorId: null, actorType: null, targetUserIds: [] }, 'daily')).toEqual([]);
  });

  it('is what activityRow gives each of those users, so both paths build the same row', () => {
    const rows = activityRows(INTEGRATION, assignment, 'refresh');
    for (const r of rows) expect(activityRow(INTEGRATION, assignment, r.userId, 'refresh')).toEqual(r);
  });
});

describe('from an Okta LogEvent (the refresh) and from its stored columns (the daily job)', () => {
  it('builds the same row', () => {
    const e = event({ displayMessage: 'null' });
    const fromApi = activityRow(INTEGRATION, extractColumns(e), DANA, 'refresh');
    // The daily job reads the stored columns, which ingestion extracted with the same function, and displayMessage
    // from the raw JSON as Okta sent it.
    const { displayMessage: _normalised, ...stored } = extractColumns(e);
    const fromStore = activityRow(INTEGRATION, { ...stored, displayMessage: e.displayMessage }, DANA, 'daily');
    expect(fromApi).toEqual({ ...fromStore, source: 'refresh' });
    expect(fromApi).toMatchObject({ role: 'target', displayMessage: null });
  });
});

function event(overrides: Partial<OktaLogEvent>): OktaLogEvent {
  return {
    uuid: assignment.uuid,
    published: '2026-11-02T09:15:04.512Z',
    eventType: 'application.user_membership.add',
    version: '0',
    severity: 'INFO',
    displayMessage: 'Add user to application membership',
    actor: { id: ADMIN, type: 'User', alternateId: 'it.admin@northwind.example' },
    client: { ipAddress: '203.0.113.42', geographicalContext: { city: 'Lisbon', country: 'Portugal' } },
    outcome: { result: 'SUCCESS', reason: null },
    target: [
      { id: DANA, type: 'User', alternateId: 'dana.whitfield@northwind.example' },
      { id: APP, type: 'AppInstance', alternateId: 'Slack' },
    ],
    ...overrides,
  };
}

import { describe, expect, it } from 'vitest';
import { decodePackedString, field, getAll, getFirst, getText, isTrue, textOf } from '../../detections/index.js';
import { equalsIgnoreCase, textIs } from '../../detections/fields.js';
import { oktaEvent, oktaUser, oktaVerifyEnrollment } from '../../detections/testing.js';

const dana = oktaUser('dana.scully@example.com');
const admin = oktaUser('walter.skinner@example.com');

const signIn = oktaEvent({
  eventType: 'user.session.start',
  at: '2026-03-02T09:15:00.000Z',
  actor: dana,
  ip: '203.0.113.23',
  country: 'Netherlands',
  target: [
    oktaVerifyEnrollment(dana),
    { id: '0oatxlef9sQvvqInq5d6', type: 'AppInstance', alternateId: 'Okta Admin Console', displayName: 'Okta Admin Console' },
  ],
  debugData: {
    behaviors:
      '{New Geo-Location=POSITIVE, New Device=NEGATIVE, New IP=POSITIVE, New State=NEGATIVE, New Country=POSITIVE, Velocity=NEGATIVE, New City=POSITIVE}',
    risk: '{reasons=Anomalous Geo-Distance, Anomalous Device, level=HIGH}',
    logOnlySecurityData: '{"risk":{"level":"MEDIUM"},"behaviors":{"New Device":"POSITIVE","New IP":"NEGATIVE"}}',
    threatDetections: '{"Password Spray":"HIGH","Login failures with high unknown users count":"MEDIUM"}',
    threatSuspected: 'false',
  },
  isProxy: true,
});

const privilegeGrant = oktaEvent({
  eventType: 'user.account.privilege.grant',
  at: '2026-03-02T10:00:00.000Z',
  actor: admin,
  target: [dana, { id: '00gHelpDesk00000000a', type: 'UserGroup', alternateId: 'unknown', displayName: 'Help Desk' }],
});

describe('field access by dotted path', () => {
  it("finds no value where a key names one of Object.prototype's members and the event has no such key", () => {
    expect(getFirst(signIn, 'actor.constructor')).toBeUndefined();
    expect(getText(signIn, 'client.toString')).toBeUndefined();
    expect(getAll(signIn, 'target.hasOwnProperty')).toEqual([]);
    expect(getText({ actor: { constructor: 'kept' } }, 'actor.constructor')).toBe('kept');
  });

  it('reads nested objects and returns the raw value', () => {
    expect(getText(signIn, 'actor.alternateId')).toBe('dana.scully@example.com');
    expect(getAll(signIn, 'client.geographicalContext.country')).toEqual(['Netherlands']);
    expect(getFirst(signIn, 'client.geographicalContext.geolocation')).toEqual({ lat: 51.92, lon: 4.48 });
  });

  it('resolves key names case-insensitively (old lowercase Sigma names, Panther style)', () => {
    expect(getText(signIn, 'eventtype')).toBe('user.session.start');
    expect(getText(signIn, 'ACTOR.ALTERNATEID')).toBe('dana.scully@example.com');
    expect(getText(signIn, 'client.geographicalcontext.COUNTRY')).toBe('Netherlands');
    expect(getText(signIn, 'debugcontext.debugdata.threatsuspected')).toBe('false');
  });

  it('matches any element of arrays such as target[] and request.ipChain[]', () => {
    expect(getAll(signIn, 'target.displayName')).toEqual(['Okta Verify', 'Okta Admin Console']);
    expect(getAll(signIn, 'target[].type')).toEqual(['AuthenticatorEnrollment', 'AppInstance']);
    expect(getAll(signIn, 'request.ipChain.ip')).toEqual(['203.0.113.23']);
  });

  it('filters array elements by type, case-insensitively', () => {
    expect(getAll(privilegeGrant, 'target[type=User].id')).toEqual([dana.id]);
    expect(getAll(privilegeGrant, 'target[Type=usergroup].displayName')).toEqual(['Help Desk']);
    expect(getAll(privilegeGrant, 'target[type=AppInstance].id')).toEqual([]);
    expect(getText(signIn, 'target[type=AuthenticatorEnrollment].detailEntry.methodTypeUsed')).toBe('Get a push notification');
  });

  it('picks one array element by index', () => {
    expect(getText(privilegeGrant, 'target[0].alternateId')).toBe('dana.scully@example.com');
    expect(getText(privilegeGrant, 'target[1].displayName')).toBe('Help Desk');
    expect(getAll(privilegeGrant, 'target[5].id')).toEqual([]);
  });

  it('treats null target, null sub-objects and missing keys as no value', () => {
    const failed = oktaEvent({
      eventType: 'user.session.start',
      at: '2026-03-02T09:00:00Z',
      result: 'FAILURE',
      country: null,
      target: null,
    });
    expect(getAll(failed, 'target.id')).toEqual([]);
    expect(getAll(failed, 'target[type=User].id')).toEqual([]);
    expect(getFirst(failed, 'target.id')).toBeUndefined();
    expect(getAll(failed, 'client.geographicalContext.country')).toEqual([]);
    expect(getAll(failed, 'authenticationContext.externalSessionId')).toEqual([]);
    expect(getAll(failed, 'no.such.field')).toEqual([]);
  });

  it('keeps the string "null" Okta writes in client.zone as it is', () => {
    expect(getText(signIn, 'client.zone')).toBe('null');
  });
});

describe('debugData string encodings', () => {
  it('walks into Java-map strings ({k=v, …}) such as behaviors and risk', () => {
    expect(getText(signIn, 'debugContext.debugData.behaviors.New IP')).toBe('POSITIVE');
    expect(getText(signIn, 'debugContext.debugData.behaviors.new device')).toBe('NEGATIVE');
    expect(getText(signIn, 'debugContext.debugData.risk.level')).toBe('HIGH');
    // A list value keeps its commas: the piece without '=' belongs to the previous key.
    expect(getText(signIn, 'debugContext.debugData.risk.reasons')).toBe('Anomalous Geo-Distance, Anomalous Device');
  });

  it('walks into JSON encoded inside strings (logOnlySecurityData, threatDetections)', () => {
    expect(getText(signIn, 'debugContext.debugData.logOnlySecurityData.behaviors.New Device')).toBe('POSITIVE');
    expect(getText(signIn, 'debugContext.debugData.logOnlySecurityData.risk.level')).toBe('MEDIUM');
    expect(getText(signIn, 'debugContext.debugData.threatDetections.Password Spray')).toBe('HIGH');
  });

  it('returns a packed string raw when the path ends on it', () => {
    expect(getText(signIn, 'debugContext.debugData.risk')).toBe('{reasons=Anomalous Geo-Distance, Anomalous Device, level=HIGH}');
  });

  it('splits list-like strings such as methodUsedVerifiedProperties when indexed', () => {
    const path = 'target[type=AuthenticatorEnrollment].detailEntry.methodUsedVerifiedProperties';
    expect(getText(signIn, path)).toBe('[DEVICE_BOUND, USER_PRESENCE]');
    expect(getText(signIn, `${path}[1]`)).toBe('USER_PRESENCE');
  });

  it('does not walk into plain strings', () => {
    expect(getAll(signIn, 'displayMessage.length')).toEqual([]);
    expect(getAll(signIn, 'debugContext.debugData.threatSuspected.value')).toEqual([]);
  });

  it('decodes the packed formats directly', () => {
    expect(decodePackedString('{level=LOW, previousLevel={level=HIGH}}')).toEqual({ level: 'LOW', previousLevel: { level: 'HIGH' } });
    expect(decodePackedString('{}')).toEqual({});
    expect(decodePackedString('["a","b"]')).toEqual(['a', 'b']);
    expect(decodePackedString('[PHISHING_RESISTANT]')).toEqual(['PHISHING_RESISTANT']);
    expect(decodePackedString('plain text')).toBeUndefined();
    expect(decodePackedString('{not a map}')).toBeUndefined();
  });
});

describe('booleans and scalars given either way', () => {
  it('treats "true"/"false" strings and JSON booleans alike', () => {
    expect(isTrue(getFirst(signIn, 'debugContext.debugData.threatSuspected'))).toBe(false);
    expect(isTrue(getFirst(signIn, 'securityContext.isProxy'))).toBe(true);
    expect(isTrue('TRUE')).toBe(true);
    expect(isTrue(' true ')).toBe(true);
    expect(isTrue('false')).toBe(false);
    expect(isTrue(null)).toBe(false);
  });

  it('stringifies scalars for comparison and text()', () => {
    expect(getText(signIn, 'securityContext.isProxy')).toBe('true');
    expect(getText(signIn, 'securityContext.asNumber')).toBe('394089');
    expect(textOf(false)).toBe('false');
    expect(textOf({ a: 1 })).toBeUndefined();
    expect(field('target').texts(signIn)).toEqual([]);
  });
});

describe('compiled fields', () => {
  it('compiles a path once and reuses it', () => {
    expect(field('actor.id')).toBe(field('actor.id'));
    expect(field('actor.id').first(signIn)).toBe(dana.id);
  });

  it('keeps dots inside an element filter value', () => {
    expect(getAll(privilegeGrant, 'target[alternateId=dana.scully@example.com].id')).toEqual([dana.id]);
  });

  it('rejects malformed paths', () => {
    expect(() => field('')).toThrow(/Empty field path/);
    expect(() => field('target[type].id')).toThrow(/Invalid element filter/);
    expect(() => field('actor..id')).toThrow(/Invalid field path/);
  });
});

describe('case-insensitive comparison without copies', () => {
  it('agrees with comparing lower-cased copies, ASCII and not', () => {
    const words = ['SUCCESS', 'success', 'Success', 'FAILURE', 'User', 'user', 'USER', 'usEr', '@', '`', '[', '{', 'a@', 'a`', 'ÉTÉ', 'été', 'Straße', 'STRASSE', 'K', '\u212a', 'k', '', 'null', 'NULL'];
    for (const a of words) {
      for (const b of words) {
        if (a.length !== b.length) continue;
        expect(equalsIgnoreCase(a, b), `${a} ~ ${b}`).toBe(a.toLowerCase() === b.toLowerCase());
      }
    }
  });

  it('textIs: undefined is nothing, any case is the same text', () => {
    expect(textIs(undefined, 'user')).toBe(false);
    expect(textIs('User', 'user')).toBe(true);
    expect(textIs('Users', 'user')).toBe(false);
  });
});

describe('plain paths read directly', () => {
  it('agree with the general walk on every shape: other-case keys, nulls, arrays, packed strings, prototype names', () => {
    const leaves: unknown[] = ['SUCCESS', 42, true, null, undefined, { nested: 'x' }, ['a', 'b'], [null, 'c'], '{level=HIGH}', ''];
    const keys = ['outcome', 'Outcome', 'OUTCOME', 'constructor'];
    const inner = ['result', 'Result', 'toString'];
    const shapes: unknown[] = [null, 'text', 7, []];
    for (const key of keys) {
      for (const innerKey of inner) {
        for (const leaf of leaves) {
          shapes.push({ [key]: { [innerKey]: leaf } });
          shapes.push({ [key]: [{ [innerKey]: leaf }, { [innerKey]: 'second' }] });
          shapes.push({ [key]: leaf });
        }
      }
    }
    shapes.push({ outcome: '{"result":"PACKED"}' }, { outcome: '{result=JAVA}' });
    let compared = 0;
    for (const path of ['outcome.result', 'OUTCOME.RESULT', 'constructor.result', 'outcome.toString']) {
      const f = field(path);
      for (const event of shapes) {
        const all = f.all(event);
        expect(f.first(event), `${path} first of ${JSON.stringify(event)}`).toEqual(all[0]);
        expect(f.text(event), `${path} text of ${JSON.stringify(event)}`).toEqual(all.map(textOf).find((text) => text !== undefined));
        expect(f.texts(event), `${path} texts of ${JSON.stringify(event)}`).toEqual(all.map(textOf).filter((text) => text !== undefined));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(400);
  });
});

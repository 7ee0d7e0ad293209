// Section A rules on privileged access: Okta Support impersonation and credential resets, user creation,
// revealed app passwords, the password-health report and Admin Console use through a proxy (A22–A27).
import { describe, expect, it } from 'vitest';
import type { OktaLogEvent } from '../../detections/index.js';
import { minutesAfter, oktaEvent, oktaId, oktaUser, type TestPrincipal } from '../../detections/testing.js';
import { T0, admin, adminEvent, app, appUser, dana, fox, hits, salesforce } from './support/rules-privilege.js';

describe('okta-support-impersonation (A22)', () => {
  const support = oktaUser('support.engineer@okta.com');
  const system = { ...oktaUser('system@okta.com'), displayName: 'Okta System' };

  it('fires high when an admin grants Okta Support access or Support starts a session', () => {
    const grant = adminEvent({ eventType: 'user.session.impersonation.grant', target: [admin] });
    const initiate = oktaEvent({
      eventType: 'user.session.impersonation.initiate',
      at: minutesAfter(T0, 30),
      actor: support,
      target: [admin],
    });
    const matches = hits('okta-support-impersonation', [grant, initiate]);
    expect(matches.map((match) => [match.groupKey, match.severity])).toEqual([
      [`user:${admin.id}`, 'high'],
      [`user:${support.id}`, 'high'],
    ]);
  });

  it('ignores the Okta system principal and ends of impersonation', () => {
    const events = [
      oktaEvent({ eventType: 'user.session.impersonation.grant', at: T0, actor: system, target: [admin] }),
      adminEvent({ eventType: 'user.session.impersonation.end', target: [admin] }),
      adminEvent({ eventType: 'user.session.impersonation.revoke', target: [admin] }),
    ];
    expect(hits('okta-support-impersonation', events)).toEqual([]);
  });
});

describe('okta-support-credential-reset (A23)', () => {
  const system = { ...oktaUser('system@okta.com'), displayName: 'system@okta.com' };

  /** Okta Support acts without any client context: no user agent, no geolocation, transaction id "unknown". */
  const supportAction = (eventType: string, actor: TestPrincipal = system): OktaLogEvent => {
    const event = oktaEvent({ eventType, at: T0, actor, target: [dana], country: null, transactionId: 'unknown' });
    const client = {
      ...(event.client as Record<string, unknown>),
      userAgent: { rawUserAgent: null, os: 'Unknown', browser: 'UNKNOWN' },
      ipAddress: null,
    };
    return { ...event, client };
  };

  it('fires high on a password reset by Okta Support, about the user reset', () => {
    expect(hits('okta-support-credential-reset', [supportAction('user.account.reset_password')])).toMatchObject([
      { severity: 'high', groupKey: `user:${dana.id}`, subjectUserId: dana.id },
    ]);
    expect(hits('okta-support-credential-reset', [supportAction('user.mfa.factor.update')])).toHaveLength(1);
  });

  it('ignores admins, and system jobs that have client context', () => {
    const byAdmin = supportAction('user.account.reset_password', admin);
    const systemWithClient = oktaEvent({
      eventType: 'user.account.reset_password',
      at: T0,
      actor: system,
      target: [dana],
      transactionId: 'unknown',
    });
    const otherType = supportAction('user.account.update_password');
    expect(hits('okta-support-credential-reset', [byAdmin, systemWithClient, otherType])).toEqual([]);
  });
});

describe('okta-user-created (A24)', () => {
  const created = (login: string, minute = 0, eventType = 'user.lifecycle.create') =>
    adminEvent({ eventType, minute, target: [oktaUser(login)] });

  it('records routine creations as one info detection per creating admin', () => {
    const events = ['ana', 'ben', 'cho'].flatMap((name, i) => [
      created(`${name}@example.com`, i),
      created(`${name}@example.com`, i, 'user.lifecycle.activate'),
    ]);
    expect(hits('okta-user-created', events)).toMatchObject([{ severity: 'info', groupKey: `user:${admin.id}`, count: 6 }]);
  });

  it('is medium for the IOC account name of the 2023 support breach', () => {
    const ioc = adminEvent({
      eventType: 'user.lifecycle.create',
      target: [{ ...oktaUser('svc_network_backup@example.com'), displayName: 'svc_network_backup' }],
    });
    expect(hits('okta-user-created', [created('ana@example.com'), ioc])).toMatchObject([{ severity: 'medium', count: 2 }]);
  });

  it('ignores deactivations and failed creations', () => {
    const events = [
      created('ana@example.com', 0, 'user.lifecycle.deactivate'),
      { ...created('ben@example.com'), outcome: { result: 'FAILURE', reason: null } },
    ];
    expect(hits('okta-user-created', events)).toEqual([]);
  });
});

describe('okta-admin-viewed-other-user-password (A25)', () => {
  const reveal = (actor: TestPrincipal, owner: TestPrincipal, application: TestPrincipal, minute = 0) =>
    oktaEvent({
      eventType: 'application.user_membership.show_password',
      at: minutesAfter(T0, minute),
      actor,
      target: [appUser(owner), application, owner],
    });

  it('fires medium per (actor, owner, app)', () => {
    const matches = hits('okta-admin-viewed-other-user-password', [
      reveal(admin, dana, salesforce),
      reveal(admin, dana, salesforce, 5),
      reveal(admin, fox, salesforce, 6),
      reveal(admin, dana, app('AWS Console'), 7),
    ]);
    expect(matches).toHaveLength(3);
    expect(matches[0]).toMatchObject({
      severity: 'medium',
      groupKey: `user:${admin.id}|owner:${dana.id}|app:${salesforce.id}`,
      count: 2,
      subjectUserId: admin.id,
    });
  });

  it('ignores users revealing their own password', () => {
    expect(hits('okta-admin-viewed-other-user-password', [reveal(dana, dana, salesforce)])).toEqual([]);
    // Matched by login too: the AppUser and User targets carry the owner's login.
    const ownByLogin = reveal(dana, dana, salesforce);
    const sansIds = { ...ownByLogin, target: [appUser(dana), salesforce, { ...dana, id: oktaId('00u', 'other-id') }] };
    expect(hits('okta-admin-viewed-other-user-password', [sansIds])).toEqual([]);
  });
});

describe('okta-password-health-report-access (A26)', () => {
  const request = (requestUri: string, minute = 0) =>
    adminEvent({ eventType: 'user.session.access_admin_app', minute, debugData: { requestUri, url: requestUri } });

  it('fires low once a day per actor on password-health report calls', () => {
    const events = [
      request('/api/internal/v1/reports/password-health/summary'),
      request('/api/internal/v1/reports/password-health/users', 300),
    ];
    expect(hits('okta-password-health-report-access', events)).toMatchObject([{ severity: 'low', count: 2, subjectUserId: admin.id }]);
  });

  it('ignores other reports', () => {
    expect(hits('okta-password-health-report-access', [request('/admin/reports/user-accounts')])).toEqual([]);
  });
});

describe('okta-admin-api-via-proxy (A27)', () => {
  const adminConsole = app('Okta Admin Console');
  const viaProxy = (requestUri: string, isProxy: boolean, eventType = 'user.session.access_admin_app') =>
    oktaEvent({
      eventType,
      at: T0,
      actor: admin,
      ip: '185.156.44.12',
      country: 'Netherlands',
      isProxy,
      target: [adminConsole],
      debugData: { requestUri },
    });

  it('fires medium when the Admin Console is reached through an anonymising proxy', () => {
    expect(hits('okta-admin-api-via-proxy', [viaProxy('/admin/sso/callback', true)])).toMatchObject([
      { severity: 'medium', groupKey: `user:${admin.id}`, techniques: ['T1078.004', 'T1090'] },
    ]);
  });

  it('ignores admin work without a proxy and end-user sign-ins through a VPN', () => {
    const events = [viaProxy('/admin/sso/callback', false), viaProxy('/idp/idx/identify', true, 'user.session.start')];
    expect(hits('okta-admin-api-via-proxy', events)).toEqual([]);
  });
});

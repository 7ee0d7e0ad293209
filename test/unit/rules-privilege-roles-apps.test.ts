// Section A rules on admin roles, API tokens, identity providers and apps (A1–A9).
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../detections/index.js';
import { privilegeRules } from '../../detections/rules/privilege/index.js';
import { oktaEvent, oktaGroup } from '../../detections/testing.js';
import { T0, admin, adminEvent, apiToken, app, dana, fox, hits, idp, org2org, salesforce } from './support/rules-privilege.js';

describe('okta-admin-role-granted-user / -group (A1, A2)', () => {
  it('fires on grants, critical for Super administrator', () => {
    const toUser = adminEvent({
      eventType: 'user.account.privilege.grant',
      target: [fox],
      debugData: { privilegeGranted: 'Super administrator' },
    });
    const toGroup = adminEvent({
      eventType: 'group.privilege.grant',
      target: [oktaGroup('IT Ops')],
      debugData: { privilegeGranted: 'Application administrator' },
    });
    expect(hits('okta-admin-role-granted-user', [toUser])).toMatchObject([{ severity: 'critical', subjectUserId: fox.id }]);
    expect(hits('okta-admin-role-granted-group', [toGroup])).toMatchObject([{ severity: 'high' }]);
  });

  it('ignores revocations', () => {
    const revoke = adminEvent({
      eventType: 'user.account.privilege.revoke',
      target: [fox],
      debugData: { privilegeRevoked: 'Super administrator' },
    });
    expect(evaluate(privilegeRules, [revoke])).toEqual([]);
  });
});

describe('okta-custom-admin-binding-created (A3)', () => {
  const binding = (minute: number, result = 'SUCCESS') =>
    adminEvent({
      eventType: 'iam.resourceset.bindings.add',
      minute,
      result,
      target: [
        { id: 'iamoJDFKaJxGIr0oX0g4', type: 'ResourceSet', alternateId: 'unknown', displayName: 'Contractor apps', detailEntry: null },
        { id: 'cr0Yq6IJxGIr0ouum0g3', type: 'Role', alternateId: 'unknown', displayName: 'App assignment manager', detailEntry: null },
        oktaGroup('Contractors IT'),
      ],
    });

  it('fires once per admin for bindings added in one sitting', () => {
    const [match, ...rest] = hits('okta-custom-admin-binding-created', [binding(0), binding(12)]);
    expect(rest).toEqual([]);
    expect(match).toMatchObject({ severity: 'medium', groupKey: `user:${admin.id}`, subjectUserId: admin.id, count: 2 });
    expect(match.techniques).toEqual(['T1098.003']);
  });

  it('ignores removals and reports a failed binding as an attempt (low)', () => {
    const removed = adminEvent({ eventType: 'iam.resourceset.bindings.delete', target: [oktaGroup('Contractors IT')] });
    expect(hits('okta-custom-admin-binding-created', [removed])).toEqual([]);
    expect(hits('okta-custom-admin-binding-created', [binding(0, 'FAILURE')])).toMatchObject([{ severity: 'low' }]);
  });
});

describe('okta-api-token-created / -revoked (A4, A5)', () => {
  it('fires medium on creation and low on revocation', () => {
    const created = adminEvent({ eventType: 'system.api_token.create', target: [apiToken] });
    const revoked = adminEvent({ eventType: 'system.api_token.revoke', target: [apiToken], minute: 30 });
    expect(hits('okta-api-token-created', [created, revoked])).toMatchObject([{ severity: 'medium', count: 1 }]);
    expect(hits('okta-api-token-revoked', [created, revoked])).toMatchObject([
      { severity: 'low', groupKey: `user:${admin.id}`, tactics: ['TA0040'], techniques: ['T1531'], evidenceUuids: [revoked.uuid] },
    ]);
  });

  it('ignores token use and reports a failed revocation as an attempt (info)', () => {
    const enabled = adminEvent({ eventType: 'system.api_token.enable', target: [apiToken] });
    expect(hits('okta-api-token-revoked', [enabled])).toEqual([]);
    const failed = adminEvent({ eventType: 'system.api_token.revoke', target: [apiToken], result: 'FAILURE' });
    expect(hits('okta-api-token-revoked', [failed])).toMatchObject([{ severity: 'info' }]);
  });
});

describe('okta-idp-lifecycle-change (A6)', () => {
  const rogue = idp('Partner SAML');
  const change = (action: string, minute = 0, target = rogue, result = 'SUCCESS') =>
    adminEvent({ eventType: `system.idp.lifecycle.${action}`, minute, target: [target], result });

  it('is high for a new IdP, and its activation joins the same detection', () => {
    const [match, ...rest] = hits('okta-idp-lifecycle-change', [change('create'), change('activate', 2)]);
    expect(rest).toEqual([]);
    expect(match).toMatchObject({ severity: 'high', groupKey: `idp:${rogue.id}`, count: 2, techniques: ['T1484.002'] });
  });

  it('is medium for updates, deactivation and deletion', () => {
    for (const action of ['update', 'deactivate', 'delete', 'activate']) {
      expect(hits('okta-idp-lifecycle-change', [change(action)]), action).toMatchObject([{ severity: 'medium' }]);
    }
  });

  it('keys by IdP: two IdPs are two detections', () => {
    const matches = hits('okta-idp-lifecycle-change', [change('update'), change('update', 1, idp('Google Workspace'))]);
    expect(matches.map((match) => match.groupKey).sort()).toEqual([`idp:${idp('Google Workspace').id}`, `idp:${rogue.id}`].sort());
  });

  it('ignores sign-ins through an IdP and reports a failed creation one level lower (medium)', () => {
    const signIn = oktaEvent({ eventType: 'user.authentication.auth_via_IDP', at: T0, actor: dana, target: [rogue] });
    expect(hits('okta-idp-lifecycle-change', [signIn])).toEqual([]);
    expect(hits('okta-idp-lifecycle-change', [change('create', 0, rogue, 'FAILURE')])).toMatchObject([{ severity: 'medium' }]);
    // A refused creation next to a completed update of the same IdP: the severity of what was done (medium).
    expect(hits('okta-idp-lifecycle-change', [change('create', 0, rogue, 'FAILURE'), change('update', 1)])).toMatchObject([
      { severity: 'medium', count: 2 },
    ]);
  });
});

describe('okta-org2org-app-change (A7)', () => {
  it('is high when an Org2Org app is created, medium when updated', () => {
    const created = adminEvent({ eventType: 'application.lifecycle.create', target: [org2org] });
    const updated = adminEvent({ eventType: 'application.lifecycle.update', target: [app('Tenant B', 'Okta Org2Org')] });
    const matches = hits('okta-org2org-app-change', [created, updated]);
    expect(matches.map((match) => [match.groupKey, match.severity]).sort()).toEqual(
      [
        [`app:${org2org.id}`, 'high'],
        [`app:${app('Tenant B').id}`, 'medium'],
      ].sort(),
    );
  });

  it('ignores other apps and reports a failed creation one level lower (medium)', () => {
    const other = adminEvent({ eventType: 'application.lifecycle.create', target: [salesforce] });
    expect(hits('okta-org2org-app-change', [other])).toEqual([]);
    const failed = adminEvent({ eventType: 'application.lifecycle.create', target: [org2org], result: 'FAILURE' });
    expect(hits('okta-org2org-app-change', [failed])).toMatchObject([{ severity: 'medium' }]);
  });
});

describe('okta-scim-password-push (A8)', () => {
  it('fires high when an app is set to push user passwords', () => {
    const event = adminEvent({
      eventType: 'application.lifecycle.update',
      target: [app('HR Connector')],
      reason: 'Pushing user passwords',
    });
    expect(hits('okta-scim-password-push', [event])).toMatchObject([
      { severity: 'high', groupKey: `app:${app('HR Connector').id}`, techniques: ['T1555'] },
    ]);
  });

  it('ignores ordinary app updates', () => {
    const event = adminEvent({ eventType: 'application.lifecycle.update', target: [app('HR Connector')] });
    expect(hits('okta-scim-password-push', [event])).toEqual([]);
  });
});

describe('okta-app-modified-or-removed (A9)', () => {
  it('is low and groups one admin\'s changes to several apps', () => {
    const events = [
      adminEvent({ eventType: 'application.lifecycle.update', target: [salesforce] }),
      adminEvent({ eventType: 'application.lifecycle.deactivate', target: [app('CrowdStrike Falcon')], minute: 5 }),
      adminEvent({ eventType: 'application.lifecycle.delete', target: [app('CrowdStrike Falcon')], minute: 6 }),
    ];
    expect(hits('okta-app-modified-or-removed', events)).toMatchObject([{ severity: 'low', groupKey: `user:${admin.id}`, count: 3 }]);
  });

  it('ignores new apps, activation and failures', () => {
    const events = [
      adminEvent({ eventType: 'application.lifecycle.create', target: [salesforce] }),
      adminEvent({ eventType: 'application.lifecycle.activate', target: [salesforce] }),
      adminEvent({ eventType: 'application.lifecycle.delete', target: [salesforce], result: 'FAILURE' }),
    ];
    expect(hits('okta-app-modified-or-removed', events)).toEqual([]);
  });
});

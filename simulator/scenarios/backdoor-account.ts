/**
 * Persistence through a sleeper account: an admin account creates and activates a service-looking
 * user (by default the name the 2023 support-breach actor used), then gives it power through a
 * custom admin role bound on a resource set instead of a standard role grant.
 */
import { userActor } from '../events.js';
import { ID_PREFIX, oktaId, stableOktaId } from '../ids.js';
import { newSession } from '../sign-in.js';
import { MINUTE, SECOND, addMs } from '../time.js';
import type { LogTarget, OktaLogEvent } from '../types.js';
import { chooseAdmin, defineScenario, homeSource, openAdminConsole } from './context.js';
import { scenarioEvent } from './log-events.js';

export interface BackdoorAccountOptions {
  adminId?: string;
  /** Login name of the new account, before the @ (default svc_network_backup). */
  accountName?: string;
}

export interface BackdoorAccountSubjects {
  adminId: string;
  /** The new user. */
  accountId: string;
  accountLogin: string;
  roleId: string;
  resourceSetId: string;
}

export const backdoorAccount = defineScenario<BackdoorAccountOptions, BackdoorAccountSubjects>({
  description: 'user.lifecycle.create/activate of a service-like account, then iam.role.create, iam.resourceset.create and iam.resourceset.bindings.add for it',
  build(context, options) {
    const { org, rng, at } = context;
    const admin = chooseAdmin(context, options.adminId);
    const source = homeSource(context, admin);
    const session = newSession(rng);
    const name = options.accountName ?? 'svc_network_backup';
    const accountId = oktaId(rng, ID_PREFIX.user);
    const accountLogin = `${name}@${org.domain}`;
    const account: LogTarget = { id: accountId, type: 'User', alternateId: accountLogin, displayName: name, detailEntry: null };
    const roleId = stableOktaId('cr0', `${org.orgName}:role:${name}`);
    const resourceSetId = stableOktaId('iam', `${org.orgName}:resource-set:${name}`);
    const role: LogTarget = { id: roleId, type: 'CUSTOM_ROLE', alternateId: 'unknown', displayName: 'Network Backup Operator', detailEntry: null };
    const resourceSet: LogTarget = { id: resourceSetId, type: 'RESOURCE_SET', alternateId: 'unknown', displayName: 'All users and groups', detailEntry: null };
    const base = { actor: userActor(admin), source, session };

    const events: OktaLogEvent[] = [openAdminConsole(context, admin, source, at, session)];
    let t = addMs(at, rng.int(2, 5) * MINUTE);
    events.push(scenarioEvent(rng, { ...base, eventType: 'user.lifecycle.create', published: t, target: [account], requestUri: '/api/v1/users' }));
    t = addMs(t, rng.int(5, 30) * SECOND);
    events.push(scenarioEvent(rng, { ...base, eventType: 'user.lifecycle.activate', published: t, target: [account], requestUri: `/api/v1/users/${accountId}/lifecycle/activate` }));
    t = addMs(t, rng.int(2, 6) * MINUTE);
    events.push(scenarioEvent(rng, { ...base, eventType: 'iam.role.create', published: t, target: [role], requestUri: '/api/v1/iam/roles' }));
    t = addMs(t, rng.int(30, 120) * SECOND);
    events.push(scenarioEvent(rng, { ...base, eventType: 'iam.resourceset.create', published: t, target: [resourceSet], requestUri: '/api/v1/iam/resource-sets' }));
    t = addMs(t, rng.int(30, 120) * SECOND);
    events.push(scenarioEvent(rng, {
      ...base, eventType: 'iam.resourceset.bindings.add', published: t, target: [resourceSet, role, account],
      requestUri: `/api/v1/iam/resource-sets/${resourceSetId}/bindings`,
    }));
    return { events, subjects: { adminId: admin.id, accountId, accountLogin, roleId, resourceSetId } };
  },
});

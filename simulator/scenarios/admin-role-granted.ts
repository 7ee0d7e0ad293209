/**
 * An admin opens the Admin Console and grants an administrator role: to a user, or (the quieter way) to a
 * group, and then adds a user to that group, so no privilege grant ever names the user.
 */
import { buildEvent, userActor, userTarget } from '../events.js';
import { ID_PREFIX, stableOktaId } from '../ids.js';
import { newSession } from '../sign-in.js';
import { MINUTE, SECOND, addMs } from '../time.js';
import type { LogTarget } from '../types.js';
import { chooseAdmin, chooseVictim, defineScenario, homeSource } from './context.js';
import { scenarioEvent } from './log-events.js';

export type GrantedPrivilege = 'Super administrator' | 'Organization administrator';

/** Who the role is assigned to: the user directly, or a group the user is then added to. */
export type RoleRecipient = 'user' | 'group';

export interface AdminRoleGrantedOptions {
  /** Who receives the role, directly or through the group (default: a random non-admin). */
  userId?: string;
  /** Who grants it (default: the super admin). */
  grantedBy?: string;
  privilege?: GrantedPrivilege;
  /** Default 'user'. */
  recipient?: RoleRecipient;
  /** The group given the role when `recipient` is 'group' (default 'IT Automation'). */
  groupName?: string;
}

export interface AdminRoleGrantedSubjects {
  userId: string;
  grantedBy: string;
  privilege: GrantedPrivilege;
  recipient: RoleRecipient;
  /** The group given the role, when `recipient` is 'group'. */
  groupId: string | null;
}

export const adminRoleGranted = defineScenario<AdminRoleGrantedOptions, AdminRoleGrantedSubjects>({
  description: 'user.account.privilege.grant of Super/Organization administrator to a user, or group.privilege.grant to a group the user is then added to',
  build(context, options) {
    const { org, rng, at } = context;
    const admin = chooseAdmin(context, options.grantedBy);
    const user = chooseVictim(context, options.userId, (u) => u.id !== admin.id);
    const privilege = options.privilege ?? 'Super administrator';
    const recipient = options.recipient ?? 'user';
    const source = homeSource(context, admin);
    const session = newSession(rng);
    const adminConsole = org.apps.find((a) => a.name === 'saasure');

    const opened = buildEvent(rng, {
      eventType: 'user.session.access_admin_app', published: at, actor: userActor(admin), source, session,
      target: adminConsole ? [{ id: adminConsole.id, type: 'AppInstance', alternateId: adminConsole.label, displayName: adminConsole.label, detailEntry: null }] : null,
      requestUri: '/admin/sso/callback',
    });
    if (recipient === 'group') {
      const groupName = options.groupName ?? 'IT Automation';
      const group: LogTarget = {
        id: stableOktaId(ID_PREFIX.group, `${org.orgName}:group:${groupName}`), type: 'UserGroup', alternateId: 'unknown', displayName: groupName, detailEntry: null,
      };
      const grantedAt = addMs(at, rng.int(1, 5) * MINUTE + rng.int(0, 59_999));
      const granted = scenarioEvent(rng, {
        eventType: 'group.privilege.grant', published: grantedAt, actor: userActor(admin), source, session, target: [group],
        requestUri: `/api/v1/groups/${group.id}/roles`,
        debugData: { privilegeGranted: privilege },
      });
      // Membership changes are everyday admin work: this one makes the user an admin without naming them in a grant.
      const added = buildEvent(rng, {
        eventType: 'group.user_membership.add', published: addMs(grantedAt, rng.int(20, 180) * SECOND), actor: userActor(admin), source, session,
        target: [userTarget(user), group], requestUri: `/api/v1/groups/${group.id}/users/${user.id}`,
      });
      return { events: [opened, granted, added], subjects: { userId: user.id, grantedBy: admin.id, privilege, recipient, groupId: group.id } };
    }
    const granted = buildEvent(rng, {
      eventType: 'user.account.privilege.grant', published: addMs(at, rng.int(1, 5) * MINUTE + rng.int(0, 59_999)),
      actor: userActor(admin), source, session, target: [userTarget(user)],
      requestUri: `/api/v1/users/${user.id}/roles`,
      debugData: { privilegeGranted: privilege },
    });
    return { events: [opened, granted], subjects: { userId: user.id, grantedBy: admin.id, privilege, recipient, groupId: null } };
  },
});

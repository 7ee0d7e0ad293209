/** An admin opens the Admin Console and grants a user an administrator role. */
import { buildEvent, userActor, userTarget } from '../events.js';
import { newSession } from '../sign-in.js';
import { MINUTE, addMs } from '../time.js';
import { chooseAdmin, chooseVictim, defineScenario, homeSource } from './context.js';

export type GrantedPrivilege = 'Super administrator' | 'Organization administrator';

export interface AdminRoleGrantedOptions {
  /** Who receives the role (default: a random non-admin). */
  userId?: string;
  /** Who grants it (default: the super admin). */
  grantedBy?: string;
  privilege?: GrantedPrivilege;
}

export interface AdminRoleGrantedSubjects {
  userId: string;
  grantedBy: string;
  privilege: GrantedPrivilege;
}

export const adminRoleGranted = defineScenario<AdminRoleGrantedOptions, AdminRoleGrantedSubjects>({
  description: 'user.account.privilege.grant of Super/Organization administrator to a user',
  build(context, options) {
    const { org, rng, at } = context;
    const admin = chooseAdmin(context, options.grantedBy);
    const user = chooseVictim(context, options.userId, (u) => u.id !== admin.id);
    const privilege = options.privilege ?? 'Super administrator';
    const source = homeSource(context, admin);
    const session = newSession(rng);
    const adminConsole = org.apps.find((a) => a.name === 'saasure');

    const opened = buildEvent(rng, {
      eventType: 'user.session.access_admin_app', published: at, actor: userActor(admin), source, session,
      target: adminConsole ? [{ id: adminConsole.id, type: 'AppInstance', alternateId: adminConsole.label, displayName: adminConsole.label, detailEntry: null }] : null,
      requestUri: '/admin/sso/callback',
    });
    const granted = buildEvent(rng, {
      eventType: 'user.account.privilege.grant', published: addMs(at, rng.int(1, 5) * MINUTE + rng.int(0, 59_999)),
      actor: userActor(admin), source, session, target: [userTarget(user)],
      requestUri: `/api/v1/users/${user.id}/roles`,
      debugData: { privilegeGranted: privilege },
    });
    return { events: [opened, granted], subjects: { userId: user.id, grantedBy: admin.id, privilege } };
  },
});

/**
 * Credential harvesting from inside an admin session: the admin account reveals the stored
 * passwords of other people's password-vaulted (SWA) app assignments, then exports the
 * password-health report, which lists accounts with weak or reused passwords.
 */
import { userActor, userTarget } from '../events.js';
import { ID_PREFIX, stableOktaId } from '../ids.js';
import { newSession } from '../sign-in.js';
import { MINUTE, SECOND, addMs } from '../time.js';
import type { LogTarget, OktaLogEvent, SimulatedOrg } from '../types.js';
import { chooseAdminWithRole, defineScenario, homeSource, openAdminConsole, otherActiveUsers } from './context.js';
import { scenarioEvent } from './log-events.js';

export interface AppPasswordHarvestOptions {
  /** The admin account used (default: an org admin). */
  adminId?: string;
  /** Users whose app password is revealed (default 3). */
  owners?: number;
}

export interface AppPasswordHarvestSubjects {
  adminId: string;
  appId: string;
  /** Users whose stored app password was shown. */
  ownerIds: string[];
}

/**
 * The simulated catalogue only has federated apps; a payroll portal with a vaulted password (SWA)
 * is what holds revealable credentials, so the scenario names one with a stable id.
 */
function payrollPortal(org: SimulatedOrg): LogTarget {
  return {
    id: stableOktaId(ID_PREFIX.app, `${org.orgName}:app:payroll-swa`), type: 'AppInstance',
    alternateId: 'ADP Workforce Now', displayName: 'ADP Workforce Now', detailEntry: { signOnModeType: 'AUTO_LOGIN' },
  };
}

export const appPasswordHarvest = defineScenario<AppPasswordHarvestOptions, AppPasswordHarvestSubjects>({
  description: "An admin reveals other users' SWA app passwords, then exports the password-health report",
  build(context, options) {
    const { org, rng, at } = context;
    const admin = chooseAdminWithRole(context, options.adminId, 'ORG_ADMIN');
    const source = homeSource(context, admin);
    const session = newSession(rng);
    const app = payrollPortal(org);
    const owners = otherActiveUsers(context, [admin.id], Math.max(1, options.owners ?? 3));
    const events: OktaLogEvent[] = [openAdminConsole(context, admin, source, at, session)];
    let t = addMs(at, rng.int(1, 3) * MINUTE);
    for (const owner of owners) {
      events.push(scenarioEvent(rng, {
        eventType: 'application.user_membership.show_password', published: t, actor: userActor(admin), source, session,
        target: [app, { id: owner.id, type: 'AppUser', alternateId: owner.profile.login, displayName: owner.profile.displayName, detailEntry: null }, userTarget(owner)],
        requestUri: `/admin/app/${app.id}/instance/${app.id}/user/${owner.id}/password`,
      }));
      t = addMs(t, rng.int(40, 150) * SECOND);
    }
    const reportId = rng.hex(24);
    events.push(scenarioEvent(rng, {
      eventType: 'analytics.reports.export.request', published: t, actor: userActor(admin), source, session,
      target: [{ id: reportId, type: 'Report', alternateId: 'unknown', displayName: 'Password Health', detailEntry: null }],
      requestUri: '/api/internal/v1/reports/password-health/async_csv_download_schedule',
    }));
    events.push(scenarioEvent(rng, {
      eventType: 'analytics.reports.export.download', published: addMs(t, rng.int(30, 120) * SECOND), actor: userActor(admin), source, session,
      target: [{ id: reportId, type: 'Report', alternateId: 'unknown', displayName: 'Password Health', detailEntry: null }],
      requestUri: `/api/internal/v1/reports/password-health/csv/${reportId}`,
    }));
    return { events, subjects: { adminId: admin.id, appId: app.id, ownerIds: owners.map((u) => u.id) } };
  },
});

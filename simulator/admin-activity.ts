/** What admins do on a workday: open the Admin Console, then a few routine changes. */
import { buildEvent, enrollmentTarget, userActor, userTarget, type RequestSource } from './events.js';
import { ID_PREFIX, stableOktaId } from './ids.js';
import type { Random } from './random.js';
import { newSession, type Session } from './sign-in.js';
import { MINUTE, addMs } from './time.js';
import type { AdminAssignment, LogTarget, OktaLogEvent, OktaUser, SimulatedOrg } from './types.js';

type AdminAction = (rng: Random, org: SimulatedOrg, admin: OktaUser, subject: OktaUser, source: RequestSource, at: Date, session: Session) => OktaLogEvent[];

/** Which routine actions each role performs, by relative frequency. */
const ACTIONS_BY_ROLE: Record<AdminAssignment['role'], readonly (readonly [AdminAction, number])[]> = {
  SUPER_ADMIN: [[addToGroup, 4], [assignApp, 3], [updatePolicyRule, 1], [resetFactors, 1]],
  ORG_ADMIN: [[addToGroup, 5], [assignApp, 4], [unlock, 1], [resetFactors, 1]],
  HELP_DESK_ADMIN: [[unlock, 3], [resetFactors, 2]],
  READ_ONLY_ADMIN: [],
};

export function adminWorkday(
  rng: Random, org: SimulatedOrg, assignment: AdminAssignment, admin: OktaUser, source: RequestSource, signedInAt: Date, session: Session,
  colleagues: readonly OktaUser[],
): OktaLogEvent[] {
  const adminConsole = org.apps.find((a) => a.name === 'saasure');
  let t = addMs(signedInAt, rng.int(1, 45) * MINUTE + rng.int(0, 59_999));
  const events: OktaLogEvent[] = [buildEvent(rng, {
    eventType: 'user.session.access_admin_app', published: t, actor: userActor(admin), source, session,
    target: adminConsole ? [{ id: adminConsole.id, type: 'AppInstance', alternateId: adminConsole.label, displayName: adminConsole.label, detailEntry: null }] : null,
    requestUri: '/admin/sso/callback',
  })];
  const actions = ACTIONS_BY_ROLE[assignment.role];
  if (actions.length === 0 || colleagues.length === 0) return events;
  for (let n = rng.int(0, 3); n > 0; n--) {
    t = addMs(t, rng.int(2, 90) * MINUTE + rng.int(0, 59_999));
    events.push(...rng.weighted(actions)(rng, org, admin, rng.pick(colleagues), source, t, session));
  }
  return events;
}

function groupTarget(org: SimulatedOrg, name: string): LogTarget {
  return { id: stableOktaId(ID_PREFIX.group, `${org.orgName}:group:${name}`), type: 'UserGroup', alternateId: 'unknown', displayName: name, detailEntry: null };
}

function addToGroup(rng: Random, org: SimulatedOrg, admin: OktaUser, subject: OktaUser, source: RequestSource, at: Date, session: Session): OktaLogEvent[] {
  const group = rng.pick([subject.profile.department, 'All Employees', 'VPN Users', `${subject.profile.department} Leads`]);
  return [buildEvent(rng, {
    eventType: 'group.user_membership.add', published: at, actor: userActor(admin), source, session,
    target: [userTarget(subject), groupTarget(org, group)], requestUri: `/api/v1/groups/${groupTarget(org, group).id}/users/${subject.id}`,
  })];
}

function assignApp(rng: Random, org: SimulatedOrg, admin: OktaUser, subject: OktaUser, source: RequestSource, at: Date, session: Session): OktaLogEvent[] {
  const app = rng.pick(org.apps.filter((a) => a.name !== 'saasure'));
  return [buildEvent(rng, {
    eventType: 'application.user_membership.add', published: at, actor: userActor(admin), source, session,
    target: [
      { id: subject.id, type: 'AppUser', alternateId: subject.profile.login, displayName: subject.profile.displayName, detailEntry: null },
      { id: app.id, type: 'AppInstance', alternateId: app.label, displayName: app.label, detailEntry: null },
      userTarget(subject),
    ],
    requestUri: `/api/v1/apps/${app.id}/users`,
  })];
}

function unlock(rng: Random, _org: SimulatedOrg, admin: OktaUser, subject: OktaUser, source: RequestSource, at: Date, session: Session): OktaLogEvent[] {
  return [buildEvent(rng, {
    eventType: 'user.account.unlock_by_admin', published: at, actor: userActor(admin), source, session,
    target: [userTarget(subject)], requestUri: `/api/v1/users/${subject.id}/lifecycle/unlock`,
  })];
}

/** A help-desk reset (lost phone): the user enrols again from home within the next hours, as people do. */
function resetFactors(rng: Random, org: SimulatedOrg, admin: OktaUser, subject: OktaUser, source: RequestSource, at: Date, session: Session): OktaLogEvent[] {
  const events = [buildEvent(rng, {
    eventType: 'user.mfa.factor.reset_all', published: at, actor: userActor(admin), source, session,
    target: [userTarget(subject)], requestUri: `/api/v1/users/${subject.id}/lifecycle/reset_factors`,
  })];
  const persona = org.personas[subject.id];
  const factor = org.factors[subject.id]?.find((f) => f.factorType !== 'email');
  if (persona && factor) {
    events.push(buildEvent(rng, {
      eventType: 'user.mfa.factor.activate', published: addMs(at, rng.int(5, 180) * MINUTE + rng.int(0, 59_999)),
      actor: userActor(subject), source: { origin: persona.home, agent: persona.browser, device: null }, session: newSession(rng),
      target: [userTarget(subject), enrollmentTarget(factor)], requestUri: '/idp/idx/credential/enroll',
    }));
  }
  return events;
}

function updatePolicyRule(rng: Random, org: SimulatedOrg, admin: OktaUser, _subject: OktaUser, source: RequestSource, at: Date, session: Session): OktaLogEvent[] {
  const { policyId, ruleId, ruleName } = org.signOnPolicy;
  return [buildEvent(rng, {
    eventType: 'policy.rule.update', published: at, actor: userActor(admin), source, session,
    target: [{ id: ruleId, type: 'PolicyRule', alternateId: policyId, displayName: ruleName, detailEntry: { policyType: 'OktaSignOn' } }],
    requestUri: `/api/v1/policies/${policyId}/rules/${ruleId}`,
  })];
}

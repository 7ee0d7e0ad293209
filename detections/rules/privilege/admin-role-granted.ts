/** Catalogue A1–A2: an administrator role granted to a user or to a group (persistence, privilege escalation). */
import { field } from '../../fields.js';
import { commonFields, groupKeys, targetUserSubject } from '../../log-event.js';
import type { OktaLogEvent, Severity, SeverityNote, SingleRule } from '../../types.js';
import { attemptAware, attemptAwareNote } from '../outcome.js';

const privilegeGranted = field('debugContext.debugData.privilegeGranted');
const targetGroupId = field('target[type=UserGroup].id');
const anyTargetId = field('target.id');

// Okta writes the role's display name ("Super administrator", "Super Administrator"); the API type is SUPER_ADMIN.
const SUPER_ADMIN = /super[\s_-]*admin/i;

/** Super administrator can do anything, including removing every other admin: page someone. */
function grantSeverity(events: readonly OktaLogEvent[]): Severity {
  const grantsSuperAdmin = events.some((event) => privilegeGranted.texts(event).some((role) => SUPER_ADMIN.test(role)));
  return grantsSuperAdmin ? 'critical' : 'high';
}

const GRANT_SEVERITY: SeverityNote = {
  levels: ['high', 'critical'],
  how: 'critical when a granted role is Super administrator, else high',
};

/** Outcome absent: the grant is taken as done. Refused (FAILURE, DENY…): an attempted escalation, one level lower. */
const OUTCOME_NOTE =
  ' Without an outcome in the event the grant is taken as done; a refused grant is reported one level lower as an ' +
  'attempted escalation (someone with a partial admin session trying to raise it).';

const ATTACK = { tactics: ['TA0003', 'TA0004'], techniques: ['T1098.003'] } as const;

export const adminRoleGrantedToUser: SingleRule = {
  kind: 'single',
  id: 'okta-admin-role-granted-user',
  title: 'Administrator role granted to a user',
  description:
    'An Okta administrator role was assigned to a user. Attackers who gain an admin session grant themselves or a ' +
    'sleeper account a role to keep control of the tenant. Critical when the role is Super administrator.' + OUTCOME_NOTE,
  severity: attemptAware(grantSeverity),
  severityNote: attemptAwareNote(GRANT_SEVERITY),
  attack: ATTACK,
  eventTypes: ['user.account.privilege.grant'],
  fields: ['eventType', 'outcome.result', 'debugContext.debugData.privilegeGranted', 'target[type=User].id', 'actor.alternateId'],
  runbook:
    'Confirm with the granting admin (actor) that the role change was requested; if not, revoke the role, clear the ' +
    "user's sessions and review both accounts' recent activity.",
  dedupe: { periodMinutes: 60, key: (event) => groupKeys.user(commonFields.targetUserId.text(event)) },
  enabled: true,
  subject: (events) => targetUserSubject(events[0]),
  match: (event) => commonFields.eventType.text(event) === 'user.account.privilege.grant',
};

export const adminRoleGrantedToGroup: SingleRule = {
  kind: 'single',
  id: 'okta-admin-role-granted-group',
  title: 'Administrator role granted to a group',
  description:
    'An Okta administrator role was assigned to a group, making every current and future member an admin. ' +
    'A quiet way to hand out privileges: adding someone to the group later leaves no privilege-grant event.' + OUTCOME_NOTE,
  severity: attemptAware(grantSeverity),
  severityNote: attemptAwareNote(GRANT_SEVERITY),
  attack: ATTACK,
  eventTypes: ['group.privilege.grant'],
  fields: ['eventType', 'outcome.result', 'debugContext.debugData.privilegeGranted', 'target[type=UserGroup].id', 'target.alternateId'],
  runbook:
    'Check who granted the role and that the change was approved; list the group members and revoke the role if it ' +
    'was not intended.',
  dedupe: {
    periodMinutes: 60,
    key: (event) => groupKeys.group(targetGroupId.text(event) ?? anyTargetId.text(event)),
  },
  enabled: true,
  // About a group, not a user: the granting admin is the actor, not the subject.
  subject: () => undefined,
  match: (event) => commonFields.eventType.text(event) === 'group.privilege.grant',
};

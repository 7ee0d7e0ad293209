/**
 * Catalogue A25–A26: stored credentials exposed through the Admin Console: another user's app (SWA) password
 * revealed, and the password-health report endpoints called.
 */
import { commonFields, groupKeys, knownId } from '../../log-event.js';
import type { OktaLogEvent, SingleRule } from '../../types.js';
import { actsOnOwnAccount, attemptAware, attemptAwareNote, isEventType, outcomeNote, privilegeFields } from './helpers.js';

const SHOW_PASSWORD = 'application.user_membership.show_password';

/** One group per (who looked, whose password, which app), as Panther dedupes; the owner falls back to the AppUser. */
function revealKey(event: OktaLogEvent): string | undefined {
  const actor = groupKeys.actor(event);
  if (!actor) return undefined;
  const owner =
    knownId(privilegeFields.targetUserIds.text(event)) ??
    privilegeFields.targetAppUserLogins.text(event)?.toLowerCase() ??
    'unknown';
  const app = knownId(privilegeFields.targetAppId.text(event)) ?? 'unknown';
  return `${actor}|owner:${owner}|app:${app}`;
}

export const adminViewedOtherUserPassword: SingleRule = {
  kind: 'single',
  id: 'okta-admin-viewed-other-user-password',
  title: "Another user's app password revealed",
  description:
    "Someone revealed the stored password of an app (SWA) assignment that is not theirs. Admins can show the " +
    'passwords Okta keeps for password-vaulted apps; an attacker with an admin session can harvest them this way.' +
    outcomeNote.attempts +
    ' Without a target, whose password it was is unknown and the reveal is reported.',
  severity: attemptAware('medium'),
  severityNote: attemptAwareNote('medium'),
  attack: { tactics: ['TA0006'], techniques: ['T1555'] },
  eventTypes: [SHOW_PASSWORD],
  fields: [
    'eventType',
    'outcome.result',
    'actor.id',
    'actor.alternateId',
    'target[type=User].id',
    'target[type=User].alternateId',
    'target[type=AppUser].alternateId',
    'target[type=AppInstance].id',
    'target[type=AppInstance].displayName',
  ],
  runbook:
    'Ask the actor why they needed the password of that user and app; if unexplained, rotate the app credential and ' +
    'review what else the actor revealed or exported.',
  dedupe: { periodMinutes: 60, key: revealKey },
  enabled: true,
  match: (event) => isEventType(event, [SHOW_PASSWORD]) && !actsOnOwnAccount(event),
};

// Tested against every event's requestUri: a case-insensitive pattern, no lower-cased copy of each URI.
const PASSWORD_HEALTH_PATH = /\/reports\/password-health\//i;

export const passwordHealthReportAccess: SingleRule = {
  kind: 'single',
  id: 'okta-password-health-report-access',
  title: 'Password-health report accessed',
  description:
    'A request reached the password-health report endpoints, which list accounts with weak or reused passwords. The ' +
    'actor of the 2023 Okta support-system breach pulled this report; admins open it rarely, from the Admin Console. ' +
    'Needs debugContext: the endpoint is visible only in debugData.requestUri. Any outcome counts.',
  // Hunting signal: low, and one detection per actor a day. Enabled because the report is rarely used, so the
  // volume is small; a tenant whose admins run it routinely can switch the rule off.
  severity: 'low',
  attack: { tactics: ['TA0007'], techniques: ['T1087.004'] },
  // The endpoint is visible on whatever event the request produced, so every type is examined.
  eventTypes: ['*'],
  fields: ['eventType', 'debugContext.debugData.requestUri', 'actor.id', 'actor.alternateId', 'client.ipAddress'],
  runbook:
    'Check that the actor is an admin who meant to open the report from the Admin Console (a user.session.access_admin_app ' +
    'just before, from the same IP); otherwise treat the admin session as stolen.',
  dedupe: { periodMinutes: 24 * 60, key: (event) => groupKeys.actor(event) ?? groupKeys.ip(commonFields.clientIp.text(event)) },
  enabled: true,
  match: (event) => PASSWORD_HEALTH_PATH.test(privilegeFields.requestUri.text(event) ?? ''),
};

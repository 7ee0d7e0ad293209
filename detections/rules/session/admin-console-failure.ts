/** Catalogue C61: a failed sign-in to the Okta Admin Console. */
import { hasOutcome } from '../../log-event.js';
import type { OktaLogEvent, SingleRule } from '../../types.js';
import { TARGET_NAMES, anyTextIs, userKey } from '../credential/helpers.js';

const ADMIN_CONSOLE = 'okta admin console';

const isAdminConsoleFailure = (event: OktaLogEvent): boolean =>
  hasOutcome(event, 'FAILURE') &&
  anyTextIs(event, TARGET_NAMES, ADMIN_CONSOLE);

export const adminConsoleLoginFailure: SingleRule = {
  kind: 'single',
  id: 'okta-admin-console-login-failure',
  title: 'Failed sign-in to the Okta Admin Console',
  description:
    'An authentication to the Okta Admin Console failed. Admins mistype too; repeated failures, or failures from an ' +
    "address that is not the admin's, are an attempt on the most valuable account in the tenant. Needs outcome and " +
    'target: the rule is about failures, and the Admin Console is named only in target.',
  severity: 'low',
  attack: { tactics: ['TA0001', 'TA0006'], techniques: ['T1078.004', 'T1110'] },
  eventTypes: ['user.authentication.*', 'user.session.start', 'user.session.access_admin_app'],
  fields: ['eventType', 'outcome.result', 'outcome.reason', 'target.alternateId', 'target.displayName', 'actor.id', 'client.ipAddress'],
  runbook: "Check the IP and device against the admin's usual ones and ask the admin if the attempt was theirs.",
  dedupe: { periodMinutes: 60, key: userKey },
  enabled: true,
  match: isAdminConsoleFailure,
};

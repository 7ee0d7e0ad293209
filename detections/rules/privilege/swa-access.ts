/**
 * Catalogue A30–A31: SWA (Secure Web Authentication) apps store a password Okta types in for the user, so opening
 * many of them, or changing and revealing their stored credentials, harvests passwords. A30: an hour with far more
 * SWA access or distinct SWA apps than the user's usual active hours. A31: SWA access at an hour of the day the user
 * has not used SWA apps at in the last 30 days.
 */
import { field } from '../../fields.js';
import { commonFields, groupKeys } from '../../log-event.js';
import type { AnomalyBucket, AnomalyRule, OktaLogEvent } from '../../types.js';
import { carriedOut, isEventType, outcomeNote } from './helpers.js';

const SSO = 'user.authentication.sso';
const CREDENTIAL_EVENTS = ['application.user_membership.change_username', 'application.user_membership.show_password'];
/** Okta's sign-on modes that keep a password for the user (SWA plugin, auto-login, basic auth, shared credentials). */
const PASSWORD_MODES = ['BROWSER_PLUGIN', 'AUTO_LOGIN', 'BASIC_AUTH', 'SECURE_PASSWORD_STORE'];

const signOnMode = field('target[type=AppInstance].detailEntry.signOnModeType');

function isSwaCredentialAccess(event: OktaLogEvent): boolean {
  if (isEventType(event, CREDENTIAL_EVENTS)) return carriedOut(event);
  if (!isEventType(event, [SSO]) || !carriedOut(event)) return false;
  // An SSO names one app: its first sign-on mode is the one (no array built for every sign-in).
  const mode = signOnMode.text(event);
  return mode !== undefined && PASSWORD_MODES.includes(mode.trim().toUpperCase());
}

/** Both SWA rules: outcome and target handling, said once. */
const SWA_NOTE =
  outcomeNote.carriedOutOnly('a refused sign-on or reveal hands over no password.') +
  ' Needs target for SSO events: only the app\'s sign-on mode (target) says it vaults a password; username changes ' +
  'and password reveals count without it.';

const userOf = (event: OktaLogEvent) => groupKeys.user(commonFields.actorId.text(event));
const FIELDS = ['eventType', 'outcome.result', 'actor.id', 'target[type=AppInstance].id', 'target[type=AppInstance].detailEntry.signOnModeType'];
const ATTACK = { tactics: ['TA0006', 'TA0009'], techniques: ['T1555', 'T1213'] } as const;

/** Exported for its unit tests: one hour of one user's SWA access. */
export function swaBulkHour(hour: AnomalyBucket): boolean {
  const { count = 0, apps = 0 } = hour.values;
  // Cold start: absolute volumes only a harvest reaches.
  if (hour.learning) return count >= 10 || apps >= 5;
  return (count >= 5 && hour.z('count') > 3) || (apps >= 3 && hour.z('apps') > 3);
}

export const swaBulkCredentialAccess: AnomalyRule = {
  kind: 'anomaly',
  id: 'okta-swa-bulk-credential-access',
  title: 'Bulk access to password-vaulting (SWA) apps',
  description:
    'In one hour a user opened, or changed or revealed the stored credentials of, far more SWA apps than in their ' +
    'usual active hours (z > 3 over 90 days; at least 10 accesses or 5 apps while there is no history). Someone is ' +
    'harvesting the passwords Okta keeps for the user.' + SWA_NOTE,
  severity: 'high',
  attack: ATTACK,
  eventTypes: [SSO, ...CREDENTIAL_EVENTS],
  fields: FIELDS,
  runbook:
    'Ask the user whether they opened these apps (evidence); if not, clear their sessions, reset the Okta password ' +
    'and the passwords of every SWA app in the evidence.',
  dedupe: { periodMinutes: 180, key: userOf },
  enabled: true,
  filter: isSwaCredentialAccess,
  bucketMinutes: 60,
  historyDays: 90,
  minHistoryBuckets: 5,
  measures: { apps: { distinct: 'target[type=AppInstance].id' } },
  decide: swaBulkHour,
};

const HOUR_MS = 3_600_000;
const OFF_HOURS_HISTORY_MS = 30 * 24 * HOUR_MS;

/** Hours of the UTC day, circularly (23:00 and 01:00 are two hours apart). */
function hourDistance(a: number, b: number): number {
  const d = Math.abs(new Date(a).getUTCHours() - new Date(b).getUTCHours());
  return Math.min(d, 24 - d);
}

/**
 * Exported for its unit tests. Off-hours: at least 3 accesses in an hour of the day that none of the user's active
 * hours of the last 30 days came within an hour of, with at least 10 such active hours to know the user's rhythm.
 */
export function swaOffHours(hour: AnomalyBucket): boolean {
  if ((hour.values.count ?? 0) < 3) return false;
  const recent = hour.history.filter((h) => hour.start - h.start <= OFF_HOURS_HISTORY_MS);
  if (recent.length < 10) return false;
  return recent.every((h) => hourDistance(h.start, hour.start) > 1);
}

export const swaOffHoursAccess: AnomalyRule = {
  kind: 'anomaly',
  id: 'okta-swa-offhours-access',
  title: 'Password-vaulting (SWA) apps used at an unusual hour',
  description:
    'A user opened SWA apps three or more times in an hour of the day (UTC) they have not used SWA apps at, or within ' +
    'an hour of, in the last 30 days. Stolen sessions are often used while the owner sleeps.' + SWA_NOTE,
  severity: 'high',
  attack: ATTACK,
  eventTypes: [SSO, ...CREDENTIAL_EVENTS],
  fields: FIELDS,
  runbook:
    'Check whether the user travels or works shifts; if not, look at the session (IP, device) that opened the apps ' +
    'and clear it, then reset the passwords of the apps in the evidence.',
  dedupe: { periodMinutes: 180, key: userOf },
  enabled: true,
  filter: isSwaCredentialAccess,
  bucketMinutes: 60,
  historyDays: 30,
  minHistoryBuckets: 10,
  decide: swaOffHours,
};

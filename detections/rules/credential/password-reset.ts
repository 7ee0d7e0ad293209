/**
 * Catalogue B48: password-reset and unlock abuse. A flood of reset/unlock messages for one account (harassment,
 * account-recovery takeover via SMS/voice), and one actor resetting the passwords of many other users.
 */
import { commonFields, groupKeys } from '../../log-event.js';
import type { OktaLogEvent, Severity, ThresholdRule } from '../../types.js';
import { F, distinctValues, eventTypeOf, userKey } from './helpers.js';

const RESET_PASSWORD = 'user.account.reset_password';

const RESET_OR_UNLOCK_TYPES = [
  'system.email.password_reset.sent_message',
  'system.email.account_unlock.sent_message',
  'system.sms.send_password_reset_message',
  'system.sms.send_account_unlock_message',
  'system.voice.send_password_reset_call',
  'system.voice.send_account_unlock_call',
  'user.account.unlock_token',
  RESET_PASSWORD,
];

export const resetUnlockFlood: ThresholdRule = {
  kind: 'threshold',
  id: 'okta-reset-unlock-flood',
  title: 'Burst of password-reset or unlock requests',
  description:
    'At least 5 password-reset or account-unlock messages (email, SMS, voice), unlock tokens or password resets for ' +
    'one actor within an hour. Someone may be trying to take over the account through recovery, or bombarding the ' +
    'user with recovery messages hoping one is acted on.',
  severity: 'medium',
  attack: { tactics: ['TA0006', 'TA0003'], techniques: ['T1098', 'T1110'] },
  eventTypes: RESET_OR_UNLOCK_TYPES,
  fields: ['eventType', 'outcome.result', 'actor.id', 'actor.alternateId', 'actor.type', 'target[type=User].id', 'client.ipAddress'],
  runbook:
    'Ask the user whether they requested the resets; if not, check the requesting IPs, disable SMS/voice recovery ' +
    'for the account and make sure no reset was completed by someone else.',
  dedupe: { periodMinutes: 60, key: userKey },
  enabled: true,
  filter: (event) => RESET_OR_UNLOCK_TYPES.includes(eventTypeOf(event) ?? ''),
  window: 60,
  threshold: 5,
};

const MASS_RESET = { targets: 11, resets: 16, highTargets: 50 } as const;

const resetsSomeoneElse = (event: OktaLogEvent): boolean => {
  if (eventTypeOf(event) !== RESET_PASSWORD) return false;
  const target = F.targetUserId.text(event);
  return target !== undefined && target !== commonFields.actorId.text(event);
};

const massResetSeverity = (events: readonly OktaLogEvent[]): Severity =>
  distinctValues(events, (event) => F.targetUserId.text(event)).size >= MASS_RESET.highTargets ? 'high' : 'medium';

export const massPasswordReset: ThresholdRule = {
  kind: 'threshold',
  id: 'okta-mass-password-reset',
  title: 'One actor resetting the passwords of many users',
  description:
    'One actor reset the passwords of more than 10 other users, with more than 15 resets, within an hour. A help desk ' +
    'rarely does this outside an incident; an attacker with admin rights does it to lock people out or take over ' +
    'accounts. High from 50 users. Any outcome counts: a refused bulk reset is still the attempt. Needs target: the ' +
    'distinct users reset are the signal.',
  severity: massResetSeverity,
  severityNote: { levels: ['medium', 'high'], how: `high from ${MASS_RESET.highTargets} distinct users reset, else medium` },
  attack: { tactics: ['TA0003', 'TA0040'], techniques: ['T1098', 'T1531'] },
  eventTypes: [RESET_PASSWORD],
  fields: ['eventType', 'outcome.result', 'actor.id', 'actor.alternateId', 'target[type=User].id', 'target[type=User].alternateId', 'client.ipAddress'],
  runbook:
    'Confirm with the admin (actor) that a bulk reset was planned; if not, suspend the admin account, revoke its ' +
    'sessions and API tokens, and contact the affected users.',
  dedupe: { periodMinutes: 60, key: groupKeys.actor },
  enabled: true,
  filter: resetsSomeoneElse,
  window: 60,
  threshold: MASS_RESET.targets,
  distinct: 'target[type=User].id',
  having: (stats) => stats.count >= MASS_RESET.resets,
};

/** Catalogue B32–B34: account lockouts, alone, repeated for one account, and across accounts from one source. */
import { commonFields } from '../../log-event.js';
import type { OktaLogEvent, SingleRule, ThresholdRule } from '../../types.js';
import { eventTypeOf, ipOrUnknownKey, noSubject, userKey } from './helpers.js';

/** Okta logs the lockout with the locked user as actor and the client that made the last failed attempt. */
const LOCK_TYPES = ['user.account.lock', 'user.account.lock.limit'];

const isLockout = (event: OktaLogEvent): boolean => LOCK_TYPES.includes(eventTypeOf(event) ?? '');

const LOCK_FIELDS = ['eventType', 'displayMessage', 'outcome.reason', 'actor.id', 'actor.alternateId', 'target[type=User].id', 'client.ipAddress'];

export const accountLocked: SingleRule = {
  kind: 'single',
  id: 'okta-account-locked',
  title: 'Okta account locked out',
  description:
    'An account was locked after too many failed sign-in attempts. Usually a user who forgot a changed password; ' +
    'worth a look when the source IP is not one the user normally signs in from.',
  severity: 'low',
  attack: { tactics: ['TA0006'], techniques: ['T1110.001'] },
  eventTypes: LOCK_TYPES,
  fields: LOCK_FIELDS,
  runbook:
    "Compare the client IP and location of the lockout with the user's usual sign-ins; if they are unfamiliar, ask " +
    'the user and keep the account locked until the password is reset.',
  dedupe: { periodMinutes: 60, key: userKey },
  enabled: true,
  match: isLockout,
};

export const repeatedLockoutsUser: ThresholdRule = {
  kind: 'threshold',
  id: 'okta-repeated-lockouts-user',
  title: 'One account locked out repeatedly',
  description:
    'The same account was locked out at least 3 times within 3 hours: someone keeps guessing its password every time ' +
    'the lockout expires, a slow brute force that a per-hour failure count misses.',
  severity: 'medium',
  attack: { tactics: ['TA0006'], techniques: ['T1110.001'] },
  eventTypes: LOCK_TYPES,
  fields: [...LOCK_FIELDS, 'transaction.id'],
  runbook:
    'List the IPs behind the lockouts: if they are not the user\'s, block them, reset the password and check for a ' +
    'successful sign-in between lockouts.',
  dedupe: { periodMinutes: 180, key: userKey },
  enabled: true,
  filter: isLockout,
  window: 180,
  threshold: 3,
  // lock and lock.limit can both be logged for one lockout.
  countOnceBy: 'transaction.id',
};

export const manyAccountsLocked: ThresholdRule = {
  kind: 'threshold',
  id: 'okta-many-accounts-locked',
  title: 'Many accounts locked out from one IP address',
  description:
    'At least 5 different accounts were locked out by sign-in attempts from one IP address within 15 minutes: a ' +
    'spray or brute force that runs into the lockout policy (and locks real users out of their accounts). Lockouts whose ' +
    'event carries no client IP are counted together as one unknown source: five accounts locked within 15 minutes ' +
    'is an attack wherever it comes from, and lockouts are too rare for the group to fill up with routine ones.',
  severity: 'medium',
  attack: { tactics: ['TA0006', 'TA0040'], techniques: ['T1110.003', 'T1531'] },
  eventTypes: LOCK_TYPES,
  fields: LOCK_FIELDS,
  runbook:
    'Block the IP (network zone), unlock the affected accounts once it is blocked, and check whether any of them ' +
    'signed in successfully from it.',
  dedupe: { periodMinutes: 60, key: ipOrUnknownKey },
  enabled: true,
  subject: noSubject,
  filter: (event) => isLockout(event) && commonFields.actorAlternateId.text(event) !== undefined,
  window: 15,
  threshold: 5,
  distinct: 'actor.alternateId',
};

/** Catalogue B41: credential stuffing, one IP trying a breached login/password list (one or two tries per account). */
import type { ThresholdRule } from '../../types.js';
import { FAILED_SIGN_IN_TYPES, FAILURES_NEED_OUTCOME, ipKey, isFailedPasswordAttempt, noSubject } from './helpers.js';

const STUFFING = { users: 15, attempts: 25, maxPerUser: 2 } as const;

export const credentialStuffing: ThresholdRule = {
  kind: 'threshold',
  id: 'okta-credential-stuffing',
  title: 'Credential stuffing from one IP address',
  description:
    'One IP address failed to sign in as at least 15 different accounts with at least 25 attempts within 15 minutes, ' +
    'never more than twice per account: a list of leaked login/password pairs being replayed, each pair tried once ' +
    'or twice. A spray retries the same accounts with new passwords; stuffing moves on.' +
    FAILURES_NEED_OUTCOME +
    ' Needs client: the group is the source IP; failures without one are judged tenant-wide by ' +
    'okta-password-spray-distributed, whose shape (many accounts, few tries each, 15 minutes) this is.',
  severity: 'medium',
  attack: { tactics: ['TA0006'], techniques: ['T1110.004'] },
  eventTypes: FAILED_SIGN_IN_TYPES,
  fields: [
    'eventType',
    'outcome.result',
    'outcome.reason',
    'client.ipAddress',
    'actor.alternateId',
    'debugContext.debugData.factor',
    'transaction.id',
  ],
  runbook:
    'Block the IP, then check every targeted account for a successful sign-in from it: those passwords are in a ' +
    'leak and must be reset even if no sign-in succeeded.',
  dedupe: { periodMinutes: 60, key: ipKey },
  enabled: true,
  subject: noSubject,
  filter: isFailedPasswordAttempt,
  window: 15,
  threshold: STUFFING.users,
  distinct: 'actor.alternateId',
  countOnceBy: 'transaction.id',
  having: (stats) => stats.count >= STUFFING.attempts && stats.maxPerValue <= STUFFING.maxPerUser,
};

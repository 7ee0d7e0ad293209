/**
 * Abuse of password recovery. 'recovery-flood': someone who knows a user's login keeps starting
 * self-service recovery from abroad (SMS, email, voice) hoping the user acts on one message.
 * 'mass-reset': a hijacked help-desk admin resets the passwords of many colleagues in a row.
 */
import { userActor, userTarget } from '../events.js';
import { newSession } from '../sign-in.js';
import { MINUTE, addMs } from '../time.js';
import type { OktaLogEvent } from '../types.js';
import { attackerSource, chooseAdminWithRole, chooseVictim, defineScenario, homeSource, openAdminConsole, otherActiveUsers } from './context.js';
import { scenarioEvent, type AttackEventType } from './log-events.js';

export type PasswordResetAbuseStyle = 'recovery-flood' | 'mass-reset';

export interface PasswordResetAbuseOptions {
  /** Default 'recovery-flood'. */
  style?: PasswordResetAbuseStyle;
  /** recovery-flood: the targeted user. */
  userId?: string;
  /** mass-reset: the admin whose session resets passwords (default: the help-desk admin). */
  adminId?: string;
  /** Recovery messages (default 7) or users reset (default 18). */
  count?: number;
}

export interface PasswordResetAbuseSubjects {
  style: PasswordResetAbuseStyle;
  /** The actor of every event: the flooded user, or the resetting admin. */
  actorId: string;
  sourceIp: string;
  /** Users whose password was reset (mass-reset), or the flooded user. */
  targetUserIds: string[];
}

const RECOVERY_CHANNELS: readonly { eventType: AttackEventType; debugData: (code: string) => Record<string, string> }[] = [
  { eventType: 'system.sms.send_password_reset_message', debugData: (code) => ({ smsProvider: 'TWILIO', transactionId: `SM${code}` }) },
  { eventType: 'system.email.password_reset.sent_message', debugData: () => ({}) },
  { eventType: 'system.voice.send_password_reset_call', debugData: (code) => ({ voiceProvider: 'TWILIO', transactionId: `CA${code}` }) },
];

export const passwordResetAbuse = defineScenario<PasswordResetAbuseOptions, PasswordResetAbuseSubjects>({
  description: 'A flood of password-reset messages for one user, or one admin resetting the passwords of many users within the hour',
  build(context, options) {
    const { rng, at } = context;
    const style = options.style ?? 'recovery-flood';
    const events: OktaLogEvent[] = [];

    if (style === 'recovery-flood') {
      const user = chooseVictim(context, options.userId);
      const attacker = attackerSource(rng, context.org.personas[user.id]?.home.place.countryCode);
      const count = Math.max(5, options.count ?? 7);
      for (let i = 0; i < count; i++) {
        // Mostly SMS (the channel an attacker who swapped the SIM can read), some email and voice.
        const channel = RECOVERY_CHANNELS[i % 3 === 2 ? rng.int(1, 2) : 0];
        events.push(scenarioEvent(rng, {
          eventType: channel.eventType, published: addMs(at, i * 5 * MINUTE + rng.int(0, 90_000)),
          actor: userActor(user), source: attacker, target: [userTarget(user)],
          requestUri: '/idp/idx/recover', debugData: channel.debugData(rng.hex(32)),
        }));
      }
      return { events, subjects: { style, actorId: user.id, sourceIp: attacker.origin.ip, targetUserIds: [user.id] } };
    }

    const admin = chooseAdminWithRole(context, options.adminId, 'HELP_DESK_ADMIN');
    const source = homeSource(context, admin);
    const session = newSession(rng);
    const targets = otherActiveUsers(context, [admin.id], Math.max(11, options.count ?? 18));
    events.push(openAdminConsole(context, admin, source, at, session));
    targets.forEach((user, i) => {
      events.push(scenarioEvent(rng, {
        eventType: 'user.account.reset_password', published: addMs(at, (2 + i * 1.3) * MINUTE + rng.int(0, 30_000)),
        actor: userActor(admin), source, session, target: [userTarget(user)],
        requestUri: `/api/v1/users/${user.id}/lifecycle/reset_password`, debugData: { sendEmail: 'false' },
      }));
    });
    return { events, subjects: { style, actorId: admin.id, sourceIp: source.origin.ip, targetUserIds: targets.map((u) => u.id) } };
  },
});

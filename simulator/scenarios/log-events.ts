/**
 * System Log event types the everyday generator never emits, and a builder for them: what attacks
 * produce, plus the ordinary AD-agent and federation traffic that scenarios build as history. They
 * live with the scenarios rather than in `events.ts`; the builder reuses `buildEvent` for the shared
 * shape (okta.md §2) and only swaps the type-specific fields.
 */
import { EVENT_TYPES, buildEvent, type EventSpec, type KnownEventType } from '../events.js';
import type { Random } from '../random.js';
import type { LogSeverity, OktaLogEvent } from '../types.js';

interface EventTypeEntry {
  displayMessage: string;
  legacyEventType: string | null;
  severity?: LogSeverity;
}

/** displayMessage, legacyEventType and default severity of the attack-only event types. */
export const ATTACK_EVENT_TYPES = {
  'user.account.lock': { displayMessage: 'Max sign in attempts exceeded', legacyEventType: 'core.user_auth.account_locked', severity: 'WARN' },
  'user.account.reset_password': { displayMessage: 'Reset password for Okta user', legacyEventType: 'core.user.config.password_reset' },
  'system.email.password_reset.sent_message': { displayMessage: 'Send password reset email', legacyEventType: null },
  'system.sms.send_password_reset_message': { displayMessage: 'Send password reset SMS message', legacyEventType: null },
  'system.voice.send_password_reset_call': { displayMessage: 'Send password reset voice call', legacyEventType: null },
  'user.session.context.change': { displayMessage: 'User session context changed', legacyEventType: null, severity: 'WARN' },
  'app.generic.unauth_app_access_attempt': { displayMessage: 'User attempted unauthorized access to app', legacyEventType: 'app.generic.unauth_app_access_attempt', severity: 'WARN' },
  'application.user_membership.show_password': { displayMessage: 'Show user password for application', legacyEventType: 'app.generic.show.password' },
  'analytics.reports.export.request': { displayMessage: 'Request report export', legacyEventType: null },
  'analytics.reports.export.download': { displayMessage: 'Download report export', legacyEventType: null },
  'policy.lifecycle.update': { displayMessage: 'Update policy', legacyEventType: 'policy.lifecycle.update' },
  'policy.lifecycle.deactivate': { displayMessage: 'Deactivate policy', legacyEventType: 'policy.lifecycle.deactivate' },
  'policy.rule.delete': { displayMessage: 'Delete policy rule', legacyEventType: 'policy.rule.delete' },
  'group.privilege.grant': { displayMessage: 'Grant group privilege', legacyEventType: null },
  'system.org.rate_limit.warning': { displayMessage: 'Rate limit warning', legacyEventType: null, severity: 'WARN' },
  'system.org.rate_limit.violation': { displayMessage: 'Rate limit violation', legacyEventType: null, severity: 'WARN' },
  'application.policy.sign_on.rule.delete': { displayMessage: 'Delete app sign on policy rule', legacyEventType: null },
  'system.api_token.revoke': { displayMessage: 'Revoke API token', legacyEventType: 'api.token.revoke' },
  'zone.deactivate': { displayMessage: 'Deactivate network zone', legacyEventType: 'zone.deactivate' },
  'zone.remove_blacklist': { displayMessage: 'Remove network zone from blocklist', legacyEventType: 'zone.remove_blacklist' },
  'security.authenticator.lifecycle.deactivate': { displayMessage: 'Deactivate authenticator', legacyEventType: null },
  'user.mfa.factor.deactivate': { displayMessage: 'Reset factor for user', legacyEventType: 'core.user.factor.deactivate' },
  'user.mfa.attempt_bypass': { displayMessage: 'Attempt to bypass factor', legacyEventType: 'core.user.factor.attempt_bypass', severity: 'WARN' },
  'device.enrollment.create': { displayMessage: 'Enroll device', legacyEventType: null },
  'user.session.impersonation.grant': { displayMessage: 'Grant impersonation session to Okta Support', legacyEventType: 'core.user.impersonation.grant.enabled' },
  'system.idp.lifecycle.create': { displayMessage: 'Create Identity Provider', legacyEventType: 'system.idp.lifecycle.create' },
  'system.idp.lifecycle.activate': { displayMessage: 'Activate Identity Provider', legacyEventType: 'system.idp.lifecycle.activate' },
  'user.authentication.auth_via_IDP': { displayMessage: 'Authenticate user via IDP', legacyEventType: 'core.idp.saml.login.success' },
  'application.lifecycle.create': { displayMessage: 'Create application', legacyEventType: 'app.generic.config.app_created' },
  'application.lifecycle.activate': { displayMessage: 'Activate application', legacyEventType: 'app.generic.config.app_activated' },
  'application.lifecycle.update': { displayMessage: 'Update application', legacyEventType: 'app.generic.config.app_updated' },
  'iam.role.create': { displayMessage: 'Create custom admin role', legacyEventType: null },
  'iam.resourceset.create': { displayMessage: 'Create resource set', legacyEventType: null },
  'iam.resourceset.bindings.add': { displayMessage: 'Add binding to resource set', legacyEventType: null },
  'app.oauth2.as.token.grant': { displayMessage: 'OAuth2 token granted by authorization server', legacyEventType: null },
  'app.oauth2.as.token.detect_reuse': { displayMessage: 'Detect reuse of refresh token', legacyEventType: null, severity: 'WARN' },
  'system.agent.ad.agent_instance_added': { displayMessage: 'AD agent instance added', legacyEventType: null },
  'system.agent.ad.config_change_detected': { displayMessage: 'AD agent configuration change detected', legacyEventType: null },
  'user.authentication.auth_via_AD_agent': { displayMessage: 'Authenticate user via AD agent', legacyEventType: null },
} as const satisfies Record<string, EventTypeEntry>;

export type AttackEventType = keyof typeof ATTACK_EVENT_TYPES;

export interface ScenarioEventSpec extends Omit<EventSpec, 'eventType'> {
  eventType: KnownEventType | AttackEventType;
  /** Okta Support jobs log `transaction.id` "unknown" (detections-catalog A23). */
  transactionId?: string;
}

function isKnown(eventType: string): eventType is KnownEventType {
  return Object.prototype.hasOwnProperty.call(EVENT_TYPES, eventType);
}

/** `buildEvent` for any event type a scenario writes. */
export function scenarioEvent(rng: Random, spec: ScenarioEventSpec): OktaLogEvent {
  const { eventType, transactionId, ...rest } = spec;
  let event: OktaLogEvent;
  if (isKnown(eventType)) {
    event = buildEvent(rng, { ...rest, eventType });
  } else {
    const entry: EventTypeEntry = ATTACK_EVENT_TYPES[eventType];
    // Any known type gives the common shape; the catalogue fields are then the attack type's own.
    const built = buildEvent(rng, {
      ...rest,
      eventType: 'user.session.start',
      legacyEventType: rest.legacyEventType !== undefined ? rest.legacyEventType : entry.legacyEventType,
      severity: rest.severity ?? entry.severity ?? 'INFO',
    });
    event = { ...built, eventType, displayMessage: entry.displayMessage };
  }
  if (transactionId !== undefined) event.transaction = { ...event.transaction, id: transactionId };
  return event;
}

/** Adds debugData keys to events already built (e.g. a browser's device token on a whole sign-in). */
export function withDebugData(events: readonly OktaLogEvent[], extra: Record<string, string>): OktaLogEvent[] {
  for (const event of events) event.debugContext.debugData = { ...event.debugContext.debugData, ...extra };
  return [...events];
}

// Shared by the section-A (privilege and tenant configuration) rule tests, test/unit/rules-privilege*.test.ts:
// the people, apps and configuration objects their events name, and an admin-event builder.
import { evaluate, type DetectionMatch, type OktaLogEvent } from '../../../detections/index.js';
import { privilegeRules } from '../../../detections/rules/privilege/index.js';
import { minutesAfter, oktaEvent, oktaId, oktaUser, type EventSpec, type TestPrincipal } from '../../../detections/testing.js';

export const T0 = '2026-03-02T09:00:00.000Z';
export const admin = oktaUser('walter.skinner@example.com');
export const helpDesk = oktaUser('monica.reyes@example.com');
export const dana = oktaUser('dana.scully@example.com');
export const fox = oktaUser('fox.mulder@example.com');

export const app = (label: string, displayName = label): TestPrincipal => ({
  id: oktaId('0oa', label),
  type: 'AppInstance',
  alternateId: label,
  displayName,
  detailEntry: null,
});
export const salesforce = app('Salesforce', 'Salesforce.com');
export const org2org = app('Partner Tenant Sync', 'Okta Org2Org');
export const appUser = (user: TestPrincipal): TestPrincipal => ({ ...user, type: 'AppUser', id: oktaId('0ua', user.alternateId) });
/** A non-user target (IdP, zone, factor…) as Okta logs it: alternateId "unknown". */
export const entity = (type: string, id: string, displayName: string): TestPrincipal => ({
  id,
  type,
  alternateId: 'unknown',
  displayName,
  detailEntry: null,
});
export const idp = (name: string) => entity('IdentityProvider', oktaId('0oa', `idp:${name}`), name);
export const policy = (name: string, policyType = 'OktaSignOn'): TestPrincipal => ({
  id: oktaId('00p', name),
  type: 'PolicyEntity',
  alternateId: 'unknown',
  displayName: name,
  detailEntry: { policyType },
});
export const policyRule = (name: string, policyName = 'Default Policy'): TestPrincipal => ({
  id: oktaId('0pr', name),
  type: 'PolicyRule',
  alternateId: oktaId('00p', policyName),
  displayName: name,
  detailEntry: { policyType: 'OktaSignOn' },
});
export const zone = (name: string) => entity('NetworkZone', oktaId('nzo', name), name);
export const apiToken = { id: '00T94e3cn9kSEO3c51s5', type: 'Token', alternateId: 'unknown', displayName: 'jenkins-sync', detailEntry: null };

/** An admin action from the admin's usual office IP, `minute` minutes after T0. */
export const adminEvent = (spec: Omit<EventSpec, 'at'> & { minute?: number }): OktaLogEvent =>
  oktaEvent({ actor: admin, ip: '73.14.22.9', ...spec, at: minutesAfter(T0, spec.minute ?? 0) });

export function hits(ruleId: string, events: OktaLogEvent[]): DetectionMatch[] {
  return evaluate(privilegeRules, events).filter((match) => match.ruleId === ruleId);
}

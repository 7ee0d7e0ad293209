/**
 * An admin account weakens authentication before using it (the "skeleton key" pattern): the
 * sign-on rule stops requiring MFA, the global session policy loses its lifetime limit, and the
 * MFA rule of one sensitive app's sign-on policy is deleted. Each change carries Okta's
 * `changeDetails` on the changed target. Then the attacker uses the gap: a stolen password alone
 * signs a user in from abroad (the session lists only the password authenticator).
 * The blunter changes are options: the MFA enrolment policy switched off, the sign-on rule deleted.
 */
import { buildEvent, policyTargets, userActor } from '../events.js';
import { ID_PREFIX, stableOktaId } from '../ids.js';
import { newSession } from '../sign-in.js';
import { MINUTE, addMs } from '../time.js';
import type { OktaLogEvent, SimulatedApp } from '../types.js';
import { attackerSource, chooseAdminWithRole, chooseVictim, defineScenario, homeSource, openAdminConsole } from './context.js';
import { scenarioEvent } from './log-events.js';

export type PolicyChange = 'sign-on-rule' | 'session-policy' | 'app-sign-on-rule' | 'enrolment-policy-deactivated' | 'sign-on-rule-deleted';

export interface PolicyWeakenedOptions {
  /** The admin account making the changes (default: an org admin, whose daily work never touches policies). */
  adminId?: string;
  /** Which changes to make, in order (default the first three: updates and the app rule deletion). */
  changes?: PolicyChange[];
  /** Whether a stolen password is then used without MFA (default true). */
  passwordOnlySignIn?: boolean;
  /** Whose password is used (default: a random user). */
  userId?: string;
}

export interface PolicyWeakenedSubjects {
  adminId: string;
  changes: PolicyChange[];
  /** Ids of the policies or rules changed, in the order of `changes`. */
  changedIds: string[];
  /** The password-only sign-in, when there was one. */
  signIn: { userId: string; sourceIp: string } | null;
}

const ALL_CHANGES: PolicyChange[] = ['sign-on-rule', 'session-policy', 'app-sign-on-rule'];

export const policyWeakened = defineScenario<PolicyWeakenedOptions, PolicyWeakenedSubjects>({
  description: 'policy.rule.update (requireFactor → false), policy.lifecycle.update (session lifetime → 0), an app sign-on rule deleted (or a policy deactivated, a rule deleted), then a password-only sign-in',
  build(context, options) {
    const { org, rng, at } = context;
    const admin = chooseAdminWithRole(context, options.adminId, 'ORG_ADMIN');
    const source = homeSource(context, admin);
    const session = newSession(rng);
    const changes = options.changes?.length ? options.changes : ALL_CHANGES;
    const events: OktaLogEvent[] = [openAdminConsole(context, admin, source, at, session)];
    const changedIds: string[] = [];
    const base = { actor: userActor(admin), source, session };
    let t = addMs(at, rng.int(2, 6) * MINUTE);

    for (const change of changes) {
      if (change === 'sign-on-rule') {
        const { policyId, ruleId, ruleName } = org.signOnPolicy;
        events.push(scenarioEvent(rng, {
          ...base, eventType: 'policy.rule.update', published: t, requestUri: `/api/v1/policies/${policyId}/rules/${ruleId}`,
          target: [{
            id: ruleId, type: 'PolicyRule', alternateId: policyId, displayName: ruleName, detailEntry: { policyType: 'OktaSignOn' },
            changeDetails: { from: { requireFactor: true, factorLifetime: 15 }, to: { requireFactor: false } },
          }],
        }));
        changedIds.push(ruleId);
      } else if (change === 'session-policy') {
        const policyId = stableOktaId(ID_PREFIX.policy, `${org.orgName}:policy:global-session`);
        events.push(scenarioEvent(rng, {
          ...base, eventType: 'policy.lifecycle.update', published: t, requestUri: `/api/v1/policies/${policyId}`,
          target: [{
            id: policyId, type: 'PolicyEntity', alternateId: 'unknown', displayName: 'Default Global Session Policy', detailEntry: { policyType: 'OktaSignOn' },
            changeDetails: { from: { maxSessionLifetimeMinutes: 720 }, to: { maxSessionLifetimeMinutes: 0 } },
          }],
        }));
        changedIds.push(policyId);
      } else if (change === 'enrolment-policy-deactivated') {
        // Nobody is asked to enrol Okta Verify any more: new and reset accounts stay on the password alone.
        const policyId = stableOktaId(ID_PREFIX.policy, `${org.orgName}:policy:mfa-enrolment`);
        events.push(scenarioEvent(rng, {
          ...base, eventType: 'policy.lifecycle.deactivate', published: t, requestUri: `/api/v1/policies/${policyId}/lifecycle/deactivate`,
          target: [{ id: policyId, type: 'PolicyEntity', alternateId: 'unknown', displayName: 'Require Okta Verify enrolment', detailEntry: { policyType: 'MFA_ENROLL' } }],
        }));
        changedIds.push(policyId);
      } else if (change === 'sign-on-rule-deleted') {
        const { policyId, ruleId, ruleName } = org.signOnPolicy;
        events.push(scenarioEvent(rng, {
          ...base, eventType: 'policy.rule.delete', published: t, requestUri: `/api/v1/policies/${policyId}/rules/${ruleId}`,
          target: [{ id: ruleId, type: 'PolicyRule', alternateId: policyId, displayName: ruleName, detailEntry: { policyType: 'OktaSignOn' } }],
        }));
        changedIds.push(ruleId);
      } else {
        const app = sensitiveApp(org.apps);
        const ruleId = stableOktaId(ID_PREFIX.policyRule, `${org.orgName}:app-policy:${app.name}:mfa`);
        events.push(scenarioEvent(rng, {
          ...base, eventType: 'application.policy.sign_on.rule.delete', published: t,
          requestUri: `/api/v1/policies/${stableOktaId(ID_PREFIX.policy, `${org.orgName}:app-policy:${app.name}`)}/rules/${ruleId}`,
          target: [
            { id: ruleId, type: 'PolicyRule', alternateId: 'unknown', displayName: 'Require MFA every sign-in', detailEntry: { policyType: 'Okta:SignOn' } },
            { id: app.id, type: 'AppInstance', alternateId: app.label, displayName: app.label, detailEntry: null },
          ],
        }));
        changedIds.push(ruleId);
      }
      t = addMs(t, rng.int(1, 6) * MINUTE + rng.int(0, 59_999));
    }
    if (options.passwordOnlySignIn === false) return { events, subjects: { adminId: admin.id, changes, changedIds, signIn: null } };

    const user = chooseVictim(context, options.userId, (u) => u.id !== admin.id);
    const attacker = attackerSource(rng, org.personas[user.id]?.home.place.countryCode);
    const stolen = newSession(rng);
    t = addMs(t, rng.int(10, 25) * MINUTE);
    events.push(buildEvent(rng, {
      eventType: 'policy.evaluate_sign_on', published: t, actor: userActor(user), source: attacker, session: stolen,
      outcome: { result: 'ALLOW', reason: 'Sign-on policy evaluation resulted in ALLOW' },
      target: policyTargets(org.signOnPolicy), requestUri: '/idp/idx/identify',
    }));
    events.push(buildEvent(rng, {
      eventType: 'user.session.start', published: addMs(t, rng.int(800, 2_500)), actor: userActor(user), source: attacker, session: stolen,
      target: [{ id: stableOktaId('lae', `${org.orgName}:password:${user.id}`), type: 'AuthenticatorEnrollment', alternateId: 'unknown', displayName: 'Password', detailEntry: null }],
      authentication: { authenticationProvider: 'OKTA_AUTHENTICATION_PROVIDER', credentialType: 'PASSWORD' },
      requestUri: '/idp/idx/challenge/answer',
    }));
    return { events, subjects: { adminId: admin.id, changes, changedIds, signIn: { userId: user.id, sourceIp: attacker.origin.ip } } };
  },
});

/** The app an attacker most wants without a second factor: the cloud console, else the first real app. */
function sensitiveApp(apps: readonly SimulatedApp[]): SimulatedApp {
  const app = apps.find((a) => a.name === 'amazon_aws_sso') ?? apps.find((a) => a.name !== 'saasure' && a.name !== 'okta_enduser') ?? apps[0];
  if (!app) throw new Error('The org has no app for the scenario');
  return app;
}

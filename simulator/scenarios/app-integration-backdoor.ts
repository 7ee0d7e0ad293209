/**
 * A backdoor through an app integration: an admin account creates an Okta Org2Org app pointing at
 * an org the attacker runs, activates it, then turns on password sync so every assigned user's
 * password is pushed there in clear text at its next change.
 */
import { userActor } from '../events.js';
import { ID_PREFIX, oktaId } from '../ids.js';
import { newSession } from '../sign-in.js';
import { MINUTE, SECOND, addMs } from '../time.js';
import type { LogTarget, OktaLogEvent } from '../types.js';
import { chooseAdmin, defineScenario, homeSource, openAdminConsole } from './context.js';
import { scenarioEvent } from './log-events.js';

export interface AppIntegrationBackdoorOptions {
  adminId?: string;
  /** The label the admin gives the app (Okta still names it "Okta Org2Org"). */
  appLabel?: string;
}

export interface AppIntegrationBackdoorSubjects {
  adminId: string;
  appId: string;
  /** The attacker's Okta org the app connects to. */
  remoteOrg: string;
}

export const appIntegrationBackdoor = defineScenario<AppIntegrationBackdoorOptions, AppIntegrationBackdoorSubjects>({
  description: 'application.lifecycle.create/activate of an Org2Org app, then application.lifecycle.update enabling password push',
  build(context, options) {
    const { rng, at } = context;
    const admin = chooseAdmin(context, options.adminId);
    const source = homeSource(context, admin);
    const session = newSession(rng);
    const appId = oktaId(rng, ID_PREFIX.app);
    const remoteOrg = `${rng.pick(['partner', 'sync', 'directory', 'identity'])}-${rng.base62(6).toLowerCase()}.okta.com`;
    const app: LogTarget = {
      id: appId, type: 'AppInstance', alternateId: options.appLabel ?? 'Partner Directory Sync', displayName: 'Okta Org2Org',
      detailEntry: { signOnModeType: 'SAML_2_0', baseUrl: `https://${remoteOrg}` },
    };
    const base = { actor: userActor(admin), source, session, target: [app] };
    const events: OktaLogEvent[] = [openAdminConsole(context, admin, source, at, session)];
    let t = addMs(at, rng.int(2, 6) * MINUTE);
    events.push(scenarioEvent(rng, { ...base, eventType: 'application.lifecycle.create', published: t, requestUri: '/api/v1/apps' }));
    t = addMs(t, rng.int(20, 60) * SECOND);
    events.push(scenarioEvent(rng, { ...base, eventType: 'application.lifecycle.activate', published: t, requestUri: `/api/v1/apps/${appId}/lifecycle/activate` }));
    t = addMs(t, rng.int(3, 9) * MINUTE);
    events.push(scenarioEvent(rng, {
      ...base, eventType: 'application.lifecycle.update', published: t, requestUri: `/api/v1/apps/${appId}/features/USER_PROVISIONING`,
      outcome: { result: 'SUCCESS', reason: 'Pushing user passwords enabled for the application' },
    }));
    return { events, subjects: { adminId: admin.id, appId, remoteOrg } };
  },
});

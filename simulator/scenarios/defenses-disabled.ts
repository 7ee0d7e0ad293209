/**
 * An intruder with an admin session blinds the defenders: revokes the API token the SIEM
 * integration reads the System Log with, then deactivates the network zone that blocks known-bad
 * addresses and takes it off the blocklist.
 */
import { userActor } from '../events.js';
import { ID_PREFIX, stableOktaId } from '../ids.js';
import { newSession } from '../sign-in.js';
import { MINUTE, SECOND, addMs } from '../time.js';
import type { OktaLogEvent } from '../types.js';
import { chooseAdmin, defineScenario, homeSource, openAdminConsole } from './context.js';
import { scenarioEvent } from './log-events.js';

export interface DefensesDisabledOptions {
  /** Default: the super admin (only super admins manage every API token). */
  adminId?: string;
  tokenName?: string;
  zoneName?: string;
}

export interface DefensesDisabledSubjects {
  adminId: string;
  tokenId: string;
  zoneId: string;
}

export const defensesDisabled = defineScenario<DefensesDisabledOptions, DefensesDisabledSubjects>({
  description: 'system.api_token.revoke of the SIEM token, then zone.deactivate and zone.remove_blacklist of the blocklist zone',
  build(context, options) {
    const { org, rng, at } = context;
    const admin = chooseAdmin(context, options.adminId);
    const source = homeSource(context, admin);
    const session = newSession(rng);
    const tokenId = stableOktaId(ID_PREFIX.apiToken, `${org.orgName}:token:siem`);
    const zoneId = stableOktaId('nzo', `${org.orgName}:zone:blocklist`);
    const zone = { id: zoneId, type: 'NetworkZone', alternateId: 'unknown', displayName: options.zoneName ?? 'BlockedIpZone', detailEntry: null };
    const base = { actor: userActor(admin), source, session };
    let t = addMs(at, rng.int(1, 4) * MINUTE);
    const events: OktaLogEvent[] = [openAdminConsole(context, admin, source, at, session)];
    events.push(scenarioEvent(rng, {
      ...base, eventType: 'system.api_token.revoke', published: t, requestUri: `/api/internal/tokens/${tokenId}`,
      target: [{ id: tokenId, type: 'Token', alternateId: 'unknown', displayName: options.tokenName ?? 'SIEM log export', detailEntry: null }],
    }));
    t = addMs(t, rng.int(2, 8) * MINUTE);
    events.push(scenarioEvent(rng, { ...base, eventType: 'zone.deactivate', published: t, requestUri: `/api/v1/zones/${zoneId}/lifecycle/deactivate`, target: [zone] }));
    events.push(scenarioEvent(rng, {
      ...base, eventType: 'zone.remove_blacklist', published: addMs(t, rng.int(20, 90) * SECOND), requestUri: `/api/v1/zones/${zoneId}`, target: [zone],
    }));
    return { events, subjects: { adminId: admin.id, tokenId, zoneId } };
  },
});

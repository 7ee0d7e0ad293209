/**
 * Passwords harvested from a user's password-vaulting (SWA) apps, where Okta's browser plugin types
 * the stored password in. The user has an ordinary rhythm (built over `historyDays`): a couple of
 * vaulted portals opened a few times a workday. Then, with the user's stolen session:
 * - 'bulk': every vaulted app opened within half an hour, right after the history;
 * - 'off-hours': a handful of them at 03:00 the user's time, while they sleep.
 */
import { appTargets, buildEvent, userActor, type RequestSource } from '../events.js';
import { ID_PREFIX, stableOktaId } from '../ids.js';
import { newSession, type Session } from '../sign-in.js';
import type { Random } from '../random.js';
import { DAY, MINUTE, addMs } from '../time.js';
import type { OktaLogEvent, OktaUser, SimulatedApp, SimulatedOrg } from '../types.js';
import { attackerSource, chooseVictim, defineScenario, homeSource } from './context.js';
import { nextLocalHour, workdayMoments } from './routine.js';

export type VaultedAppHarvestStyle = 'bulk' | 'off-hours';

export interface VaultedAppHarvestOptions {
  /** Default 'bulk'. */
  style?: VaultedAppHarvestStyle;
  userId?: string;
  /** Days of the user's ordinary vaulted-app use before the harvest (default 0: no history). */
  historyDays?: number;
}

export interface VaultedAppHarvestSubjects {
  style: VaultedAppHarvestStyle;
  userId: string;
  /** Apps opened by the attacker. */
  appIds: string[];
  attackerIp: string;
  attackAt: string;
}

/** Portals that rarely support SAML and so keep a password in Okta: banking, payroll, shipping, social. */
const VAULTED_APPS: ReadonlyArray<readonly [string, string, SimulatedApp['signOnMode']]> = [
  ['adp_workforce_now', 'ADP Workforce Now', 'AUTO_LOGIN'],
  ['chase_connect', 'Chase Connect', 'BROWSER_PLUGIN'],
  ['bofa_cashpro', 'Bank of America CashPro', 'BROWSER_PLUGIN'],
  ['amex_at_work', 'American Express @ Work', 'BROWSER_PLUGIN'],
  ['paychex_flex', 'Paychex Flex', 'BROWSER_PLUGIN'],
  ['bill_com', 'BILL', 'BROWSER_PLUGIN'],
  ['avalara', 'Avalara', 'BROWSER_PLUGIN'],
  ['fedex_ship_manager', 'FedEx Ship Manager', 'BROWSER_PLUGIN'],
  ['godaddy', 'GoDaddy', 'BROWSER_PLUGIN'],
  ['linkedin_company', 'LinkedIn (company page)', 'BROWSER_PLUGIN'],
  ['x_company', 'X (company account)', 'BROWSER_PLUGIN'],
  ['shopify_admin', 'Shopify Admin', 'AUTO_LOGIN'],
];

function vaultedApps(org: SimulatedOrg): SimulatedApp[] {
  return VAULTED_APPS.map(([name, label, signOnMode]) => ({ id: stableOktaId(ID_PREFIX.app, `${org.orgName}:app:swa:${name}`), name, label, signOnMode }));
}

export const vaultedAppHarvest = defineScenario<VaultedAppHarvestOptions, VaultedAppHarvestSubjects>({
  description: "A user's SWA (password-vaulted) apps opened with a stolen session: all of them within 30 minutes, or several at 03:00 local time",
  build(context, options) {
    const { org, rng, at } = context;
    const style = options.style ?? 'bulk';
    // Finance people hold the banking and payroll portals; any user will do in an org without one.
    const inFinance = org.users.some((u) => u.status === 'ACTIVE' && u.profile.department === 'Finance' && !org.admins.some((a) => a.userId === u.id));
    const user = chooseVictim(context, options.userId, (u) => !inFinance || u.profile.department === 'Finance');
    const persona = org.personas[user.id];
    if (!persona) throw new Error(`User ${user.id} has no persona`);
    const apps = vaultedApps(org);
    const usual = apps.slice(0, 2);
    const historyEnd = addMs(at, Math.max(0, options.historyDays ?? 0) * DAY);
    const events: OktaLogEvent[] = [];

    // Morning, after lunch, before leaving: the payroll portal and the bank, from home.
    const home = homeSource(context, user);
    for (const moment of workdayMoments(rng, persona, at, historyEnd, [0.5, 4, 7])) {
      events.push(vaultedSignOn(rng, user, rng.pick(usual), home, moment, newSession(rng)));
    }

    const attacker = attackerSource(rng, persona.home.place.countryCode);
    const session = newSession(rng);
    // The bulk harvest starts when the history ends; the off-hours one waits for the user's next 03:00.
    const attackAt = style === 'off-hours' ? addMs(nextLocalHour(persona, historyEnd, 3), rng.int(0, 10) * MINUTE) : historyEnd;
    const taken = style === 'off-hours' ? rng.sample(apps, 4) : rng.sample(apps, apps.length);
    const span = style === 'off-hours' ? 15 * MINUTE : 25 * MINUTE;
    taken.forEach((app, i) => {
      events.push(vaultedSignOn(rng, user, app, attacker, addMs(attackAt, (i / taken.length) * span + rng.int(0, 30_000)), session));
    });
    return {
      events,
      subjects: { style, userId: user.id, appIds: taken.map((a) => a.id), attackerIp: attacker.origin.ip, attackAt: attackAt.toISOString() },
    };
  },
});

/** The plugin's sign-on to a vaulted app: an SSO whose app target carries the SWA sign-on mode. */
function vaultedSignOn(rng: Random, user: OktaUser, app: SimulatedApp, source: RequestSource, at: Date, session: Session): OktaLogEvent {
  return buildEvent(rng, {
    eventType: 'user.authentication.sso', published: at, actor: userActor(user), source, session, target: appTargets(app, user), requestUri: `/app/${app.name}/${app.id}/login`,
    debugData: { initiationType: 'IDP_INITIATED' },
  });
}

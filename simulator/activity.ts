/**
 * Everyday System Log traffic for an org: people sign in around their local workday (few at
 * night and at weekends), verify with their usual factor, open apps, occasionally change a
 * password or enrol a factor; admins open the Admin Console and make routine changes.
 */
import { adminWorkday } from './admin-activity.js';
import { addressIn } from './geo.js';
import { buildEvent, enrollmentTarget, logDevice, userActor, userTarget, type Behavior, type RequestSource } from './events.js';
import { Random, type Seed } from './random.js';
import { appSignOn, failedSignIn, signOut, successfulSignIn } from './sign-in.js';
import { DAY, HOUR, MINUTE, SECOND, addMs, startOfUtcDay } from './time.js';
import type {
  AdminAssignment, DeviceUserLink, OktaDevice, OktaLogEvent, OktaUser, OktaUserFactor, Persona, SimulatedApp, SimulatedOrg,
} from './types.js';

export interface ActivityOptions {
  seed: Seed;
  start: Date;
  end: Date;
  /** Rough average for a person on a workday (weekends are much quieter). Default 12. */
  eventsPerUserPerDay?: number;
  /**
   * The generation time (default: the clock). Nothing is dated after it: a window reaching past it ends
   * there, as Okta's System Log holds nothing from the future.
   */
  now?: Date;
}

/** Statuses whose owners still sign in. */
const SIGNING_IN = new Set(['ACTIVE', 'PASSWORD_EXPIRED', 'RECOVERY']);

export function generateActivity(org: SimulatedOrg, options: ActivityOptions): OktaLogEvent[] {
  const root = new Random(options.seed);
  const perDay = options.eventsPerUserPerDay ?? 12;
  const people = org.users.filter((u) => SIGNING_IN.has(u.status));
  const admins = new Map(org.admins.map((a) => [a.userId, a] as const));
  const lookup: Lookup = {
    apps: new Map(org.apps.map((a) => [a.id, a])),
    devices: new Map(org.devices.map((d) => [d.id, d])),
    links: new Map(org.deviceUsers.map((l) => [`${l.deviceId}/${l.userId}`, l])),
  };
  const events: OktaLogEvent[] = [];

  // Local days overlapping [start, end), padded so far-east and far-west timezones are covered.
  const firstDay = addMs(startOfUtcDay(options.start), -DAY);
  for (let day = firstDay; day.getTime() < options.end.getTime() + DAY; day = addMs(day, DAY)) {
    const dayKey = day.toISOString().slice(0, 10);
    for (const user of people) {
      const persona = org.personas[user.id];
      if (!persona) continue;
      const rng = root.fork('day', user.id, dayKey);
      events.push(...personDay(rng, org, lookup, user, persona, day, perDay, admins.get(user.id), people));
    }
  }

  const from = options.start.toISOString();
  const to = new Date(Math.min(options.end.getTime(), (options.now ?? new Date()).getTime() + 1)).toISOString();
  return sortByPublished(events.filter((e) => e.published >= from && e.published < to));
}

export function sortByPublished(events: OktaLogEvent[]): OktaLogEvent[] {
  return events.sort((a, b) => (a.published < b.published ? -1 : a.published > b.published ? 1 : a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
}

/** Indexes built once per run: the org's arrays are too slow to scan per session. */
interface Lookup {
  apps: Map<string, SimulatedApp>;
  devices: Map<string, OktaDevice>;
  links: Map<string, DeviceUserLink>;
}

function personDay(
  rng: Random, org: SimulatedOrg, lookup: Lookup, user: OktaUser, persona: Persona, day: Date, perDay: number,
  admin: AdminAssignment | undefined, colleagues: readonly OktaUser[],
): OktaLogEvent[] {
  const weekend = day.getUTCDay() === 0 || day.getUTCDay() === 6;
  if (!rng.chance(weekend ? 0.15 : 0.93)) return [];

  const budget = Math.max(3, Math.round(perDay * (weekend ? 0.4 : 1) * rng.float(0.6, 1.4)));
  const localMidnight = addMs(day, -persona.home.place.utcOffsetHours * HOUR);
  const events: OktaLogEvent[] = [];
  let localHour = weekend ? rng.float(9, 20) : persona.workdayStartHour + rng.normal(0, 0.5);
  if (!weekend && rng.chance(0.03)) localHour = rng.float(21, 23.5); // the odd late-night check-in

  for (let n = 0; events.length < budget && n < 6 && localHour < 24; n++) {
    const at = addMs(localMidnight, localHour * HOUR + rng.int(0, 59_999));
    const source = requestSource(rng, lookup, persona);
    const positive: Behavior[] = source.origin.ip === persona.home.ip ? [] : ['New IP'];

    if (rng.chance(0.04)) {
      events.push(failedSignIn(rng, userActor(user), source, addMs(at, -rng.int(15, 60) * SECOND), { assessment: { behaviors: positive } }));
    }
    const signIn = successfulSignIn(rng, org, user, source, at, {
      requireMfa: n === 0 || rng.chance(0.5),
      // FastPass needs a registered device; from an unregistered browser the person falls back to push.
      factor: persona.signInFactor === 'signed_nonce' && !source.device ? 'push' : persona.signInFactor,
      assessment: { behaviors: positive },
    });
    events.push(...signIn.events);

    if (n === 0 && admin && !weekend) {
      events.push(...adminWorkday(rng, org, admin, user, source, signIn.startedAt, signIn.session, colleagues));
    }

    let t = signIn.startedAt;
    const apps = Math.min(rng.int(1, 4), Math.max(1, budget - events.length));
    for (let i = 0; i < apps && persona.appIds.length; i++) {
      t = addMs(t, rng.int(1, 90) * MINUTE + rng.int(0, 59_999));
      const app = lookup.apps.get(persona.appIds[favouriteIndex(rng, persona.appIds.length)]);
      if (app) events.push(appSignOn(rng, user, app, source, t, signIn.session));
    }
    if (rng.chance(0.2)) {
      t = addMs(t, rng.int(5, 60) * MINUTE);
      events.push(signOut(rng, user, source, t, signIn.session));
    }
    if (!weekend && rng.chance(1 / 60)) events.push(passwordChange(rng, user, source, addMs(t, rng.int(1, 10) * MINUTE)));
    if (!weekend && rng.chance(1 / 150)) {
      const enrolled = (org.factors[user.id] ?? []).filter((f) => f.factorType !== 'email');
      if (enrolled.length) events.push(factorActivation(rng, user, rng.pick(enrolled), source, addMs(t, rng.int(1, 10) * MINUTE)));
    }

    localHour += (t.getTime() - at.getTime()) / HOUR + rng.float(0.5, 4);
  }
  return events;
}

/** Mostly the laptop browser at home; sometimes the phone, sometimes a fresh address from the same ISP. */
function requestSource(rng: Random, lookup: Lookup, persona: Persona): RequestSource {
  const onPhone = persona.phoneBrowser !== null && rng.chance(0.15);
  const ip = rng.chance(0.9) ? persona.home.ip : addressIn(rng, persona.home.network);
  const deviceId = onPhone ? persona.phoneId : persona.laptopId;
  const device = deviceId ? lookup.devices.get(deviceId) : undefined;
  return {
    origin: { ...persona.home, ip },
    agent: onPhone && persona.phoneBrowser ? persona.phoneBrowser : persona.browser,
    device: device ? logDevice(device, lookup.links.get(`${device.id}/${persona.userId}`)) : null,
  };
}

/** Index into a most-used-first list: the first apps are opened far more often. */
function favouriteIndex(rng: Random, length: number): number {
  return Math.min(length - 1, Math.floor(Math.abs(rng.normal(0, length / 3))));
}

function passwordChange(rng: Random, user: OktaUser, source: RequestSource, at: Date): OktaLogEvent {
  return buildEvent(rng, {
    eventType: 'user.account.update_password', published: at, actor: userActor(user), source,
    target: [userTarget(user)], requestUri: '/idp/idx/challenge/answer',
    authentication: { credentialType: 'PASSWORD' },
  });
}

function factorActivation(rng: Random, user: OktaUser, factor: OktaUserFactor, source: RequestSource, at: Date): OktaLogEvent {
  return buildEvent(rng, {
    eventType: 'user.mfa.factor.activate', published: at, actor: userActor(user), source,
    target: [userTarget(user), enrollmentTarget(factor)], requestUri: '/idp/idx/credential/enroll',
    debugData: { factor: factor.factorType.toUpperCase(), factorIntent: 'ENROLLMENT' },
  });
}

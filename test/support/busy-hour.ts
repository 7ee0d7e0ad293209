// One busy hour of a small org, with what its previous hours left as look-back, for tests of the detection pass
// cutting an hour into chunks: everyday traffic, attacks spread over the hour, a password spray whose window crosses
// any cut, and pairs of events sharing a timestamp on every minute start (where cuts fall).
import { minutesAfter, oktaEvent, oktaUser } from '../../detections/testing.js';
import type { OktaLogEvent } from '../../detections/index.js';
import type { EventSource } from '../../detections/run/pass.js';
import { buildScenario, generateActivity, generateOrg, type OktaLogEvent as SimulatedEvent } from '../../simulator/index.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The hour's start: a Tuesday afternoon, the simulator's busiest hours. */
export const H = Date.parse('2026-03-03T15:00:00.000Z');
export const SPRAY_IP = '185.220.101.9';

const org = generateOrg({ seed: 'detection-chunks', users: 120, orgName: 'initech', domain: 'initech.example', logStream: false });
const asDetectionEvents = (events: readonly SimulatedEvent[]) => events as unknown as OktaLogEvent[];

export interface BusyHour {
  /** The two hours before H (analysed by earlier runs) and the hour from H (new). */
  all: OktaLogEvent[];
  isNew: (e: OktaLogEvent) => boolean;
  spray: OktaLogEvent[];
}

export function busyHour(): BusyHour {
  const everyday = asDetectionEvents(generateActivity(org, { seed: 'detection-chunks', start: new Date(H - 2 * HOUR), end: new Date(H + HOUR), now: new Date(H + HOUR) }));
  const attacks = (['mfaPushBombing', 'twoCountriesWithinHour', 'adminRoleGranted', 'bruteForce'] as const).flatMap((scenario, i) =>
    asDetectionEvents(buildScenario(org, scenario, { seed: `detection-chunks:${scenario}`, at: new Date(H + (8 + i * 12) * MINUTE) } as never).events));
  // 16 accounts, three rounds 13 minutes apart: 40 minutes of the hour from one address.
  const staff = Array.from({ length: 16 }, (_, i) => oktaUser(`staff${i}@initech.example`));
  const spray = staff.flatMap((user, u) => [0, 1, 2].map((round) => oktaEvent({
    eventType: 'user.session.start', at: minutesAfter(new Date(H), 5 + round * 13 + u * 0.5), actor: user,
    ip: SPRAY_IP, result: 'FAILURE', reason: 'INVALID_CREDENTIALS', country: 'Germany',
  })));
  const edges = Array.from({ length: 60 }, (_, m) => [0, 1].map((k) => oktaEvent({
    eventType: 'user.session.start', at: new Date(H + m * MINUTE), actor: oktaUser(`edge${m}.${k}@initech.example`), ip: `198.51.100.${m + 1}`,
  }))).flat();
  return { all: [...everyday, ...attacks, ...spray, ...edges], isNew: (e) => Date.parse(e.published) >= H, spray };
}

/** An event source as it is, recording the uuids each chunk was told are new (each chunk's once). */
export function judgingNew(source: EventSource): { source: EventSource; judgedNew: string[] } {
  const judgedNew: string[] = [];
  return {
    judgedNew,
    source: {
      newEventMinutes: () => source.newEventMinutes(),
      watermark: () => source.watermark(),
      async load(groups, newFrom, newTo, relevant) {
        const loaded = await source.load(groups, newFrom, newTo, relevant);
        for (const uuid of new Set(loaded.events.filter(loaded.isNew).map((e) => e.uuid))) judgedNew.push(uuid);
        return loaded;
      },
    },
  };
}

/**
 * Geo-velocity rules: each NEW qualifying sign-in is compared with the entity's previous one (the latest earlier
 * sign-in among the evaluation's events, or the 'last-sign-in' state row when that is later and still earlier than
 * the event). Too fast → a match of the two sign-ins. The latest sign-in of each entity with a new one is written
 * back to state (first seen: its earliest new sign-in, so chunks of one hour write what the whole hour writes).
 */
import { field, textOf } from '../fields.js';
import { recalledEntry } from '../match.js';
import type { TimelineEntry } from '../timeline.js';
import type { GeoVelocityRule, OktaLogEvent } from '../types.js';
import { warmer, type EntryMemo, type KindContext, type KindScan } from './context.js';
import { DAY_MS, stateValue, type StateKeyList } from './state.js';

export const DEFAULT_MIN_DISTANCE_KM = 100;
const EARTH_RADIUS_KM = 6371.0088;
/** Nobody can be further than half the circumference away, so at 900 km/h a day-old sign-in never alerts. */
const MEMORY_MS = 2 * DAY_MS;

const latitude = field('client.geographicalContext.geolocation.lat');
const longitude = field('client.geographicalContext.geolocation.lon');
const city = field('client.geographicalContext.city');
const country = field('client.geographicalContext.country');
const clientIp = field('client.ipAddress');

export interface SignInPlace {
  readonly uuid: string;
  readonly time: number;
  readonly lat: number;
  readonly lon: number;
  readonly ip?: string;
  readonly city?: string;
  readonly country?: string;
}

export function placeOf(event: OktaLogEvent, time: number): SignInPlace | undefined {
  const lat = Number(textOf(latitude.first(event)));
  const lon = Number(textOf(longitude.first(event)));
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return undefined;
  const ip = clientIp.text(event)?.trim().toLowerCase();
  const cityName = city.text(event);
  const countryName = country.text(event);
  return {
    uuid: event.uuid,
    time,
    lat,
    lon,
    ...(ip ? { ip } : {}),
    ...(cityName ? { city: cityName } : {}),
    ...(countryName ? { country: countryName } : {}),
  };
}

/** Great-circle distance in km (haversine, mean Earth radius). */
export function haversineKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function geoScan(rule: GeoVelocityRule, ctx: KindContext): KindScan {
  const minDistance = rule.minDistanceKm ?? DEFAULT_MIN_DISTANCE_KM;
  const periodMs = rule.dedupe.periodMinutes * 60_000;
  const previous = new Map<string, { place: SignInPlace; entry: TimelineEntry }>();
  /** The earliest new sign-in per entity: only entities with one are written back (the others' rows are current). */
  const firstNew = new Map<string, number>();
  const open = new Map<string, { entries: TimelineEntry[]; details: Record<string, string | number> }>();
  const candidates: { groupKey: string; entries: TimelineEntry[]; details: Record<string, string | number> }[] = [];
  const filter = ctx.memo.test(rule.filter);
  const keyOf = ctx.memo.value(rule.dedupe.key);

  return {
    visit(entry) {
      if (!filter(entry)) return;
      const entity = keyOf(entry);
      if (!entity) return;
      const place = placeOf(entry.event, entry.time);
      if (!place) return;

      if (entry.isNew) {
        if (!firstNew.has(entity)) firstNew.set(entity, place.time);
        const before = previousSignIn(rule, ctx, entity, entry, previous.get(entity));
        if (before) {
          const distanceKm = haversineKm(before.place, place);
          const hours = Math.max(place.time - before.place.time, 1_000) / 3_600_000;
          const speedKmh = distanceKm / hours;
          const sameIp = before.place.ip !== undefined && before.place.ip === place.ip;
          if (!sameIp && distanceKm >= minDistance && speedKmh > rule.maxSpeedKmh) {
            const details = {
              speedKmh: Math.round(speedKmh),
              distanceKm: Math.round(distanceKm),
              minutesBetween: Math.round((place.time - before.place.time) / 60_000),
              from: describe(before.place),
              to: describe(place),
            };
            const cluster = open.get(entity);
            if (cluster && entry.time - cluster.entries[cluster.entries.length - 1].time <= periodMs) {
              if (!cluster.entries.includes(before.entry)) cluster.entries.push(before.entry);
              cluster.entries.push(entry);
              if (speedKmh > Number(cluster.details.speedKmh)) Object.assign(cluster.details, details);
            } else {
              const fresh = { entries: [before.entry, entry], details };
              open.set(entity, fresh);
              candidates.push({ groupKey: entity, ...fresh });
            }
          }
        }
      }
      previous.set(entity, { place, entry });
    },

    finish() {
      for (const [entity, { place }] of previous) {
        const first = firstNew.get(entity);
        if (first === undefined) continue;
        const data = { uuid: place.uuid, lat: place.lat, lon: place.lon, ip: place.ip ?? null, city: place.city ?? null, country: place.country ?? null };
        ctx.changes.upsert({ ruleId: rule.id, entity, value: stateValue.lastSignIn }, first, place.time, place.time + MEMORY_MS, data);
      }
      return candidates.map((c) => ({
        groupKey: c.groupKey,
        entries: [...c.entries].sort((a, b) => a.time - b.time || a.seq - b.seq),
        trigger: c.entries.slice(0, 2),
        details: c.details,
      }));
    },
  };
}

/** The latest sign-in strictly before `entry`: from this evaluation, or from state when that is later. */
function previousSignIn(
  rule: GeoVelocityRule,
  ctx: KindContext,
  entity: string,
  entry: TimelineEntry,
  inEvaluation: { place: SignInPlace; entry: TimelineEntry } | undefined,
): { place: SignInPlace; entry: TimelineEntry } | undefined {
  const row = ctx.state.get(rule.id, entity, stateValue.lastSignIn);
  const data = row?.data;
  if (row && data && row.lastSeen < entry.time && (!inEvaluation || row.lastSeen > inEvaluation.place.time)) {
    const lat = Number(data.lat);
    const lon = Number(data.lon);
    const uuid = typeof data.uuid === 'string' ? data.uuid : undefined;
    if (uuid && uuid !== entry.event.uuid && Number.isFinite(lat) && Number.isFinite(lon)) {
      const place: SignInPlace = {
        uuid,
        time: row.lastSeen,
        lat,
        lon,
        ...(typeof data.ip === 'string' ? { ip: data.ip } : {}),
        ...(typeof data.city === 'string' ? { city: data.city } : {}),
        ...(typeof data.country === 'string' ? { country: data.country } : {}),
      };
      return { place, entry: recalledEntry(uuid, row.lastSeen) };
    }
  }
  return inEvaluation;
}

function describe(place: SignInPlace): string {
  const where = [place.city, place.country].filter(Boolean).join(', ') || `${place.lat.toFixed(2)},${place.lon.toFixed(2)}`;
  return place.ip ? `${where} (${place.ip})` : where;
}

/** What `geoStateKeys` asks of each new entry, asked during the engine's focused scan (see `sequenceWarmer`). */
export function geoWarmer(rule: GeoVelocityRule, memo: EntryMemo): KindScan {
  const filter = memo.test(rule.filter);
  const keyOf = memo.value(rule.dedupe.key);
  return warmer((entry) => {
    if (entry.isNew && filter(entry)) keyOf(entry);
  });
}

export function geoStateKeys(rule: GeoVelocityRule, entries: readonly TimelineEntry[], keys: StateKeyList, memo: EntryMemo): void {
  const filter = memo.test(rule.filter);
  const keyOf = memo.value(rule.dedupe.key);
  for (const entry of entries) {
    if (!entry.isNew || !filter(entry)) continue;
    const entity = keyOf(entry);
    if (entity) keys.add(rule.id, entity, stateValue.lastSignIn);
  }
}

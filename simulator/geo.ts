/**
 * A small built-in table of real cities and the networks people there connect from.
 * Coordinates are city centres; offsets are standard time. Addresses are synthesised inside
 * plausible first octets for each network, so they look real without naming real hosts.
 */
import type { Network, Origin, Place } from './types.js';
import type { Random } from './random.js';

const place = (
  city: string, state: string, country: string, countryCode: string, postalCode: string,
  lat: number, lon: number, utcOffsetHours: number, timezone: string,
): Place => ({ city, state, country, countryCode, postalCode, lat, lon, utcOffsetHours, timezone });

/** Where employees live, with relative weights (a US-headquartered company with EU/APAC offices). */
export const HOME_PLACES: readonly (readonly [Place, number])[] = [
  [place('San Francisco', 'California', 'United States', 'US', '94103', 37.7749, -122.4194, -8, 'America/Los_Angeles'), 18],
  [place('New York', 'New York', 'United States', 'US', '10013', 40.7128, -74.006, -5, 'America/New_York'), 14],
  [place('Austin', 'Texas', 'United States', 'US', '78701', 30.2672, -97.7431, -6, 'America/Chicago'), 8],
  [place('Chicago', 'Illinois', 'United States', 'US', '60601', 41.8781, -87.6298, -6, 'America/Chicago'), 7],
  [place('Seattle', 'Washington', 'United States', 'US', '98101', 47.6062, -122.3321, -8, 'America/Los_Angeles'), 7],
  [place('Denver', 'Colorado', 'United States', 'US', '80202', 39.7392, -104.9903, -7, 'America/Denver'), 5],
  [place('Boston', 'Massachusetts', 'United States', 'US', '02108', 42.3601, -71.0589, -5, 'America/New_York'), 5],
  [place('Atlanta', 'Georgia', 'United States', 'US', '30303', 33.749, -84.388, -5, 'America/New_York'), 4],
  [place('Toronto', 'Ontario', 'Canada', 'CA', 'M5H', 43.6532, -79.3832, -5, 'America/Toronto'), 4],
  [place('London', 'England', 'United Kingdom', 'GB', 'EC1A', 51.5072, -0.1276, 0, 'Europe/London'), 8],
  [place('Dublin', 'Leinster', 'Ireland', 'IE', 'D02', 53.3498, -6.2603, 0, 'Europe/Dublin'), 4],
  [place('Berlin', 'Land Berlin', 'Germany', 'DE', '10115', 52.52, 13.405, 1, 'Europe/Berlin'), 4],
  [place('Amsterdam', 'North Holland', 'Netherlands', 'NL', '1012', 52.3676, 4.9041, 1, 'Europe/Amsterdam'), 3],
  [place('Bengaluru', 'Karnataka', 'India', 'IN', '560001', 12.9716, 77.5946, 5.5, 'Asia/Kolkata'), 5],
  [place('Sydney', 'New South Wales', 'Australia', 'AU', '2000', -33.8688, 151.2093, 10, 'Australia/Sydney'), 3],
];

const network = (isp: string, asNumber: number, domain: string | null, prefixes: number[][], isProxy = false): Network =>
  ({ isp, asOrg: isp.toLowerCase(), asNumber, domain, isProxy, prefixes });

/** Residential / business ISPs per country code. */
export const HOME_NETWORKS: Readonly<Record<string, readonly Network[]>> = {
  US: [
    network('Comcast Cable Communications', 7922, 'comcast.net', [[73], [98], [24]]),
    network('Charter Communications', 20115, 'charter.com', [[66], [97]]),
    network('Verizon Fios', 701, 'verizon.net', [[71], [108]]),
    network('AT&T Internet', 7018, 'att.net', [[99], [107]]),
  ],
  CA: [network('Rogers Communications', 812, 'rogers.com', [[99, 224], [174]])],
  GB: [
    network('British Telecommunications', 2856, 'bt.com', [[86], [81]]),
    network('Virgin Media', 5089, 'virginmedia.com', [[82], [62, 31]]),
  ],
  IE: [network('Eir Broadband', 5466, 'eir.ie', [[86, 40], [83, 70]])],
  DE: [network('Deutsche Telekom', 3320, 'telekom.de', [[84], [91]])],
  NL: [network('KPN', 1136, 'kpn.com', [[77, 160], [145, 53]])],
  IN: [network('Bharti Airtel', 24560, 'airtel.in', [[122, 171], [106, 51]])],
  AU: [network('Telstra', 1221, 'telstra.com', [[120, 16], [58, 160]])],
};

/**
 * Places and networks an attacker (or a traveller) shows up from: hosting, VPN exits and
 * consumer ISPs far from the org's offices.
 */
export const FOREIGN_ORIGINS: readonly { place: Place; network: Network }[] = [
  {
    place: place('Bucharest', 'Bucuresti', 'Romania', 'RO', '010011', 44.4268, 26.1025, 2, 'Europe/Bucharest'),
    network: network('M247 Europe SRL', 9009, 'm247.com', [[185, 156], [89, 46]], true),
  },
  {
    place: place('Frankfurt am Main', 'Hesse', 'Germany', 'DE', '60311', 50.1109, 8.6821, 1, 'Europe/Berlin'),
    network: network('DigitalOcean', 14061, 'digitalocean.com', [[164, 90], [46, 101]], true),
  },
  {
    place: place('Lagos', 'Lagos', 'Nigeria', 'NG', '100001', 6.5244, 3.3792, 1, 'Africa/Lagos'),
    network: network('MTN Nigeria', 29465, 'mtnnigeria.net', [[102, 89], [105, 112]]),
  },
  {
    place: place('Sao Paulo', 'Sao Paulo', 'Brazil', 'BR', '01000', -23.5505, -46.6333, -3, 'America/Sao_Paulo'),
    network: network('Claro NXT Telecomunicacoes', 28573, 'claro.com.br', [[177, 94], [189, 40]]),
  },
  {
    place: place('Singapore', 'Central Singapore', 'Singapore', 'SG', '048616', 1.2834, 103.8607, 8, 'Asia/Singapore'),
    network: network('OVH SAS', 16276, 'ovh.net', [[51, 79], [139, 99]], true),
  },
  {
    place: place('Ho Chi Minh City', 'Ho Chi Minh', 'Vietnam', 'VN', '700000', 10.8231, 106.6297, 7, 'Asia/Ho_Chi_Minh'),
    network: network('Viettel Group', 7552, 'viettel.vn', [[27, 72], [116, 110]]),
  },
  {
    place: place('Moscow', 'Moscow', 'Russia', 'RU', '101000', 55.7558, 37.6173, 3, 'Europe/Moscow'),
    network: network('Rostelecom', 12389, 'rt.ru', [[95, 24], [213, 87]]),
  },
];

/** A host address inside one of the network's prefixes (never .0 or .255). */
export function addressIn(rng: Random, net: Network): string {
  const octets = [...rng.pick(net.prefixes)];
  while (octets.length < 3) octets.push(rng.int(1, 254));
  octets.push(rng.int(1, 254));
  return octets.join('.');
}

export function homeOrigin(rng: Random): Origin {
  const home = rng.weighted(HOME_PLACES);
  const net = rng.pick(HOME_NETWORKS[home.countryCode] ?? HOME_NETWORKS.US);
  return { ip: addressIn(rng, net), place: home, network: net };
}

/** A foreign origin, optionally avoiding one country (e.g. the victim's home country). */
export function foreignOrigin(rng: Random, avoidCountryCode?: string): Origin {
  const candidates = FOREIGN_ORIGINS.filter((o) => o.place.countryCode !== avoidCountryCode);
  const chosen = rng.pick(candidates);
  return { ip: addressIn(rng, chosen.network), place: chosen.place, network: chosen.network };
}

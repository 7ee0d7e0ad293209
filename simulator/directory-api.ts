/** Users, their factors and devices, and the org's devices (okta.md §5), as Okta serves them. */
import { OktaErrors } from './api-errors.js';
import { pageByIdCursor, parseLimit, type ApiRequest, type ApiResponse } from './api-paging.js';
import { ScimFilterError, parseScimFilter, type Predicate } from './scim-filter.js';
import type { DeviceUserLink, OktaDevice, OktaUser, OktaUserFactor, SimulatedOrg } from './types.js';

const MAX_PAGE = 200;

export function listUsers(request: ApiRequest, org: SimulatedOrg): ApiResponse {
  const params = request.url.searchParams;
  const limit = parseLimit(params.get('limit'), { min: 1, max: MAX_PAGE, fallback: MAX_PAGE, clamp: true });
  const filter = params.get('filter');
  const search = params.get('search');
  const q = params.get('q')?.toLowerCase();

  // A plain list (and `q`) hides DEPROVISIONED users; `filter` and `search` include them.
  let users = org.users;
  if (filter || search) {
    const predicates = [filter, search].filter((e): e is string => !!e).map(scim);
    users = users.filter((u) => predicates.every((p) => p(u)));
  } else {
    users = users.filter((u) => u.status !== 'DEPROVISIONED');
  }
  if (q) {
    users = users.filter(({ profile: p }) => [p.firstName, p.lastName, p.email].some((v) => v.toLowerCase().startsWith(q)));
  }
  return pageByIdCursor(request, users, limit, (u) => presentUser(u, request.baseUrl));
}

export function getUser(request: ApiRequest, org: SimulatedOrg, idOrLogin: string): ApiResponse {
  return { body: presentUser(findUser(org, idOrLogin), request.baseUrl) };
}

export function listFactors(request: ApiRequest, org: SimulatedOrg, idOrLogin: string): ApiResponse {
  const user = findUser(org, idOrLogin);
  return { body: (org.factors[user.id] ?? []).map((f) => presentFactor(f, user, request.baseUrl)) };
}

export function listUserDevices(request: ApiRequest, org: SimulatedOrg, idOrLogin: string): ApiResponse {
  const user = findUser(org, idOrLogin);
  const body = org.deviceUsers
    .filter((link) => link.userId === user.id)
    .flatMap((link) => {
      const device = org.devices.find((d) => d.id === link.deviceId);
      return device ? [{ created: link.created, deviceUserId: `${link.deviceId}-${link.userId}`, device: presentDevice(device, request.baseUrl) }] : [];
    });
  return { body };
}

export function listDevices(request: ApiRequest, org: SimulatedOrg): ApiResponse {
  const params = request.url.searchParams;
  const limit = parseLimit(params.get('limit'), { min: 1, max: MAX_PAGE, fallback: MAX_PAGE, clamp: true });
  const search = params.get('search');
  const expand = params.get('expand');
  const devices = search ? org.devices.filter(scim(search)) : org.devices;
  const usersById = new Map(org.users.map((u) => [u.id, u]));
  const linksByDevice = new Map<string, DeviceUserLink[]>();
  for (const link of org.deviceUsers) linksByDevice.set(link.deviceId, [...(linksByDevice.get(link.deviceId) ?? []), link]);
  return pageByIdCursor(request, devices, limit, (device) => {
    const presented = presentDevice(device, request.baseUrl);
    if (expand !== 'user' && expand !== 'userSummary') return presented;
    const links = linksByDevice.get(device.id) ?? [];
    return { ...presented, _embedded: { users: links.flatMap((l) => embeddedUser(l, usersById.get(l.userId), expand, request.baseUrl)) } };
  });
}

export function getDevice(request: ApiRequest, org: SimulatedOrg, deviceId: string): ApiResponse {
  const device = org.devices.find((d) => d.id === deviceId);
  if (!device) throw OktaErrors.notFound(deviceId, 'Device');
  return { body: presentDevice(device, request.baseUrl) };
}

function findUser(org: SimulatedOrg, idOrLogin: string): OktaUser {
  const wanted = idOrLogin.toLowerCase();
  const user = org.users.find((u) => u.id === idOrLogin || u.profile.login.toLowerCase() === wanted);
  if (!user) throw OktaErrors.notFound(idOrLogin, 'User');
  return user;
}

function scim(expression: string): Predicate {
  try {
    return parseScimFilter(expression);
  } catch (error) {
    if (error instanceof ScimFilterError) throw OktaErrors.invalidSearch(error.message);
    throw error;
  }
}

function embeddedUser(link: DeviceUserLink, user: OktaUser | undefined, expand: string, baseUrl: string) {
  if (!user) return [];
  const summary = { id: user.id, profile: { firstName: user.profile.firstName, lastName: user.profile.lastName, login: user.profile.login, email: user.profile.email } };
  return [{
    created: link.created,
    managementStatus: link.managementStatus,
    screenLockType: link.screenLockType,
    user: expand === 'user' ? presentUser(user, baseUrl) : summary,
  }];
}

export function presentUser(user: OktaUser, baseUrl: string) {
  return { ...user, _links: { self: { href: `${baseUrl}/api/v1/users/${user.id}` } } };
}

function presentFactor(factor: OktaUserFactor, user: OktaUser, baseUrl: string) {
  const self = `${baseUrl}/api/v1/users/${user.id}/factors/${factor.id}`;
  return { ...factor, _links: { self: { href: self, hints: { allow: ['GET', 'DELETE'] } }, user: { href: `${baseUrl}/api/v1/users/${user.id}` } } };
}

function presentDevice(device: OktaDevice, baseUrl: string) {
  const self = `${baseUrl}/api/v1/devices/${device.id}`;
  return {
    ...device,
    _links: {
      self: { href: self, hints: { allow: ['GET', 'PATCH', 'PUT'] } },
      users: { href: `${self}/users`, hints: { allow: ['GET'] } },
    },
  };
}

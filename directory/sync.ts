// Copies an org's directory — users, their MFA factors, devices and the device–user links — from the
// Okta API into PostgreSQL. Upserts, so a re-run or a retried attempt converges on the same rows.
import type { Client } from '@okta/okta-sdk-nodejs';
import type { Database } from '../schema/db.js';
import type { oktaDevices, oktaFactors, oktaUserDevices, oktaUsers, RawInsert } from '../schema/tables.js';
import { apiUrl, fetchRawPage, rawPages } from '../okta/pages.js';

type Json = Record<string, unknown>;

export interface SyncProgress {
  users: number;
  devices: number;
  factors: number;
}

const asString = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const profileOf = (o: Json): Json => (o.profile && typeof o.profile === 'object' ? (o.profile as Json) : {});

export async function upsertUsers(db: Database, integrationId: string, users: Json[]): Promise<void> {
  if (users.length === 0) return;
  const rows = users.map((u): RawInsert<typeof oktaUsers> => {
    const p = profileOf(u);
    const display = asString(p.displayName) ?? ([p.firstName, p.lastName].filter(Boolean).join(' ') || null);
    return {
      integration_id: integrationId,
      id: String(u.id),
      status: asString(u.status) ?? 'UNKNOWN',
      login: asString(p.login),
      email: asString(p.email),
      display_name: display,
      last_login: asString(u.lastLogin),
      raw: JSON.stringify(u),
    };
  });
  const sql = db.$client;
  await sql`
    insert into okta_users ${sql(rows)}
    on conflict (integration_id, id) do update set
      status = excluded.status, login = excluded.login, email = excluded.email, display_name = excluded.display_name,
      last_login = excluded.last_login, raw = excluded.raw, synced_at = now()`;
}

export async function upsertFactors(db: Database, integrationId: string, userId: string, factors: Json[]): Promise<void> {
  const sql = db.$client;
  await sql.begin(async (tx) => {
    // Factors removed in Okta disappear here too: the user's set is replaced as a whole.
    await tx`delete from okta_factors where integration_id = ${integrationId} and user_id = ${userId}`;
    if (factors.length === 0) return;
    const rows = factors.map((f): RawInsert<typeof oktaFactors> => ({
      integration_id: integrationId,
      id: String(f.id),
      user_id: userId,
      factor_type: asString(f.factorType) ?? 'unknown',
      provider: asString(f.provider),
      status: asString(f.status) ?? 'UNKNOWN',
      raw: JSON.stringify(f),
    }));
    await tx`insert into okta_factors ${tx(rows)} on conflict (integration_id, id) do update set
      user_id = excluded.user_id, factor_type = excluded.factor_type, provider = excluded.provider,
      status = excluded.status, raw = excluded.raw, synced_at = now()`;
  });
}

interface DeviceUserLink {
  userId: string;
  managementStatus: string | null;
  screenLockType: string | null;
}

export async function upsertDevices(
  db: Database,
  integrationId: string,
  devices: Array<{ device: Json; users: DeviceUserLink[] }>,
): Promise<void> {
  if (devices.length === 0) return;
  const sql = db.$client;
  const rows = devices.map(({ device }): RawInsert<typeof oktaDevices> => ({
    integration_id: integrationId,
    id: String(device.id),
    status: asString(device.status) ?? 'UNKNOWN',
    display_name: asString(profileOf(device).displayName),
    platform: asString(profileOf(device).platform),
    raw: JSON.stringify(device),
  }));
  const links = devices.flatMap(({ device, users }) =>
    users.map((u): RawInsert<typeof oktaUserDevices> => ({
      integration_id: integrationId,
      user_id: u.userId,
      device_id: String(device.id),
      management_status: u.managementStatus,
      screen_lock_type: u.screenLockType,
    })),
  );
  await sql.begin(async (tx) => {
    await tx`insert into okta_devices ${tx(rows)} on conflict (integration_id, id) do update set
      status = excluded.status, display_name = excluded.display_name, platform = excluded.platform,
      raw = excluded.raw, synced_at = now()`;
    if (links.length > 0) {
      await tx`insert into okta_user_devices ${tx(links)} on conflict (integration_id, user_id, device_id) do update set
        management_status = excluded.management_status, screen_lock_type = excluded.screen_lock_type, synced_at = now()`;
    }
  });
}

/** `_embedded.users[]` of a device listed with `expand=user`: where management status lives. */
export function deviceUserLinks(device: Json): DeviceUserLink[] {
  const embedded = (device._embedded as Json | undefined)?.users;
  if (!Array.isArray(embedded)) return [];
  return embedded
    .map((e: Json) => ({
      userId: asString((e.user as Json | undefined)?.id) ?? '',
      managementStatus: asString(e.managementStatus),
      screenLockType: asString(e.screenLockType),
    }))
    .filter((l) => l.userId !== '');
}

export async function syncUserFactors(client: Client, db: Database, integrationId: string, userId: string): Promise<number> {
  const page = await fetchRawPage<Json>(client, apiUrl(client, `/api/v1/users/${encodeURIComponent(userId)}/factors`), 'listing factors');
  await upsertFactors(db, integrationId, userId, page.items);
  return page.items.length;
}

/** Runs `fn` over items with at most `limit` in flight. */
async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function syncDirectory(
  client: Client,
  db: Database,
  integrationId: string,
  onProgress: (p: SyncProgress) => void = () => {},
): Promise<SyncProgress> {
  const progress: SyncProgress = { users: 0, devices: 0, factors: 0 };
  for await (const users of rawPages<Json>(client, apiUrl(client, '/api/v1/users', { limit: '200' }), 'listing users')) {
    await upsertUsers(db, integrationId, users);
    progress.users += users.length;
    await mapLimit(users, 4, async (u) => {
      progress.factors += await syncUserFactors(client, db, integrationId, String(u.id));
    });
    onProgress({ ...progress });
  }
  const devicesUrl = apiUrl(client, '/api/v1/devices', { limit: '200', expand: 'user' });
  for await (const devices of rawPages<Json>(client, devicesUrl, 'listing devices')) {
    await upsertDevices(db, integrationId, devices.map((device) => ({ device, users: deviceUserLinks(device) })));
    progress.devices += devices.length;
    onProgress({ ...progress });
  }
  await db.$client`update integrations set directory_synced_at = now() where id = ${integrationId}`;
  return progress;
}

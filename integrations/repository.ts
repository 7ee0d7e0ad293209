// Reading and updating integrations. The Okta token is decrypted here, inside activities only.
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../schema/db.js';
import { integrations, tenants, type AwsRoute } from '../schema/tables.js';
import { assertTransition, type IntegrationStatus } from './status.js';
import { decryptSecret, type SecretKeys } from '../lib/secrets.js';
import type { EnvelopeExpectation } from '../okta/envelope.js';
import type { OktaConnection } from '../okta/client.js';

export type IntegrationRow = typeof integrations.$inferSelect;

export class IntegrationNotFoundError extends Error {
  override name = 'IntegrationNotFound';
  constructor(readonly integrationId: string) {
    super(`no integration ${integrationId}; list them with \`npx oort-okta integrations list\``);
  }
}

export async function getIntegration(db: Database, integrationId: string): Promise<IntegrationRow> {
  const [row] = await db.select().from(integrations).where(eq(integrations.id, integrationId));
  if (!row) throw new IntegrationNotFoundError(integrationId);
  return row;
}

/** Every integration's id, in order. */
export async function listIntegrationIds(db: Database): Promise<string[]> {
  return (await db.select({ id: integrations.id }).from(integrations).orderBy(integrations.id)).map((r) => r.id);
}

export async function getIntegrationWithTenant(db: Database, integrationId: string) {
  const [row] = await db
    .select({ integration: integrations, tenantName: tenants.name })
    .from(integrations)
    .innerJoin(tenants, eq(tenants.id, integrations.tenantId))
    .where(eq(integrations.id, integrationId));
  if (!row) throw new IntegrationNotFoundError(integrationId);
  return row;
}

export function oktaConnection(row: IntegrationRow, secretKey: SecretKeys): OktaConnection {
  return { domain: row.oktaDomain, token: decryptSecret(row.apiTokenEncrypted, secretKey, row.id) };
}

export function envelopeExpectation(row: IntegrationRow): EnvelopeExpectation {
  return { oktaOrg: row.oktaOrg, eventSourceName: row.eventSourceName, awsAccountId: row.awsAccountId, awsRegion: row.awsRegion };
}

/** Moves the integration to `status` if the state machine allows it; the same status again is a no-op. */
export async function setIntegrationStatus(
  db: Database,
  integrationId: string,
  status: IntegrationStatus,
  detail: string | null,
): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ status: integrations.status })
      .from(integrations)
      .where(eq(integrations.id, integrationId))
      .for('update');
    if (!row) throw new IntegrationNotFoundError(integrationId);
    assertTransition(integrationId, row.status, status);
    await tx.update(integrations).set({ status, statusDetail: detail, updatedAt: new Date() }).where(eq(integrations.id, integrationId));
  });
}

/** The stream delivered in this run: the silence clock starts again. */
export async function markStreamed(db: Database, integrationId: string): Promise<void> {
  await db.update(integrations).set({ lastStreamedAt: sql`now()` }).where(eq(integrations.id, integrationId));
}

/** The stream has taken over from the System Log API: the API cursor is closed. */
export async function closePollCursor(db: Database, integrationId: string): Promise<void> {
  await db.update(integrations).set({ pollCursor: null, pollCursorAt: null }).where(eq(integrations.id, integrationId));
}

export async function setQueueUrls(db: Database, integrationId: string, urls: { queueUrl: string; deadLetterQueueUrl: string }): Promise<void> {
  await db.update(integrations).set({ ...urls, updatedAt: sql`now()` }).where(eq(integrations.id, integrationId));
}

/** The org's domain changed (moved to a custom domain, or back): where every later Okta call goes. */
export async function setOktaDomain(db: Database, integrationId: string, domain: { oktaDomain: string; oktaCustomDomain: string | null }): Promise<void> {
  const res = await db.update(integrations).set({ ...domain, updatedAt: sql`now()` }).where(eq(integrations.id, integrationId)).returning({ id: integrations.id });
  if (res.length === 0) throw new IntegrationNotFoundError(integrationId);
}

/** The Okta log stream found for the integration (onboarding's check, and the daily one). */
export async function setLogStreamId(db: Database, integrationId: string, logStreamId: string): Promise<void> {
  await db.update(integrations).set({ logStreamId }).where(eq(integrations.id, integrationId));
}

/** Records what onboarding or the daily check found of the integration's AWS route. */
export async function recordAwsRoute(db: Database, integrationId: string, route: AwsRoute): Promise<void> {
  await db.update(integrations).set({ awsRoute: route }).where(eq(integrations.id, integrationId));
}

// Registers a tenant's Okta integration: the token is sealed before it touches the database, and
// the integration id doubles as the log stream's event source name (the setup guide's step 5).
import { randomBytes } from 'node:crypto';
import type postgres from 'postgres';
import type { Database } from '../schema/db.js';
import { redactSlackUrl } from '../notify/slack.js';
import { encryptSecret, type SecretKeys } from '../lib/secrets.js';
import { OORT_AWS_REGION, type OortEnvironment } from '../lib/config.js';
import { classifyOktaError, createOktaClient, describeOktaError, normalizeCustomDomain, oktaOrgFromDomain, orgUrlFromDomain, type OktaConnection } from '../okta/client.js';
import { IntegrationNotFoundError } from './repository.js';
import { channelAad, nextChannelId } from '../notify/channels.js';

export interface NewIntegration {
  tenantId: string;
  tenantName?: string;
  name: string;
  oktaDomain: string;
  /** Override of the org subdomain when the domain is a custom one (e.g. sso.acme.com → acme). */
  oktaOrg?: string;
  /** A custom domain of the org (e.g. login.acme.com), registered so it may be used as the Okta domain. */
  oktaCustomDomain?: string;
  apiToken: string;
  awsAccountId: string;
  awsRegion?: string;
  webhook?: { url: string; secret: string; minSeverity?: string };
  /** A Slack incoming webhook (its URL is a secret and is stored sealed). */
  slack?: { webhookUrl: string; minSeverity?: string };
  /** More detections than this in one hourly run go out as one digest per channel. */
  digestAfter?: number;
  /** 'streaming' (Okta Log Streaming → EventBridge → SQS, the default) or 'polling' (the System Log API, hourly). */
  ingestMode?: 'streaming' | 'polling';
  /** Days of System Log onboarding reads before the stream or polling takes over (1–90, default 7). */
  backfillDays?: number;
  /** Fixed id (tests, migrations from another system); default a new readable id. */
  integrationId?: string;
}

const TENANT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Longest integration or tenant name: names are shown in the Temporal UI, Slack messages and the findings page. */
export const MAX_NAME_LENGTH = 200;
// Control characters break lines in Slack messages and logs; text-direction marks and overrides make a name read as
// another one.
const UNSAFE_NAME_CHARACTER = /[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

/** A value `createIntegration` can never accept (a malformed tenant or integration id, an empty token, …). */
export class IntegrationInputError extends Error {
  override name = 'IntegrationInputError';
}

/** The integration id is taken: PostgreSQL refused the insert with a unique violation (SQLSTATE 23505). */
export class IntegrationExistsError extends Error {
  override name = 'IntegrationExists';
  constructor(readonly integrationId: string) {
    super(`integration ${integrationId} exists; choose another id, or see that one with \`npx oort-okta integrations show ${integrationId}\``);
  }
}

function isDuplicateIntegration(err: unknown): boolean {
  const e = err as { code?: unknown; table_name?: unknown; constraint_name?: unknown } | null;
  return e?.code === '23505' && (e.table_name === 'integrations' || e.constraint_name === 'integrations_pkey');
}

/** Refuses a name people could not read as typed: empty, longer than MAX_NAME_LENGTH, or with control characters. */
export function checkDisplayName(what: string, name: string): void {
  if (!name.trim()) throw new IntegrationInputError(`${what} is empty.`);
  const length = [...name].length;
  if (length > MAX_NAME_LENGTH) throw new IntegrationInputError(`${what} has ${length} characters; use at most ${MAX_NAME_LENGTH}.`);
  if (UNSAFE_NAME_CHARACTER.test(name)) {
    throw new IntegrationInputError(`${what} contains a control or text-direction character (U+${codePoint(name.match(UNSAFE_NAME_CHARACTER)![0])}); use plain text.`);
  }
}

function codePoint(c: string): string {
  return c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
}

export function newIntegrationId(): string {
  return `okta-${randomBytes(8).toString('hex')}`;
}

export async function createIntegration(db: Database, secretKey: SecretKeys, input: NewIntegration): Promise<{ integrationId: string }> {
  if (!TENANT_ID.test(input.tenantId)) {
    throw new IntegrationInputError(`Tenant id "${input.tenantId}" must be lowercase letters, digits and dashes (e.g. acme-corp).`);
  }
  checkDisplayName('The integration name', input.name);
  if (input.tenantName !== undefined) checkDisplayName('The tenant name', input.tenantName);
  if (!input.apiToken.trim()) throw new IntegrationInputError('The Okta API token is empty. Pass it through OKTA_API_TOKEN, stdin or a file.');
  orgUrlFromDomain(input.oktaDomain); // throws a clear error for a malformed domain
  if (input.webhook) {
    const url = new URL(input.webhook.url);
    if (!/^https?:$/.test(url.protocol)) throw new IntegrationInputError(`Webhook URL ${input.webhook.url} must be http(s).`);
  }
  const backfillDays = input.backfillDays ?? 7;
  if (!Number.isInteger(backfillDays) || backfillDays < 1 || backfillDays > 90) {
    throw new IntegrationInputError(`Backfill of ${input.backfillDays} days is not possible: Okta keeps 90 days of System Log; use 1 to 90.`);
  }
  const integrationId = input.integrationId ?? newIntegrationId();
  if (!/^[a-zA-Z0-9._-]{1,75}$/.test(integrationId)) {
    throw new IntegrationInputError(`Integration id "${integrationId}" cannot be an Okta event source name (1–75 of letters, digits, . _ -).`);
  }
  const sql = db.$client;
  await sql.begin(async (tx) => {
    await tx`insert into tenants (id, name) values (${input.tenantId}, ${input.tenantName ?? input.tenantId}) on conflict (id) do nothing`;
    await tx`insert into integrations ${tx({
      id: integrationId,
      tenant_id: input.tenantId,
      name: input.name,
      okta_domain: input.oktaDomain,
      okta_org: input.oktaOrg ?? oktaOrgFromDomain(input.oktaDomain),
      ...(input.oktaCustomDomain ? { okta_custom_domain: normalizeCustomDomain(input.oktaCustomDomain) } : {}),
      api_token_encrypted: encryptSecret(input.apiToken.trim(), secretKey, integrationId),
      event_source_name: integrationId,
      aws_account_id: input.awsAccountId,
      aws_region: input.awsRegion ?? OORT_AWS_REGION,
      digest_after: input.digestAfter ?? 25,
      ingest_mode: input.ingestMode ?? 'streaming',
      backfill_days: backfillDays,
    })}`;
    if (input.slack) await addSlackChannel(tx, secretKey, integrationId, input.slack);
    if (input.webhook) {
      const id = await nextChannelId(tx);
      await tx`insert into notification_channels ${tx({
        id,
        integration_id: integrationId,
        kind: 'webhook',
        url: input.webhook.url,
        secret_encrypted: encryptSecret(input.webhook.secret, secretKey, channelAad(integrationId, id)),
        min_severity: input.webhook.minSeverity ?? 'low',
      })}`;
    }
  }).catch((err: unknown) => {
    // The id is the primary key: a taken one is PostgreSQL's unique violation, said as what it means.
    if (isDuplicateIntegration(err)) throw new IntegrationExistsError(integrationId);
    throw err;
  });
  return { integrationId };
}

async function addSlackChannel(tx: postgres.TransactionSql, secretKey: SecretKeys, integrationId: string, slack: { webhookUrl: string; minSeverity?: string }) {
  const url = new URL(slack.webhookUrl);
  if (!/^https?:$/.test(url.protocol)) throw new Error(`Slack webhook URL must be http(s), got ${url.protocol}`);
  const id = await nextChannelId(tx);
  await tx`insert into notification_channels ${tx({
    id,
    integration_id: integrationId,
    kind: 'slack',
    url: redactSlackUrl(slack.webhookUrl),
    secret_encrypted: encryptSecret(slack.webhookUrl, secretKey, channelAad(integrationId, id)),
    min_severity: slack.minSeverity ?? 'medium',
  })}`;
}

export class OktaAccessError extends Error {
  override name = 'OktaAccessError';
}

/**
 * The door check of `integrations create` and `rotate-token`, after the domain rules passed: one cheap call
 * (`GET /api/v1/users/me`) through the guarded client. A domain that cannot be reached (or is refused by the
 * address rules) and a token Okta refuses (401) are `OktaAccessError`s saying so; any other answer — a 403 or
 * 404 included — lets the integration in, and onboarding then checks precisely what the token may read.
 */
export async function checkOktaAccess(conn: OktaConnection, opts: { environment: OortEnvironment; requestTimeoutMs: number }): Promise<void> {
  const client = await createOktaClient(conn, { environment: opts.environment, requestTimeoutMs: Math.min(opts.requestTimeoutMs, 15_000), maxRetries: 0 });
  const host = new URL(client.baseUrl).host;
  try {
    const res = await client.http.http(new URL('/api/v1/users/me', client.baseUrl).toString(), { method: 'get', headers: { Accept: 'application/json' } });
    await res.text().catch(() => undefined);
  } catch (err) {
    const kind = classifyOktaError(err);
    if (kind === 'forbidden' || kind === 'not_found' || kind === 'bad_request') return;
    if (kind === 'invalid_token') {
      throw new OktaAccessError(`Okta at ${host} refused the API token (${describeOktaError(err)}); create a new token in Okta (Security → API → Tokens) and pass that one. Nothing was stored.`);
    }
    if (kind === 'rate_limited' || kind === 'server') {
      throw new OktaAccessError(`Okta at ${host} could not check the API token now (${describeOktaError(err)}); try again in a minute. Nothing was stored.`);
    }
    throw new OktaAccessError(`the Okta org ${host} could not be reached (${describeOktaError(err)}); check the domain. Nothing was stored.`);
  }
}

/** Replaces the sealed token (the onboarding then gets the `credentialsUpdated` signal). */
export async function rotateToken(db: Database, secretKey: SecretKeys, integrationId: string, apiToken: string): Promise<void> {
  const sealed = encryptSecret(apiToken.trim(), secretKey, integrationId);
  const res = await db.$client`update integrations set api_token_encrypted = ${sealed}, updated_at = now() where id = ${integrationId}`;
  if (res.count === 0) throw new IntegrationNotFoundError(integrationId);
}

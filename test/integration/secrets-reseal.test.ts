// Rotating the key that seals stored secrets: the worker and the CLI read what the previous key sealed
// (OORT_SECRET_KEYS_PREVIOUS), `secrets reseal` seals every stored secret of the integration again under
// the new key, and afterwards the new key alone opens them all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, generateSecretKey, keyId, parseSecretKey } from '../../lib/secrets.js';
import { channelAad, channelSecrets } from '../../notify/channels.js';
import { createWorld, type World } from '../support/world.js';
import { jsonOf, runCli } from '../support/cli.js';
import { streamingIntegration } from '../support/fixtures.js';

let world: World;

beforeAll(async () => {
  world = await createWorld();
});

afterAll(async () => {
  await world?.close();
});

interface Report {
  examined: number;
  resealed: number;
  failed: Array<{ where: string; reason: string }>;
  currentKeyId: string;
  dryRun: boolean;
}

describe('secrets reseal', () => {
  it('moves a token, a webhook secret and a Slack URL sealed under the old key to the new one', async () => {
    const oldKey = world.env.OORT_SECRET_KEY;
    const { integrationId } = await streamingIntegration(world, {
      oktaDomain: 'http://127.0.0.1:9',
      oktaOrg: 'reseal',
      apiToken: 'ssws-reseal-token',
      webhook: { url: 'http://127.0.0.1:9/hook', secret: 'whsec_c2VjcmV0LXNpZ25pbmcta2V5LW9mLTMyLWJ5dGVzIQ==' },
      slack: { webhookUrl: 'http://127.0.0.1:9/services/T/B/realsecret' },
    });
    // A channel sealed the way channels were before secrets were bound to their channel (to the integration only).
    const [legacy] = await world.db.$client<{ id: string }[]>`
      insert into notification_channels (integration_id, kind, url, secret_encrypted, min_severity)
      values (${integrationId}, 'webhook', 'http://127.0.0.1:9/legacy', ${encryptSecret('whsec_bGVnYWN5', world.secretKey, `channel:${integrationId}`)}, 'low')
      returning id`;
    const newKey = generateSecretKey();
    const rotated = { ...world.env, OORT_SECRET_KEY: newKey, OORT_SECRET_KEYS_PREVIOUS: oldKey };

    // Without the previous key the new one cannot open anything yet: the command says so and changes nothing.
    const blind = await runCli({ ...world.env, OORT_SECRET_KEY: newKey }, ['secrets', 'reseal', '--integration', integrationId]);
    expect(blind.code).toBe(1);
    expect(blind.stderr).toMatch(/could not be opened with the configured keys; add the key they were sealed with to OORT_SECRET_KEYS_PREVIOUS/);

    const dry = jsonOf<Report>(await runCli(rotated, ['secrets', 'reseal', '--integration', integrationId, '--dry-run', '--json']));
    expect(dry).toMatchObject({ examined: 4, resealed: 4, failed: [], dryRun: true });

    const done = jsonOf<Report>(await runCli(rotated, ['secrets', 'reseal', '--integration', integrationId, '--json']));
    expect(done).toMatchObject({ examined: 4, resealed: 4, failed: [], currentKeyId: keyId(parseSecretKey(newKey)) });
    const again = jsonOf<Report>(await runCli(rotated, ['secrets', 'reseal', '--integration', integrationId, '--json']));
    expect(again).toMatchObject({ examined: 4, resealed: 0 });

    // The new key alone opens everything now; the old one nothing.
    const key = parseSecretKey(newKey);
    const [row] = await world.db.$client<{ api_token_encrypted: string }[]>`select api_token_encrypted from integrations where id = ${integrationId}`;
    expect(decryptSecret(row.api_token_encrypted, key, integrationId)).toBe('ssws-reseal-token');
    expect(() => decryptSecret(row.api_token_encrypted, parseSecretKey(oldKey), integrationId)).toThrow(/not configured/);
    const channels = await world.db.$client<{ id: string; url: string; secret_encrypted: string; previous_secret_encrypted: string | null }[]>`
      select id, url, secret_encrypted, previous_secret_encrypted from notification_channels where integration_id = ${integrationId} order by id`;
    const byUrl = (url: string) => channels.find((c) => c.url.startsWith(url))!;
    const webhook = byUrl('http://127.0.0.1:9/hook');
    const slack = byUrl('http://127.0.0.1:9/services');
    // Each secret is bound to its own channel now, the legacy one included: it opens with its channel's binding only.
    expect(channelSecrets(webhook, key, integrationId, Number(webhook.id)).current).toBe('whsec_c2VjcmV0LXNpZ25pbmcta2V5LW9mLTMyLWJ5dGVzIQ==');
    expect(decryptSecret(slack.secret_encrypted, key, channelAad(integrationId, Number(slack.id)))).toBe('http://127.0.0.1:9/services/T/B/realsecret');
    expect(decryptSecret(byUrl('http://127.0.0.1:9/legacy').secret_encrypted, key, channelAad(integrationId, Number(legacy.id)))).toBe('whsec_bGVnYWN5');
    expect(() => decryptSecret(webhook.secret_encrypted, key, channelAad(integrationId, Number(slack.id)))).toThrow(/belongs to another row/);
  });
});

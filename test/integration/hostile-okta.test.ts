// The Okta side as an attacker would play it: the simulator in its hostile mode answers Refresh User
// Data (the workflow a user can start on demand) with redirects, `next` links to another origin,
// bodies too large or too slow, and error bodies carrying secrets. Every one is refused or
// contained: the token never reaches another origin, the worker stays up, a read that the org
// later answers sanely completes, and no secret of an error body lands in the workflow's history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOrg, startOktaSimulator, type HostileMode, type OktaSimulator } from '../../simulator/index.js';
import { startRefreshUser } from '../../temporal/client.js';
import { createWorld, type World } from '../support/world.js';
import { streamingIntegration } from '../support/fixtures.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const TOKEN = 'ssws-hostile-5d1e';
const SECRET = 'leaked-3f9a77c1-session-cookie';
let world: World;
let sim: OktaSimulator;
let elsewhere: WebhookReceiver; // another origin, counting every request that reaches it

beforeAll(async () => {
  world = await createWorld({ OKTA_REQUEST_TIMEOUT_MS: '2000', OKTA_MAX_RETRIES: '1' });
  await world.startWorker();
  sim = await startOktaSimulator({ token: TOKEN, org: generateOrg({ seed: 'hostile', users: 5, orgName: 'hostile', logStream: false }) });
  elsewhere = await startWebhookReceiver();
});

afterAll(async () => {
  await sim?.close();
  await elsewhere?.close();
  await world?.close();
});

async function refresh(mode: HostileMode) {
  const integration = await streamingIntegration(world, { oktaDomain: sim.url, oktaOrg: 'hostile', apiToken: TOKEN });
  const userId = sim.org.users[0].id;
  sim.setHostile(mode);
  const handle = await startRefreshUser(world.client, world.db, world.config.TEMPORAL_TASK_QUEUE, integration.integrationId, userId);
  const outcome = await handle.result().then(
    (result) => ({ ok: true as const, result }),
    (error: Error) => ({ ok: false as const, error }),
  );
  sim.setHostile(null);
  const history = JSON.stringify(await handle.fetchHistory());
  return { outcome, history, failure: outcome.ok ? '' : `${outcome.error.message} ${String((outcome.error as { cause?: unknown }).cause)}` };
}

/** The summary of the org's real answers: none of the hostile bodies was taken for one (a padded `[]` would be). */
function expectTheRealUser(outcome: Awaited<ReturnType<typeof refresh>>['outcome']) {
  expect(outcome.ok).toBe(true);
  if (!outcome.ok) return;
  const user = sim.org.users[0];
  expect(outcome.result.status).toBe(user.status);
  expect(outcome.result.factors).toBe(sim.org.factors[user.id]?.length ?? 0);
}

describe('a hostile Okta org', () => {
  it('redirecting to another origin: refused, not followed, the token never goes there', async () => {
    const { outcome, history } = await refresh({ behaviour: { kind: 'redirect', location: `${elsewhere.url}/api/v1/users/x` } });
    expect(outcome.ok).toBe(false);
    expect(history).toMatch(/redirect/i);
    expect(elsewhere.deliveries).toEqual([]);
  });

  it('with a Link: next to another origin: refused by name, nothing reaches that origin', async () => {
    const { outcome, history } = await refresh({ behaviour: { kind: 'foreign-next', origin: new URL(elsewhere.url).origin } });
    expect(outcome.ok).toBe(false);
    expect(history).toMatch(/only the org's own origin|another origin|foreign/i);
    expect(elsewhere.deliveries).toEqual([]);
  });

  it('answering bodies too large, then sanely: the large ones are refused unread and the refresh completes', async () => {
    const { outcome } = await refresh({ behaviour: { kind: 'huge-body', bytes: 48 * 1024 * 1024 }, times: 2 });
    expectTheRealUser(outcome);
  });

  it('dripping a body slower than the timeout, then sanely: the attempt is given up and the refresh completes', async () => {
    const { outcome } = await refresh({ behaviour: { kind: 'slow-body', everyMs: 300 }, times: 1 });
    expectTheRealUser(outcome);
  });

  it('answering errors that carry secrets: the read fails, and no part of the body reaches the history', async () => {
    for (const json of [true, false]) {
      const { outcome, history, failure } = await refresh({ behaviour: { kind: 'secret-error', status: 400, secret: SECRET, json } });
      expect(outcome.ok).toBe(false);
      expect(history).not.toContain(SECRET);
      expect(failure).not.toContain(SECRET);
    }
  });
});

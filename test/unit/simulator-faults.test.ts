// The simulator's fault mode and budget accounting, driven with plain HTTP requests (no SDK, no retries of
// its own): 429 storms with rate-limit headers, a seeded share of 5xx answers, and a report that catches a
// client which asks again before the announced reset or sends more than a window allows.
import { afterEach, describe, expect, it } from 'vitest';
import { generateOrg, startOktaSimulator, type OktaSimulator } from '../../simulator/index.js';

const TOKEN = 'faults-token';
const org = generateOrg({ seed: 'faults', users: 5, logStream: false });
let sim: OktaSimulator | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function get(path: string) {
  const res = await fetch(`${sim!.url}${path}`, { headers: { Authorization: `SSWS ${TOKEN}` } });
  const body = await res.text();
  const header = (name: string) => res.headers.get(name);
  return { status: res.status, body, header };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('fault mode', () => {
  it('a storm answers every request 429 E0000047 with limit, remaining 0 and a reset never past its end; then all is normal', async () => {
    sim = await startOktaSimulator({ token: TOKEN, org: structuredClone(org), rateLimit: { limitPerWindow: 50, windowSeconds: 5 } });
    sim.setFaults({ storms: [{ afterRequests: 1, durationMs: 1_500, resetEveryMs: 1_000 }] });
    expect((await get('/api/v1/users')).status).toBe(200);
    const started = Date.now();
    const inStorm = await get('/api/v1/users');
    expect(inStorm.status).toBe(429);
    expect(JSON.parse(inStorm.body).errorCode).toBe('E0000047');
    expect(inStorm.header('x-rate-limit-limit')).toBe('50');
    expect(inStorm.header('x-rate-limit-remaining')).toBe('0');
    const reset = Number(inStorm.header('x-rate-limit-reset'));
    expect(reset * 1000).toBeGreaterThan(started);
    expect(reset * 1000).toBeLessThanOrEqual(Math.ceil((started + 1_600) / 1000) * 1000);
    expect((await get('/api/v1/logs?limit=1')).status).toBe(429); // every bucket
    await sleep(Math.max(0, reset * 1000 - Date.now()) + 50);
    // Still inside a storm of 1.5 s only if the reset came early; wait for its end in any case. The storm began when the
    // second request arrived, which on a busy machine can be well after `started`.
    const stormBegan = sim.requests[1].receivedAt;
    await sleep(Math.max(0, stormBegan + 1_600 - Date.now()));
    expect((await get('/api/v1/users')).status).toBe(200);
  });

  it('answers the configured share with 500 (Okta JSON) or 502/503 (HTML, no rate-limit headers), the same requests alike for a seed', async () => {
    const run = async (seed: string) => {
      sim = await startOktaSimulator({ token: TOKEN, org: structuredClone(org) });
      sim.setFaults({ serverErrors: { rate: 0.2, seed } });
      const statuses: number[] = [];
      for (let i = 0; i < 200; i++) {
        const r = await get('/api/v1/users?limit=1');
        statuses.push(r.status);
        if (r.status === 500) expect(JSON.parse(r.body).errorCode).toBe('E0000009');
        if (r.status === 502 || r.status === 503) {
          expect(r.body).toMatch(/^<html>/);
          expect(r.header('x-rate-limit-reset')).toBeNull();
        }
      }
      await sim.close();
      sim = undefined;
      return statuses;
    };
    const first = await run('seed-a');
    const failed = first.filter((s) => s >= 500).length;
    expect(failed).toBeGreaterThan(20);
    expect(failed).toBeLessThan(60);
    expect(new Set(first.filter((s) => s >= 500))).toEqual(new Set([500, 502, 503]));
    expect(await run('seed-a')).toEqual(first);
    expect(await run('seed-b')).not.toEqual(first);
  });

  it('can be switched over HTTP, and reports its counts there', async () => {
    sim = await startOktaSimulator({ token: TOKEN, org: structuredClone(org) });
    const admin = await fetch(`${sim.url}/__simulator/faults`, { method: 'POST', body: JSON.stringify({ storms: [{ durationMs: 60_000 }] }) });
    expect(admin.status).toBe(200);
    expect((await get('/api/v1/users')).status).toBe(429);
    await fetch(`${sim.url}/__simulator/faults`, { method: 'DELETE' });
    expect((await get('/api/v1/users')).status).toBe(200);
    const report = (await (await fetch(`${sim.url}/__simulator/budget`)).json()) as { byBucket: Record<string, unknown> };
    expect(report.byBucket.users).toEqual({ received: 2, ok: 1, rateLimited: 1, serverErrors: 0 });
    expect(sim.requests.every((r) => !r.path.startsWith('/__simulator'))).toBe(true);
  });
});

describe('budget report', () => {
  it('finds nothing wrong with a client that waits for the announced reset', async () => {
    sim = await startOktaSimulator({ token: TOKEN, org: structuredClone(org), rateLimit: { users: { limitPerWindow: 3, windowSeconds: 1 } } });
    sim.setFaults({ storms: [{ afterRequests: 2, durationMs: 500 }] });
    for (let sent = 0; sent < 6; ) {
      const r = await get('/api/v1/users?limit=1');
      if (r.status === 200) sent++;
      if (Number(r.header('x-rate-limit-remaining')) === 0 || r.status === 429) {
        await sleep(Number(r.header('x-rate-limit-reset')) * 1000 - Date.parse(r.header('date')!) + 1000);
      }
    }
    const report = sim.budgetReport();
    expect(report.byBucket.users?.rateLimited).toBe(1);
    expect(report).toMatchObject({ overBudget: [], limiterRejections: [], earlyAfter429: [], respected: true });
    expect(report.windows.length).toBeGreaterThanOrEqual(2);
  });

  it('flags a request sent again before the reset a 429 announced, and a window that got more than its limit', async () => {
    sim = await startOktaSimulator({ token: TOKEN, org: structuredClone(org), rateLimit: { logs: { limitPerWindow: 2, windowSeconds: 10 } } });
    sim.setFaults({ storms: [{ durationMs: 5_000, resetEveryMs: 5_000, buckets: ['users'] }] });
    expect((await get('/api/v1/users')).status).toBe(429);
    await sleep(250); // a fixed backoff, not the reset
    expect((await get('/api/v1/users')).status).toBe(429);
    for (let i = 0; i < 3; i++) await get('/api/v1/logs?limit=1');

    const report = sim.budgetReport();
    expect(report.respected).toBe(false);
    expect(report.earlyAfter429.map((e) => e.request.path)).toEqual(['/api/v1/users']);
    expect(report.overBudget).toMatchObject([{ bucket: 'logs', limit: 2, received: 3 }]);
    expect(report.limiterRejections).toHaveLength(1);
    expect(report.byBucket.logs).toEqual({ received: 3, ok: 2, rateLimited: 1, serverErrors: 0 });
  });
});

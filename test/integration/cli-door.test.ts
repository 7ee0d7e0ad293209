// `integrations create` refuses at the door, with one `error:` line and nothing stored: an Okta domain that is not
// Okta's (or the registered custom domain), plain http, the simulator on loopback outside development/test, an
// unsafe webhook or Slack URL (usage errors, exit 2), an org that cannot be reached, a token Okta refuses (failures,
// exit 1). Traffic goes to loopback only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOrg, startOktaSimulator, type OktaSimulator } from '../../simulator/index.js';
import { createWorld, type World } from '../support/world.js';
import { jsonOf, runCli, runEach } from '../support/cli.js';

const TOKEN = 'ssws-door-7f3a';
let world: World;
let sim: OktaSimulator;

beforeAll(async () => {
  world = await createWorld();
  sim = await startOktaSimulator({ token: TOKEN, org: generateOrg({ seed: 'door', users: 3, orgName: 'door', logStream: false }) });
});

afterAll(async () => {
  await sim?.close();
  await world?.close();
});

const create = (name: string, domain: string, ...more: string[]) => ['integrations', 'create', '--tenant', 'door', '--name', name, '--okta-domain', domain, '--okta-org', 'door', ...more];

async function namesStored(): Promise<string[]> {
  return (await world.db.$client<{ name: string }[]>`select name from integrations where tenant_id = 'door'`).map((r) => r.name);
}

describe('integrations create, refused at the door', () => {
  it('refuses domains, URLs and environments that are not allowed, each with one error line, storing nothing', async () => {
    const staging = { ...world.env, OORT_ENVIRONMENT: 'staging', OKTA_ALLOW_PRIVATE_ADDRESSES: 'true', OKTA_API_TOKEN: TOKEN };
    const test = { ...world.env, OKTA_API_TOKEN: TOKEN };
    // The last two are Okta's answer (or its silence), not the command line's fault: exit 1; the rest exit 2.
    const cases: Array<[Record<string, string>, string[], RegExp]> = [
      [staging, create('d1', 'login.acme.com'), /^error: Okta domain login\.acme\.com is not under \*\.okta\.com, \*\.oktapreview\.com, \*\.okta-emea\.com; if it is your org's custom domain, register it with --custom-domain login\.acme\.com\.$/],
      [staging, create('d2', 'sso.acme.com', '--custom-domain', 'login.acme.com'), /^error: Okta domain sso\.acme\.com is not under .* and is not the integration's custom domain login\.acme\.com\.$/],
      [staging, create('d3', 'http://acme.okta.com'), /^error: Okta domain http:\/\/acme\.okta\.com must use https\.$/],
      [staging, create('d4', 'acme.okta.com/admin'), /has a path, query or credentials/],
      [staging, create('d5', 'acme.okta.com', '--custom-domain', 'http://login.acme.com'), /^error: Custom domain "http:\/\/login\.acme\.com" must be served over https\.$/],
      [staging, create('d6', 'acme.okta.com', '--custom-domain', '10.0.0.7'), /^error: Custom domain "10\.0\.0\.7" must be just a host name/],
      // The simulator on loopback: refused in staging whatever OKTA_ALLOW_PRIVATE_ADDRESSES says.
      [staging, create('d7', sim.url), /^error: Okta domain http:\/\/127\.0\.0\.1:\d+ must use https\.$/],
      [staging, create('d8', 'https://0x7f.1'), /is an IP address/],
      [staging, create('d9', 'acme.okta.com', '--webhook-url', 'http://hooks.example.com/oort'), /^error: Webhook URL must use https: http:\/\/hooks\.example\.com\.$/],
      [staging, create('d10', 'acme.okta.com', '--webhook-url', 'https://169.254.169.254/latest'), /^error: Webhook URL points at 169\.254\.169\.254, a 169\.254\.0\.0\/16 \(link-local \(cloud metadata\)\) address/],
      [staging, create('d11', 'acme.okta.com', '--webhook-url', 'https://u:p@hooks.example.com/oort'), /^error: Webhook URL must not contain credentials/],
      [test, create('d12', sim.url, '--webhook-url', 'http://hooks.example.com/oort'), /^error: Webhook URL must use https \(plain http only to a loopback address\)/],
      // Reached, but the token is refused; an org that does not answer.
      [test, create('d13', sim.url), /^error: Okta at 127\.0\.0\.1:\d+ refused the API token \(Okta answered 401 E0000011: Invalid token provided\)/],
      [test, create('d14', 'http://127.0.0.1:1'), /^error: the Okta org 127\.0\.0\.1:1 could not be reached \(.*ECONNREFUSED.*\); check the domain\. Nothing was stored\.$/],
    ];
    cases[12][0] = { ...test, OKTA_API_TOKEN: 'not-the-door-token' };
    const results = await runEach(cases.map(([env, args]) => [env, args]));
    results.forEach((r, i) => {
      const [, args, message] = cases[i];
      expect({ args: args.join(' '), code: r.code, stdout: r.stdout }).toEqual({ args: args.join(' '), code: i >= 12 ? 1 : 2, stdout: '' });
      expect(r.stderr.trimEnd().split('\n'), `${args.join(' ')}: ${r.stderr}`).toHaveLength(1);
      expect(r.stderr.trimEnd(), args.join(' ')).toMatch(message);
    });
    expect(await namesStored()).toEqual([]);
  });

  it('refuses names that would not read as typed in the Temporal UI, Slack and the findings page', async () => {
    const test = { ...world.env, OKTA_API_TOKEN: TOKEN };
    const cases: Array<[string, string]> = [
      ['   ', 'error: The integration name is empty.'],
      ['x'.repeat(201), 'error: The integration name has 201 characters; use at most 200.'],
      ['Acme\nfinance approved', 'error: The integration name contains a control or text-direction character (U+000A); use plain text.'],
      ['Acme \u202Egnp.exe', 'error: The integration name contains a control or text-direction character (U+202E); use plain text.'],
    ];
    const results = await Promise.all(cases.map(([name]) => runCli(test, create(name, sim.url))));
    results.forEach((r, i) => expect([r.code, r.stdout, r.stderr]).toEqual([2, '', `${cases[i][1]}\n`]));
    expect(await namesStored()).toEqual([]);
  });

  it('accepts the simulator in test, a Slack URL from a file only for hooks.slack.com, and stores a registered custom domain', async () => {
    const ok = await runCli({ ...world.env, OKTA_API_TOKEN: TOKEN }, [...create('Door OK', sim.url, '--custom-domain', 'Login.Door.example'), '--json']);
    expect(ok.stderr).toBe('');
    const { integrationId } = jsonOf<{ integrationId: string }>(ok);
    const [row] = await world.db.$client<{ okta_custom_domain: string }[]>`select okta_custom_domain from integrations where id = ${integrationId}`;
    expect(row.okta_custom_domain).toBe('login.door.example');

    const slack = await runCli({ ...world.env, OKTA_API_TOKEN: TOKEN, OORT_SLACK_WEBHOOK_URL: 'https://hooks.slack.com.evil.example/services/T/B/X' }, [...create('Door Slack', sim.url), '--slack']);
    expect(slack.code).toBe(2);
    expect(slack.stderr).toBe('error: Slack webhook URL must be https://hooks.slack.com/services/T…/B…/… (an incoming webhook).\n');
    expect(await namesStored()).toEqual(['Door OK']);
  });

  it('set-domain moves an integration to another domain of its org: checked as at create and with the stored token, else nothing changes', async () => {
    const [{ id }] = await world.db.$client<{ id: string }[]>`select id from integrations where name = 'Door OK'`;
    const domainOf = async () => (await world.db.$client<{ okta_domain: string; okta_custom_domain: string | null }[]>`select okta_domain, okta_custom_domain from integrations where id = ${id}`)[0];
    const before = await domainOf();
    const staging = { ...world.env, OORT_ENVIRONMENT: 'staging' };
    const refused = await runCli(staging, ['integrations', 'set-domain', id, '--okta-domain', 'sso.door.example']);
    expect({ code: refused.code, stderr: refused.stderr }).toEqual({
      code: 2,
      stderr: "error: Okta domain sso.door.example is not under *.okta.com, *.oktapreview.com, *.okta-emea.com and is not the integration's custom domain login.door.example.\n",
    });
    // Another org answers, but not to this integration's token.
    const other = await startOktaSimulator({ token: 'ssws-other-org', org: generateOrg({ seed: 'other', users: 1, orgName: 'other', logStream: false }) });
    try {
      const wrongOrg = await runCli(world.env, ['integrations', 'set-domain', id, '--okta-domain', other.url]);
      expect(wrongOrg.code).toBe(1);
      expect(wrongOrg.stderr).toMatch(/refused the API token \(Okta answered 401/);
    } finally {
      await other.close();
    }
    expect(await domainOf()).toEqual(before);

    const moved = await runCli(world.env, ['integrations', 'set-domain', id, '--okta-domain', sim.url, '--custom-domain', 'SSO.door.example', '--json']);
    expect(moved.stderr).toBe('');
    expect(jsonOf(moved)).toMatchObject({ integrationId: id, oktaDomain: sim.url, oktaCustomDomain: 'sso.door.example' });
    expect(await domainOf()).toEqual({ okta_domain: sim.url, okta_custom_domain: 'sso.door.example' });
    const forgotten = await runCli(world.env, ['integrations', 'set-domain', id, '--okta-domain', sim.url, '--no-custom-domain']);
    expect(forgotten.code).toBe(0);
    expect(await domainOf()).toEqual({ okta_domain: sim.url, okta_custom_domain: null });
  });

  it('stores nothing when Temporal cannot be reached, so that a retry starts clean', async () => {
    // Port 1 on loopback: nothing listens there.
    const down = await runCli({ ...world.env, OKTA_API_TOKEN: TOKEN, TEMPORAL_ADDRESS: '127.0.0.1:1' }, create('Door Temporal down', sim.url));
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^error: Cannot reach Temporal at 127\.0\.0\.1:1/);
    expect(await namesStored()).toEqual(['Door OK']);
  });
});

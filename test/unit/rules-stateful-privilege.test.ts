// Section-A rules that need memory between hourly runs: an absence (A18), first-seen sources (A28) and
// volume anomalies against the entity's own history (A21, A29–A31). Each is run as the hourly runs
// would run it, one batch per run, with state kept between runs.
import { describe, expect, it } from 'vitest';
import { catalogue, evaluate, findRule, type OktaLogEvent, type Rule } from '../../detections/index.js';
import { agentAuthSpike } from '../../detections/rules/privilege/ad-agent.js';
import { skeletonKeyDay } from '../../detections/rules/privilege/factor-enrolment-for-others.js';
import { swaBulkHour, swaOffHours } from '../../detections/rules/privilege/swa-access.js';
import { bucketView } from '../../detections/kinds/anomaly.js';
import { minutesAfter, oktaEvent, oktaUser, type TestPrincipal } from '../../detections/testing.js';
import { memoryRuns } from '../support/memory-runs.js';

const T0 = '2026-03-02T09:00:00.000Z';
const HOUR = 60;
const DAY = 24 * HOUR;
const dana = oktaUser('dana.scully@example.com');
const admin = oktaUser('walter.skinner@example.com');
const helpdesk = oktaUser('help.desk@example.com');

const rule = (id: string): Rule => {
  const found = findRule(id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
};
const only = (id: string) => [rule(id)];
/** Something unrelated that moves the clock (the newest event is the run's clock). */
const tick = (minute: number) => oktaEvent({ eventType: 'user.session.end', at: minutesAfter(T0, minute), actor: admin });

const enrollment = (name = 'Okta Verify'): TestPrincipal => ({
  id: `pfd${name.replace(/\W/g, '')}0000000000`.slice(0, 20),
  type: 'AuthenticatorEnrollment',
  alternateId: 'unknown',
  displayName: name,
});
const factorEvent = (eventType: string, minute: number, actor: TestPrincipal, owner: TestPrincipal, reason: string | null = null) =>
  oktaEvent({ eventType, at: minutesAfter(T0, minute), actor, target: [owner, enrollment()], reason });

describe('okta-mfa-removed-not-restored (A18)', () => {
  const removed = (minute: number, reason: string | null = null) => factorEvent('user.mfa.factor.deactivate', minute, helpdesk, dana, reason);
  const reenrolled = (minute: number) => factorEvent('user.mfa.factor.activate', minute, dana, dana);

  it('fires once, when the 12 hours have passed without a new factor, and never again', async () => {
    const runs = memoryRuns(only('okta-mfa-removed-not-restored'));
    expect(await runs.run([removed(0), tick(30)])).toEqual([]);
    expect(await runs.run([tick(11 * HOUR)])).toEqual([]);
    const [detection, ...rest] = await runs.run([tick(12 * HOUR + 5)]);
    expect(rest).toEqual([]);
    expect(detection).toMatchObject({ ruleId: 'okta-mfa-removed-not-restored', subjectUserId: dana.id, severity: 'low' });
    expect(await runs.run([tick(13 * HOUR)])).toEqual([]);
    expect(await runs.run([tick(20 * HOUR)])).toEqual([]);
    expect(runs.detections()).toHaveLength(1);
  });

  it('stays silent when the user enrols a factor again within 12 hours, even in a later run', async () => {
    const runs = memoryRuns(only('okta-mfa-removed-not-restored'));
    await runs.run([removed(0)]);
    await runs.run([reenrolled(3 * HOUR)]);
    await runs.run([tick(13 * HOUR)]);
    expect(runs.detections()).toEqual([]);
  });

  it('ignores the removal of a security question', async () => {
    const runs = memoryRuns(only('okta-mfa-removed-not-restored'));
    await runs.run([removed(0, 'User reset SECURITY_QUESTION factor'), tick(13 * HOUR)]);
    expect(runs.detections()).toEqual([]);
  });
});

describe('okta-admin-enrolls-factors-for-others (A21)', () => {
  const enrolFor = (minute: number, who: TestPrincipal, by = admin) => factorEvent('user.mfa.factor.activate', minute, by, who);
  const users = Array.from({ length: 12 }, (_, i) => oktaUser(`user${i}@example.com`));

  it("alerts the first time an admin enrols a factor for someone else, not for the user's own enrolment", async () => {
    const runs = memoryRuns(only('okta-admin-enrolls-factors-for-others'));
    await runs.run([factorEvent('user.mfa.factor.activate', 0, dana, dana)]);
    expect(runs.detections()).toEqual([]);
    const [detection] = await runs.run([enrolFor(60, dana)]);
    expect(detection).toMatchObject({ ruleId: 'okta-admin-enrolls-factors-for-others', dedupeKey: `okta-admin-enrolls-factors-for-others:user:${admin.id}` });
  });

  it('after a history of one enrolment a day, alerts on a day with ten and not on a day with two', async () => {
    const runs = memoryRuns(only('okta-admin-enrolls-factors-for-others'), { rules: {} });
    for (let day = 0; day < 8; day++) await runs.run([enrolFor(day * DAY, users[day % users.length], helpdesk)]);
    const afterHistory = runs.detections().length;
    expect(afterHistory).toBe(1); // the very first day
    await runs.run([enrolFor(8 * DAY, users[0], helpdesk), enrolFor(8 * DAY + 5, users[1], helpdesk)]);
    expect(runs.detections()).toHaveLength(afterHistory);
    await runs.run(users.slice(0, 10).map((u, i) => enrolFor(9 * DAY + i * 3, u, helpdesk)));
    expect(runs.detections()).toHaveLength(afterHistory + 1);
  });

  it('decides a day from its values and the history', () => {
    const day = (values: Record<string, number>, history: Record<string, number>[]) =>
      skeletonKeyDay(bucketView(0, { count: 1, ...values }, history.map((v, i) => ({ start: -(i + 1) * 86_400_000, values: { count: 1, ...v } })), 5));
    expect(day({ enrolments: 1, weakenings: 0 }, [])).toBe(true);
    expect(day({ enrolments: 0, weakenings: 1 }, [])).toBe(false);
    expect(day({ enrolments: 0, weakenings: 3 }, [{ weakenings: 1 }])).toBe(true);
    const steady = Array.from({ length: 10 }, () => ({ enrolments: 1, weakenings: 0 }));
    expect(day({ enrolments: 2, weakenings: 0 }, steady)).toBe(false);
    expect(day({ enrolments: 5, weakenings: 0 }, steady)).toBe(true);
  });
});

describe('okta-ad-agent-activity-new-source (A28)', () => {
  const agentAdded = (minute: number, ip: string) =>
    oktaEvent({ eventType: 'system.agent.ad.agent_instance_added', at: minutesAfter(T0, minute), actor: admin, ip });
  const agentToken = (minute: number, ip: string, name = 'Okta AD Agent') =>
    oktaEvent({
      eventType: 'system.api_token.create',
      at: minutesAfter(T0, minute),
      actor: admin,
      ip,
      target: [{ id: '00T1agent0000000000', type: 'Token', alternateId: 'unknown', displayName: name }],
    });

  it('is critical for an agent registered from an address never used for agent work, and quiet on a known one', async () => {
    const runs = memoryRuns(only('okta-ad-agent-activity-new-source'));
    const [first] = await runs.run([agentAdded(0, '10.20.0.5')]);
    expect(first).toMatchObject({ severity: 'critical' });
    expect(await runs.run([agentAdded(2 * DAY, '10.20.0.5')])).toEqual([]);
    const [fromElsewhere] = await runs.run([agentToken(3 * DAY, '185.220.101.4')]);
    expect(fromElsewhere).toMatchObject({ severity: 'high', ruleId: 'okta-ad-agent-activity-new-source' });
  });

  it('is critical for an install (token and registration from one new host within seconds)', async () => {
    const runs = memoryRuns(only('okta-ad-agent-activity-new-source'));
    const [install, ...rest] = await runs.run([agentToken(0, '198.51.100.44'), agentAdded(0.2, '198.51.100.44')]);
    expect(rest).toEqual([]);
    expect(install).toMatchObject({ severity: 'critical', count: 2 });
  });

  it('does not look at API tokens that are not the agent', async () => {
    const runs = memoryRuns(only('okta-ad-agent-activity-new-source'));
    await runs.run([agentToken(0, '185.220.101.4', 'terraform-ci')]);
    expect(runs.detections()).toEqual([]);
  });
});

describe('okta-ad-agent-auth-anomaly (A29)', () => {
  const agentAuth = (minute: number, ip: string, country = 'United States') =>
    oktaEvent({ eventType: 'user.authentication.auth_via_AD_agent', at: minutesAfter(T0, minute), actor: dana, ip, country });
  const usualDays = () => Array.from({ length: 12 }, (_, day) => [agentAuth(day * DAY, '198.51.100.7'), agentAuth(day * DAY + 20, '198.51.100.7')]);

  it('fires on an hour of 30 authentications from 6 IPs in 3 countries after 12 ordinary days', async () => {
    const runs = memoryRuns(only('okta-ad-agent-auth-anomaly'));
    for (const day of usualDays()) await runs.run(day);
    const countries = ['Germany', 'Netherlands', 'Brazil'];
    const burst = Array.from({ length: 30 }, (_, i) => agentAuth(12 * DAY + 2 * i, `203.0.113.${i % 6}`, countries[i % 3]));
    const [detection] = await runs.run(burst);
    expect(detection).toMatchObject({ ruleId: 'okta-ad-agent-auth-anomaly', subjectUserId: dana.id, count: 30 });
  });

  it('does not fire on a busy hour from the usual place', async () => {
    const runs = memoryRuns(only('okta-ad-agent-auth-anomaly'));
    for (const day of usualDays()) await runs.run(day);
    await runs.run(Array.from({ length: 30 }, (_, i) => agentAuth(12 * DAY + 2 * i, '198.51.100.7')));
    expect(runs.detections()).toEqual([]);
  });

  it('needs both spikes, and history', () => {
    const history = Array.from({ length: 12 }, (_, i) => ({ start: -(i + 1) * 3_600_000, values: { count: 2, ips: 1, countries: 1 } }));
    expect(agentAuthSpike(bucketView(0, { count: 30, ips: 6, countries: 3 }, history, 10))).toBe(true);
    expect(agentAuthSpike(bucketView(0, { count: 30, ips: 1, countries: 1 }, history, 10))).toBe(false);
    expect(agentAuthSpike(bucketView(0, { count: 4, ips: 4, countries: 3 }, history, 10))).toBe(false);
    expect(agentAuthSpike(bucketView(0, { count: 30, ips: 6, countries: 3 }, history.slice(0, 3), 10))).toBe(false);
  });
});

describe('SWA credential access (A30, A31)', () => {
  const app = (i: number): TestPrincipal & { detailEntry: Record<string, unknown> } => ({
    id: `0oaswa${String(i).padStart(14, '0')}`,
    type: 'AppInstance',
    alternateId: `Vault app ${i}`,
    displayName: `Vault app ${i}`,
    detailEntry: { signOnModeType: i < 0 ? 'SAML_2_0' : 'BROWSER_PLUGIN' },
  });
  const sso = (minute: number, appIndex: number): OktaLogEvent =>
    oktaEvent({ eventType: 'user.authentication.sso', at: minutesAfter(T0, minute), actor: dana, target: [app(appIndex), dana] });

  it('A30: a cold-start hour with 12 SWA apps opened fires; SAML apps do not count', async () => {
    const runs = memoryRuns(only('okta-swa-bulk-credential-access'));
    const [detection] = await runs.run(Array.from({ length: 12 }, (_, i) => sso(i * 2, i)));
    expect(detection).toMatchObject({ ruleId: 'okta-swa-bulk-credential-access', subjectUserId: dana.id, severity: 'high' });
    const saml = memoryRuns(only('okta-swa-bulk-credential-access'));
    await saml.run(Array.from({ length: 12 }, (_, i) => sso(i * 2, -1 - i)));
    expect(saml.detections()).toEqual([]);
  });

  it('A30: against a history of one or two apps an hour, 8 apps fire and 2 do not', () => {
    const history = Array.from({ length: 20 }, (_, i) => ({ start: -(i + 1) * 3_600_000, values: { count: 1 + (i % 2), apps: 1 + (i % 2) } }));
    expect(swaBulkHour(bucketView(0, { count: 8, apps: 8 }, history, 5))).toBe(true);
    expect(swaBulkHour(bucketView(0, { count: 2, apps: 2 }, history, 5))).toBe(false);
    expect(swaBulkHour(bucketView(0, { count: 9, apps: 4 }, [], 5))).toBe(false);
    expect(swaBulkHour(bucketView(0, { count: 10, apps: 1 }, [], 5))).toBe(true);
  });

  it('A31: after two weeks of office-hours use, three SWA apps at 03:00 UTC fire; at 10:00 they do not', async () => {
    const office = Array.from({ length: 14 }, (_, day) => [sso(day * DAY + 30, 1), sso(day * DAY + 4 * HOUR, 2)]); // 09:30 and 13:00
    const night = memoryRuns(only('okta-swa-offhours-access'));
    for (const day of office) await night.run(day);
    const [detection] = await night.run([sso(14 * DAY + 18 * HOUR, 1), sso(14 * DAY + 18 * HOUR + 5, 2), sso(14 * DAY + 18 * HOUR + 9, 3)]);
    expect(detection).toMatchObject({ ruleId: 'okta-swa-offhours-access', subjectUserId: dana.id });
    const day = memoryRuns(only('okta-swa-offhours-access'));
    for (const d of office) await day.run(d);
    await day.run([sso(14 * DAY + HOUR, 1), sso(14 * DAY + HOUR + 5, 2), sso(14 * DAY + HOUR + 9, 3)]);
    expect(day.detections()).toEqual([]);
  });

  it('A31: needs ten active hours of history and three accesses', () => {
    const at = (hour: number) => Date.UTC(2026, 2, 20, hour);
    const history = Array.from({ length: 12 }, (_, i) => ({ start: at(9) - (i + 1) * 86_400_000, values: { count: 2 } }));
    expect(swaOffHours(bucketView(at(3), { count: 3 }, history, 10))).toBe(true);
    expect(swaOffHours(bucketView(at(3), { count: 2 }, history, 10))).toBe(false);
    expect(swaOffHours(bucketView(at(10), { count: 5 }, history, 10))).toBe(false);
    expect(swaOffHours(bucketView(at(3), { count: 5 }, history.slice(0, 9), 10))).toBe(false);
  });
});

it('every section-A rule of the catalogue is present', () => {
  expect(catalogue.filter((r) => /^okta-(mfa-removed|admin-enrolls|ad-agent|swa-)/.test(r.id)).map((r) => r.kind)).toEqual([
    'sequence',
    'anomaly',
    'baseline',
    'anomaly',
    'anomaly',
    'anomaly',
  ]);
});

describe('okta-admin-api-via-proxy (A27)', () => {
  const viaProxy = (requestUri: string) =>
    oktaEvent({ eventType: 'user.authentication.sso', at: T0, actor: admin, isProxy: true, debugData: { requestUri } });

  it('fires on admin paths through a proxy, not on an app whose name contains "admin"', () => {
    expect(evaluateOnly('okta-admin-api-via-proxy', [viaProxy('/admin/users/search?q=dana')])).toHaveLength(1);
    expect(evaluateOnly('okta-admin-api-via-proxy', [viaProxy('/api/v1/iam/admin/roles')])).toHaveLength(1);
    expect(evaluateOnly('okta-admin-api-via-proxy', [viaProxy('/app/shopify_admin/exk1a2b3c4/sso/saml')])).toEqual([]);
  });
});

function evaluateOnly(id: string, events: OktaLogEvent[]) {
  return evaluate(only(id), events);
}

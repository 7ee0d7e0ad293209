// docker-compose.yml is never started here (no Docker engine), so this test is what keeps it honest:
// it must agree with the worker's configuration (lib/config.ts), the search attributes the
// workflows use, the EventBridge emulator's settings (emulators/eventbridge/settings.ts), and itself
// (host names and ports). Also checks the AWS templates in deploy/aws.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, type CollectionTag, type ScalarTag, type YAMLSeq } from 'yaml';
import { EMULATOR_ENV_KEYS, emulatorSettingsFromEnv } from '../../emulators/eventbridge/settings.js';
import { CONFIG_KEYS, OORT_AWS_ACCOUNTS, loadConfig } from '../../lib/config.js';
import { generateSecretKey, parseSecretKey } from '../../lib/secrets.js';
import { SEARCH_ATTRIBUTES } from '../../temporal/shared/search-attributes.js';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

interface Service {
  image?: string;
  build?: unknown;
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target: number; published?: string | number })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  entrypoint?: string | string[];
  command?: string | string[];
  healthcheck?: unknown;
}

const compose = parse(readFileSync(root('docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };
const services = compose.services;

function service(name: string): Service {
  const s = services[name];
  if (!s) throw new Error(`docker-compose.yml has no service "${name}"`);
  return s;
}

/** Environment in either compose form (map or KEY=VALUE list), values as strings. */
function env(name: string): Record<string, string> {
  const e = service(name).environment ?? {};
  if (Array.isArray(e)) {
    return Object.fromEntries(
      e.map((entry) => {
        const i = entry.indexOf('=');
        return i < 0 ? [entry, ''] : [entry.slice(0, i), entry.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, v == null ? '' : String(v)]));
}

/** Container ports a service publishes to the host (short `host:container[/proto]` or long syntax). */
function publishedContainerPorts(name: string): number[] {
  return (service(name).ports ?? []).map((p) => {
    if (typeof p === 'object') return Number(p.target);
    const spec = String(p).split('/')[0];
    return Number(spec.split(':').at(-1));
  });
}

/** Host ports a service publishes. */
function publishedHostPorts(name: string): number[] {
  return (service(name).ports ?? []).flatMap((p) => {
    if (typeof p === 'object') return p.published === undefined ? [] : [Number(p.published)];
    const parts = String(p).split('/')[0].split(':');
    return parts.length >= 2 ? [Number(parts.at(-2))] : [];
  });
}

function dependsOn(name: string): Record<string, string | undefined> {
  const d = service(name).depends_on ?? [];
  if (Array.isArray(d)) return Object.fromEntries(d.map((n) => [n, undefined]));
  return Object.fromEntries(Object.entries(d).map(([n, v]) => [n, v?.condition]));
}

/** Compose interpolation: `${VAR}`, `${VAR:-default}`, `${VAR:?error}`, `$$` → `$`. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (whole, name?: string, op?: string, arg?: string) => {
    if (whole === '$$') return '$';
    const v = vars[name!];
    if (v !== undefined && (v !== '' || !op?.startsWith(':'))) return v;
    if (op?.endsWith('-')) return arg ?? '';
    throw new Error(`${name} is required: ${arg ?? ''}`);
  });
}

function hostPort(value: string): { host: string; port: number } {
  const url = new URL(value.includes('://') ? value : `tcp://${value}`);
  return { host: url.hostname, port: Number(url.port) };
}

function script(name: string): string {
  const s = service(name);
  const parts = [s.entrypoint, s.command].flatMap((p) => (p === undefined ? [] : Array.isArray(p) ? p : [p]));
  return parts.join('\n');
}

const REQUIRED_SERVICES = ['postgres', 'temporal', 'temporal-setup', 'temporal-ui', 'sqs', 'eventbridge', 'worker'];
/** Read by the AWS SDK itself, not by lib/config.ts: dummies for the emulator. */
const AWS_SDK_KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];

describe('docker-compose.yml', () => {
  it('has the services of the stack', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(REQUIRED_SERVICES));
  });

  it('pins every image to an exact tag', () => {
    for (const [name, s] of Object.entries(services)) {
      if (!s.image) {
        expect(s.build, `${name} has neither image nor build`).toBeDefined();
        continue;
      }
      const match = /^(?<repo>[^@]+?)(?::(?<tag>[^:/@]+))?(?:@sha256:[0-9a-f]{64})?$/.exec(s.image);
      const tag = match?.groups?.tag;
      expect(tag, `${name}: image ${s.image} has no tag`).toBeTruthy();
      expect(tag, `${name}: image ${s.image}`).not.toBe('latest');
      // An exact version (Postgres releases are major.minor), not a floating major such as `postgres:16`.
      expect(tag, `${name}: image ${s.image} is not an exact version`).toMatch(/^v?\d+\.\d+(\.\d+)?([-.][\w.-]+)?$/);
    }
  });

  it('gives the worker only variables that lib/config.ts (or the AWS SDK) reads', () => {
    const unknown = Object.keys(env('worker')).filter((k) => !CONFIG_KEYS.includes(k) && !AWS_SDK_KEYS.includes(k));
    expect(unknown).toEqual([]);
  });

  it("gives the worker an environment that passes loadConfig, with OORT_SECRET_KEY required from the user's shell", () => {
    const raw = env('worker');
    expect(raw.OORT_SECRET_KEY).toMatch(/^\$\{OORT_SECRET_KEY:\?[^}]+\}$/);
    expect(() => interpolate(raw.OORT_SECRET_KEY, {})).toThrow(/OORT_SECRET_KEY is required/);

    const key = generateSecretKey();
    const resolved = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, interpolate(v, { OORT_SECRET_KEY: key })]));
    const config = loadConfig(resolved);
    expect(parseSecretKey(config.OORT_SECRET_KEY)).toHaveLength(32);
    expect(config.OORT_ENVIRONMENT).toBe('staging');
    expect(config.TEMPORAL_NAMESPACE).toBe('default');
    expect(config.TEMPORAL_TASK_QUEUE).toBe('oort-okta');
    expect(config.AWS_REGION).toBe('us-east-2');
    expect(config.METRICS_PORT).toBe(9464);
    expect(raw.AWS_ACCESS_KEY_ID).toBeTruthy();
    expect(raw.AWS_SECRET_ACCESS_KEY).toBeTruthy();
  });

  it('points DATABASE_URL at the postgres service, its port, user, password and database', () => {
    const url = new URL(env('worker').DATABASE_URL);
    const pg = env('postgres');
    expect(url.hostname).toBe('postgres');
    expect(Number(url.port)).toBe(5432);
    expect(publishedContainerPorts('postgres')).toContain(5432);
    expect(decodeURIComponent(url.username)).toBe(pg.POSTGRES_USER ?? 'postgres');
    expect(decodeURIComponent(url.password)).toBe(pg.POSTGRES_PASSWORD);
    expect(url.pathname.slice(1)).toBe(pg.POSTGRES_DB);
  });

  it('points TEMPORAL_ADDRESS at the temporal service on 7233, with Postgres persistence', () => {
    expect(hostPort(env('worker').TEMPORAL_ADDRESS)).toEqual({ host: 'temporal', port: 7233 });
    expect(publishedContainerPorts('temporal')).toContain(7233);
    const t = env('temporal');
    expect(t.DB).toBe('postgres12');
    expect(t.POSTGRES_SEEDS).toBe('postgres');
    expect(t.POSTGRES_PWD).toBe(env('postgres').POSTGRES_PASSWORD);
    expect(dependsOn('temporal').postgres).toBe('service_healthy');
    expect(service('postgres').healthcheck).toBeDefined();
  });

  it('points SQS_ENDPOINT at the sqs service on 4566', () => {
    const url = new URL(env('worker').SQS_ENDPOINT);
    expect({ host: url.hostname, port: Number(url.port) }).toEqual({ host: 'sqs', port: 4566 });
    expect(publishedContainerPorts('sqs')).toContain(4566);
    expect(service('sqs').image).toMatch(/^kibertoad\/fauxqs:/);
  });

  it('runs the EventBridge emulator from the project image, delivering to the sqs service, on 4567', () => {
    const eb = service('eventbridge');
    expect(eb.image).toBe(service('worker').image);
    expect(eb.build).toEqual(service('worker').build);
    const command = script('eventbridge');
    expect(command).toMatch(/\bnode\b.*--import.*\btsx\b.*emulators\/eventbridge\/main\.ts/s);
    expect(existsSync(root('emulators/eventbridge/main.ts'))).toBe(true);

    const raw = env('eventbridge');
    expect(Object.keys(raw).filter((k) => !(EMULATOR_ENV_KEYS as readonly string[]).includes(k))).toEqual([]);
    // The very function emulators/eventbridge/main.ts runs in the container.
    const settings = emulatorSettingsFromEnv(raw);
    expect(settings.host).toBe('0.0.0.0');
    expect(settings.port).toBe(4567);
    expect(publishedContainerPorts('eventbridge')).toContain(settings.port);
    expect(publishedHostPorts('eventbridge')).toContain(4567);
    const sqs = new URL(settings.sqsEndpoint);
    expect({ host: sqs.hostname, port: Number(sqs.port) }).toEqual({ host: 'sqs', port: 4566 });
    expect(settings.region).toBe(env('worker').AWS_REGION);
    expect(settings.region).toBe(env('sqs').FAUXQS_DEFAULT_REGION);
    // Okta creates partner sources in the platform's account of the worker's environment.
    expect(settings.account).toBe(OORT_AWS_ACCOUNTS[env('worker').OORT_ENVIRONMENT as keyof typeof OORT_AWS_ACCOUNTS]);
    expect(env('worker').EVENTBRIDGE_ENDPOINT).toBe(`http://eventbridge:${settings.port}`);

    expect(dependsOn('eventbridge').sqs).toBe('service_healthy');
    expect(JSON.stringify(eb.healthcheck)).toContain(`127.0.0.1:${settings.port}/_emulator/health`);
  });

  it('points the UI at the temporal service', () => {
    expect(hostPort(env('temporal-ui').TEMPORAL_ADDRESS)).toEqual({ host: 'temporal', port: 7233 });
  });

  it('registers exactly the search attributes of temporal/search-attributes.ts, on the temporal service', () => {
    const text = script('temporal-setup');
    const created = [...text.matchAll(/search-attribute create\b([^\n]*)/g)].map((m) => {
      const args = m[1];
      return {
        name: /--name[ =](\S+)/.exec(args)?.[1],
        type: /--type[ =](\S+)/.exec(args)?.[1],
        address: /--address[ =](\S+)/.exec(args)?.[1] ?? env('temporal-setup').TEMPORAL_ADDRESS,
      };
    });
    const expected = SEARCH_ATTRIBUTES.map((a) => ({ name: a.name, type: a.type }));
    expect(expected.map((a) => a.name).sort()).toEqual(['IntegrationId', 'TenantId']);
    expect(created.map((c) => ({ name: c.name, type: c.type?.toUpperCase() })).sort((a, b) => a.name!.localeCompare(b.name!))).toEqual(
      expected.sort((a, b) => a.name.localeCompare(b.name)),
    );
    for (const c of created) expect(hostPort(c.address!)).toEqual({ host: 'temporal', port: 7233 });
  });

  it('starts the worker after Postgres is healthy, the search attributes exist and the emulator is up', () => {
    const d = dependsOn('worker');
    expect(d.postgres).toBe('service_healthy');
    expect(d['temporal-setup']).toBe('service_completed_successfully');
    expect(Object.keys(d)).toEqual(expect.arrayContaining(['temporal', 'sqs']));
    expect(service('worker').build).toBeDefined();
  });

  it('publishes the Temporal UI (8080), Temporal (7233), SQS (4566), EventBridge (4567) and Postgres (5432) ports', () => {
    expect(publishedHostPorts('temporal-ui')).toContain(8080);
    expect(publishedContainerPorts('temporal-ui')).toContain(8080);
    expect(publishedHostPorts('temporal')).toContain(7233);
    expect(publishedHostPorts('sqs')).toContain(4566);
    expect(publishedHostPorts('eventbridge')).toContain(4567);
    expect(publishedHostPorts('postgres')).toContain(5432);
  });
});

describe('deploy/aws templates', () => {
  const dir = root('deploy/aws');
  const json = (file: string) => JSON.parse(readFileSync(`${dir}/${file}`, 'utf8'));
  const RULE_ARN = 'arn:aws:events:<REGION>:<ACCOUNT_ID>:rule/aws.partner/okta.com/<OKTA_ORG>/<INTEGRATION_ID>/oort-okta-<INTEGRATION_ID>';

  it('are valid JSON', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files).toEqual(expect.arrayContaining(['queue-policy.json', 'eventbridge-rule.json']));
    for (const f of files) expect(() => json(f), f).not.toThrow();
  });

  it.each(['queue-policy.json', 'dlq-policy.json'])('%s lets only the rule (events.amazonaws.com, aws:SourceArn) send', (file) => {
    const policy = json(file);
    expect(policy.Statement).toHaveLength(1);
    const [s] = policy.Statement;
    expect(s.Effect).toBe('Allow');
    expect(s.Principal).toEqual({ Service: 'events.amazonaws.com' });
    expect(s.Action).toBe('sqs:SendMessage');
    expect(s.Condition.ArnEquals['aws:SourceArn']).toBe(RULE_ARN);
  });

  it('routes everything from the Okta partner bus to the queue, with a DLQ and the longest retry', () => {
    const rule = json('eventbridge-rule.json');
    expect(rule.EventBusName).toBe('aws.partner/okta.com/<OKTA_ORG>/<INTEGRATION_ID>');
    expect(JSON.parse(rule.EventPattern)).toEqual({ source: [{ prefix: 'aws.partner/okta.com' }] });
    // The rule ARN the policies allow is this rule on this bus.
    expect(RULE_ARN.endsWith(`:rule/${rule.EventBusName}/${rule.Name}`)).toBe(true);

    const targets = json('eventbridge-targets.json');
    expect(targets.Rule).toBe(rule.Name);
    expect(targets.EventBusName).toBe(rule.EventBusName);
    const [t] = targets.Targets;
    expect(t.Arn).toBe(json('queue-policy.json').Statement[0].Resource);
    expect(t.DeadLetterConfig.Arn).toBe(json('dlq-policy.json').Statement[0].Resource);
    expect(t.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 });
  });

  it('integration-stack.yaml associates the partner source and wires rule, target and queue policies', () => {
    const intrinsics = ['Ref', 'Sub', 'GetAtt', 'If', 'Not', 'Equals', 'Select', 'Split', 'Join'];
    const fn = (name: string) => (name === 'Ref' ? 'Ref' : `Fn::${name}`);
    const customTags: (ScalarTag | CollectionTag)[] = intrinsics.flatMap((name) => [
      { tag: `!${name}`, resolve: (v: string) => ({ [fn(name)]: name === 'GetAtt' ? v.split('.') : v }) } as ScalarTag,
      { tag: `!${name}`, collection: 'seq', resolve: (v) => ({ [fn(name)]: (v as YAMLSeq).toJSON() }) } as CollectionTag,
    ]);
    const stack = parse(readFileSync(`${dir}/integration-stack.yaml`, 'utf8'), { customTags }) as {
      Parameters: Record<string, unknown>;
      Resources: Record<string, { Type: string; DependsOn?: string[]; Properties: Record<string, any> }>;
    };
    expect(Object.keys(stack.Parameters)).toEqual(expect.arrayContaining(['OktaOrg', 'IntegrationId', 'QueueArn', 'QueueUrl']));
    const byType = (type: string) => Object.entries(stack.Resources).filter(([, r]) => r.Type === type);

    const [[busId, bus]] = byType('AWS::Events::EventBus');
    const sourceName = { 'Fn::Sub': 'aws.partner/okta.com/${OktaOrg}/${IntegrationId}' };
    expect(bus.Properties.Name).toEqual(sourceName);
    expect(bus.Properties.EventSourceName).toEqual(sourceName);

    const [[, rule]] = byType('AWS::Events::Rule');
    expect(rule.Properties.EventBusName).toEqual({ Ref: busId });
    expect(rule.Properties.EventPattern).toEqual({ source: [{ prefix: 'aws.partner/okta.com' }] });
    const [target] = rule.Properties.Targets;
    expect(target.Arn).toEqual({ Ref: 'QueueArn' });
    expect(target.DeadLetterConfig.Arn).toBeDefined();
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 });

    const policies = byType('AWS::SQS::QueuePolicy');
    expect(policies).toHaveLength(2);
    const ruleArn = {
      'Fn::Sub':
        'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/aws.partner/okta.com/${OktaOrg}/${IntegrationId}/oort-okta-${IntegrationId}',
    };
    expect(rule.Properties.Name).toEqual({ 'Fn::Sub': 'oort-okta-${IntegrationId}' });
    for (const [id, p] of policies) {
      const [s] = p.Properties.PolicyDocument.Statement;
      expect(s.Principal, id).toEqual({ Service: 'events.amazonaws.com' });
      expect(s.Action, id).toBe('sqs:SendMessage');
      expect(s.Condition.ArnEquals['aws:SourceArn'], id).toEqual(ruleArn);
      // Policies before the bus: no event arrives before EventBridge may deliver it.
      expect(bus.DependsOn, id).toContain(id);
    }
    expect(policies.map(([, p]) => p.Properties.Queues[0])).toContainEqual({ Ref: 'QueueUrl' });
  });
});

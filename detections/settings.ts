/** Per-tenant rule settings: rules on/off, threshold overrides, allow-lists, Sigma placeholder values. */
import { BlockList, isIP } from 'node:net';
import { field, textOf } from './fields.js';
import type {
  AllowList,
  AllowListPolicy,
  DetectionSettings,
  OktaLogEvent,
  Rule,
  RuleOverride,
  SequenceAlertStep,
  SequenceStep,
} from './types.js';

/**
 * The rules a tenant actually runs: enabled by override or by default, with threshold overrides applied.
 * Overrides for unknown rule ids are ignored (a rule may have been retired); an invalid threshold is an error,
 * because silently running a different rule than the tenant configured is worse than failing the run.
 */
export function applySettings(rules: readonly Rule[], settings: DetectionSettings | undefined): Rule[] {
  const overrides = settings?.rules ?? {};
  const result: Rule[] = [];
  for (const rule of rules) {
    const override = overrideOf(overrides, rule.id);
    if (!(override?.enabled ?? rule.enabled)) continue;
    result.push(withOverride(bindToSettings(rule, settings), override));
  }
  return result;
}

/** A rule as one evaluation runs it. */
export interface ResolvedRule {
  /** With the tenant's overrides applied. */
  readonly rule: Rule;
  /**
   * False for a rule the tenant has not enabled but an enabled alert-chain rule consumes: it is evaluated so the
   * chain works, and its matches are never reported.
   */
  readonly report: boolean;
  readonly allowList: AllowListPolicy;
}

/**
 * Enabled rules plus the disabled rules that enabled alert-step sequences name explicitly (a '*' step only consumes
 * enabled rules), in catalogue order.
 */
export function resolveRules(rules: readonly Rule[], settings: DetectionSettings | undefined): ResolvedRule[] {
  const overrides = settings?.rules ?? {};
  const enabled = new Set<Rule>();
  const wanted = new Set<string>();
  for (const rule of rules) {
    if (!(overrideOf(overrides, rule.id)?.enabled ?? rule.enabled)) continue;
    enabled.add(rule);
    for (const step of alertSteps(rule)) if (step.alerts !== '*') for (const id of step.alerts) wanted.add(id);
  }
  const resolved: ResolvedRule[] = [];
  for (const rule of rules) {
    const report = enabled.has(rule);
    // A silent source must not itself need sources: chains are one level deep.
    if (!report && (!wanted.has(rule.id) || alertSteps(rule).length > 0)) continue;
    const override = overrideOf(overrides, rule.id);
    resolved.push({ rule: withOverride(bindToSettings(rule, settings), override), report, allowList: allowListPolicy(rule, override) });
  }
  return resolved;
}

/** The rule's allow-list policy: tenant override, else the rule's own, else 'ignore' for single rules, 'apply' otherwise. */
export function allowListPolicy(rule: Rule, override?: RuleOverride): AllowListPolicy {
  const policy = override?.allowList ?? rule.allowList ?? (rule.kind === 'single' ? 'ignore' : 'apply');
  if (policy !== 'apply' && policy !== 'ignore') {
    throw new RangeError(`Detection setting for ${rule.id}: allowList must be 'apply' or 'ignore', got ${String(policy)}`);
  }
  return policy;
}

export function isAlertStep(step: SequenceStep): step is SequenceAlertStep {
  return typeof step === 'object' && step !== null && 'alerts' in step;
}

/** The alert steps of a rule (empty unless it is a sequence chaining detections). */
export function alertSteps(rule: Rule): SequenceAlertStep[] {
  if (rule.kind !== 'sequence') return [];
  return [rule.first, rule.then].filter(isAlertStep);
}

function overrideOf(overrides: Readonly<Record<string, RuleOverride | undefined>>, id: string): RuleOverride | undefined {
  return Object.prototype.hasOwnProperty.call(overrides, id) ? overrides[id] : undefined;
}

function withOverride(rule: Rule, override: RuleOverride | undefined): Rule {
  const threshold = override?.threshold;
  if (threshold === undefined) return rule;
  const applies = rule.kind === 'threshold' || (rule.kind === 'sequence' && !isAlertStep(rule.first));
  if (!applies) return rule;
  if (!Number.isInteger(threshold) || threshold < 1) {
    throw new RangeError(`Detection setting for ${rule.id}: threshold must be a positive integer, got ${threshold}`);
  }
  if (rule.kind === 'threshold') return { ...rule, threshold };
  if (rule.kind === 'sequence' && !isAlertStep(rule.first)) return { ...rule, first: { ...rule.first, atLeast: threshold } };
  return rule;
}

const clientIp = field('client.ipAddress');
const asNumber = field('securityContext.asNumber');
const ipDetailsAsNumber = field('securityContext.ipDetails.asNumber');
const actorAlternateId = field('actor.alternateId');

/** Is this event from an allow-listed source? */
export type AllowListMatcher = (event: OktaLogEvent) => boolean;

/**
 * Compiles a tenant allow-list once per evaluation; undefined when it allows nothing. Invalid entries are an error
 * (a typo must not silently widen or narrow what the tenant trusts).
 */
export function compileAllowList(allow: AllowList | undefined): AllowListMatcher | undefined {
  if (!allow) return undefined;
  const inRanges = allow.ipRanges && allow.ipRanges.length > 0 ? cidrMatcher(allow.ipRanges) : undefined;
  const asns = new Set<number>();
  for (const asn of allow.asns ?? []) {
    if (!Number.isInteger(asn) || asn < 0) throw new RangeError(`Allow-list: invalid ASN ${String(asn)}`);
    asns.add(asn);
  }
  const accounts = new Set<string>();
  for (const account of allow.serviceAccounts ?? []) {
    const login = typeof account === 'string' ? account.trim().toLowerCase() : '';
    if (!login) throw new RangeError(`Allow-list: invalid service account ${JSON.stringify(account)}`);
    accounts.add(login);
  }
  if (!inRanges && asns.size === 0 && accounts.size === 0) return undefined;
  return (event) => {
    if (accounts.size > 0) {
      const login = actorAlternateId.text(event)?.trim().toLowerCase();
      if (login && accounts.has(login)) return true;
    }
    if (asns.size > 0) {
      const asn = Number(textOf(asNumber.first(event)) ?? textOf(ipDetailsAsNumber.first(event)));
      if (Number.isInteger(asn) && asns.has(asn)) return true;
    }
    if (inRanges) {
      const ip = clientIp.text(event);
      if (ip && inRanges(ip)) return true;
    }
    return false;
  };
}

/**
 * A matcher for CIDR blocks ('10.0.0.0/8', '2001:db8::/32') and single addresses, IPv4 and IPv6, on node:net's
 * BlockList. Host bits are ignored ('10.1.2.3/8' is 10.0.0.0/8); IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) match
 * IPv4 blocks. Throws RangeError on an invalid entry; an unparsable address to check simply does not match.
 */
export function cidrMatcher(ranges: readonly string[]): (ip: string) => boolean {
  const list = new BlockList();
  for (const range of ranges) {
    const text = typeof range === 'string' ? range.trim() : '';
    const slash = text.indexOf('/');
    const address = slash < 0 ? text : text.slice(0, slash).trim();
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    const prefixText = slash < 0 ? String(bits) : text.slice(slash + 1).trim();
    const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
    if (family === 0 || !(prefix >= 0 && prefix <= bits)) {
      throw new RangeError(`Allow-list: invalid IP range ${JSON.stringify(range)}`);
    }
    list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
  return (ip) => {
    const address = ip.trim();
    const family = isIP(address);
    if (family === 0) return false;
    return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Sigma placeholders: per-integration values of `%name%` in rules that use the `expand` modifier

declare module './types.js' {
  interface DetectionSettings {
    /**
     * Values of Sigma placeholders, by name without the percent signs: `{ "admin_accounts": ["ops-*@example.com"] }`
     * makes `actor.alternateId|expand: '%admin_accounts%'` match either value. Each value is a Sigma string (`*`, `?`
     * wildcards, `\` escapes) and the list is OR-ed, as if written in the rule. A placeholder without values (or
     * with an empty list) matches nothing, as in the reference tools.
     */
    readonly sigmaPlaceholders?: Readonly<Record<string, readonly string[]>>;
  }
}

/** Placeholder values of one integration, as rules read them. */
export type SigmaPlaceholderValues = Readonly<Record<string, readonly string[]>>;

/** Limits of `sigmaPlaceholders`: names, values per name, characters per value (the rule pattern limit). */
export const SIGMA_PLACEHOLDER_LIMITS = { nameLength: 128, values: 1000, valueLength: 4096 } as const;

const NO_PLACEHOLDERS: SigmaPlaceholderValues = Object.freeze({});
const checkedPlaceholders = new WeakMap<object, SigmaPlaceholderValues>();

/**
 * Problems with a `sigmaPlaceholders` setting, one line each ("sigmaPlaceholders.admins[2]: …"); empty when it is
 * valid. For the code that stores settings, so a typo is refused where the operator makes it.
 */
export function sigmaPlaceholderProblems(value: unknown): string[] {
  if (value === undefined) return [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return ['sigmaPlaceholders: must be an object of placeholder names to lists of values'];
  }
  const problems: string[] = [];
  const { nameLength, values: maxValues, valueLength } = SIGMA_PLACEHOLDER_LIMITS;
  for (const [name, values] of Object.entries(value)) {
    const where = `sigmaPlaceholders.${name}`;
    if (name.trim() === '' || name.includes('%') || name.length > nameLength) {
      problems.push(`${where}: a placeholder name is 1 to ${nameLength} characters without '%' (write admins for %admins%)`);
    }
    if (!Array.isArray(values)) {
      problems.push(`${where}: must be a list of strings`);
      continue;
    }
    if (values.length > maxValues) problems.push(`${where}: at most ${maxValues} values`);
    values.forEach((item: unknown, i) => {
      if (typeof item !== 'string' || item === '') problems.push(`${where}[${i}]: must be a non-empty string`);
      else if (item.length > valueLength) problems.push(`${where}[${i}]: longer than ${valueLength} characters`);
    });
  }
  return problems;
}

/**
 * The integration's placeholder values, checked once per settings object. Invalid values are an error, like an
 * invalid threshold: a rule silently matching other values than the tenant configured is worse than a failed run.
 */
export function sigmaPlaceholdersOf(settings: DetectionSettings | undefined): SigmaPlaceholderValues {
  const value = settings?.sigmaPlaceholders;
  if (value === undefined || value === null) return NO_PLACEHOLDERS;
  const known = checkedPlaceholders.get(value);
  if (known) return known;
  const problems = sigmaPlaceholderProblems(value);
  if (problems.length > 0) throw new RangeError(`Detection settings: invalid Sigma placeholders:\n  ${problems.join('\n  ')}`);
  checkedPlaceholders.set(value, value);
  return value;
}

// ---------------------------------------------------------------------------------------------------------------
// Rules that depend on an integration's settings beyond overrides (Sigma rules with placeholders)

/** Makes the rule an integration runs from the rule as loaded (`rule` may be a copy with overrides applied). */
export type SettingsBinder = (rule: Rule, settings: DetectionSettings | undefined) => Rule;

/** Own enumerable symbol property, so that copies made with `{ ...rule }` keep it. */
const SETTINGS_BINDER = Symbol('detections.settingsBinder');

/**
 * Tenant-wide counts in the catalogue are set for an org of up to this many people. Everyday failed sign-ins (mistyped
 * passwords) grow with the directory: a 100,000-user org's busy quarter hour has more of them than a spray of a
 * small org's size. At 5,000 people the counts are about twice a busy quarter hour's everyday failures, and they keep
 * that margin above it; calibrated for 10,000, a benign 11,963-person tenant raised a spray and its chained high
 * detection (bench/README.md, `bench/tenants.ts`).
 */
export const CALIBRATED_FOR_USERS = 5_000;

/** A tenant-wide count for this tenant: `base` up to CALIBRATED_FOR_USERS people, in proportion above. */
export function scaledToTenant(base: number, settings: DetectionSettings | undefined): number {
  const users = settings?.tenantUsers;
  if (users === undefined || !Number.isFinite(users) || users <= CALIBRATED_FOR_USERS) return base;
  return Math.ceil((base * users) / CALIBRATED_FOR_USERS);
}

/** Attaches a binder to a rule: every evaluation runs `binder(rule, settings)` in place of the rule. */
export function withSettingsBinder<R extends Rule>(rule: R, binder: SettingsBinder): R {
  return Object.assign(rule, { [SETTINGS_BINDER]: binder });
}

/** The rule as this integration runs it: itself, unless it depends on settings (see withSettingsBinder). */
export function bindToSettings(rule: Rule, settings: DetectionSettings | undefined): Rule {
  const binder = (rule as { [SETTINGS_BINDER]?: SettingsBinder })[SETTINGS_BINDER];
  return binder ? binder(rule, settings) : rule;
}

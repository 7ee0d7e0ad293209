/** Per-tenant rule settings: rules on/off, threshold overrides, allow-lists. */
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
    result.push(withOverride(rule, override));
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
    resolved.push({ rule: withOverride(rule, override), report, allowList: allowListPolicy(rule, override) });
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

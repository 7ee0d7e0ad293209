// The emulator's state: partner event sources, event buses with their rules and targets, tags. One
// customer account (the emulator's `account`) in one region; partner sources may name any account,
// but only those of the emulator's account are visible to the customer-side calls.
import { busNameOf, eventBusArn, type Place } from './arns.js';
import { notFound } from './errors.js';
import type { EventPattern } from './pattern.js';

export type SourceState = 'PENDING' | 'ACTIVE' | 'DELETED';

export interface PartnerSource {
  name: string;
  /** The customer account the partner created it in. */
  account: string;
  /** The partner, e.g. `okta.com`. */
  createdBy: string;
  creationTime: Date;
  /** Deleted by the partner while a bus was associated: the bus stays, the source shows DELETED. */
  deleted: boolean;
}

export interface Target {
  Id: string;
  Arn: string;
  DeadLetterConfig?: { Arn: string };
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
}

export interface Rule {
  name: string;
  arn: string;
  busName: string;
  eventPattern: string;
  pattern: EventPattern;
  state: 'ENABLED' | 'DISABLED';
  description?: string;
  tags: Map<string, string>;
  targets: Map<string, Target>;
}

export interface EventBus {
  name: string;
  arn: string;
  description?: string;
  creationTime: Date;
  lastModifiedTime: Date;
  /** The partner source this bus is associated with (the very record: a re-created source is not it). */
  source?: PartnerSource;
  tags: Map<string, string>;
  rules: Map<string, Rule>;
}

export interface State extends Place {
  sources: Map<string, PartnerSource>;
  buses: Map<string, EventBus>;
}

export function createState(place: Place): State {
  const state: State = { ...place, sources: new Map(), buses: new Map() };
  addDefaultBus(state);
  return state;
}

/** Back to an empty account (with only its default bus), as for a fresh test. */
export function resetState(state: State): void {
  state.sources.clear();
  state.buses.clear();
  addDefaultBus(state);
}

function addDefaultBus(state: State): void {
  const now = new Date();
  state.buses.set('default', {
    name: 'default', arn: eventBusArn(state, 'default'), creationTime: now, lastModifiedTime: now, tags: new Map(), rules: new Map(),
  });
}

/** The bus a source's events go to: the one associated with exactly this source record. */
export function associatedBus(state: State, source: PartnerSource): EventBus | undefined {
  const bus = state.buses.get(source.name);
  return bus?.source === source ? bus : undefined;
}

export function sourceState(state: State, source: PartnerSource): SourceState {
  if (source.deleted) return 'DELETED';
  return associatedBus(state, source) ? 'ACTIVE' : 'PENDING';
}

/** A source as the customer account sees it: only its own. */
export function visibleSource(state: State, name: string): PartnerSource | undefined {
  const source = state.sources.get(name);
  return source?.account === state.account ? source : undefined;
}

/** The bus of a request's EventBusName (default when absent), or ResourceNotFoundException. */
export function busOf(state: State, nameOrArn: string | undefined): EventBus {
  const name = busNameOf(state, nameOrArn ?? 'default');
  const bus = state.buses.get(name);
  if (!bus) throw notFound(`Event bus ${name} does not exist.`);
  return bus;
}

export function ruleOf(state: State, ruleName: string, busNameOrArn: string | undefined): Rule {
  const bus = busOf(state, busNameOrArn);
  const rule = bus.rules.get(ruleName);
  if (!rule) throw notFound(`Rule ${ruleName} does not exist on EventBus ${bus.name}.`);
  return rule;
}

// Partner event sources and event buses. The partner (Okta) creates a source in the customer's
// account; it stays PENDING, and every event sent to it is dropped, until the customer creates the
// partner event bus of the same name with EventSourceName = the source (ACTIVE). Deleting that bus
// returns the source to PENDING and deletes the bus's rules; the partner deleting an associated source
// leaves the bus and shows the source as DELETED.
import { eventBusArn, eventSourceArn } from './arns.js';
import { alreadyExists, invalid, notFound } from './errors.js';
import { epochSeconds, optionalString, paginate, requiredString, tagsOf, type Input } from './input.js';
import { busOf, sourceState, visibleSource, type EventBus, type PartnerSource, type State } from './model.js';

const PARTNER_SOURCE_NAME = /^aws\.partner(\/[.\-_A-Za-z0-9]+){2,}$/;
const CUSTOM_BUS_NAME = /^[.\-_A-Za-z0-9]{1,256}$/;

export function createPartnerEventSource(state: State, input: Input) {
  const name = requiredString(input, 'Name');
  const account = requiredString(input, 'Account');
  if (!PARTNER_SOURCE_NAME.test(name) || name.length > 256) {
    throw invalid(`Event source name ${name} is not valid: it must be aws.partner/<partner>/<name>.`);
  }
  if (!/^\d{12}$/.test(account)) throw invalid(`Account ${account} is not a 12-digit AWS account id.`);
  const existing = state.sources.get(name);
  if (existing && !existing.deleted) throw alreadyExists(`Event source ${name} already exists.`);
  // A re-created source is a new record: a bus still associated with the deleted one stays with it.
  state.sources.set(name, { name, account, createdBy: name.split('/')[1], creationTime: new Date(), deleted: false });
  return { EventSourceArn: eventSourceArn(state, name) };
}

/** Idempotent, as in AWS: deleting a source that is not there succeeds. */
export function deletePartnerEventSource(state: State, input: Input) {
  const name = requiredString(input, 'Name');
  const account = requiredString(input, 'Account');
  const source = state.sources.get(name);
  if (!source || source.account !== account || source.deleted) return {};
  if (sourceState(state, source) === 'ACTIVE') source.deleted = true;
  else state.sources.delete(name);
  return {};
}

function describeSource(state: State, source: PartnerSource) {
  return {
    Arn: eventSourceArn(state, source.name),
    CreatedBy: source.createdBy,
    CreationTime: epochSeconds(source.creationTime),
    Name: source.name,
    State: sourceState(state, source),
  };
}

export function listEventSources(state: State, input: Input) {
  const prefix = optionalString(input, 'NamePrefix') ?? '';
  const sources = [...state.sources.values()]
    .filter((s) => s.account === state.account && s.name.startsWith(prefix))
    .sort((a, b) => a.name.localeCompare(b.name));
  const { page, NextToken } = paginate(sources, input);
  return { EventSources: page.map((s) => describeSource(state, s)), ...(NextToken ? { NextToken } : {}) };
}

export function describeEventSource(state: State, input: Input) {
  const name = requiredString(input, 'Name');
  const source = visibleSource(state, name);
  if (!source) throw notFound(`Event source ${name} does not exist.`);
  return describeSource(state, source);
}

export function createEventBus(state: State, input: Input) {
  const name = requiredString(input, 'Name');
  const sourceName = optionalString(input, 'EventSourceName');
  const description = optionalString(input, 'Description');
  for (const member of ['KmsKeyIdentifier', 'DeadLetterConfig', 'LogConfig']) {
    if (input[member] !== undefined) throw invalid(`${member} is not supported by the EventBridge emulator.`);
  }
  if (state.buses.has(name)) throw alreadyExists(`Event bus ${name} already exists.`);
  let source: PartnerSource | undefined;
  if (sourceName !== undefined) {
    if (sourceName !== name) throw invalid(`Event bus name ${name} must match the event source name ${sourceName}.`);
    source = visibleSource(state, sourceName);
    if (!source || source.deleted) throw notFound(`Event source ${sourceName} does not exist.`);
  } else if (name.startsWith('aws.') || !CUSTOM_BUS_NAME.test(name)) {
    throw invalid(`Event bus name ${name} is not valid: a custom bus name is [.-_A-Za-z0-9]+ and must not start with "aws.".`);
  }
  const now = new Date();
  const bus: EventBus = {
    name, arn: eventBusArn(state, name), description, creationTime: now, lastModifiedTime: now, source, tags: tagsOf(input), rules: new Map(),
  };
  state.buses.set(name, bus);
  return { EventBusArn: bus.arn, ...(description !== undefined ? { Description: description } : {}) };
}

function describeBus(bus: EventBus) {
  return {
    Name: bus.name,
    Arn: bus.arn,
    ...(bus.description !== undefined ? { Description: bus.description } : {}),
    CreationTime: epochSeconds(bus.creationTime),
    LastModifiedTime: epochSeconds(bus.lastModifiedTime),
  };
}

export function describeEventBus(state: State, input: Input) {
  return describeBus(busOf(state, optionalString(input, 'Name')));
}

/** Deletes the bus and its rules (as AWS does); a bus that is not there is no error. */
export function deleteEventBus(state: State, input: Input) {
  const name = requiredString(input, 'Name');
  if (name === 'default') throw invalid('Cannot delete event bus default.');
  const bus = state.buses.get(name);
  if (!bus) return {};
  state.buses.delete(name);
  // A source the partner deleted while associated is gone for good once its bus is.
  if (bus.source?.deleted && state.sources.get(name) === bus.source) state.sources.delete(name);
  return {};
}

export function listEventBuses(state: State, input: Input) {
  const prefix = optionalString(input, 'NamePrefix') ?? '';
  const buses = [...state.buses.values()].filter((b) => b.name.startsWith(prefix)).sort((a, b) => a.name.localeCompare(b.name));
  const { page, NextToken } = paginate(buses, input);
  return { EventBuses: page.map(describeBus), ...(NextToken ? { NextToken } : {}) };
}

// Reading request members the way the service validates them: a missing required member or a member
// of the wrong type is a ValidationException, never a silent default.
import { invalid } from './errors.js';

export type Input = Record<string, unknown>;

export function requiredString(input: Input, member: string): string {
  const value = input[member];
  if (typeof value !== 'string' || value === '') {
    throw invalid(`1 validation error detected: Value at '${lowerFirst(member)}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

export function optionalString(input: Input, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`Value at '${lowerFirst(member)}' must be a string.`);
  return value;
}

export function optionalNumber(input: Input, member: string, min: number, max: number): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`Value '${String(value)}' at '${lowerFirst(member)}' failed to satisfy constraint: Member must be an integer between ${min} and ${max}`);
  }
  return value;
}

export function requiredList(input: Input, member: string): unknown[] {
  const value = input[member];
  if (!Array.isArray(value)) {
    throw invalid(`1 validation error detected: Value at '${lowerFirst(member)}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `Tags: [{Key, Value}]` as a map; keys are unique per resource, a later one wins. */
export function tagsOf(input: Input, member = 'Tags'): Map<string, string> {
  const tags = new Map<string, string>();
  const list = input[member];
  if (list === undefined || list === null) return tags;
  if (!Array.isArray(list)) throw invalid(`Value at '${lowerFirst(member)}' must be a list of tags.`);
  for (const tag of list) {
    if (!isObject(tag) || typeof tag.Key !== 'string' || tag.Key === '' || typeof tag.Value !== 'string') {
      throw invalid('Each tag needs a non-empty Key and a Value.');
    }
    tags.set(tag.Key, tag.Value);
  }
  return tags;
}

export function tagList(tags: Map<string, string>): { Key: string; Value: string }[] {
  return [...tags].map(([Key, Value]) => ({ Key, Value }));
}

/** List calls page with Limit (1–100) and an opaque NextToken; the token here is the offset. */
export function paginate<T>(items: T[], input: Input): { page: T[]; NextToken?: string } {
  const limit = optionalNumber(input, 'Limit', 1, 100) ?? 100;
  const token = optionalString(input, 'NextToken');
  let start = 0;
  if (token !== undefined) {
    start = Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0) throw invalid('The NextToken is not valid.');
  }
  const page = items.slice(start, start + limit);
  const next = start + limit < items.length ? Buffer.from(String(start + limit)).toString('base64url') : undefined;
  return next === undefined ? { page } : { page, NextToken: next };
}

/** Timestamps in awsJson1_1 responses are epoch seconds. */
export const epochSeconds = (date: Date): number => date.getTime() / 1000;

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

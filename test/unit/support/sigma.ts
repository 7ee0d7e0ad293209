// Shared by the Sigma tests (test/unit/sigma*.test.ts): the principals their events use, a builder for a
// one-off "Feature Probe" rule from a detection body, and helpers to locate and catch load errors.
import { expect } from 'vitest';
import type { OktaLogEvent, SingleRule } from '../../../detections/index.js';
import { compileSigmaRule, SigmaLoadError } from '../../../detections/sigma/index.js';
import { oktaEvent, oktaUser, type TestPrincipal } from '../../../detections/testing.js';

export const T0 = '2026-03-02T09:00:00.000Z';
export const admin = oktaUser('walter.skinner@example.com');
export const dana = oktaUser('dana.scully@example.com');
export const adminConsole: TestPrincipal = {
  id: '0oatxlef9sQvvqInq5d6',
  type: 'AppInstance',
  alternateId: 'Okta Admin Console',
  displayName: 'Okta Admin Console',
  detailEntry: null,
};
export const slack: TestPrincipal = { id: '0oa1slack00000000001', type: 'AppInstance', alternateId: 'Slack', displayName: 'Slack', detailEntry: null };

/** Strips the common indentation of a template literal and its surrounding blank lines. */
export function dedent(text: string): string {
  const lines = text.replace(/^\s*\n/, '').replace(/\n\s*$/, '').split('\n');
  const indent = Math.min(...lines.filter((line) => line.trim() !== '').map((line) => line.match(/^ */)![0].length));
  return lines.map((line) => line.slice(indent)).join('\n');
}

export const PROBE_ID = '7f0c2d8e-3b1a-4c5d-9e6f-0a1b2c3d4e5f';
export const HEAD = `title: Feature Probe\nid: ${PROBE_ID}\nlogsource:\n    product: okta\n    service: okta\n`;

/** The YAML of a rule with the given `detection` body (and optional extra top-level attributes). */
export function probeText(detection: string, tail = ''): string {
  const body = dedent(detection)
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
  return `${HEAD}detection:\n${body}\n${tail ? `${dedent(tail)}\n` : ''}`;
}

export function probe(detection: string, tail = ''): SingleRule {
  return compileSigmaRule(probeText(detection, tail), 'probe.yml');
}

/** 1-based line of the first occurrence of `needle` in `text`. */
export function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`"${needle}" not in text`);
  return text.slice(0, index).split('\n').length;
}

export function loadError(text: string, file = 'probe.yml'): SigmaLoadError {
  try {
    compileSigmaRule(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(SigmaLoadError);
    return error as SigmaLoadError;
  }
  throw new Error('expected the rule to be refused');
}

export const event = (spec: Partial<Parameters<typeof oktaEvent>[0]> = {}, extra: Record<string, unknown> = {}): OktaLogEvent => ({
  ...oktaEvent({ eventType: 'user.session.start', at: T0, actor: dana, ...spec }),
  ...extra,
});

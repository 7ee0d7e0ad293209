// A chunk holds its new events and, around them, only the look-back events some rule can count: those of the rule's
// types, within its own look-back (an anomaly rule: its bucket), that its filter or a step of its sequence accepts.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lookbackRelevance, type OktaLogEvent, type Rule, type SequenceRule, type ThresholdRule } from '../../detections/index.js';
import type { AnomalyRule } from '../../detections/types.js';
import { mergeMatches } from '../../detections/run/merge.js';
import { eventsInMemory } from '../../detections/run/offline.js';
import { passStateInMemory, runDetectionPass, type EventSource } from '../../detections/run/pass.js';
import { loadRuleSet } from '../../detections/run/rule-set.js';
import { busyHour } from '../support/busy-hour.js';

const MINUTE = 60_000;
const FROM = Date.parse('2026-03-03T10:20:00.000Z');
const TO = Date.parse('2026-03-03T10:30:00.000Z');

function ruleBase(id: string, eventTypes: string[]) {
  return {
    id,
    title: id,
    description: id,
    severity: 'medium' as const,
    attack: { tactics: [], techniques: [] },
    eventTypes,
    fields: ['outcome.result'],
    runbook: '',
    dedupe: { periodMinutes: 60, key: (e: OktaLogEvent) => String((e.actor as { id?: string } | undefined)?.id ?? '') },
    enabled: true,
  };
}

const failed = (e: OktaLogEvent) => (e.outcome as { result?: string } | undefined)?.result === 'FAILURE';
const failures: ThresholdRule = { ...ruleBase('failures', ['user.session.start']), kind: 'threshold', filter: failed, window: 30, threshold: 5 };
const volume: AnomalyRule = {
  ...ruleBase('volume', ['user.authentication.sso']),
  kind: 'anomaly',
  filter: () => true,
  bucketMinutes: 60,
  historyDays: 14,
  decide: () => false,
};
const thenSignIn: SequenceRule = {
  ...ruleBase('failures-then-sign-in', ['user.session.start']),
  kind: 'sequence',
  within: 45,
  first: { alerts: ['failures'] },
  then: { match: (e) => !failed(e) },
};

function event(eventType: string, minutesFromFrom: number, result = 'SUCCESS'): OktaLogEvent {
  return {
    uuid: `${eventType}@${minutesFromFrom}/${result}`,
    published: new Date(FROM + minutesFromFrom * MINUTE).toISOString(),
    eventType,
    actor: { id: '00u1' },
    outcome: { result },
  };
}

function kept(rules: Rule[], events: OktaLogEvent[]): number[] {
  const relevant = lookbackRelevance(rules)(FROM, TO);
  return events.filter((e) => relevant(e, false)).map((e) => (Date.parse(e.published) - FROM) / MINUTE);
}

describe('which look-back events a chunk keeps', () => {
  it('keeps every event in the range, and around it only what a rule counts, within that rule\'s look-back', () => {
    const sessions = [-40, -31, -30, -5, 0, 5, 12, 25, 39, 40, 41].flatMap((m) => [event('user.session.start', m, 'FAILURE'), event('user.session.start', m)]);
    const relevant = lookbackRelevance([failures])(FROM, TO);
    const at = (result: string) => sessions.filter((e) => (e.outcome as { result: string }).result === result && relevant(e, false)).map((e) => (Date.parse(e.published) - FROM) / MINUTE);
    // Failures within 30 minutes before the range (inclusive, as the load groups are) and after its end (exclusive).
    expect(at('FAILURE')).toEqual([-30, -5, 0, 5, 12, 25, 39]);
    // Successes count for no rule: only those in the range.
    expect(at('SUCCESS')).toEqual([0, 5]);
    // A type no rule reads, outside the range, is never kept.
    expect(kept([failures], [event('user.account.lock', -1), event('user.account.lock', 1)])).toEqual([1]);
  });

  it('keeps an anomaly rule\'s whole bucket around the range, and nothing beyond it', () => {
    const sso = [-21, -20, -1, 15, 39, 40].map((m) => event('user.authentication.sso', m));
    // The range 10:20–10:30 lies in the 10:00 bucket: 10:00 to 10:59.
    expect(kept([volume], sso)).toEqual([-20, -1, 15, 39]);
  });

  it('reads a rule further back by the reach of a chain that consumes its detections', () => {
    const sessions = [-76, -75, -60, -31].map((m) => event('user.session.start', m, 'FAILURE'));
    expect(kept([failures], sessions)).toEqual([]);
    // The chain pairs a new sign-in with a burst of failures up to 45 minutes earlier: 30 + 45 minutes.
    expect(kept([failures, thenSignIn], sessions)).toEqual([-75, -60, -31]);
  });

  it("leaves a later chunk's own events to that chunk, except for rules judging whole buckets or absences", () => {
    const removed: SequenceRule = {
      ...ruleBase('removed-not-restored', ['user.session.start']),
      kind: 'sequence',
      absent: true,
      within: 20,
      first: { match: failed },
      then: { match: (e) => !failed(e) },
    };
    const after = [event('user.session.start', 15, 'FAILURE'), event('user.session.start', 16)];
    const sso = event('user.authentication.sso', 15);
    const keeps = (rules: Rule[], e: OktaLogEvent, pending: boolean) => lookbackRelevance(rules)(FROM, TO)(e, pending);
    // Already analysed (a re-run): read as look-ahead. A new event of the run: the later chunk looks back at this one.
    expect(keeps([failures], after[0], false)).toBe(true);
    expect(keeps([failures], after[0], true)).toBe(false);
    // Before the range, a new event of the run is an earlier chunk's: still look-back.
    expect(keeps([failures], event('user.session.start', -5, 'FAILURE'), true)).toBe(true);
    // An absence needs to know what followed; an anomaly bucket is judged whole.
    expect(after.map((e) => keeps([failures, removed], e, true))).toEqual([true, true]);
    expect(keeps([volume], sso, true)).toBe(true);
  });

  it("keeps a window rule's look-back before the range only for groups with an event in the range", () => {
    const of = (actor: string, minutes: number, result = 'FAILURE') => ({ ...event('user.session.start', minutes, result), uuid: `${actor}@${minutes}`, actor: { id: actor } });
    const inRange = [of('00u1', 2), of('00u3', 4, 'SUCCESS')];
    const before = [of('00u1', -10), of('00u2', -10), of('00u3', -10)];
    const after = [of('00u2', 12)];
    const keeps = (rules: Rule[]) => {
      const relevant = lookbackRelevance(rules)(FROM, TO, inRange);
      return [...before, ...after].filter((e) => relevant(e, false)).map((e) => e.uuid);
    };
    // 00u1 failed in the range: its earlier failures can complete a window. 00u2 has nothing in the range, and 00u3
    // only a success the rule does not count: no window of theirs can hold a new event. After the range (a re-run's
    // look-ahead) nothing is narrowed.
    expect(keeps([failures])).toEqual(['00u1@-10', '00u2@12']);
    // Without the range's events the filter cannot tell, and keeps every group.
    expect(kept([failures], before)).toEqual([-10, -10, -10]);
    // A range spanning over four times the rule's look-back (a quiet tenant's day): its look-back is small beside it,
    // and is not narrowed.
    const wide = lookbackRelevance([failures])(FROM, FROM + 121 * MINUTE, inRange);
    expect(before.filter((e) => wide(e, false)).map((e) => e.uuid)).toEqual(['00u1@-10', '00u2@-10', '00u3@-10']);
    // A chain consuming the rule's detections pairs a new sign-in with a burst raised from look-back alone.
    expect(keeps([failures, thenSignIn])).toEqual(['00u1@-10', '00u2@-10', '00u3@-10', '00u2@12']);
    // A sequence of two event steps is narrowed by its entities; an absence, decided by the clock, is not.
    const failedThenSucceeded: SequenceRule = { ...ruleBase('failed-then-succeeded', ['user.session.start']), kind: 'sequence', within: 20, first: { match: failed }, then: { match: (e) => !failed(e) } };
    expect(keeps([failedThenSucceeded])).toEqual(['00u1@-10', '00u3@-10', '00u2@12']);
    expect(keeps([{ ...failedThenSucceeded, absent: true }])).toEqual(['00u1@-10', '00u2@-10', '00u3@-10', '00u2@12']);
    // A key that throws on an event in the range leaves the rule's look-back whole (the engine reports the error).
    const throwing: ThresholdRule = { ...failures, id: 'throwing-key', dedupe: { periodMinutes: 60, key: (e) => { if (e.uuid === '00u3@4') throw new Error('bad key'); return String((e.actor as { id: string }).id); } } };
    expect(keeps([{ ...throwing, filter: () => true }])).toEqual(['00u1@-10', '00u2@-10', '00u3@-10', '00u2@12']);
  });

  it('keeps an event whose filter throws, so the engine reports the rule\'s error where it evaluates it', () => {
    const throwing: ThresholdRule = { ...failures, id: 'throwing', filter: () => { throw new Error('bad rule'); } };
    expect(kept([throwing], [event('user.session.start', -10)])).toEqual([-10]);
  });
});

describe('a pass that keeps only the relevant look-back', () => {
  const rules = loadRuleSet(fileURLToPath(new URL('../../sigma-rules/', import.meta.url))).rules;

  it('finds the same detections as one that loads every event of the plan, whole or split, from fewer events', async () => {
    const { all, isNew } = busyHour();
    const fresh = all.filter(isNew).length;
    for (const limit of [fresh, Math.ceil(fresh / 7)]) {
      const narrowed = eventsInMemory(all, isNew);
      const wide = eventsInMemory(all, isNew);
      const everything: EventSource = { ...wide, load: (groups, from, to) => wide.load(groups, from, to, () => true) };
      const kept = await runDetectionPass(rules, narrowed, passStateInMemory(), { chunkNewEvents: limit });
      const full = await runDetectionPass(rules, everything, passStateInMemory(), { chunkNewEvents: limit });
      expect(mergeMatches(kept.matches)).toEqual(mergeMatches(full.matches));
      expect(kept.matches.length).toBeGreaterThan(0);
      expect(kept.evaluatedEvents).toBeLessThan(full.evaluatedEvents);
    }
  });
});

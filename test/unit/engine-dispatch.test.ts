// The engine shows rules their events event by event (one pass over the timeline for every rule that reads its events
// in one forward pass), with field answers kept for the event being shown and rule-function answers shared between the
// state keys and the evaluation. None of this may change what a rule sees or returns.
import { describe, expect, it } from 'vitest';
import { prepareEvaluation } from '../../detections/engine.js';
import {
  evaluateRun,
  field,
  stateKeys,
  type OktaLogEvent,
  type Rule,
  type SequenceRule,
  type SingleRule,
  type ThresholdRule,
} from '../../detections/index.js';
import { EntryMemo } from '../../detections/kinds/context.js';
import { minutesAfter, oktaEvent, oktaUser } from '../../detections/testing.js';
import { buildTimeline } from '../../detections/timeline.js';

const T0 = '2026-03-02T09:00:00.000Z';
const dana = oktaUser('dana.scully@example.com');
const fox = oktaUser('fox.mulder@example.com');

const TYPES = [
  'user.session.start',
  'User.Session.Start',
  'user.authentication.sso',
  'user.authentication.auth_via_mfa',
  'user.authentication.auth_via_IDP',
  'policy.evaluate_sign_on',
  'system.api_token.create',
  'user.account.lock',
];

/** A mixed stream: every type above, two users, two IPs, out of order, with a repeated delivery. */
function stream(): OktaLogEvent[] {
  const events: OktaLogEvent[] = [];
  for (let i = 0; i < 64; i++) {
    events.push(
      oktaEvent({
        eventType: TYPES[i % TYPES.length],
        at: minutesAfter(T0, (i * 7) % 50),
        actor: i % 3 === 0 ? fox : dana,
        ip: i % 2 === 0 ? '203.0.113.9' : '198.51.100.7',
        result: i % 4 === 0 ? 'FAILURE' : 'SUCCESS',
      }),
    );
  }
  events.push({ ...events[5] }); // at-least-once delivery
  events.push({ uuid: 'no-type', published: minutesAfter(T0, 3), eventType: undefined as unknown as string });
  return events.reverse();
}

const base = {
  title: 'test',
  description: 'test',
  severity: 'low' as const,
  attack: { tactics: [], techniques: [] },
  fields: [],
  runbook: '',
  enabled: true,
};

/** A threshold rule that records every event it is asked about, in order, and counts nothing. */
function recorder(id: string, eventTypes: string[], seen: Map<string, string[]>, allowList?: 'apply' | 'ignore'): ThresholdRule {
  seen.set(id, []);
  return {
    ...base,
    id,
    kind: 'threshold',
    eventTypes,
    dedupe: { periodMinutes: 60, key: (e) => `user:${String((e.actor as { id?: string } | undefined)?.id)}` },
    ...(allowList ? { allowList } : {}),
    window: 10,
    threshold: 3,
    filter: (event) => {
      seen.get(id)!.push(event.uuid);
      return event.outcome !== undefined && (event.outcome as { result?: string }).result === 'FAILURE';
    },
  };
}

describe('event-by-event dispatch', () => {
  it("shows each rule exactly its types' events, in timeline order (exact, case, glob, '*', none)", () => {
    const events = stream();
    const seen = new Map<string, string[]>();
    const patterns: Record<string, string[]> = {
      exact: ['user.session.start'],
      cased: ['USER.SESSION.START', 'policy.evaluate_sign_on'],
      glob: ['user.authentication.*'],
      globAndExact: ['user.authentication.*', 'user.authentication.sso', 'user.account.lock'],
      all: ['*'],
      none: ['app.generic.unauth_app_access_attempt'],
      empty: [],
    };
    const rules = Object.entries(patterns).map(([id, types]) => recorder(id, types, seen));
    evaluateRun(rules, events);

    const timeline = buildTimeline(events, () => true);
    for (const [id, types] of Object.entries(patterns)) {
      expect(seen.get(id), id).toEqual(timeline.select(types).map((entry) => entry.event.uuid));
    }
    // '*' sees the event without a type too, and the repeated delivery once.
    expect(seen.get('all')).toHaveLength(new Set(events.map((e) => e.uuid)).size);
  });

  it('hides allow-listed events from rules that apply the allow-list, not from the others', () => {
    const events = stream();
    const seen = new Map<string, string[]>();
    const rules = [recorder('applies', ['*'], seen), recorder('ignores', ['*'], seen, 'ignore')];
    evaluateRun(rules, events, { settings: { allow: { ipRanges: ['203.0.113.0/24'] } } });
    const timeline = buildTimeline(events, () => true).entries;
    const ip = field('client.ipAddress');
    expect(seen.get('ignores')).toEqual(timeline.map((entry) => entry.event.uuid));
    expect(seen.get('applies')).toEqual(timeline.filter((entry) => ip.text(entry.event) !== '203.0.113.9').map((entry) => entry.event.uuid));
  });

  it('judges single rules on new events only', () => {
    const events = stream();
    const asked: string[] = [];
    const rule: SingleRule = {
      ...base,
      id: 'single',
      kind: 'single',
      eventTypes: ['user.session.start'],
      dedupe: { periodMinutes: 0, key: () => undefined },
      match: (event) => {
        asked.push(event.uuid);
        return true;
      },
    };
    const fresh = new Set(events.filter((_, i) => i % 2 === 0).map((e) => e.uuid));
    const { matches } = evaluateRun([rule], events, { isNew: (e) => fresh.has(e.uuid) });
    const expected = buildTimeline(events, (e) => fresh.has(e.uuid))
      .select(['user.session.start'])
      .filter((entry) => entry.isNew)
      .map((entry) => entry.event.uuid);
    expect(asked).toEqual(expected);
    expect(matches.map((m) => m.evidenceUuids[0]).sort()).toEqual([...expected].sort());
  });

  it('gives the same matches as each rule evaluated alone', () => {
    const events = stream();
    const seen = new Map<string, string[]>();
    const rules: Rule[] = [recorder('a', ['user.session.start', 'user.authentication.*'], seen), recorder('b', ['*'], seen)];
    const together = evaluateRun(rules, events).matches;
    const alone = rules.flatMap((rule) => evaluateRun([rule], events).matches);
    expect(together.length).toBeGreaterThan(0);
    expect(together).toEqual(
      [...alone].sort((x, y) => x.firstEventAt.localeCompare(y.firstEventAt) || x.ruleId.localeCompare(y.ruleId) || x.groupKey.localeCompare(y.groupKey)),
    );
  });

  it('a sequence whose step throws while the scan asks it ahead fails where it is evaluated, in rule order', () => {
    const events = stream();
    const seen = new Map<string, string[]>();
    let calls = 0;
    const failing: SequenceRule = {
      ...base,
      id: 'sequence-that-throws',
      kind: 'sequence',
      eventTypes: ['user.session.start', 'user.authentication.*'],
      dedupe: { periodMinutes: 60, key: (e) => `user:${field('actor.id').text(e) ?? ''}` },
      within: 30,
      first: {
        match: () => {
          if (++calls > 3) throw new Error('step failed');
          return true;
        },
      },
      then: { match: () => true },
    };
    const healthy = recorder('healthy', ['*'], seen);
    const reported: string[] = [];
    const { matches } = evaluateRun([failing, healthy], events, { onRuleError: (id, error) => reported.push(`${id}: ${(error as Error).message}`) });
    expect(reported).toEqual(['sequence-that-throws: step failed']);
    expect(calls).toBeGreaterThan(3);
    expect(matches).toEqual(evaluateRun([recorder('healthy', ['*'], new Map())], events).matches);
  });

  it('isolates a rule that throws: reported in rule order, the others unaffected; without a handler, the first rule’s error', () => {
    const events = stream();
    const seen = new Map<string, string[]>();
    const boom = (id: string, after: number): ThresholdRule => {
      let calls = 0;
      return {
        ...recorder(id, ['*'], seen),
        filter: () => {
          if (++calls > after) throw new Error(`${id} failed`);
          return false;
        },
      };
    };
    const healthy = recorder('healthy', ['*'], seen);
    const reported: string[] = [];
    // 'late' throws later in the stream than 'early', but comes first in rule order.
    const rules = [boom('late', 40), healthy, boom('early', 2)];
    const { matches } = evaluateRun(rules, events, { onRuleError: (id, error) => reported.push(`${id}: ${(error as Error).message}`) });
    expect(reported).toEqual(['late: late failed', 'early: early failed']);
    expect(matches).toEqual(evaluateRun([recorder('healthy', ['*'], new Map())], events).matches);
    expect(() => evaluateRun(rules, events)).toThrow('late failed');
  });

  it('forgets field answers once the event is no longer shown (a changed event reads as changed)', () => {
    const event = oktaEvent({ eventType: 'user.session.start', at: T0, actor: dana, result: 'FAILURE' });
    const results: string[] = [];
    const result = field('outcome.result');
    // Two rules with their own predicates: a predicate shared by identity is asked once per event (perFocusedEvent).
    const reader = (id: string): SingleRule => ({
      ...base,
      id,
      kind: 'single',
      eventTypes: ['*'],
      dedupe: { periodMinutes: 0, key: () => undefined },
      match: (e) => {
        results.push(`${result.text(e)}/${String(result.first(e))}/${result.all(e).join()}`);
        return false;
      },
    });
    const rule = reader('reader');
    evaluateRun([rule, reader('second-reader')], [event]);
    (event.outcome as { result: string }).result = 'SUCCESS';
    expect(result.text(event)).toBe('SUCCESS');
    evaluateRun([rule], [event]);
    expect(results).toEqual(['FAILURE/FAILURE/FAILURE', 'FAILURE/FAILURE/FAILURE', 'SUCCESS/SUCCESS/SUCCESS']);
    // all() is walked once per shown event: every rule reading it gets the same (read-only) array.
    const answers: (readonly unknown[])[] = [];
    const collecting = (id: string): SingleRule => ({ ...rule, id, match: (e) => (answers.push(result.all(e)), false) });
    evaluateRun([collecting('collecting'), collecting('second-collecting')], [event]);
    expect(answers).toEqual([['SUCCESS'], ['SUCCESS']]);
    expect(answers[0]).toBe(answers[1]);
  });
});

describe('predicates and keys shared by rules', () => {
  it('are asked once per event however many rules share them, with the same matches as unshared copies', () => {
    const events = stream();
    const calls = { filter: 0, key: 0 };
    const result = field('outcome.result');
    const actorId = field('actor.id');
    const failed = (e: OktaLogEvent) => (calls.filter++, result.text(e) === 'FAILURE');
    const byActor = (e: OktaLogEvent) => (calls.key++, `user:${actorId.text(e) ?? ''}`);
    const counting = (id: string, filter = failed, key = byActor): ThresholdRule => ({
      ...base,
      id,
      kind: 'threshold',
      eventTypes: ['user.session.start', 'user.authentication.*'],
      dedupe: { periodMinutes: 60, key },
      filter,
      window: 60,
      threshold: 2,
    });
    const shared = evaluateRun([counting('a'), counting('b'), counting('c')], events).matches;
    // Each event once (the stream repeats one delivery), whatever the case of its type.
    const signIns = [...new Map(events.map((e) => [e.uuid, e])).values()].filter((e) => /^user\.(session\.start|authentication\.)/i.test(e.eventType ?? ''));
    const read = signIns.length;
    const failures = signIns.filter((e) => result.text(e) === 'FAILURE').length;
    expect(calls).toEqual({ filter: read, key: failures });
    // Each rule with its own copy of the functions: asked by every rule, same matches.
    const copies = ['a', 'b', 'c'].map((id) => counting(id, (e) => failed(e), (e) => byActor(e)));
    expect(evaluateRun(copies, events).matches).toEqual(shared);
    expect(shared.length).toBeGreaterThan(0);
  });
});

describe('prepared evaluation', () => {
  it('lists the same state keys and evaluates the same as stateKeys then evaluateRun', async () => {
    const { catalogue } = await import('../../detections/index.js');
    const events = stream();
    const fresh = new Set(events.slice(10).map((e) => e.uuid));
    const opts = { isNew: (e: OktaLogEvent) => fresh.has(e.uuid), now: minutesAfter(T0, 24 * 60) };
    const prepared = prepareEvaluation(catalogue, events, opts);
    expect(prepared.stateKeys()).toEqual(stateKeys(catalogue, events, opts));
    expect(prepared.evaluate()).toEqual(evaluateRun(catalogue, events, opts));
  });

  it('shows the rules that read no state their events while the keys are listed; their errors come at evaluation', () => {
    const events = stream();
    const result = field('outcome.result');
    const actorId = field('actor.id');
    let visits = 0;
    const failures: ThresholdRule = {
      ...base,
      id: 'failures',
      kind: 'threshold',
      eventTypes: ['user.session.start', 'user.authentication.*'],
      dedupe: { periodMinutes: 60, key: (e) => `user:${actorId.text(e) ?? ''}` },
      filter: (e) => (visits++, result.text(e) === 'FAILURE'),
      window: 60,
      threshold: 2,
    };
    const broken: SingleRule = {
      ...base,
      id: 'broken',
      kind: 'single',
      eventTypes: ['user.account.lock'],
      dedupe: { periodMinutes: 60, key: () => 'x' },
      match: () => {
        throw new Error('broken rule');
      },
    };
    const expected = evaluateRun([failures], events).matches;
    expect(expected.length).toBeGreaterThan(0);

    const prepared = prepareEvaluation([broken, failures], events);
    visits = 0;
    expect(() => prepared.stateKeys()).not.toThrow();
    const shown = visits;
    expect(shown).toBeGreaterThan(0);
    const reported: string[] = [];
    const opts = { onRuleError: (id: string, err: unknown) => reported.push(`${id}: ${(err as Error).message}`) };
    const first = prepareEvaluation([broken, failures], events, opts);
    first.stateKeys();
    visits = 0;
    const run = first.evaluate();
    // Not shown again: the evaluation took the scan made while the keys were listed.
    expect(visits).toBe(0);
    expect(run.matches).toEqual(expected);
    expect(reported).toEqual(['broken: broken rule']);
    // A second evaluation of the same preparation scans anew, with the same answer.
    expect(first.evaluate().matches).toEqual(expected);
    expect(visits).toBe(shown);
    // Without a handler, the broken rule's error is raised where it is evaluated.
    expect(() => prepared.evaluate()).toThrow('broken rule');
    // stateKeys alone (no evaluation follows) shows them nothing.
    visits = 0;
    stateKeys([broken, failures], events);
    expect(visits).toBe(0);
  });
});

describe('EntryMemo', () => {
  it('asks a function once per entry, by timeline position, and never for entries recalled from state', () => {
    const events = stream();
    const timeline = buildTimeline(events, () => true);
    const memo = new EntryMemo(timeline.entries.length);
    let calls = 0;
    const isFailure = (e: OktaLogEvent) => (calls++, (e.outcome as { result?: string } | undefined)?.result === 'FAILURE');
    const test = memo.test(isFailure);
    const again = memo.test(isFailure);
    const first = timeline.entries.map(test);
    expect(timeline.entries.map(again)).toEqual(first);
    expect(calls).toBe(timeline.entries.length);

    let keyCalls = 0;
    const keyOf = (e: OktaLogEvent) => (keyCalls++, e.eventType === 'user.account.lock' ? undefined : e.uuid);
    const key = memo.value(keyOf);
    expect(timeline.entries.map(key)).toEqual(timeline.entries.map((entry) => keyOf(entry.event)));
    keyCalls = 0;
    expect(timeline.entries.map(memo.value(keyOf))).toEqual(timeline.entries.map((entry) => (entry.event.eventType === 'user.account.lock' ? undefined : entry.event.uuid)));
    expect(keyCalls).toBe(0);
    const recalled = { event: { uuid: 'r', published: T0, eventType: '' }, time: Date.parse(T0), isNew: false, seq: -1 };
    key(recalled);
    key(recalled);
    expect(keyCalls).toBe(2);
  });
});

/** What stateful kinds get from the engine besides their rule and events. */
import type { MatchCandidate } from '../match.js';
import type { TimelineEntry } from '../timeline.js';
import type { OktaLogEvent, Severity } from '../types.js';
import type { StateChangeSet, StateView } from './state.js';

/** A candidate of a rule that alert steps can consume, with its severity already computed. */
export interface AlertCandidate {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly candidate: MatchCandidate;
}

export interface KindContext {
  /** `opts.now` in epoch ms, if given. */
  readonly now?: number;
  /** What rule functions said about the evaluation's entries, shared with `stateKeys` of the same prepared run. */
  readonly memo: EntryMemo;
  readonly state: StateView;
  /** This rule's upserts (discarded if the rule throws). */
  readonly changes: StateChangeSet;
  /** Candidates of every evaluated rule without alert steps, by rule id (alert-step sequences only). */
  readonly alerts: ReadonlyMap<string, readonly AlertCandidate[]>;
}

/** What `stateKeys` needs to know beyond the rule's own events. */
export interface KeyContext {
  readonly now?: number;
  readonly memo: EntryMemo;
  /**
   * For alert-step sequences: the events the step's source rules read, so the entities their detections will be
   * about can be listed before evaluating.
   */
  readonly sourceEntries: (ruleIds: readonly string[] | '*') => readonly TimelineEntry[];
}

/**
 * A rule kind that reads its events in one forward pass: the engine shows every rule its events in timeline order,
 * event by event across all such rules (each event's fields are read while it is in the CPU's cache, instead of once per
 * rule over a heap of a million events), then asks each rule for its candidates. `visit` sees exactly the entries the
 * rule would have been given as a list, in the same order, so the result is the same as a loop over that list.
 */
export interface KindScan {
  visit(entry: TimelineEntry): void;
  /** Called once, after the last `visit`. */
  finish(): MatchCandidate[];
}

/** The scan over a list (tests, and callers holding the rule's entries already). */
export function scanAll(scan: KindScan, entries: readonly TimelineEntry[]): MatchCandidate[] {
  for (const entry of entries) scan.visit(entry);
  return scan.finish();
}

/**
 * A scan that only fills the memo: the rule functions a kind asks of its entries (in its state keys and evaluation),
 * asked while the engine shows each event to every rule, so their fields are read once with everyone else's. A
 * function that throws remembers nothing: the rule asks again where it is evaluated, and fails there, in rule order.
 */
export function warmer(ask: (entry: TimelineEntry) => void): KindScan {
  return {
    visit(entry) {
      try {
        ask(entry);
      } catch {
        // See above: raised again where the rule is evaluated.
      }
    },
    finish: () => [],
  };
}

/**
 * What pure rule functions (predicates, entity keys, terms) returned for each loaded entry of one evaluation, by
 * timeline position. Listing the state keys and evaluating ask the same functions about the same new events (which
 * of them start a sequence step, whose entity they are): with one memo per prepared evaluation each is asked once.
 * Functions are told apart by identity (`id`), so rules sharing a key function share its answers. Entries recalled
 * from state (seq −1) are never remembered; a function that throws remembers nothing.
 */
export class EntryMemo {
  private readonly tests = new Map<object, Uint8Array>();
  /**
   * Per function: the answers in the order they were given, and for each timeline position the place of its answer
   * there plus one (0: not asked yet). A typed array lies outside the JS heap, so the collector never scans it: an
   * array of a million cells per memoised function, made on the heap, cost ~4 % of a pass over a million events.
   */
  private readonly values = new Map<object, { readonly place: Uint32Array; readonly answers: unknown[] }>();

  constructor(private readonly size: number) {}

  /** `fn` as a predicate on entries, remembered per entry. */
  test(fn: (event: OktaLogEvent) => boolean): (entry: TimelineEntry) => boolean {
    let cells = this.tests.get(fn);
    if (!cells) this.tests.set(fn, (cells = new Uint8Array(this.size)));
    const known = cells;
    return (entry) => {
      const seq = entry.seq;
      if (seq < 0 || seq >= known.length) return Boolean(fn(entry.event));
      const cell = known[seq];
      if (cell !== 0) return cell === 2;
      const verdict = Boolean(fn(entry.event));
      known[seq] = verdict ? 2 : 1;
      return verdict;
    };
  }

  /** `fn` on entries, remembered per entry; `id` names what it computes (default the function itself). */
  value<T>(fn: (event: OktaLogEvent) => T, id: object = fn): (entry: TimelineEntry) => T {
    let cells = this.values.get(id);
    if (!cells) this.values.set(id, (cells = { place: new Uint32Array(this.size), answers: [] }));
    const { place, answers } = cells;
    return (entry) => {
      const seq = entry.seq;
      if (seq < 0 || seq >= place.length) return fn(entry.event);
      const at = place[seq];
      if (at !== 0) return answers[at - 1] as T;
      const value = fn(entry.event);
      place[seq] = answers.push(value);
      return value;
    };
  }
}

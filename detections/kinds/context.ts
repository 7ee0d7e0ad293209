/** What stateful kinds get from the engine besides their rule and events. */
import type { MatchCandidate } from '../match.js';
import type { TimelineEntry } from '../timeline.js';
import type { Severity } from '../types.js';
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
  readonly state: StateView;
  /** This rule's upserts (discarded if the rule throws). */
  readonly changes: StateChangeSet;
  /** Candidates of every evaluated rule without alert steps, by rule id (alert-step sequences only). */
  readonly alerts: ReadonlyMap<string, readonly AlertCandidate[]>;
}

/** What `stateKeys` needs to know beyond the rule's own events. */
export interface KeyContext {
  readonly now?: number;
  /**
   * For alert-step sequences: the events the step's source rules read, so the entities their detections will be
   * about can be listed before evaluating.
   */
  readonly sourceEntries: (ruleIds: readonly string[] | '*') => readonly TimelineEntry[];
}

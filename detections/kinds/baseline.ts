/**
 * Baseline (first-seen) rules: a NEW event showing a term its entity has not shown within `historyDays`.
 *
 * History is the union of the state rows ('term:<t>' per entity, with first/last seen) and the evaluation's earlier
 * new events. A state row proves an earlier sighting only when its first_seen is before the event, so re-running a
 * run with the state it produced finds the same new terms (the caller's merge absorbs them again). Look-back events
 * (loaded for other rules' windows) are not learnt: the run that saw them as new learnt them, and which of them are
 * loaded depends on the other rules and on where a chunk starts, which must not change what is remembered.
 *
 * Learning: the entity's (or, with learning 'tenant', the rule's) first ever observation comes from the 'history'
 * row, or the evaluation's own new events; until it is `minHistoryDays` old nothing is reported, so a new tenant or a
 * new user is not "new" at everything. History rows are rewritten at most once a day per entity.
 */
import { createHash } from 'node:crypto';
import type { TimelineEntry } from '../timeline.js';
import type { BaselineRule, OktaLogEvent } from '../types.js';
import { warmer, type EntryMemo, type KindContext, type KindScan } from './context.js';
import { DAY_MS, stateValue, TENANT_ENTITY, type StateKeyList } from './state.js';

/** History rows outlive terms: an entity forgotten this long simply learns again. */
const HISTORY_RETENTION_DAYS = 180;
/** Longer terms are stored as a hash (index-friendly keys). */
const MAX_TERM_LENGTH = 200;

export function baselineScan(rule: BaselineRule, ctx: KindContext): KindScan {
  const { observe, entityOf, termsOf: termsAt, judge } = memoised(rule, ctx.memo);
  const historyMs = rule.historyDays * DAY_MS;
  const learningMs = rule.minHistoryDays * DAY_MS;
  const periodMs = rule.dedupe.periodMinutes * 60_000;
  const tenantLearning = rule.learning === 'tenant';
  const historyExpiry = Math.max(HISTORY_RETENTION_DAYS, rule.minHistoryDays * 2, rule.historyDays) * DAY_MS;

  /** First and last observation per learning scope in this evaluation. */
  const observed = new Map<string, { first: number; last: number }>();
  /** First and last sighting of each entity's terms in this evaluation so far (nested: no key strings per event). */
  const sightings = new Map<string, Map<string, { first: number; last: number }>>();
  const open = new Map<string, { entries: TimelineEntry[]; terms: Set<string> }>();
  const candidates: { groupKey: string; entries: TimelineEntry[]; terms: Set<string> }[] = [];

  const report = (entry: TimelineEntry, terms: readonly string[]): void => {
    // Grouped like single rules: hits of one group closer than the dedupe period are one match.
    const groupKey = rule.dedupe.key(entry.event) ?? `event:${entry.event.uuid}`;
    const cluster = open.get(groupKey);
    if (cluster && entry.time - cluster.entries[cluster.entries.length - 1].time <= periodMs) {
      cluster.entries.push(entry);
      for (const term of terms) cluster.terms.add(term);
      return;
    }
    const fresh = { entries: [entry], terms: new Set(terms) };
    open.set(groupKey, fresh);
    candidates.push({ groupKey, ...fresh });
  };

  return {
    visit(entry) {
      const { time } = entry;
      if (!entry.isNew || !observe(entry)) return;
      const entity = entityOf(entry);
      if (!entity) return;
      const terms = termsAt(entry);
      const scope = tenantLearning ? TENANT_ENTITY : entity;

      if (terms.length > 0 && (judge?.(entry) ?? true)) {
        const stored = ctx.state.get(rule.id, scope, stateValue.history);
        const learningStart = Math.min(stored?.firstSeen ?? Infinity, observed.get(scope)?.first ?? Infinity, time);
        if (time - learningStart >= learningMs) {
          const seen = sightings.get(entity);
          const fresh = terms.filter((term) => !isKnown(rule, ctx, entity, term, time, historyMs, seen?.get(term)?.last));
          if (fresh.length > 0) report(entry, fresh);
        }
      }

      // Observe: the event joins the history (the merge makes a re-run idempotent).
      const span = observed.get(scope);
      if (span) span.last = time;
      else observed.set(scope, { first: time, last: time });
      if (terms.length === 0) return;
      let ofEntity = sightings.get(entity);
      if (!ofEntity) sightings.set(entity, (ofEntity = new Map()));
      for (const term of terms) {
        const sighting = ofEntity.get(term);
        if (sighting) sighting.last = time;
        else ofEntity.set(term, { first: time, last: time });
      }
    },

    finish() {
      // One upsert per row, spanning what this evaluation saw (entries come in time order).
      for (const [scope, { first, last }] of observed) {
        ctx.changes.upsert({ ruleId: rule.id, entity: scope, value: stateValue.history }, first, last, last + historyExpiry, null, DAY_MS);
      }
      for (const [entity, terms] of sightings) {
        for (const [term, { first, last }] of terms) {
          ctx.changes.upsert({ ruleId: rule.id, entity, value: stateValue.term(term) }, first, last, last + historyMs);
        }
      }
      return candidates.map((c) => ({
        groupKey: c.groupKey,
        entries: c.entries,
        trigger: c.entries.slice(0, 1),
        details: { newTerms: [...c.terms].join(', ') },
      }));
    },
  };
}

/** Was the term seen for the entity within the history window before `time` (`seen`: its last sighting so far here)? */
function isKnown(
  rule: BaselineRule,
  ctx: KindContext,
  entity: string,
  term: string,
  time: number,
  historyMs: number,
  seen: number | undefined,
): boolean {
  if (seen !== undefined && time - seen <= historyMs) return true;
  const row = ctx.state.get(rule.id, entity, stateValue.term(term));
  // first_seen before the event proves an earlier sighting; last_seen bounds how recent it may have been.
  return row !== undefined && row.firstSeen < time && row.lastSeen >= time - historyMs;
}

export function baselineStateKeys(rule: BaselineRule, entries: readonly TimelineEntry[], keys: StateKeyList, memo: EntryMemo): void {
  const { observe, entityOf, termsOf: termsAt, judge } = memoised(rule, memo);
  for (const entry of entries) {
    if (!entry.isNew || !observe(entry)) continue;
    const entity = entityOf(entry);
    if (!entity) continue;
    const terms = termsAt(entry);
    keys.add(rule.id, rule.learning === 'tenant' ? TENANT_ENTITY : entity, stateValue.history);
    // Rows of events that are not judged are only written, never read.
    if (judge && !judge(entry)) continue;
    for (const term of terms) keys.add(rule.id, entity, stateValue.term(term));
  }
}

/** What `baselineStateKeys` asks of each new entry, asked during the engine's focused scan (see `sequenceWarmer`). */
export function baselineWarmer(rule: BaselineRule, memo: EntryMemo): KindScan {
  const { observe, entityOf, termsOf: termsAt, judge } = memoised(rule, memo);
  return warmer((entry) => {
    if (!entry.isNew || !observe(entry) || !entityOf(entry)) return;
    termsAt(entry);
    judge?.(entry);
  });
}

/** The rule's functions on entries, answers shared by the state keys and the evaluation. */
function memoised(rule: BaselineRule, memo: EntryMemo) {
  return {
    observe: memo.test(rule.observe),
    entityOf: memo.value(rule.entity ?? rule.dedupe.key),
    // termsOf depends on the rule only through its `terms` function.
    termsOf: memo.value((event) => termsOf(rule, event), rule.terms),
    judge: rule.judge ? memo.test(rule.judge) : undefined,
  };
}

/** The rule's terms, trimmed, de-duplicated, long ones hashed. */
export function termsOf(rule: BaselineRule, event: OktaLogEvent): string[] {
  const raw = rule.terms(event);
  const list = raw === undefined ? [] : typeof raw === 'string' ? [raw] : raw;
  const terms = new Set<string>();
  for (const item of list) {
    if (typeof item !== 'string') continue;
    const term = item.trim();
    if (!term) continue;
    terms.add(term.length > MAX_TERM_LENGTH ? `sha256:${createHash('sha256').update(term).digest('hex')}` : term);
  }
  return [...terms];
}

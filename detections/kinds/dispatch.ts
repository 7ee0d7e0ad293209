/**
 * What each rule kind does at each step of an evaluation (engine.ts): its forward scan, the scan that fills the memo
 * ahead, its state keys, and its candidates over a list of entries.
 */
import type { TimelineEntry } from '../timeline.js';
import type { MatchCandidate } from '../match.js';
import type { Rule } from '../types.js';
import { anomalyScan, anomalyStateKeys, anomalyWarmer } from './anomaly.js';
import { baselineScan, baselineStateKeys, baselineWarmer } from './baseline.js';
import { scanAll, type EntryMemo, type KeyContext, type KindContext, type KindScan } from './context.js';
import { geoScan, geoStateKeys, geoWarmer } from './geo.js';
import { evaluateSequence, sequenceStateKeys, sequenceWarmer } from './sequence.js';
import { singleScan } from './single.js';
import type { StateKeyList } from './state.js';
import { thresholdScan } from './threshold.js';

/** The forward scan of a rule whose kind reads its events in one pass and no state (single, threshold), if any. */
export function statelessScan(rule: Rule): KindScan | undefined {
  if (rule.kind === 'single') return singleScan(rule);
  if (rule.kind === 'threshold') return thresholdScan(rule);
  return undefined;
}

/** The forward scan of a rule whose kind reads its events in one pass; undefined for sequences (which do not). */
export function scanFor(rule: Rule, ctx: KindContext): KindScan | undefined {
  switch (rule.kind) {
    case 'single':
    case 'threshold':
      return statelessScan(rule);
    case 'baseline':
      return baselineScan(rule, ctx);
    case 'geo':
      return geoScan(rule, ctx);
    case 'anomaly':
      return anomalyScan(rule, ctx);
    case 'sequence':
      return undefined;
    default:
      return unknownKind(rule);
  }
}

/** The memo-filling scan of a rule whose state keys and evaluation ask rule functions of each entry, if any. */
export function warmerFor(rule: Rule, memo: EntryMemo): KindScan | undefined {
  switch (rule.kind) {
    case 'sequence':
      return sequenceWarmer(rule, memo);
    case 'baseline':
      return baselineWarmer(rule, memo);
    case 'geo':
      return geoWarmer(rule, memo);
    case 'anomaly':
      return anomalyWarmer(rule, memo);
    default:
      return undefined;
  }
}

/** Adds the state rows a rule may read for these entries to `keys` (kinds without state add none). */
export function listKindStateKeys(rule: Rule, entries: readonly TimelineEntry[], ctx: KeyContext, keys: StateKeyList): void {
  switch (rule.kind) {
    case 'single':
    case 'threshold':
      return;
    case 'sequence':
      return sequenceStateKeys(rule, entries, ctx, keys);
    case 'baseline':
      return baselineStateKeys(rule, entries, keys, ctx.memo);
    case 'geo':
      return geoStateKeys(rule, entries, keys, ctx.memo);
    case 'anomaly':
      return anomalyStateKeys(rule, entries, keys, ctx.memo);
    default:
      unknownKind(rule);
  }
}

/** A rule's candidates over a list of its entries: sequences evaluate it whole, the other kinds scan it. */
export function candidatesFor(rule: Rule, entries: readonly TimelineEntry[], ctx: KindContext): MatchCandidate[] {
  if (rule.kind === 'sequence') return evaluateSequence(rule, entries, ctx);
  // Every kind but the sequence has a scan (scanFor throws on an unknown kind).
  return scanAll(scanFor(rule, ctx)!, entries);
}

function unknownKind(rule: never): never {
  throw new Error(`Unsupported rule kind: ${(rule as { kind?: unknown }).kind}`);
}

